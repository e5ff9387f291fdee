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

  it('appends Latin-1 bytes as the characters they are, narrow and wide, through its growth', () => {
    for (const wide of [false, true]) {
      const store = new TextStore();
      let text = '';
      for (let i = 0; i < 3000; i++) {
        const piece = `${i}: ${'\xe9x'.repeat(i % 41)}\r\n`;
        const bytes = Buffer.from(`<<${piece}>>`, 'latin1');
        if (i % 3 === 0) store.append(piece);
        else store.appendBytes(bytes, 2, bytes.length - 2);
        text += piece;
        if (wide && i === 1000) {
          store.append('→');
          text += '→';
        }
      }
      store.appendBytes(new Uint8Array(4), 2, 2);
      expect(store.length).toBe(text.length);
      expect(store.slice()).toBe(text);
      expect(store.slice(65_530, 70_000)).toBe(text.slice(65_530, 70_000));
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

  it('are the same whether or not listeners hear each line (made as bytes, or as strings for them)', async () => {
    const app = defineSketch(
      ({ Log, Logger, SerialLogHandler, LOG_LEVEL_INFO }) => {
        new SerialLogHandler(LOG_LEVEL_INFO);
        const ota = new Logger('app.ota');
        return {
          setup() {
            Log.info('Received %d of %d bytes. Chunk addr=%x', 128, 5012, 0x289080);
            Log.trace('not printed: %s', 'é');
            ota.warn('%s', 'x'.repeat(200));
            Log.error('arrow → %d', 1);
          },
        };
      },
      { name: 'log lines', systemMode: 'MANUAL' },
    );
    const quiet = new VirtualBoron({ app, trace: 'off' }).powerOn();
    await quiet.runFor(1000);
    const heard = new VirtualBoron({ app, trace: 'off' });
    const said: string[] = [];
    heard.on('log', (e) => said.push(`log ${e.level} ${e.message}|${e.line}`));
    heard.on('serial', (e) => said.push(`serial ${e.text}`));
    heard.powerOn();
    await heard.runFor(1000);
    expect(heard.serial.output).toBe(quiet.serial.output);
    expect(heard.logs).toEqual(quiet.logs);
    expect(said).toEqual([
      ...quiet.logs.flatMap((r) => [`log ${r.level} ${r.message}|${r.line}`, ...(r.level === 'TRACE' ? [] : [`serial ${r.line}\r\n`])]),
    ]);
    expect(quiet.logs.map((r) => r.line)).toEqual([
      '0000000230 [app] INFO: Received 128 of 5012 bytes. Chunk addr=289080',
      '0000000230 [app] TRACE: not printed: é',
      `0000000230 [app.ota] WARN: ${'x'.repeat(158)}~`,
      '0000000232 [app] ERROR: arrow → 1',
    ]);
  });
});
