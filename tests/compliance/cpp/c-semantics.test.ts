/**
 * C semantics that a port to TypeScript would hide, with what the Boron does: newlib's `atoi`
 * saturating, unsigned wrap-around, the usual arithmetic conversions, arm-none-eabi's unsigned
 * `char` and short enums, and the ILP32 widths of a Cortex-M4.
 */
import { firmwareRoute, recordedLink, type Sketch } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT, run } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

let cpp: Record<'contentLength' | 'arithmetic' | 'widths', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    contentLength: `
SYSTEM_MODE(MANUAL);
TCPClient client;
void setup() {
  client.connect("fw.example", 80);
  client.print("GET /app.bin HTTP/1.0\\r\\nHost: fw.example\\r\\n\\r\\n");
  client.setTimeout(5000);
  for (;;) {
    String line = client.readStringUntil('\\n');
    line.trim();
    if (line.length() == 0) break;
    if (line.startsWith("Content-Length: ")) {
      const char* digits = line.c_str() + 16;
      int length = atoi(digits);
      long wide = atol(digits);
      Serial.printlnf("%s -> atoi %d, atol %ld, negative? %s", digits, length, wide, length < 0 ? "yes" : "no");
    }
  }
  Serial.println("DONE");
}
void loop() {}
`,
    arithmetic: `
SYSTEM_MODE(MANUAL);
void setup() {
  uint16_t chunks = 0;
  for (long i = 0; i < 70000; i++) chunks++;
  Serial.printlnf("uint16_t counter after 70000 chunks: %u", chunks);
  uint32_t written = 0xFFFFFF00u;
  written += 0x200;
  Serial.printlnf("uint32_t 0xFFFFFF00 + 0x200 = 0x%lx", (unsigned long)written);
  char buffer[64];
  int n = -1;
  Serial.printlnf("-1 < sizeof(buffer) is %s", n < sizeof(buffer) ? "true" : "false");
  int len = -5;
  size_t room = sizeof(buffer) - len;
  Serial.printlnf("sizeof(buffer) - -5 = %u", (unsigned)room);
  char c = 0xFF;
  Serial.printlnf("char 0xFF is %d, below zero: %s", c, c < 0 ? "yes" : "no");
  int fromRead = -1;
  char ch = fromRead;
  Serial.printlnf("char from read() == -1: %s", ch == -1 ? "yes" : "no");
  signed char s = 0xFF;
  Serial.printlnf("signed char 0xFF is %d", s);
  Serial.printlnf("1u - 2 > 0: %s", 1u - 2 > 0 ? "yes" : "no");
  Serial.println("DONE");
}
void loop() {}
`,
    widths: `
SYSTEM_MODE(MANUAL);
enum Small { A, B, C };
enum Medium { M = 300 };
enum Large { L = 70000 };
enum Negative { NEG = -1, POS = 100 };
struct Header { char tag; long long value; };
struct Packed { uint8_t kind; uint32_t length; } __attribute__((packed));
void setup() {
  Serial.printlnf("enum: small %u medium %u large %u negative %u", sizeof(Small), sizeof(Medium), sizeof(Large), sizeof(Negative));
  Serial.printlnf("Particle enums: LogLevel %u System_Mode_TypeDef %u Store %u", sizeof(LogLevel), sizeof(System_Mode_TypeDef), sizeof(FileTransfer::Store::Enum));
  Serial.printlnf("char %u short %u int %u long %u long long %u", sizeof(char), sizeof(short), sizeof(int), sizeof(long), sizeof(long long));
  Serial.printlnf("pointer %u size_t %u ptrdiff_t %u float %u double %u wchar_t %u bool %u", sizeof(void*), sizeof(size_t), sizeof(ptrdiff_t), sizeof(float), sizeof(double), sizeof(wchar_t), sizeof(bool));
  Serial.printlnf("struct { char; long long; } %u, packed { uint8_t; uint32_t; } %u", sizeof(Header), sizeof(Packed));
  Serial.printlnf("LONG_MAX %ld ULONG_MAX %lu INT_MIN %d", LONG_MAX, ULONG_MAX, INT_MIN);
  Serial.println("DONE");
}
void loop() {}
`,
  });
});

describe('C semantics on the Boron, from C++', () => {
  it('atoi() on an oversized Content-Length saturates at 2147483647 as newlib\'s (int)strtol does, never going negative', async () => {
    const server = [firmwareRoute('http://fw.example/app.bin', new Uint8Array(64), { contentLength: 4294967296 })];
    const { seen } = await run(cpp.contentLength, 'DONE', { server, link: recordedLink({ dnsMs: 10, connectMs: 10, uplinkMs: 10, downlink: [{ atMs: 10, bytes: 100_000 }] }) });
    expect(seen.serial).toBe('4294967296 -> atoi 2147483647, atol 2147483647, negative? no\r\nDONE\r\n');
  });

  it('wraps unsigned counters, converts -1 to unsigned in a comparison with sizeof, and char is unsigned (arm-none-eabi)', async () => {
    const { seen } = await run(cpp.arithmetic, 'DONE');
    expect(seen.serial.split('\r\n').slice(0, -2)).toEqual([
      'uint16_t counter after 70000 chunks: 4464',
      'uint32_t 0xFFFFFF00 + 0x200 = 0x100',
      '-1 < sizeof(buffer) is false',
      'sizeof(buffer) - -5 = 69',
      'char 0xFF is 255, below zero: no',
      'char from read() == -1: no',
      'signed char 0xFF is -1',
      '1u - 2 > 0: yes',
    ]);
  });

  it('sizes enums as small as they fit (-fshort-enums, arm-none-eabi\'s default) and everything else as ILP32 with 8-byte long long alignment', async () => {
    const { seen } = await run(cpp.widths, 'DONE');
    expect(seen.serial.split('\r\n').slice(0, -2)).toEqual([
      'enum: small 1 medium 2 large 4 negative 1',
      'Particle enums: LogLevel 1 System_Mode_TypeDef 1 Store 1',
      'char 1 short 2 int 4 long 4 long long 8',
      'pointer 4 size_t 4 ptrdiff_t 4 float 4 double 8 wchar_t 4 bool 1',
      'struct { char; long long; } 16, packed { uint8_t; uint32_t; } 5',
      'LONG_MAX 2147483647 ULONG_MAX 4294967295 INT_MIN -2147483648',
    ]);
  });
});
