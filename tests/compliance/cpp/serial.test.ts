/**
 * `Serial` (USBSerial over Print and Stream) from C++ against its TypeScript twin: the same bytes,
 * at the same virtual time. Number formatting follows `wiring/src/spark_wiring_print.cpp` at v1.4.4
 * (printNumber :192-209, printFloat :211-254, printf_impl :256-280).
 */
import { defineSketch, type Sketch } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT, observe, run } from './harness';
import { VirtualBoron } from '../../../src/index';

jest.setTimeout(COMPILE_TIMEOUT);

const MANUAL = { systemMode: 'MANUAL' as const };

let cpp: Record<'strings' | 'numbers' | 'floats' | 'printf' | 'write' | 'echo' | 'readBack', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    strings: `
SYSTEM_MODE(MANUAL);
void setup() {
  Serial.begin(115200);
  Serial.print("Hello");
  Serial.print(' ');
  Serial.println("world");
  Serial.println('!');
  Serial.println();
  String s("a String");
  Serial.println(s);
  Serial.println(F("flash text"));
  Serial.println("DONE");
}
void loop() {}
`,
    numbers: `
SYSTEM_MODE(MANUAL);
void setup() {
  Serial.println(-12);
  Serial.println(255, HEX);
  Serial.println(255, BIN);
  Serial.println(8, OCT);
  Serial.println((unsigned char)200);
  Serial.println(4000000000UL);
  Serial.println(-1L, HEX);
  Serial.println(-2147483647L - 1);
  Serial.println(65, 0);
  Serial.println(35, 36);
  Serial.println("DONE");
}
void loop() {}
`,
    floats: `
SYSTEM_MODE(MANUAL);
void setup() {
  Serial.println(3.14159);
  Serial.println(3.14159f, 4);
  Serial.println(1.999, 2);
  Serial.println(-2.5, 3);
  Serial.println(42.0, 0);
  Serial.println(1e10);
  Serial.println(-5e9);
  Serial.println(NAN);
  Serial.println(INFINITY);
  Serial.println("DONE");
}
void loop() {}
`,
    printf: `
SYSTEM_MODE(MANUAL);
void setup() {
  size_t n = Serial.printf("%d|%5.2f|%-4d|%x|%X|%s|%c|%u", -7, 3.14159, 42, 255, 48879, "str", 'q', 4000000000u);
  Serial.printlnf(" (%u bytes)", n);
  Serial.printlnf("a long line that is well past the twenty-byte buffer: %08lu", 1234UL);
  Serial.printf("stops at NUL: [%c] never printed\\r\\n", 0);
  Serial.println();
  Serial.println("DONE");
}
void loop() {}
`,
    write: `
SYSTEM_MODE(MANUAL);
void setup() {
  size_t a = Serial.write('Z');
  size_t b = Serial.write((const uint8_t*)"xyz", 2);
  size_t c = Serial.write("hello");
  size_t d = Serial.print("four");
  size_t e = Serial.println(-123);
  Serial.printlnf("|%u %u %u %u %u", a, b, c, d, e);
  Serial.println("DONE");
}
void loop() {}
`,
    echo: `
SYSTEM_MODE(MANUAL);
void setup() { Serial.println("ready"); }
void loop() {
  if (Serial.available() > 0) {
    int peeked = Serial.peek();
    int c = Serial.read();
    Serial.printlnf("got %c (peek %c) at %lu, %d left", c, peeked, millis(), Serial.available());
  }
}
`,
    readBack: `
SYSTEM_MODE(MANUAL);
void setup() {
  Serial.printlnf("empty: available %d read %d peek %d", Serial.available(), Serial.read(), Serial.peek());
  Serial.println("DONE");
}
void loop() {}
`,
  });
});

/** The TypeScript twin of a sketch that only prints in setup(). */
const printing = (name: string, body: (api: Parameters<Parameters<typeof defineSketch>[0]>[0]) => void): Sketch =>
  defineSketch((api) => ({ setup: () => body(api) }), { name, ...MANUAL });

describe('Serial from C++ (USBSerial)', () => {
  it('prints strings, chars, Strings and F() text exactly as the TypeScript twin does, at the same virtual time', async () => {
    const twin = printing('serial strings twin', ({ Serial }) => {
      Serial.begin(115200);
      Serial.print('Hello');
      Serial.print(' ');
      Serial.println('world');
      Serial.println('!');
      Serial.println();
      Serial.println('a String');
      Serial.println('flash text');
      Serial.println('DONE');
    });
    const a = await run(cpp.strings, 'DONE');
    const b = await run(twin, 'DONE');
    expect(a.seen.serial).toBe('Hello world\r\n!\r\n\r\na String\r\nflash text\r\nDONE\r\n');
    expect(a.seen).toEqual(b.seen);
  });

  it('prints integers in bases as printNumber does: upper-case digits, no sign outside base 10, base 0 writes the byte', async () => {
    const { seen } = await run(cpp.numbers, 'DONE');
    expect(seen.serial.split('\r\n')).toEqual(['-12', 'FF', '11111111', '10', '200', '4000000000', 'FFFFFFFF', '-2147483648', 'A', 'Z', 'DONE', '']);
    const twin = printing('serial numbers twin', ({ Serial }) => {
      for (const line of ['-12', 'FF', '11111111', '10', '200', '4000000000', 'FFFFFFFF', '-2147483648', 'A', 'Z', 'DONE']) Serial.println(line);
    });
    expect(seen).toEqual((await run(twin, 'DONE')).seen);
  });

  it('prints doubles as printFloat does: 2 decimals by default, rounded at the last digit, ovf past ±4294967040, nan, inf', async () => {
    const { seen } = await run(cpp.floats, 'DONE');
    expect(seen.serial.split('\r\n')).toEqual(['3.14', '3.1416', '2.00', '-2.500', '42', 'ovf', 'ovf', 'nan', 'inf', 'DONE', '']);
  });

  it('formats printf/printlnf like the TypeScript twin\'s Serial.printf, returning the bytes written', async () => {
    const twin = printing('serial printf twin', ({ Serial }) => {
      const n = Serial.printf('%d|%5.2f|%-4d|%x|%X|%s|%c|%u', -7, 3.14159, 42, 255, 48879, 'str', 'q', 4000000000);
      Serial.printlnf(' (%u bytes)', n);
      Serial.printlnf('a long line that is well past the twenty-byte buffer: %08lu', 1234);
      Serial.printf('stops at NUL: [');
      Serial.println();
      Serial.println('DONE');
    });
    const a = await run(cpp.printf, 'DONE');
    const b = await run(twin, 'DONE');
    expect(a.seen.serial).toBe('-7| 3.14|42  |ff|BEEF|str|q|4000000000 (38 bytes)\r\na long line that is well past the twenty-byte buffer: 00001234\r\nstops at NUL: [\r\nDONE\r\n');
    expect(a.seen).toEqual(b.seen);
  });

  it('returns what write() and print() wrote: 1 for a byte, the count for a buffer or text, 2 more for println', async () => {
    const { seen } = await run(cpp.write, 'DONE');
    expect(seen.serial).toBe('Zxyhellofour-123\r\n|1 2 5 4 6\r\nDONE\r\n');
  });

  it('reads what the test types: available(), peek() then read(), seen the moment it is typed, like the TypeScript twin', async () => {
    const twin = defineSketch(({ Serial, millis }) => ({
      setup: () => void Serial.println('ready'),
      loop: () => {
        if (Serial.available() > 0) {
          const peeked = Serial.peek();
          const c = Serial.read();
          Serial.printlnf('got %c (peek %c) at %lu, %d left', c, peeked, millis(), Serial.available());
        }
      },
    }), { name: 'serial echo twin', ...MANUAL });
    const seen = [];
    for (const app of [cpp.echo, twin]) {
      const device = new VirtualBoron({ app }).powerOn();
      await device.runFor(5000);
      device.serial.type('xy');
      await device.runUntil('got y');
      await device.runFor(100);
      seen.push(observe(device));
    }
    expect(seen[0].serial).toBe('ready\r\ngot x (peek x) at 5000, 1 left\r\ngot y (peek y) at 5001, 0 left\r\n');
    expect(seen[0]).toEqual(seen[1]);
  });

  it('answers 0 from available() and -1 from read() and peek() when nothing was typed', async () => {
    const { seen } = await run(cpp.readBack, 'DONE');
    expect(seen.serial).toBe('empty: available 0 read -1 peek -1\r\nDONE\r\n');
  });
});
