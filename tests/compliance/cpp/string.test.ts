/**
 * Particle's `String` from C++, as `wiring/src/spark_wiring_string.cpp` at v1.4.4 behaves (the
 * TypeScript API has no String: a sketch uses JavaScript's). Numbers convert through wiring's own
 * itoa/ltoa/utoa/ultoa (`wiring/src/string_convert.cpp`) and `dtoa` (:39-61), not printf.
 */
import type { Sketch } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT, run } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

/** Each SHOW(expr) prints `expr = <value>`, the value concatenated onto a String as the device does it. */
const SHOW = '#define SHOW(expr) Serial.println(String(#expr " = ") + (expr))';

let cpp: Record<'building' | 'searching' | 'numbers' | 'comparing' | 'editing', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    building: `
SYSTEM_MODE(MANUAL);
${SHOW}
void setup() {
  String s = "Hello";
  s += ", ";
  s += String("world");
  s += '!';
  s += 42;
  s += -7L;
  s += 3000000000UL;
  s.concat(" c");
  s.concat(2.5);
  SHOW(s);
  SHOW(s.length());
  SHOW(strlen(s.c_str()));
  SHOW(String("x") + 1.5f);
  SHOW(String("n=") + 10 + ',' + 2.25 + ',' + 7u);
  String copy(s);
  copy.remove(5);
  SHOW(copy);
  SHOW(String(IPAddress(192, 168, 1, 2)));
  SHOW(String::format("%d-%s-%05.1f", 5, "x", 2.25));
  String empty;
  SHOW(empty.length());
  SHOW(empty.reserve(100));
  SHOW(empty.length());
  Serial.println("DONE");
}
void loop() {}
`,
    searching: `
SYSTEM_MODE(MANUAL);
${SHOW}
void setup() {
  String h("hello world");
  SHOW(h.indexOf('o'));
  SHOW(h.indexOf('o', 5));
  SHOW(h.indexOf("world"));
  SHOW(h.indexOf("xyz"));
  SHOW(h.indexOf('h', 20));
  SHOW(h.lastIndexOf('o'));
  SHOW(h.lastIndexOf('o', 5));
  SHOW(h.lastIndexOf("l"));
  SHOW(h.lastIndexOf("o", 5));
  SHOW(h.substring(6));
  SHOW(h.substring(0, 5));
  SHOW(h.substring(5, 0));
  SHOW(h.substring(11).length());
  SHOW(h.substring(3, 100));
  SHOW(h.charAt(1));
  SHOW(h[4L]);
  SHOW((int)h[20]);
  SHOW(String("42abc").toInt());
  SHOW(String("  -17").toInt());
  SHOW(String("99999999999").toInt());
  SHOW(String("abc").toInt());
  SHOW(String("3.75").toFloat());
  Serial.println("DONE");
}
void loop() {}
`,
    numbers: `
SYSTEM_MODE(MANUAL);
${SHOW}
void setup() {
  SHOW(String(255, HEX));
  SHOW(String(255L, HEX));
  SHOW(String(255u, BIN));
  SHOW(String((unsigned char)200, BIN));
  SHOW(String(-255));
  SHOW(String(-255, HEX));
  SHOW(String(-255L, HEX));
  SHOW(String(3000000000UL));
  SHOW(String('c'));
  SHOW(String(3.14159f));
  SHOW(String(3.14159, 2));
  SHOW(String(2.5, 0));
  SHOW(String(-0.125, 2));
  SHOW(String(5e9, 1));
  Serial.println("DONE");
}
void loop() {}
`,
    comparing: `
SYSTEM_MODE(MANUAL);
${SHOW}
void setup() {
  String h("hello world");
  SHOW(h == "hello world");
  SHOW(h != String("hello"));
  SHOW(h.equals("hello world"));
  SHOW(h.equalsIgnoreCase("HELLO World"));
  SHOW(h.startsWith("hello"));
  SHOW(h.startsWith("world", 6));
  SHOW(h.endsWith("world"));
  SHOW(h < String("help"));
  SHOW(h.compareTo("hello") > 0);
  String invalid((const char*)NULL);
  SHOW(h.c_str() != NULL);
  SHOW(invalid.c_str() == NULL);
  SHOW(invalid.length());
  Serial.println("DONE");
}
void loop() {}
`,
    editing: `
SYSTEM_MODE(MANUAL);
${SHOW}
void setup() {
  String h("hello world");
  h.setCharAt(0, 'H');
  SHOW(h);
  h[20] = 'x';
  SHOW(h);
  SHOW(h.replace('l', 'L'));
  SHOW(h.replace("LL", "l"));
  SHOW(h.replace("o", "0000"));
  SHOW(h.remove(3, 4));
  SHOW(h.remove(5));
  SHOW(h.toUpperCase());
  SHOW(h.toLowerCase());
  String padded("  padded \\t\\r\\n");
  SHOW(padded.trim());
  char buffer[4];
  padded.toCharArray(buffer, sizeof(buffer));
  SHOW(buffer);
  padded.getBytes((unsigned char*)buffer, sizeof(buffer), 4);
  SHOW(buffer);
  Serial.println("DONE");
}
void loop() {}
`,
  });
});

const lines = async (sketch: Sketch) => (await run(sketch, 'DONE')).seen.serial.split('\r\n').slice(0, -2);

describe('String from C++ (wiring/src/spark_wiring_string.cpp at v1.4.4)', () => {
  it('builds with +=, concat() and +: numbers in base 10, floats and doubles with 6 decimals (concat(float), :371-383)', async () => {
    expect(await lines(cpp.building)).toEqual([
      's = Hello, world!42-73000000000 c2.500000',
      's.length() = 37',
      'strlen(s.c_str()) = 37',
      'String("x") + 1.5f = x1.500000',
      "String(\"n=\") + 10 + ',' + 2.25 + ',' + 7u = n=10,2.250000,7",
      'copy = Hello',
      'String(IPAddress(192, 168, 1, 2)) = 192.168.1.2',
      'String::format("%d-%s-%05.1f", 5, "x", 2.25) = 5-x-002.2',
      'empty.length() = 0',
      'empty.reserve(100) = 1',
      'empty.length() = 0',
    ]);
  });

  it('searches and converts: indexOf/lastIndexOf -1 when absent, substring swaps reversed bounds, toInt() is atol (saturating); String + long and [long] compile as for the device', async () => {
    expect(await lines(cpp.searching)).toEqual([
      "h.indexOf('o') = 4",
      "h.indexOf('o', 5) = 7",
      'h.indexOf("world") = 6',
      'h.indexOf("xyz") = -1',
      "h.indexOf('h', 20) = -1",
      "h.lastIndexOf('o') = 7",
      "h.lastIndexOf('o', 5) = 4",
      'h.lastIndexOf("l") = 9',
      'h.lastIndexOf("o", 5) = 4',
      'h.substring(6) = world',
      'h.substring(0, 5) = hello',
      'h.substring(5, 0) = hello',
      'h.substring(11).length() = 0',
      'h.substring(3, 100) = lo world',
      'h.charAt(1) = e',
      'h[4L] = o',
      '(int)h[20] = 0',
      'String("42abc").toInt() = 42',
      'String("  -17").toInt() = -17',
      'String("99999999999").toInt() = 2147483647',
      'String("abc").toInt() = 0',
      'String("3.75").toFloat() = 3.750000',
    ]);
  });

  it('converts numbers as wiring does: itoa/utoa lower-case with a sign in any base, ltoa upper-case, dtoa rounding half up', async () => {
    expect(await lines(cpp.numbers)).toEqual([
      'String(255, HEX) = ff',
      'String(255L, HEX) = FF',
      'String(255u, BIN) = 11111111',
      'String((unsigned char)200, BIN) = 11001000',
      'String(-255) = -255',
      'String(-255, HEX) = -ff',
      // ltoa divides the negative value itself outside base 10: remainders of -15 print as '!' (string_convert.cpp:30-64).
      'String(-255L, HEX) = !!',
      'String(3000000000UL) = 3000000000',
      "String('c') = c",
      'String(3.14159f) = 3.141590',
      'String(3.14159, 2) = 3.14',
      'String(2.5, 0) = 3',
      'String(-0.125, 2) = -0.13',
      // The whole part passes through an unsigned long: 5e9 wraps to 5e9 - 2^32.
      'String(5e9, 1) = 705032704.0',
    ]);
  });

  it('compares: ==, !=, equals, equalsIgnoreCase, startsWith, endsWith, <, compareTo; a String from NULL is invalid (no buffer)', async () => {
    expect(await lines(cpp.comparing)).toEqual([
      'h == "hello world" = 1',
      'h != String("hello") = 1',
      'h.equals("hello world") = 1',
      'h.equalsIgnoreCase("HELLO World") = 1',
      'h.startsWith("hello") = 1',
      'h.startsWith("world", 6) = 1',
      'h.endsWith("world") = 1',
      'h < String("help") = 1',
      'h.compareTo("hello") > 0 = 1',
      'h.c_str() != NULL = 1',
      'invalid.c_str() == NULL = 1',
      'invalid.length() = 0',
    ]);
  });

  it('edits in place: setCharAt, [] past the end writes nowhere, replace, remove, case, trim, toCharArray/getBytes cut to the buffer', async () => {
    expect(await lines(cpp.editing)).toEqual([
      'h = Hello world',
      'h = Hello world',
      "h.replace('l', 'L') = HeLLo worLd",
      'h.replace("LL", "l") = Helo worLd',
      'h.replace("o", "0000") = Hel0000 w0000rLd',
      'h.remove(3, 4) = Hel w0000rLd',
      'h.remove(5) = Hel w',
      'h.toUpperCase() = HEL W',
      'h.toLowerCase() = hel w',
      'padded.trim() = padded',
      'buffer = pad',
      'buffer = ed',
    ]);
  });
});
