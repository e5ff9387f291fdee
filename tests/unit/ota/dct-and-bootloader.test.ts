import { INTERNAL_FLASH_TIMING } from '../../../src/hal/boron-flash';
import { applyPendingSlots } from '../../../src/ota/bootloader';
import { DctModuleSlots, FlashDevice, SLOT_FREE, SLOT_MAGIC_PENDING, SlotVerify, type ModuleSlot } from '../../../src/ota/dct-slots';
import { buildModuleImage, ModuleFlag, ModuleFunction } from '../../../src/ota/module-format';
import { corrupt, factoryBoron, factoryUserPart, OTA_ADDRESS, USER_PART_ADDRESS, userPart } from './fixtures';

type SlotRequest = Omit<ModuleSlot, 'index' | 'magic'>;

/** The slot HAL_FLASH_End adds for a module of `length` bytes in the OTA region. */
const slotFor = (length: number, overrides: Partial<SlotRequest> = {}): SlotRequest => ({
  sourceDevice: FlashDevice.SERIAL,
  destinationDevice: FlashDevice.INTERNAL,
  sourceAddress: OTA_ADDRESS,
  destinationAddress: USER_PART_ADDRESS,
  length,
  flags: SlotVerify.CRC | SlotVerify.DESTINATION_IS_START_ADDRESS | SlotVerify.FUNCTION,
  moduleFunction: ModuleFunction.USER_PART,
  ...overrides,
});

describe('DctModuleSlots', () => {
  it('fills slots 1 to 4, then has no room', () => {
    const slots = new DctModuleSlots();
    const results = [1, 2, 3, 4, 5].map((n) => slots.addPending(slotFor(n * 100)));
    expect(results).toEqual([1, 2, 3, 4, undefined]);
    // Slot 0 (factory reset) is never handed out.
    expect(Array.from(slots.bytes.subarray(0, 20)).every((b) => b === 0xff)).toBe(true);
  });

  it('lists pending slots with every field as written', () => {
    const slots = new DctModuleSlots();
    slots.addPending(slotFor(5012));
    slots.addPending(slotFor(0x23456, { destinationAddress: 0x30000, moduleFunction: ModuleFunction.SYSTEM_PART, flags: SlotVerify.CRC }));
    expect(slots.pending()).toEqual([
      { index: 1, magic: SLOT_MAGIC_PENDING, ...slotFor(5012) },
      { index: 2, magic: SLOT_MAGIC_PENDING, ...slotFor(0x23456, { destinationAddress: 0x30000, moduleFunction: ModuleFunction.SYSTEM_PART, flags: SlotVerify.CRC }) },
    ]);
  });

  it('frees a slot, which the next addPending reuses', () => {
    const slots = new DctModuleSlots();
    for (let i = 0; i < 4; i++) slots.addPending(slotFor(100 + i));
    slots.free(2);
    expect(slots.read(2).magic).toBe(SLOT_FREE);
    expect(slots.pending().map((s) => s.index)).toEqual([1, 3, 4]);
    expect(slots.addPending(slotFor(999))).toBe(2);
    expect(slots.read(2).length).toBe(999);
  });
});

describe('applyPendingSlots (bootloader FLASH_UpdateModules)', () => {
  /** A factory Boron with `image` in the OTA region and one slot pointing at it. */
  function pendingUpdate(image: Uint8Array, overrides: Partial<SlotRequest> = {}) {
    const chips = factoryBoron();
    chips.external.load(OTA_ADDRESS, image);
    const slots = new DctModuleSlots();
    slots.addPending(slotFor(image.length, overrides));
    return { chips, slots };
  }
  const installedUserPart = (chips: ReturnType<typeof factoryBoron>, length = factoryUserPart.length) => chips.internal.read(USER_PART_ADDRESS, length);

  it('copies a valid user part from external 0x289000 to internal 0xD4000', () => {
    const image = userPart();
    const { chips, slots } = pendingUpdate(image);
    const outcomes = applyPendingSlots(chips, slots);

    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ applied: true, slot: { index: 1, sourceAddress: OTA_ADDRESS, destinationAddress: USER_PART_ADDRESS } });
    expect(outcomes[0].why).toBeUndefined();
    expect(installedUserPart(chips, image.length)).toEqual(image);
    // The pages were erased, not programmed over: the old app's tail in the same pages is gone.
    expect(installedUserPart(chips).subarray(image.length).every((b) => b === 0xff)).toBe(true);
    expect(chips.internal.stats.sectorErases).toBe(2);
    expect(chips.internal.stats.programOperations).toBe(Math.ceil(image.length / 256));
    expect(outcomes[0].costMicros).toBeGreaterThanOrEqual(2 * INTERNAL_FLASH_TIMING.sectorEraseMicros);
  });

  it('frees the slot, and leaves the OTA region as it was', () => {
    const image = userPart();
    const { chips, slots } = pendingUpdate(image);
    applyPendingSlots(chips, slots);
    expect(slots.pending()).toEqual([]);
    expect(slots.read(1).magic).toBe(SLOT_FREE);
    expect(chips.external.read(OTA_ADDRESS, image.length)).toEqual(image);
    expect(applyPendingSlots(chips, slots)).toEqual([]);
  });

  it.each([
    { what: 'a wrong platform', image: () => userPart({ platformId: 6 }), slot: {}, why: 'the module is for platform 6, not 13' },
    { what: 'a bad CRC', image: () => corrupt(userPart()), slot: {}, why: 'its CRC-32 does not match' },
    { what: 'a start address other than the destination', image: () => userPart({ startAddress: 0xd8000 }), slot: {}, why: 'the module starts at 0xD8000, not at the destination 0xD4000' },
    { what: 'a function mismatch', image: () => userPart(), slot: { moduleFunction: ModuleFunction.SYSTEM_PART }, why: "the module is a USER_PART, not the slot's SYSTEM_PART" },
    { what: 'a slot shorter than the module', image: () => userPart(), slot: { length: 5008 }, why: "the slot's length 5008 is shorter than the module (5012 bytes)" },
    { what: 'a copy that is not external → internal', image: () => userPart(), slot: { sourceDevice: FlashDevice.INTERNAL }, why: 'the slot does not copy from external to internal flash' },
    { what: 'a source range past the chip', image: () => userPart(), slot: { sourceAddress: 0x3ff000 }, why: 'the range 0x3FF000 + 5012 does not fit the chips' },
  ])('refuses $what, frees the slot and leaves the destination untouched', ({ image, slot, why }) => {
    const { chips, slots } = pendingUpdate(image(), slot);
    const outcomes = applyPendingSlots(chips, slots);

    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ applied: false, why });
    expect(installedUserPart(chips)).toEqual(factoryUserPart);
    expect(chips.internal.stats).toMatchObject({ sectorErases: 0, programOperations: 0 });
    expect(slots.pending()).toEqual([]);
  });

  it('applies a later good slot after refusing an earlier one', () => {
    const image = userPart();
    const { chips, slots } = pendingUpdate(image, { moduleFunction: ModuleFunction.SYSTEM_PART });
    slots.addPending(slotFor(image.length));
    const outcomes = applyPendingSlots(chips, slots);
    expect(outcomes.map((o) => [o.slot.index, o.applied])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(installedUserPart(chips, image.length)).toEqual(image);
  });
});

describe('applyPendingSlots, by bootloader version', () => {
  const RULES_2X = { slotsFreedBeforeCopy: false };

  it('2.0+: frees a user-part slot after its copy, and copies a bootloader slot last, freed before (v2.0.1 flash_mal.c:655-720)', () => {
    const chips = factoryBoron();
    const image = userPart();
    const bootloader = buildModuleImage({ function: ModuleFunction.BOOTLOADER, version: 600, size: 4096 });
    chips.external.load(OTA_ADDRESS, bootloader);
    chips.external.load(OTA_ADDRESS + 0x10000, image);
    const slots = new DctModuleSlots();
    slots.addPending(slotFor(bootloader.length, { destinationAddress: 0xf4000, moduleFunction: ModuleFunction.BOOTLOADER }));
    slots.addPending(slotFor(image.length, { sourceAddress: OTA_ADDRESS + 0x10000 }));
    const outcomes = applyPendingSlots(chips, slots, RULES_2X);
    expect(outcomes.map((o) => [o.slot.index, o.applied])).toEqual([
      [2, true],
      [1, true],
    ]);
    expect(slots.pending()).toEqual([]);
  });

  it('2.0+: a copy cut by a power loss leaves its slot pending, and nothing after it runs', () => {
    const chips = factoryBoron();
    const image = userPart();
    chips.external.load(OTA_ADDRESS, image);
    const slots = new DctModuleSlots();
    slots.addPending(slotFor(image.length));
    slots.addPending(slotFor(image.length));
    chips.internal.operationHook = (op) => {
      if (op.kind === 'program' && op.address >= USER_PART_ADDRESS + 1024) throw new Error('power cut');
    };
    const outcomes = applyPendingSlots(chips, slots, RULES_2X);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ applied: false, slotKept: true, cut: { copied: 1024, total: image.length, erased: 2, pages: 2 } });
    expect(slots.pending().map((s) => s.index)).toEqual([1, 2]);
  });

  it('1.x: the same cut leaves no slot pending (all were freed before the first copy)', () => {
    const chips = factoryBoron();
    const image = userPart();
    chips.external.load(OTA_ADDRESS, image);
    const slots = new DctModuleSlots();
    slots.addPending(slotFor(image.length));
    chips.internal.operationHook = (op) => {
      if (op.kind === 'program') throw new Error('power cut');
    };
    expect(applyPendingSlots(chips, slots)[0]).toMatchObject({ applied: false, slotKept: false, cut: { copied: 0, erased: 2 } });
    expect(slots.pending()).toEqual([]);
  });

  it('copies a DROP_MODULE_INFO module without its 24-byte header (v1.4.4 flash_mal.c:194-215)', () => {
    const chips = factoryBoron();
    const softDevice = buildModuleImage({ function: ModuleFunction.RADIO_STACK, version: 203, size: 12 * 1024, flags: ModuleFlag.DROP_MODULE_INFO });
    chips.external.load(OTA_ADDRESS, softDevice);
    const slots = new DctModuleSlots();
    slots.addPending(slotFor(softDevice.length, { destinationAddress: 0x1000, moduleFunction: ModuleFunction.RADIO_STACK }));
    const [outcome] = applyPendingSlots(chips, slots);
    expect(outcome).toMatchObject({ applied: true, headerDropped: true });
    expect(chips.internal.read(0x1000, softDevice.length - 24)).toEqual(softDevice.subarray(24));
  });

  it('fails a DROP_MODULE_INFO module whose header is not at the front after erasing the destination (v1.4.4 flash_mal.c:196-214)', () => {
    const chips = factoryBoron();
    const odd = buildModuleImage({ function: ModuleFunction.RADIO_STACK, version: 203, size: 12 * 1024, flags: ModuleFlag.DROP_MODULE_INFO, vectorTable: true });
    chips.external.load(OTA_ADDRESS, odd);
    const slots = new DctModuleSlots();
    slots.addPending(slotFor(odd.length, { destinationAddress: 0x1000, moduleFunction: ModuleFunction.RADIO_STACK }));
    const [outcome] = applyPendingSlots(chips, slots);
    expect(outcome).toMatchObject({
      applied: false,
      destinationErased: true,
      why: 'its flags ask for the 24-byte header to be dropped (DROP_MODULE_INFO) but the header sits at +0x200, not at the front, so the bootloader erased 12,288 bytes at 0x1000 and copied nothing',
    });
    expect(Array.from(chips.internal.read(0x1000, 12 * 1024)).every((b) => b === 0xff)).toBe(true);
  });
});
