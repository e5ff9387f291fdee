/**
 * A C++ app that crashes: the boot ends as a crash (`device.state` is 'crashed'), the run rejects
 * with a SKETCH_CRASH EmulatorError whose message says what happened in words and names the C++
 * function, and RESET boots the device again. The app's stack is `APPLICATION_STACK_SIZE`, 6144
 * bytes (`hal/src/nRF52840/core_hal.c:1137` at v1.4.4).
 */
import { VirtualBoron, type EmulatorError, type Sketch } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT, rejection } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

type Name = 'outOfBounds' | 'abort' | 'trap' | 'recursion' | 'bigLocal' | 'exit' | 'assert' | 'divide' | 'constructor' | 'inlinedConstructor' | 'handler' | 'blockingHandler';
let cpp: Record<Name, Sketch>;

/** Every crash sketch prints this first, and after a reset (reason 20) prints `again`. */
const PREAMBLE = `
SYSTEM_MODE(MANUAL);
bool again() {
  if (System.resetReason() != RESET_REASON_PIN_RESET) return false;
  Serial.println("again");
  return true;
}
`;

beforeAll(async () => {
  cpp = await compileAll({
    outOfBounds: `${PREAMBLE}
void __attribute__((noinline)) storeAt(volatile uint8_t* base, uint32_t offset) { base[offset] = 1; }
void setup() { if (!again()) storeAt((volatile uint8_t*)0x1000, 0x7FFFFFFF); }
`,
    abort: `${PREAMBLE}
void __attribute__((noinline)) giveUp() { abort(); }
void setup() { if (!again()) giveUp(); }
`,
    trap: `${PREAMBLE}
void __attribute__((noinline)) check(int n) { if (n > 3) __builtin_trap(); }
void loop() { static int n = 0; if (!again()) check(++n); }
`,
    recursion: `${PREAMBLE}
int __attribute__((noinline)) depth(int n) { volatile char frame[64]; frame[0] = (char)n; return depth(n + 1) + frame[0]; }
void setup() { if (!again()) Serial.println(depth(0)); }
`,
    bigLocal: `${PREAMBLE}
void __attribute__((noinline)) fill(volatile char* buffer, int size) { for (int i = 0; i < size; i++) buffer[i] = (char)i; }
void __attribute__((noinline)) download() { volatile char buffer[8192]; fill(buffer, sizeof(buffer)); }
void setup() { if (!again()) download(); }
`,
    exit: `${PREAMBLE}
void __attribute__((noinline)) quit() { exit(3); }
void setup() { if (!again()) quit(); }
`,
    assert: `${PREAMBLE}
#include <assert.h>
void __attribute__((noinline)) checkLength(int length) { assert(length > 0); }
void setup() { if (!again()) checkLength(0); }
`,
    divide: `${PREAMBLE}
int __attribute__((noinline)) rate(int bytes, int seconds) { return bytes / seconds; }
void setup() { if (!again()) Serial.println(rate(4096, 0)); }
`,
    constructor: `${PREAMBLE}
struct Config {
  __attribute__((noinline)) Config() { if (System.resetReason() != RESET_REASON_PIN_RESET) abort(); }
};
Config config;
void setup() { again(); }
`,
    inlinedConstructor: `${PREAMBLE}
struct Config {
  Config() { if (System.resetReason() != RESET_REASON_PIN_RESET) abort(); }
};
Config config;
void setup() { again(); }
`,
    blockingHandler: `${PREAMBLE}
void onUpdate(system_event_t event, int param) { delay(10); }
void setup() {
  System.on(firmware_update, onUpdate);
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.chunk_address = 0;
  file.chunk_size = 512;
  file.file_length = 4096;
  Spark_Prepare_For_Firmware_Update(file, 0, NULL);
}
`,
    handler: `${PREAMBLE}
void __attribute__((noinline)) onReset(system_event_t event, int param) { __builtin_trap(); }
void setup() {
  if (again()) return;
  System.on(reset_pending, onReset);
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.chunk_address = 0;
  file.chunk_size = 512;
  file.file_length = 4096;
  Spark_Prepare_For_Firmware_Update(file, 0, NULL);
  Spark_Finish_Firmware_Update(file, 1, NULL);
}
`,
  });
});

/** Boot `app`, expect its run to fail as a crash, and return the error. */
async function crash(app: Sketch): Promise<{ error: EmulatorError; device: VirtualBoron }> {
  const device = new VirtualBoron({ app }).powerOn();
  const error = await rejection(device.runFor(5000));
  expect(error.code).toBe('SKETCH_CRASH');
  expect(device.state).toBe('crashed');
  return { error, device };
}

describe('a crashing C++ app', () => {
  it('an out-of-bounds write ends the boot as a hard fault naming the function', async () => {
    const { error } = await crash(cpp.outOfBounds);
    expect(error.message).toBe(
      'Failed to run the app: the C++ read or wrote memory outside RAM (an out-of-bounds pointer) in storeAt(unsigned char volatile*, unsigned int), called from setup(); on a Boron this is a hard fault and the device resets. Stack: storeAt(unsigned char volatile*, unsigned int) ← setup().',
    );
  });

  it('abort() is named as such, in the function that called it', async () => {
    const { error } = await crash(cpp.abort);
    expect(error.message).toBe('Failed to run the app: it called abort() in giveUp(), called from setup(); on a Boron this is a hard fault and the device resets. Stack: abort ← giveUp() ← setup().');
  });

  it('__builtin_trap() in loop()\'s fourth turn', async () => {
    const { error, device } = await crash(cpp.trap);
    expect(error.message).toBe(
      'Failed to run the app: the C++ reached __builtin_trap() or code the compiler knows cannot be reached in check(int), called from loop(); on a Boron this is a hard fault and the device resets. Stack: check(int) ← loop().',
    );
    expect(device.millis).toBe(233);
  });

  it('unbounded recursion is a stack overflow past the 6144-byte stack', async () => {
    const { error } = await crash(cpp.recursion);
    expect(error.message).toMatch(
      /^Failed to run the app: stack overflow in depth\(int\), called from setup\(\)\. The stack pointer went \d+ bytes below the bottom of the app's 6144-byte stack \(APPLICATION_STACK_SIZE\); on a Boron this overwrites other memory or hard-faults, and the device resets\. Make large buffers static or global, or recurse less\. Stack: depth\(int\) \(×\d+\)( ← setup\(\))?\.$/,
    );
  });

  it('an 8 KB local buffer is a stack overflow, however shallow the call', async () => {
    const { error } = await crash(cpp.bigLocal);
    expect(error.message).toBe(
      "Failed to run the app: stack overflow in fill(char volatile*, int), called from setup(). The stack pointer went 2048 bytes below the bottom of the app's 6144-byte stack (APPLICATION_STACK_SIZE); on a Boron this overwrites other memory or hard-faults, and the device resets. Make large buffers static or global, or recurse less. Stack: fill(char volatile*, int) ← download() ← setup().",
    );
  });

  it('exit() names the function that called it: a Boron app never exits', async () => {
    const { error } = await crash(cpp.exit);
    expect(error.message).toBe('Failed to run the app: it called exit(3) in quit(), called from setup(). A Boron app never exits: setup() and loop() run until a reset. Stack: __wasi_proc_exit ← _Exit ← exit ← quit() ← setup().');
  });

  it('a failed assert() is an abort in the asserting function', async () => {
    const { error } = await crash(cpp.assert);
    expect(error.message).toBe(
      'Failed to run the app: an assert() failed in checkLength(int), called from setup(), and assert() calls abort(): on a Boron this is a hard fault and the device resets. (Its message went to stderr, which a Boron does not have.) Stack: abort ← __assert_fail ← checkLength(int) ← setup().',
    );
  });

  it('an integer division by zero gives 0 and runs on, as on the Boron, whose Cortex-M4 runs without DIV_0_TRP', async () => {
    const device = new VirtualBoron({ app: cpp.divide, deviceOs: '1.4.4' }).powerOn();
    await device.runUntil('0\r\n', { timeoutMs: 5000 });
    expect(device.state).toBe('running');
    expect(device.serial.output).toBe('0\r\n');
  });

  it('a crash in a global constructor happens before setup() and names the constructor', async () => {
    const { error, device } = await crash(cpp.constructor);
    expect(error.message).toBe(
      'Failed to run the app: it called abort() in Config::Config(), called from a global constructor; on a Boron this is a hard fault and the device resets. Stack: abort ← Config::Config() ← a global constructor in app.ino.',
    );
    expect(device.serial.output).toBe('');
  });

  it('names the file\'s global constructors when the compiler inlined the constructor into them', async () => {
    const { error } = await crash(cpp.inlinedConstructor);
    expect(error.message).toBe('Failed to run the app: it called abort() in a global constructor in app.ino; on a Boron this is a hard fault and the device resets. Stack: abort ← a global constructor in app.ino.');
  });

  it('a crash in a System.on() handler names the handler', async () => {
    const { error } = await crash(cpp.handler);
    expect(error.message).toMatch(/^Failed to run the app: the C\+\+ reached __builtin_trap\(\) or code the compiler knows cannot be reached in onReset\(unsigned long long, int\), called from the System\.on\(reset_pending\) handler;/);
  });

  it('a System.on() handler that blocks (delay()) stops the run: the emulator runs handlers to the end at once (not modelled)', async () => {
    const device = new VirtualBoron({ app: cpp.blockingHandler }).powerOn();
    const error = await rejection(device.runFor(5000));
    expect(error.code).toBe('SKETCH_NESTED_BLOCKING');
    expect(error.message).toBe('Failed to run the app: delay() takes time, and it was called from a System.on() handler, which the emulator runs to the end at once. Do the work in loop() instead.');
    expect(device.state).toBe('crashed');
  });

  it('RESET after a crash boots the app again', async () => {
    const { device } = await crash(cpp.abort);
    device.pressReset();
    await device.runUntil('again');
    expect(device.state).toBe('running');
    expect(device.serial.output).toBe('again\r\n');
  });
});
