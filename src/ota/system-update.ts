import type { EventBus } from '../sim/events';
import { LogLevel } from '../sim/log-format';
import { bytes, count, formatMessage, hex } from '../sim/messages';
import { BoronMap, decodeQspiAddress } from '../hal/boron-flash';
import { FileTransferStore, type Descriptor } from './descriptor';
import { FlashDevice, SlotVerify, type DctModuleSlots } from './dct-slots';
import { explainValidation, type UpdateSession } from './explain';
import { updateGen2Unaligned, updateGen3, type ChunkOutcome } from './flash-update';
import { CRC_SIZE, ModuleFunction } from './module-format';
import type { DeviceOsProfile } from './profiles';
import { fetchModule, Validation, type Chips, type ModuleCheck } from './validation';

/** `particle::protocol::UpdateFlag` (`communication/inc/protocol_defs.h:127-134` at v1.4.4). */
export const UpdateFlag = { ERROR: 0x00, SUCCESS: 0x01, VALIDATE_ONLY: 0x02, DONT_RESET: 0x04 } as const;

/** `hal_update_complete_t` (`hal/inc/ota_flash_hal.h:138-142` at v1.4.4). */
export const HalUpdate = { ERROR: 0, APPLIED_PENDING_RESTART: 1, APPLIED: 2 } as const;

/** `firmware_update` event parameters (`system/inc/system_event.h:74-77`). */
export const FirmwareUpdateEvent = { begin: 0, complete: 1, progress: 2, failed: -1 } as const;

/** `HAL_OTA_ChunkSize()` (`OTA_CHUNK_SIZE`). */
export const OTA_CHUNK_SIZE = 512;

/** `hal_module_t`'s validity fields, filled in by Finish when the sketch passes one. */
export interface HalModuleResult {
  validity_checked: number;
  validity_result: number;
  check?: ModuleCheck;
}

/** What the system_update calls need from the device they run on. */
export interface SystemUpdateHost {
  readonly chips: Chips;
  readonly slots: DctModuleSlots;
  readonly profile: DeviceOsProfile;
  readonly events: EventBus;
  /** Charge virtual time for work the call does. */
  spend(micros: number): Promise<void>;
  log(category: string, level: number, message: string): void;
  systemEvent(event: 'firmware_update', param: number): void;
  /** Explain a cause in plain words; a later report with the same `key` replaces the earlier one. */
  diagnose(code: string, message: string, key?: string): void;
  setUpdateLed(on: boolean): void;
  /** Finish's forced `spark_protocol_command(DISCONNECT)`; resolves when it is done or has failed. */
  disconnectCloud(): Promise<void>;
  /** `system_pending_shutdown()`: reset at the next idle point. */
  scheduleReset(): void;
  /** `TimingFlashUpdateTimeout = 0`: restart the stall watchdog's count. */
  touchUpdateTimeout(): void;
}

export interface SystemUpdateOptions {
  /** Program OTA chunks as Gen 2 did before v1.5.0 (Device OS #1989): odd-sized chunks corrupt the image. */
  gen2UnalignedWriteBug?: boolean;
  /** What sits in RAM just before a chunk buffer that starts a block of its own (stack garbage). */
  stackByte?: () => number;
}

/** The byte before the chunk in RAM: the buffer's own when the chunk is a view into it, else stack garbage. */
function byteBefore(chunk: Uint8Array, options: SystemUpdateOptions): number {
  if (chunk.byteOffset > 0) return new Uint8Array(chunk.buffer, chunk.byteOffset - 1, 1)[0];
  return options.stackByte?.() ?? 0;
}

/** Flags `system_update.cpp:67-88` keeps; the ones the OTA path reads or writes. */
export interface UpdateFlags {
  updatesEnabled: boolean;
  updatesForced: boolean;
  updatesPending: boolean;
  /** `SPARK_FLASH_UPDATE`. */
  flashUpdateActive: boolean;
}

const FIRMWARE = FileTransferStore.FIRMWARE;

/**
 * `Spark_Prepare_For_Firmware_Update`, `Spark_Save_Firmware_Chunk` and
 * `Spark_Finish_Firmware_Update` with Device OS 1.x semantics (`system/src/system_update.cpp`
 * at v1.4.4, reference note §1) over the nRF52840 OTA HAL (§2).
 */
export class SystemUpdate {
  readonly flags: UpdateFlags = { updatesEnabled: true, updatesForced: false, updatesPending: false, flashUpdateActive: false };
  /** What this boot's update has done so far, for explaining a failure. */
  private session: UpdateSession = newSession();

  constructor(
    private readonly host: SystemUpdateHost,
    private readonly options: SystemUpdateOptions = {},
  ) {}

  private get otaStart(): number {
    return this.host.profile.otaRegion.start;
  }

  /** Lines 280-314. */
  async prepare(file: Descriptor, flags: number): Promise<number> {
    const who = 'Spark_Prepare_For_Firmware_Update';
    if (file.read('store', who) === FIRMWARE) {
      const chunkAddress = file.read('chunk_address', who);
      file.write('file_address', this.otaStart + chunkAddress);
      if (file.read('chunk_size', who) === 0) {
        // The caller's file_length is overwritten whenever chunk_size is 0.
        file.write('chunk_size', OTA_CHUNK_SIZE);
        file.write('file_length', this.host.profile.otaRegion.maximumSize);
      }
    }
    if (!this.flags.updatesEnabled && !this.flags.updatesForced) {
      this.host.diagnose('updates-disabled', 'Failed to prepare the update: updates are disabled (System.disableUpdates()), so Spark_Prepare_For_Firmware_Update returned 1 and erased nothing. Call System.enableUpdates() first.');
      return 1;
    }
    if (flags & 1) return 0;
    this.flags.updatesPending = false;
    this.host.setUpdateLed(true);
    this.flags.flashUpdateActive = true;
    this.host.touchUpdateTimeout();
    this.host.systemEvent('firmware_update', FirmwareUpdateEvent.begin);
    await this.begin(file.read('file_address', who), file.read('file_length', who));
    return 0; // HAL_FLASH_Begin's result is ignored.
  }

  /**
   * `HAL_FLASH_Begin` → `FLASH_EraseMemory(FLASH_SERIAL, …)` (`flash_mal.c:665-675,45-105`):
   * erases ceil(length / 4 KB) sectors from the sector holding `address`, but only when
   * `address + length − 1 <= 0x400000`; otherwise it erases nothing and still reports success.
   */
  private async begin(address: number, length: number): Promise<void> {
    this.session = newSession();
    this.session.prepared = { fileAddress: address, fileLength: length };
    const end = (address + length - 1) >>> 0;
    const erase = length > 0 && end <= BoronMap.external.size;
    this.session.erasedFrom = erase ? address : undefined;
    this.host.events.emit('ota:begin', { fileAddress: address, fileLength: length, erased: erase });
    if (!erase) {
      if (length > 0) {
        this.host.diagnose(
          'erase-skipped',
          formatMessage(
            'Failed to erase the OTA region: HAL_FLASH_Begin skipped the erase because {address} + {length} runs past the 4 MB external flash (the range must end at or below 0x400000), yet Spark_Prepare_For_Firmware_Update returned 0. Keep file.chunk_address at 0 (an offset into the OTA region) when calling Prepare.',
            { address: hex(address), length },
          ),
        );
      }
      return;
    }
    const external = this.host.chips.external;
    const sector = BoronMap.sectorSize;
    const count = Math.ceil(length / sector);
    let cost = 0;
    for (let i = 0; i < count; i++) cost += external.erase(decodeQspiAddress(Math.floor(address / sector) * sector + i * sector).chipAddress, sector);
    this.host.events.emit('flash:erase', { chip: 'external', address: decodeQspiAddress(address).chipAddress, length: count * sector });
    await this.host.spend(cost);
  }

  /** Lines 408-419: `chunk_address` is an absolute external-flash address; nothing is range-checked. */
  async save(file: Descriptor, chunk: Uint8Array): Promise<number> {
    const who = 'Spark_Save_Firmware_Chunk';
    this.host.touchUpdateTimeout();
    this.host.systemEvent('firmware_update', FirmwareUpdateEvent.progress);
    if (file.read('store', who) !== FIRMWARE) return -1;
    const address = file.read('chunk_address', who);
    const size = file.read('chunk_size', who);
    const data = this.chunkBytes(chunk, size);
    const { chipAddress, wrapped } = decodeQspiAddress(address);
    const external = this.host.chips.external;
    const outcome = this.options.gen2UnalignedWriteBug ? updateGen2Unaligned(external, chipAddress, data, byteBefore(chunk, this.options)) : updateGen3(external, chipAddress, data);
    const { overData, mismatched } = outcome;
    this.host.events.emit('flash:program', { chip: 'external', address: chipAddress, length: size, overData, mismatched });
    this.host.events.emit('ota:chunk', { address, length: size, result: 0 });
    this.noteWrite(address, chipAddress, size, overData, mismatched, wrapped);
    if (outcome.refused || outcome.tailReplaced) this.noteGen2Damage(chipAddress, size, outcome);
    await this.host.spend(outcome.costMicros);
    return 0;
  }

  /** Lines 369-406. */
  async finish(file: Descriptor, flags: number, module: HalModuleResult | null): Promise<number> {
    const who = 'Spark_Finish_Firmware_Update';
    this.flags.flashUpdateActive = false;
    this.host.touchUpdateTimeout();
    const validateOnly = UpdateFlag.VALIDATE_ONLY | UpdateFlag.SUCCESS;
    if ((flags & validateOnly) === validateOnly) {
      const check = await this.validate(module);
      return check.fetched ? 0 : 1; // HAL_FLASH_OTA_Validate returns !fetched (ota_flash_hal.cpp:384-396).
    }
    let res = 1;
    if (flags & UpdateFlag.SUCCESS) {
      if (file.read('store', who) === FIRMWARE) {
        const result = await this.end(module);
        const failed = result <= HalUpdate.ERROR;
        // 1.x emits these the wrong way round: complete on failure, failed on success.
        const completeEvent = failed === this.host.profile.finishEventsSwapped;
        this.host.systemEvent('firmware_update', completeEvent ? FirmwareUpdateEvent.complete : FirmwareUpdateEvent.failed);
        res = failed ? 1 : 0;
        // "Always restart for now": even a failed update drops the cloud session and resets.
        if (!(flags & UpdateFlag.DONT_RESET)) {
          if (failed) {
            this.host.diagnose('reset-after-failure', 'Spark_Finish_Firmware_Update returned 1 and still scheduled a reset: Device OS 1.x always restarts after Finish(SUCCESS) (system_update.cpp:386-395), so the old firmware boots again.');
          }
          await this.host.disconnectCloud();
          this.host.scheduleReset();
        }
      }
    } else {
      this.host.systemEvent('firmware_update', FirmwareUpdateEvent.failed);
    }
    this.host.setUpdateLed(false);
    this.host.events.emit('ota:finish', { flags, result: res, fetched: this.session.lastCheck?.fetched ?? false, checked: this.session.lastCheck?.checked ?? 0, passed: this.session.lastCheck?.passed ?? 0 });
    return res;
  }

  private async validate(module: HalModuleResult | null): Promise<ModuleCheck> {
    const { chips, profile } = this.host;
    const check = fetchModule(chips, profile.otaRegion, profile.moduleBounds, true, Validation.INTEGRITY | Validation.DEPENDENCIES_FULL);
    this.session.lastCheck = check;
    if (module) {
      module.validity_checked = check.checked;
      module.validity_result = check.passed;
      module.check = check;
    }
    const crcBytes = check.crc ? (check.info.endAddress - check.info.startAddress) >>> 0 : 0;
    await this.host.spend(chips.external.readCost(crcBytes + CRC_SIZE));
    return check;
  }

  /** `HAL_FLASH_End` (`hal/src/nRF52840/ota_flash_hal.cpp:398-453` at v1.4.4). */
  private async end(module: HalModuleResult | null): Promise<number> {
    const check = await this.validate(module);
    const { info } = check;
    this.host.log('hal', LogLevel.LOG_LEVEL_INFO, `module fetched ${check.fetched ? 1 : 0}, checks=${check.checked.toString(16)}, result=${check.passed.toString(16)}`);
    for (const line of explainValidation(check, this.session, this.otaStart)) this.host.diagnose('validation', line);
    if (!check.fetched || check.checked !== check.passed) {
      this.host.log('hal', LogLevel.LOG_LEVEL_WARN, 'OTA module not applied');
      return HalUpdate.ERROR;
    }
    if (info.mcuTarget !== 0) {
      // Boron has HAL_PLATFORM_NCP_UPDATABLE = 0.
      this.host.log('hal', LogLevel.LOG_LEVEL_ERROR, `NCP module is not for this platform. module NCP: ${info.mcuTarget.toString(16)}, current NCP: 0`);
      return HalUpdate.ERROR;
    }
    if (info.function === ModuleFunction.BOOTLOADER || info.function === ModuleFunction.RADIO_STACK) {
      this.host.diagnose('not-emulated', `Failed to apply the ${info.function === ModuleFunction.BOOTLOADER ? 'bootloader' : 'radio stack'}: Device OS flashes it in place at Finish, which this emulator does not model yet; nothing was changed.`);
      return HalUpdate.ERROR;
    }
    const moduleLength = (info.endAddress - info.startAddress) >>> 0;
    const slot = this.host.slots.addPending({
      sourceDevice: FlashDevice.SERIAL,
      sourceAddress: this.otaStart,
      destinationDevice: FlashDevice.INTERNAL,
      destinationAddress: info.startAddress,
      length: moduleLength + CRC_SIZE,
      flags: SlotVerify.CRC | SlotVerify.DESTINATION_IS_START_ADDRESS | SlotVerify.FUNCTION,
      moduleFunction: info.function,
    });
    if (slot === undefined) {
      this.host.diagnose('slots-full', 'Failed to queue the update: all four DCT module slots already hold pending updates, so HAL_FLASH_End returned an error without a log line. Reset the device to let the bootloader apply them.');
      return HalUpdate.ERROR;
    }
    return HalUpdate.APPLIED_PENDING_RESTART;
  }

  private noteGen2Damage(chipAddress: number, size: number, outcome: ChunkOutcome): void {
    const s = this.session;
    s.gen2 ??= { refusedChunks: 0, refusedBytes: 0, tails: 0, firstOdd: undefined };
    if (outcome.refused) {
      s.gen2.refusedChunks++;
      s.gen2.refusedBytes += size;
    } else {
      s.gen2.tails++;
      s.gen2.firstOdd ??= { chipAddress, size };
    }
    const odd = s.gen2.firstOdd;
    this.host.diagnose(
      'gen2-unaligned-write',
      formatMessage(
        'Failed to program the image intact: the Gen 2 unaligned-write bug (Device OS #1989, fixed by PR #2036 in 1.5.0) is switched on. {odd} with a length that is not a multiple of 4{first} got a last word made of the byte before the buffer and the chunk\'s first bytes, and {refused} ({bytes} bytes) started at an unaligned address, which the flash refused. A Boron never had this bug; on Gen 2, save chunks whose length is a multiple of 4, or update to 1.5.0.',
        {
          odd: count(s.gen2.tails, 'chunk'),
          first: odd ? ` (the first: ${odd.size} bytes at ${hex(odd.chipAddress)})` : '',
          refused: count(s.gen2.refusedChunks, 'chunk'),
          bytes: bytes(s.gen2.refusedBytes),
        },
      ),
      'gen2-unaligned-write',
    );
  }

  /** The bytes Save programs: `chunk_size` of them from the buffer, even past its end as C would read. */
  private chunkBytes(chunk: Uint8Array, size: number): Uint8Array {
    if (size <= chunk.length) return chunk.subarray(0, size);
    this.host.diagnose(
      'chunk-overread',
      formatMessage('Failed to save the chunk as intended: file.chunk_size is {size} but the buffer holds {length} bytes, so the device would read {extra} bytes past its end (emulated as 0x00). Set chunk_size to the bytes you pass.', {
        size,
        length: chunk.length,
        extra: size - chunk.length,
      }),
    );
    const out = new Uint8Array(size);
    out.set(chunk);
    return out;
  }

  private noteWrite(address: number, chipAddress: number, size: number, overData: number, mismatched: number, wrapped: boolean): void {
    const s = this.session;
    s.firstWrite ??= { address, chipAddress, wrapped };
    s.bytesWritten += size;
    if (chipAddress < this.otaStart || chipAddress + size > BoronMap.external.size) {
      s.outsideOta += size;
      this.host.diagnose(
        'outside-ota',
        formatMessage('Failed to keep the chunks inside the OTA region ({start} to 0x400000): {count} bytes were programmed outside it, first at {first}. Keep chunk_address between file_address and file_address + file_length.', {
          start: hex(this.otaStart),
          count: bytes(s.outsideOta),
          first: hex(chipAddress),
        }),
        'outside-ota',
      );
    }
    const run = s.dirtyRun;
    if (overData === 0 && mismatched === 0) return;
    if (run && run.chipAddress + run.length === chipAddress) {
      run.length += size;
      run.overData += overData;
      run.mismatched += mismatched;
    } else {
      s.dirtyRun = { address, chipAddress, length: size, overData, mismatched, wrapped };
    }
    const r = s.dirtyRun!;
    const why = s.prepared && s.erasedFrom === undefined ? `Begin skipped the erase because ${hex(s.prepared.fileAddress)} + ${s.prepared.fileLength} is past the 4 MB chip` : 'no Prepare erased it since it was last written';
    const where = r.wrapped ? `${hex(r.chipAddress)} (chunk_address ${hex(r.address)}, wrapped onto the 4 MB chip)` : hex(r.chipAddress);
    this.host.diagnose(
      'unerased-program',
      formatMessage('Failed to program {length} bytes at {where}: the flash there was not erased ({why}), so {overData} bytes merged with old data and {mismatched} read back different from what was written. Set file.chunk_address = 0 before Spark_Prepare_For_Firmware_Update.', {
        length: bytes(r.length),
        where,
        why,
        overData: bytes(r.overData),
        mismatched: bytes(r.mismatched),
      }),
      `unerased-program@${hex(r.chipAddress)}`,
    );
  }
}

function newSession(): UpdateSession {
  return { bytesWritten: 0, outsideOta: 0 };
}
