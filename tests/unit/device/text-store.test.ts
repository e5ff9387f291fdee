import { TextStore } from '../../../src/device/text-store';
import { defineSketch, VirtualBoron } from '../../../src/index';

describe('TextStore', () => {
  it('gives back exactly what was appended, in any slice, through its growth', () => {
    const store = new TextStore();
    let text = '';
    for (let i = 0; i < 500; i++) {
      const piece = `${i}: \x00\x7f\x80\xff line\r\n`;
      store.append(piece);
      text += piece;
    }
    expect(store.length).toBe(text.length);
    expect(store.slice()).toBe(text);
    expect(store.slice(17, 4000)).toBe(text.slice(17, 4000));
    expect(store.slice(text.length - 3)).toBe(text.slice(-3));
    expect(store.slice(text.length + 5)).toBe('');
  });

  it('keeps characters beyond Latin-1 exactly, lone surrogates too, once one comes', () => {
    const store = new TextStore();
    store.append('é and \xff, ');
    store.append('then → and 😀 and a lone \ud800 and \udc00.');
    store.append(' Latin-1 again: \x80');
    expect(store.slice()).toBe('é and \xff, then → and 😀 and a lone \ud800 and \udc00. Latin-1 again: \x80');
    expect(store.slice(9, 15)).toBe('then →');
  });

  it('starts afresh when cleared', () => {
    const store = new TextStore();
    store.append('→ wide');
    store.clear();
    store.append('narrow');
    expect([store.length, store.slice()]).toEqual([6, 'narrow']);
  });
});

describe('the serial output and logs of a device', () => {
  it('keep what a sketch printed and logged, whatever its characters', async () => {
    const app = defineSketch(
      ({ Serial, Log, SerialLogHandler, LOG_LEVEL_INFO }) => {
        new SerialLogHandler(LOG_LEVEL_INFO);
        return {
          setup() {
            Serial.println('plain');
            Log.info('arrow → %d', 1);
            Log.trace('not printed: %s', 'é');
          },
        };
      },
      { name: 'wide text', systemMode: 'MANUAL' },
    );
    const device = new VirtualBoron({ app }).powerOn();
    await device.runFor(1000);
    expect(device.serial.output).toBe('plain\r\n0000000230 [app] INFO: arrow → 1\r\n');
    expect(device.logs).toEqual([
      { millis: 230, category: 'app', level: 'INFO', message: 'arrow → 1', line: '0000000230 [app] INFO: arrow → 1' },
      { millis: 230, category: 'app', level: 'TRACE', message: 'not printed: é', line: '0000000230 [app] TRACE: not printed: é' },
    ]);
  });
});
