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

  it('gives back exactly what was appended past one chunk (64 KiB), narrow and wide, in slices across chunks', () => {
    for (const wide of [false, true]) {
      const store = new TextStore();
      const pieces: string[] = [];
      for (let i = 0; i < 12_000; i++) pieces.push(`${i}: ${wide && i === 5000 ? '→' : 'x'.repeat(i % 37)}\r\n`);
      for (const piece of pieces) store.append(piece);
      const text = pieces.join('');
      expect(store.length).toBe(text.length);
      expect(store.slice()).toBe(text);
      for (const [from, to] of [[0, 65_536], [65_530, 65_545], [100_000, 300_000], [131_070, text.length]]) expect(store.slice(from, to)).toBe(text.slice(from, to));
    }
  });

  it('gives another store the memory it cleared, and only what that store appends shows', () => {
    const first = new TextStore();
    for (let i = 0; i < 200; i++) first.append(`old line ${i}\r\n`);
    first.clear();
    const second = new TextStore();
    const third = new TextStore();
    for (let i = 0; i < 100; i++) {
      second.append(`new ${i};`);
      third.append(`third ${i};`);
    }
    expect(second.slice()).toBe(Array.from({ length: 100 }, (_, i) => `new ${i};`).join(''));
    expect(third.slice()).toBe(Array.from({ length: 100 }, (_, i) => `third ${i};`).join(''));
    expect(first.slice()).toBe('');
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
