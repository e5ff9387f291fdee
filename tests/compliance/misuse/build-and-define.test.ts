/**
 * Misuse: `buildModule` and `defineSketch` given what they do not take. `buildModule({ deviceOs:
 * '5.0.0' })` used to crash with a TypeError; an image too big for its region used to build and be
 * refused only by the device, far from the cause.
 */
import { buildModule, defineSketch, ModuleFunction, parseModule, type BuildModuleOptions, type SketchOptions } from '../../../src/index';
import { thrown } from '../../thrown';

const PROFILES = '1.2.1, 1.4.4, 1.5.2, 2.0.1, 3.3.1, 4.1.0, 6.2.0';
const sketch = defineSketch(() => ({}), { name: 'build misuse' });

describe('buildModule', () => {
  it.each(['5.0.0', 'constructor', 'valueOf'])('refuses deviceOs "%s", listing the profiles', (deviceOs) => {
    const error = thrown(() => buildModule({ sketch, deviceOs } as unknown as BuildModuleOptions));
    expect(error.code).toBe('UNKNOWN_PROFILE');
    expect(error.message).toBe(`Failed to build the module: Device OS "${deviceOs}" has no profile. Use one of ${PROFILES}.`);
  });

  it('refuses a user part bigger than the 128K region of 1.x, with both sizes', () => {
    const error = thrown(() => buildModule({ sketch, size: 200_000 }));
    expect(error.code).toBe('MODULE_TOO_BIG');
    expect(error.message).toBe(
      'Failed to build the module: a user part of 200,000 bytes does not fit the user-part region of Device OS 1.4.4, which holds 131,072 bytes (0xD4000 to 0xF4000). Pass a size of at most 131,072, build it for Device OS 3.1 or later (a 256K user part), or allowOversize: true to build it anyway and see Device OS refuse it.',
    );
  });

  it('refuses a user part bigger than the 256K region of 3.1+', () => {
    expect(thrown(() => buildModule({ sketch, size: 300_000, deviceOs: '6.2.0' })).message).toBe(
      'Failed to build the module: a user part of 300,000 bytes does not fit the user-part region of Device OS 6.2.0, which holds 262,144 bytes (0xB4000 to 0xF4000). Pass a size of at most 262,144, or allowOversize: true to build it anyway and see Device OS refuse it.',
    );
  });

  it('refuses a system part bigger than its region', () => {
    expect(thrown(() => buildModule({ function: ModuleFunction.SYSTEM_PART, size: 700_000 })).message).toBe(
      'Failed to build the module: a system part of 700,000 bytes does not fit the system-part1 region of Device OS 1.4.4, which holds 671,744 bytes (0x30000 to 0xD4000). Pass a size of at most 671,744, or allowOversize: true to build it anyway and see Device OS refuse it.',
    );
  });

  it('builds exactly the largest image that fits, and a bigger one when asked to', () => {
    expect(buildModule({ sketch, size: 131_072 }).length).toBe(131_072);
    expect(thrown(() => buildModule({ sketch, size: 131_073 })).code).toBe('MODULE_TOO_BIG');
    expect(parseModule(buildModule({ sketch, size: 140 * 1024, allowOversize: true })).endAddress).toBe(0xf6ffc);
  });

  it.each([
    [{ function: 42 }, "function is 42. Use one of ModuleFunction's values: NONE (0), RESOURCE (1), BOOTLOADER (2), MONO_FIRMWARE (3), SYSTEM_PART (4), USER_PART (5), SETTINGS (6), NCP_FIRMWARE (7), RADIO_STACK (8), ASSET (9)."],
    [{ sketh: sketch }, 'there is no option "sketh". Use one of sketch, deviceOs, allowOversize, function, version, index, platformId, startAddress, mcuTarget, flags, dependencies, vectorTable, payload, size, fillSeed, productId, productVersion.'],
    [{ sketch: () => ({}) }, 'sketch is a function. Pass a sketch from defineSketch() or compileSketch().'],
    [{ sketch, function: ModuleFunction.SYSTEM_PART }, 'a sketch runs from a user part, and function is 4 (SYSTEM_PART). Leave function out (or pass ModuleFunction.USER_PART).'],
    [{ sketch, size: 1.5 }, 'size is 1.5. Pass a whole number of bytes, 0 or more.'],
    [{ payload: 'code' }, 'payload is "code". Pass the code bytes as a Uint8Array.'],
  ] as [object, string][])('refuses %o', (options, message) => {
    const error = thrown(() => buildModule(options as BuildModuleOptions));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(`Failed to build the module: ${message}`);
  });
});

describe('defineSketch', () => {
  it.each([
    [{ systemMode: 'manual' }, 'systemMode "manual" is not a system mode. Use one of AUTOMATIC, SEMI_AUTOMATIC, MANUAL.'],
    [{ name: '' }, 'name is "". Pass a name that is not empty.'],
    [{ system_mode: 'MANUAL' }, 'there is no option "system_mode". Use one of name, systemMode, systemThread.'],
    [{ systemThread: 'yes' }, 'systemThread is "yes". Pass true or false.'],
  ] as [object, string][])('refuses %o', (options, message) => {
    const error = thrown(() => defineSketch(() => ({}), options as SketchOptions));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(`Failed to define the sketch: ${message}`);
  });

  it('refuses a first argument that is not the sketch function', () => {
    expect(thrown(() => defineSketch({ setup() {} } as never)).message).toBe('Failed to define the sketch: its first argument is an object. Pass a function that takes the sketch API and returns { setup, loop }.');
  });
});
