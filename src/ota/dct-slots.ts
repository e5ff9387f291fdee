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

/** A write of one DCT slot: Finish queuing an update, or the bootloader (or a 3.2+ Begin) releasing one. */
export interface DctOperation {
  kind: 'dct-write';
  slot: number;
  what: 'queue' | 'release';
}

/** What a DCT hook can ask instead of letting the write happen (return) or cutting the power before it (throw). */
export interface DctOperationControl {
  /** The slot's 20 bytes as the write leaves them. */
  readonly bytes: Uint8Array;
  /** The write completes, then the power goes: the slots throw `error` right after it. */
  cutAfter(error: unknown): void;
}

/**
 * Called before each slot write. A write is whole or not at all here: how the DCT itself is stored,
 * and what a cut inside one of its writes would leave, is not modelled.
 */
export type DctOperationHook = (operation: DctOperation, control: DctOperationControl) => void;

export class DctModuleSlots {
  readonly bytes = new Uint8Array(SLOT_SIZE * SLOT_COUNT).fill(0xff);
  private readonly view = new DataView(this.bytes.buffer);
  operationHook?: DctOperationHook;

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
      const bytes = this.bytes.slice(i * SLOT_SIZE, (i + 1) * SLOT_SIZE);
      const v = new DataView(bytes.buffer);
      v.setUint16(0, SLOT_MAGIC_PENDING, true);
      v.setUint8(2, slot.sourceDevice);
      v.setUint8(3, slot.destinationDevice);
      v.setUint32(4, slot.sourceAddress, true);
      v.setUint32(8, slot.destinationAddress, true);
      v.setUint32(12, slot.length, true);
      v.setUint8(16, slot.flags);
      v.setUint8(17, slot.moduleFunction);
      this.write(i, bytes, 'queue');
      return i;
    }
    return undefined;
  }

  free(index: number): void {
    const bytes = this.bytes.slice(index * SLOT_SIZE, (index + 1) * SLOT_SIZE);
    new DataView(bytes.buffer).setUint16(0, SLOT_FREE, true);
    this.write(index, bytes, 'release');
  }

  /** Write slot `index`'s 20 bytes, as Finish or the bootloader does (the hook sees it first). */
  write(index: number, bytes: Uint8Array, what: DctOperation['what']): void {
    let cut: { error: unknown } | undefined;
    this.operationHook?.({ kind: 'dct-write', slot: index, what }, {
      bytes,
      cutAfter(error) {
        cut = { error };
      },
    });
    this.bytes.set(bytes.subarray(0, SLOT_SIZE), index * SLOT_SIZE);
    if (cut) throw cut.error;
  }

  /** Put every slot back as `bytes` held them (no hook). */
  restore(bytes: Uint8Array): void {
    this.bytes.set(bytes.subarray(0, SLOT_SIZE * SLOT_COUNT));
  }
}
