import { buildModuleImage, ModuleFunction, type ModuleSpec } from '../../../src/ota/module-format';
import { fetchModule, Validation, type ModuleBounds } from '../../../src/ota/validation';
import { corrupt, factoryBoron, OTA_ADDRESS, profile, SYSTEM_PART_DEPENDENCIES, systemPart, userPart } from './fixtures';

const HAL_FLASH_END_FLAGS = Validation.INTEGRITY | Validation.DEPENDENCIES_FULL;

/** Put `image` in the OTA region of a factory 1.4.4 Boron and run the check HAL_FLASH_End runs. */
function validate(image: Uint8Array | undefined, { userDepsOptional = true, chips = factoryBoron(), table = profile.moduleBounds } = {}) {
  if (image) chips.external.load(OTA_ADDRESS, image);
  return fetchModule(chips, profile.otaRegion, table, userDepsOptional, HAL_FLASH_END_FLAGS);
}

const summary = (check: ReturnType<typeof fetchModule>) => ({ fetched: check.fetched, checked: check.checked, passed: check.passed });

describe('fetchModule on the OTA region (HAL_FLASH_End, v1.4.4 §5 outcome table)', () => {
  it('passes a good user part: fetched 1, checks=5e, result=5e', () => {
    const check = validate(userPart());
    expect(summary(check)).toEqual({ fetched: true, checked: 0x5e, passed: 0x5e });
    expect(check.expected?.name).toBe('user-part');
    expect(check.dependencyFailure).toBeUndefined();
    expect(check.crc?.stored).toBe(check.crc?.computed);
  });

  it('drops INTEGRITY for a bad CRC: result=5c, and reports both CRCs', () => {
    const check = validate(corrupt(userPart()));
    expect(summary(check)).toEqual({ fetched: true, checked: 0x5e, passed: 0x5c });
    expect(check.crc).toBeDefined();
    expect(check.crc?.stored).not.toBe(check.crc?.computed);
  });

  it('drops PLATFORM for platform 6 with a good CRC: result=4e', () => {
    expect(summary(validate(userPart({ platformId: 6 })))).toEqual({ fetched: true, checked: 0x5e, passed: 0x4e });
  });

  it('drops PLATFORM and INTEGRITY for platform 6 with a bad CRC: result=4c', () => {
    expect(summary(validate(corrupt(userPart({ platformId: 6 }))))).toEqual({ fetched: true, checked: 0x5e, passed: 0x4c });
  });

  it('does not fetch an erased region', () => {
    const check = validate(undefined);
    expect(summary(check)).toEqual({ fetched: false, checked: 0x5e, passed: 0 });
    expect(check.info.function).toBe(0xff);
    expect(check.expected).toBeUndefined();
  });

  it('does not fetch a monolithic image: a modular 1.4.4 has no bounds for function 3', () => {
    const mono = buildModuleImage({ function: ModuleFunction.MONO_FIRMWARE, version: 1406, size: 8192 });
    const check = validate(mono);
    expect(summary(check)).toEqual({ fetched: false, checked: 0x5e, passed: 0 });
    expect(check.prefixOffset).toBe(0x200);
    expect(check.info.function).toBe(ModuleFunction.MONO_FIRMWARE);
    expect(check.expected).toBeUndefined();
  });

  it('does not fetch a user part that ends past 0xF4000 (140 KB at 0xD4000)', () => {
    const check = validate(userPart({ size: 140 * 1024 }));
    expect(check.info.endAddress).toBe(0xd4000 + 140 * 1024 - 4);
    expect(summary(check)).toEqual({ fetched: false, checked: 0x5e, passed: 0 });
  });

  it('treats the bounds end as inclusive: ending exactly at 0xF4000 is in range, 4 bytes more is not', () => {
    expect(summary(validate(userPart({ size: 0x20000 + 4 })))).toEqual({ fetched: true, checked: 0x5e, passed: 0x5e });
    expect(validate(userPart({ size: 0x20000 + 8 })).fetched).toBe(false);
  });

  it('checks only the end address against the bounds, not the start', () => {
    // Starts below the user-part region but ends inside it.
    const image = userPart({ startAddress: 0xd3000, size: 0x2000 });
    expect(validate(image).fetched).toBe(true);
  });

  it('does not fetch a user part with an index the table lacks', () => {
    expect(summary(validate(userPart({ index: 2 })))).toEqual({ fetched: false, checked: 0x5e, passed: 0 });
  });

  it('reports fetched exactly when RANGE passed, whatever else failed', () => {
    const images = [userPart(), corrupt(userPart()), userPart({ platformId: 6 }), corrupt(userPart({ platformId: 6 })), userPart({ size: 140 * 1024 }), undefined];
    for (const image of images) {
      const check = validate(image);
      expect(check.fetched).toBe((check.passed & Validation.RANGE) !== 0);
    }
  });

  it('skips INTEGRITY entirely when it is not requested', () => {
    const chips = factoryBoron();
    chips.external.load(OTA_ADDRESS, corrupt(userPart()));
    const check = fetchModule(chips, profile.otaRegion, profile.moduleBounds, true, 0);
    expect({ checked: check.checked, passed: check.passed }).toEqual({ checked: 0x1c, passed: 0x1c });
    expect(check.crc).toBeUndefined();
  });
});

describe('dependencies', () => {
  const needsSystem9999 = () => userPart({ dependencies: [{ function: ModuleFunction.SYSTEM_PART, index: 1, version: 9999 }] });

  it('ignores user-part dependencies at OTA time (userDepsOptional)', () => {
    const check = validate(needsSystem9999());
    expect(summary(check)).toEqual({ fetched: true, checked: 0x5e, passed: 0x5e });
    expect(check.dependencyFailure).toBeUndefined();
  });

  it('fails a user part needing system part 9999 when dependencies are not optional (boot-time check)', () => {
    const check = validate(needsSystem9999(), { userDepsOptional: false });
    expect(summary(check)).toEqual({ fetched: true, checked: 0x5e, passed: 0x1a });
    expect(check.passed & Validation.DEPENDENCIES).toBe(0);
    expect(check.passed & Validation.DEPENDENCIES_FULL).toBe(0);
    expect(check.dependencyFailure).toEqual({ needs: { function: ModuleFunction.SYSTEM_PART, index: 1, version: 9999 }, installedVersion: 1406, kind: 'dependency' });
  });

  it('passes the standard user part with non-optional dependencies (installed 1406 ≥ needed 1406)', () => {
    expect(validate(userPart(), { userDepsOptional: false }).passed).toBe(0x5e);
  });

  it('passes a newer system part whose bootloader and radio stack are installed', () => {
    const check = validate(systemPart({ version: 1407 }));
    expect(check.prefixOffset).toBe(0x200);
    expect(check.expected?.name).toBe('system-part1');
    expect(summary(check)).toEqual({ fetched: true, checked: 0x5e, passed: 0x5e });
  });

  it('fails a system part that needs bootloader 999 (installed 501)', () => {
    const check = validate(systemPart({ dependencies: [{ function: ModuleFunction.BOOTLOADER, index: 0, version: 999 }, SYSTEM_PART_DEPENDENCIES[1]] }));
    expect(summary(check)).toEqual({ fetched: true, checked: 0x5e, passed: 0x1a });
    expect(check.dependencyFailure).toEqual({ needs: { function: ModuleFunction.BOOTLOADER, index: 0, version: 999 }, installedVersion: 501, kind: 'dependency' });
  });

  it('fails a system part whose second dependency needs radio stack 300 (installed 202)', () => {
    const check = validate(systemPart({ dependencies: [SYSTEM_PART_DEPENDENCIES[0], { function: ModuleFunction.RADIO_STACK, index: 0, version: 300 }] }));
    expect(check.passed).toBe(0x1a);
    expect(check.dependencyFailure).toMatchObject({ needs: { function: ModuleFunction.RADIO_STACK, version: 300 }, installedVersion: 202 });
  });

  it('stops at a first dependency of NONE without checking the second (validate_module_dependencies)', () => {
    const image = systemPart({ dependencies: [{ function: ModuleFunction.NONE, index: 0, version: 0 }, { function: ModuleFunction.RADIO_STACK, index: 0, version: 999 }] });
    expect(validate(image).passed).toBe(0x5e);
  });

  it('skips a bootloader named as the second dependency when userDepsOptional, and checks it otherwise', () => {
    const image = systemPart({ dependencies: [SYSTEM_PART_DEPENDENCIES[1], { function: ModuleFunction.BOOTLOADER, index: 0, version: 999 }] });
    expect(validate(image).passed).toBe(0x5e);
    expect(validate(image, { userDepsOptional: false }).passed).toBe(0x1a);
  });

  it('fails DEPENDENCIES_FULL when another installed system part needs a newer version of the one being replaced', () => {
    const part2: ModuleBounds = { ...profile.moduleBounds[1], name: 'system-part2', index: 2, start: 0x80000, end: 0xd4000 };
    const table = [...profile.moduleBounds, part2];
    const chips = factoryBoron();
    const spec: ModuleSpec = { function: ModuleFunction.SYSTEM_PART, index: 2, version: 1406, startAddress: 0x80000, size: 4096 };
    chips.internal.load(0x80000, buildModuleImage({ ...spec, dependencies: [{ function: ModuleFunction.SYSTEM_PART, index: 1, version: 1406 }] }));

    const older = validate(systemPart({ version: 1405 }), { chips, table });
    expect(older.passed).toBe(0x1a);
    expect(older.dependencyFailure).toEqual({ needs: { function: ModuleFunction.SYSTEM_PART, index: 1, version: 1406 }, installedVersion: 1405, kind: 'full' });

    const same = validate(systemPart({ version: 1406 }), { chips, table });
    expect(same.passed).toBe(0x5e);
  });
});
