/**
 * `FileTransfer::Descriptor` from C++ (`communication/inc/file_transfer.h` at v1.4.4): the packed
 * 20-byte struct whose constructor sets only `size`. A local's other fields hold the stack's
 * garbage (the device's `stack` option) and reading one unwritten is reported exactly as for the
 * TypeScript twin; a global is zero-initialised storage, so nothing in it is garbage.
 */
import { defineSketch, type Sketch, type StackOption } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT, run } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

const MANUAL = { systemMode: 'MANUAL' as const };

let cpp: Record<'garbage' | 'uninitialised' | 'sameValue' | 'widths' | 'global', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    garbage: `
SYSTEM_MODE(MANUAL);
void show() {
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.chunk_size = 0;
  file.file_length = 0;
  file.file_address = 0;
  Serial.printlnf("size %u chunk_address %08lx", (unsigned)file.size, (unsigned long)file.chunk_address);
}
void setup() {
  show();
  show();
  Serial.println("DONE");
}
void loop() {}
`,
    uninitialised: `
SYSTEM_MODE(MANUAL);
void setup() {
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.file_length = 4096;
  unsigned size = file.chunk_size;
  Serial.printlnf("chunk_size %u", size);
  Spark_Prepare_For_Firmware_Update(file, 1, NULL);
  Serial.println("DONE");
}
void loop() {}
`,
    sameValue: `
SYSTEM_MODE(MANUAL);
void setup() {
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.chunk_address = 0;
  file.chunk_size = 512;
  file.file_length = 4096;
  Serial.printlnf("prepare %d file_address %lx", Spark_Prepare_For_Firmware_Update(file, 1, NULL), (unsigned long)file.file_address);
  Serial.println("DONE");
}
void loop() {}
`,
    widths: `
SYSTEM_MODE(MANUAL);
void setup() {
  FileTransfer::Descriptor file;
  file.chunk_size = 70000;
  file.chunk_address = 0xFFFFFFFF;
  file.chunk_address += 2;
  file.store = FileTransfer::Store::APPLICATION;
  file.file_length = 100;
  file.file_length -= 101;
  Serial.printlnf("chunk_size %u chunk_address %lu store %u file_length %lu", (unsigned)file.chunk_size, (unsigned long)file.chunk_address, (unsigned)file.store, (unsigned long)file.file_length);
  Serial.printlnf("sizeof %u %u %u %u %u", sizeof(file), sizeof(FileTransfer::Chunk), sizeof(file.chunk_size), sizeof(file.store), sizeof(file.file_address));
  Serial.printlnf("chunk_count(512) %u", file.chunk_count(512));
  FileTransfer::Descriptor copy = file;
  Serial.printlnf("copy chunk_size %u", (unsigned)copy.chunk_size);
  Serial.println("DONE");
}
void loop() {}
`,
    global: `
SYSTEM_MODE(MANUAL);
FileTransfer::Descriptor file;
void setup() {
  static FileTransfer::Descriptor local;
  Serial.printlnf("global size %u chunk_address %lu chunk_size %u file_length %lu store %u", (unsigned)file.size, (unsigned long)file.chunk_address, (unsigned)file.chunk_size, (unsigned long)file.file_length, (unsigned)file.store);
  Serial.printlnf("static local chunk_address %lu", (unsigned long)local.chunk_address);
  Serial.printlnf("prepare %d file_address %lx", Spark_Prepare_For_Firmware_Update(file, 1, NULL), (unsigned long)file.file_address);
  Serial.println("DONE");
}
void loop() {}
`,
  });
});

/** The TypeScript twin of the `garbage` sketch. */
const garbageTwin = defineSketch(({ Serial, FileTransfer }) => {
  const show = () => {
    const file = new FileTransfer.Descriptor();
    file.store = FileTransfer.Store.FIRMWARE;
    file.chunk_size = 0;
    file.file_length = 0;
    file.file_address = 0;
    Serial.printlnf('size %u chunk_address %08lx', file.size, file.chunk_address);
  };
  return {
    setup() {
      show();
      show();
      Serial.println('DONE');
    },
  };
}, { name: 'descriptor garbage twin', ...MANUAL });

describe('FileTransfer::Descriptor from C++', () => {
  it.each<[string, StackOption, RegExp]>([
    ['explicit values', { values: { chunk_address: 0x200176a8 } }, /^size 20 chunk_address 200176a8\r\nsize 20 chunk_address 200176a8\r\n/],
    ['zero', 'zero', /^size 20 chunk_address 00000000\r\nsize 20 chunk_address 00000000\r\n/],
    ['garbage', 'garbage', /^size 20 chunk_address [0-9a-f]{8}\r\nsize 20 chunk_address [0-9a-f]{8}\r\n/],
  ])('holds the stack\'s garbage in every field but size (stack: %s), as the TypeScript twin\'s does', async (_name, stack, output) => {
    const a = await run(cpp.garbage, 'DONE', { stack, seed: 7 });
    const b = await run(garbageTwin, 'DONE', { stack, seed: 7 });
    expect(a.seen.serial).toMatch(output);
    expect(a.seen.diagnostics.map((d) => d.code)).toEqual(['uninitialised-read', 'uninitialised-read']);
    expect(a.seen).toEqual(b.seen);
  });

  it('reports the first read of a field nobody wrote, by the sketch and by Prepare, in the TypeScript twin\'s words', async () => {
    const stack: StackOption = { values: { chunk_size: 0x1234, chunk_address: 0x20001000 } };
    const twin = defineSketch((api) => ({
      async setup() {
        const file = new api.FileTransfer.Descriptor();
        file.store = api.FileTransfer.Store.FIRMWARE;
        file.file_length = 4096;
        api.Serial.printlnf('chunk_size %u', file.chunk_size);
        await api.Spark_Prepare_For_Firmware_Update(file, 1, null);
        api.Serial.println('DONE');
      },
    }), { name: 'descriptor uninitialised twin', ...MANUAL });
    const a = await run(cpp.uninitialised, 'DONE', { stack });
    const b = await run(twin, 'DONE', { stack });
    expect(a.seen.serial).toBe('chunk_size 4660\r\nDONE\r\n');
    expect(a.seen.diagnostics.map((d) => d.message)).toEqual([
      "Failed to initialise file.chunk_size before your sketch read it: it held 0x1234, left on the stack (FileTransfer::Descriptor's constructor sets only size). Assign it before the call.",
      "Failed to initialise file.chunk_address before Spark_Prepare_For_Firmware_Update read it: it held 0x20001000, left on the stack (FileTransfer::Descriptor's constructor sets only size). Assign it before the call.",
    ]);
    expect(a.seen).toEqual(b.seen);
  });

  it('counts a field as written when the value stored equals the garbage it replaced (stack: zero, chunk_address = 0)', async () => {
    const twin = defineSketch((api) => ({
      async setup() {
        const file = new api.FileTransfer.Descriptor();
        file.store = api.FileTransfer.Store.FIRMWARE;
        file.chunk_address = 0;
        file.chunk_size = 512;
        file.file_length = 4096;
        api.Serial.printlnf('prepare %d file_address %lx', await api.Spark_Prepare_For_Firmware_Update(file, 1, null), file.file_address);
        api.Serial.println('DONE');
      },
    }), { name: 'descriptor same value twin', ...MANUAL });
    const a = await run(cpp.sameValue, 'DONE', { stack: 'zero' });
    const b = await run(twin, 'DONE', { stack: 'zero' });
    expect(a.seen.serial).toBe('prepare 0 file_address 289000\r\nDONE\r\n');
    expect(a.seen.diagnostics).toEqual([]);
    expect(a.seen).toEqual(b.seen);
  });

  it('truncates each field to its width (uint16 chunk_size, uint8 store, uint32 addresses, chunk_count() in 32 bits) and is 20 packed bytes', async () => {
    const { seen } = await run(cpp.widths, 'DONE');
    expect(seen.serial).toBe(
      'chunk_size 4464 chunk_address 1 store 128 file_length 4294967295\r\nsizeof 20 12 2 1 4\r\nchunk_count(512) 0\r\ncopy chunk_size 4464\r\nDONE\r\n',
    );
  });

  it('starts a global or static descriptor zeroed but for size = 20: nothing to report, and Prepare uses chunk_address 0', async () => {
    const { seen } = await run(cpp.global, 'DONE');
    expect(seen.serial).toBe('global size 20 chunk_address 0 chunk_size 0 file_length 0 store 0\r\nstatic local chunk_address 0\r\nprepare 0 file_address 289000\r\nDONE\r\n');
    expect(seen.diagnostics).toEqual([]);
  });
});
