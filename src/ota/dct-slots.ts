/**
 * The DCT's module slots, `platform_flash_modules_t` × 5 (`platform/MCU/nRF52840/inc/
 * platform_flash_modules.h:34-44`, `dct.h:37-39` at v1.4.4). Slot 0 is the factory-reset slot;
 * slots 1–4 hold updates waiting for the bootloader. Non-volatile: they survive resets.
 */
export const SLOT_SIZE = 20;
export const SLOT_COUNT = 5;
export const SLOT_MAGIC_PENDING = 0xabcd;
export const SLOT_FREE = 0xffff;
export const FlashDevice = { INTERNAL: 0, SERIAL: 1 } as const;

/** Our encoding of the MODULE_VERIFY_* bits a slot carries (names as in `flash_mal.h`). */
export const SlotVerify = { CRC: 0x02, DESTINATION_IS_START_ADDRESS: 0x04, FUNCTION: 0x08 } as const;

export interface ModuleSlot {
  index: number;
  magic: number;
  sourceDevice: number;
  destinationDevice: number;
  sourceAddress: number;
  destinationAddress: number;
  length: number;
  flags: number;
  moduleFunction: number;
}

export class DctModuleSlots {
  readonly bytes = new Uint8Array(SLOT_SIZE * SLOT_COUNT).fill(0xff);
  private readonly view = new DataView(this.bytes.buffer);

  read(index: number): ModuleSlot {
    const at = index * SLOT_SIZE;
    const v = this.view;
    return {
      index,
      magic: v.getUint16(at, true),
      sourceDevice: v.getUint8(at + 2),
      destinationDevice: v.getUint8(at + 3),
      sourceAddress: v.getUint32(at + 4, true),
      destinationAddress: v.getUint32(at + 8, true),
      length: v.getUint32(at + 12, true),
      flags: v.getUint8(at + 16),
      moduleFunction: v.getUint8(at + 17),
    };
  }

  /** Slots 1–4 that hold a pending update. */
  pending(): ModuleSlot[] {
    const out: ModuleSlot[] = [];
    for (let i = 1; i < SLOT_COUNT; i++) {
      const slot = this.read(i);
      if (slot.magic === SLOT_MAGIC_PENDING) out.push(slot);
    }
    return out;
  }

  /** `FLASH_AddToNextAvailableModulesSlot`: the first free slot of 1–4, or undefined when all are taken. */
  addPending(slot: Omit<ModuleSlot, 'index' | 'magic'>): number | undefined {
    for (let i = 1; i < SLOT_COUNT; i++) {
      if (this.read(i).magic === SLOT_MAGIC_PENDING) continue;
      const at = i * SLOT_SIZE;
      const v = this.view;
      v.setUint16(at, SLOT_MAGIC_PENDING, true);
      v.setUint8(at + 2, slot.sourceDevice);
      v.setUint8(at + 3, slot.destinationDevice);
      v.setUint32(at + 4, slot.sourceAddress, true);
      v.setUint32(at + 8, slot.destinationAddress, true);
      v.setUint32(at + 12, slot.length, true);
      v.setUint8(at + 16, slot.flags);
      v.setUint8(at + 17, slot.moduleFunction);
      return i;
    }
    return undefined;
  }

  free(index: number): void {
    this.view.setUint16(index * SLOT_SIZE, SLOT_FREE, true);
  }
}
