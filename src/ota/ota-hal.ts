import type { EventBus } from '../sim/events';
import { LogLevel } from '../sim/log-format';
import { bytes, count, formatMessage, hex } from '../sim/messages';
import { andThen, type NowOrLater } from '../sim/now-or-later';
import { BoronMap, decodeQspiAddress } from '../hal/boron-flash';
import { applySlot, explainSlot } from './bootloader';
import { FlashDevice, SlotVerify, type DctModuleSlots } from './dct-slots';
import { explainValidation, type UpdateSession } from './explain';
import { updateGen2Unaligned, updateGen3, type ChunkOutcome } from './flash-update';
import { CRC_SIZE, ModuleFlag, ModuleFunction } from './module-format';
import type { DeviceOsProfile } from './profiles';
import { fetchModule, Validation, type Chips, type ModuleCheck } from './validation';

/** HAL_FLASH_Update's result once the flash's time has passed: one function for every chunk that must wait. */
const zero = (): number => 0;

/** `SYSTEM_ERROR_*` codes the OTA path returns from 2.x on (`services/inc/system_error.h` at v2.0.1 and v6.2.0). */
export const SystemError = {
  UNKNOWN: -100,
  INVALID_STATE: -210,
  NO_MEMORY: -260,
  OTA_MODULE_NOT_FOUND: -1300,
  OTA_UNSUPPORTED_MODULE: -1310,
  OTA_VALIDATION_FAILED: -1320,
  OTA_INTEGRITY_CHECK_FAILED: -1330,
  OTA_DEPENDENCY_CHECK_FAILED: -1340,
  OTA_INVALID_ADDRESS: -1350,
  OTA_INVALID_SIZE: -1351,
  OTA_INVALID_PLATFORM: -1360,
  OTA_UPDATES_DISABLED: -1380,
} as const;

/** What `HAL_FLASH_End` did with the module in the OTA region. */
export interface HalEnd {
  check: ModuleCheck;
  /** `pending-restart`: queued in a DCT slot; `applied`: flashed already (a 1.x bootloader); else the error. */
  outcome: 'pending-restart' | 'applied' | 'error';
  /** The SYSTEM_ERROR code 2.x+ returns for the error (1.x reports only HAL_UPDATE_ERROR). */
  error?: number;
}

/** What the OTA HAL needs from its device. */
export interface OtaHalHost {
  readonly chips: Chips;
  readonly slots: DctModuleSlots;
  readonly profile: DeviceOsProfile;
  readonly events: EventBus;
  /** Take virtual time: undefined when it was taken at once, else a promise that resolves once it has passed. */
  spend(micros: number): Promise<void> | undefined;
  log(category: string, level: number, message: string): void;
  /** Explain a cause in plain words; a later report with the same `key` replaces the earlier one. */
  diagnose(code: string, message: string, key?: string): void;
}

export interface OtaHalOptions {
  /** Program OTA chunks as Gen 2 did before v1.5.0 (Device OS #1989): odd-sized chunks corrupt the image. */
  gen2UnalignedWriteBug?: boolean;
  /** What sits in RAM just before the chunk buffer (seeded stack garbage: the Gen 2 bug programs it). */
  stackByte?: () => number;
}

/**
 * The nRF52840 OTA HAL (`hal/src/nRF52840/ota_flash_hal.cpp`, `platform/MCU/nRF52840/src/
 * flash_mal.c`): Begin erases, Update programs, End validates and queues or applies — with each
 * version's log lines and results. It remembers what this boot's update did, to explain failures.
 */
export class OtaHal {
  session: UpdateSession = newSession();

  constructor(
    private readonly host: OtaHalHost,
    private readonly options: OtaHalOptions = {},
  ) {}

  private get otaStart(): number {
    return this.host.profile.otaRegion.start;
  }

  private get category(): string {
    // 37823ce2d (v2.0.0-alpha.1) moved the OTA HAL's logs from `hal` to `hal.ota`.
    return this.host.profile.updateApi === '1.x' ? 'hal' : 'hal.ota';
  }

  /**
   * `HAL_FLASH_Begin` → `FLASH_EraseMemory(FLASH_SERIAL, …)` (`flash_mal.c:665-675,45-105` at v1.4.4),
   * in the device's 32-bit arithmetic: the range check `address + length − 1 <= 0x400000` wraps, and so
   * does `CEIL_DIV(length, 4096)` = `(length + 4095) / 4096`. A failed check erases nothing; a passed one
   * erases that many 4 KB sectors from the sector holding `address` (`exflash_hal.c:260-293`). Either way
   * Begin reports success.
   */
  async begin(address: number, length: number, caller: string): Promise<boolean> {
    this.session = newSession();
    const start = address >>> 0;
    const size = length >>> 0;
    const sector = BoronMap.sectorSize;
    const end = (start + size - 1) >>> 0;
    const inRange = end <= BoronMap.external.size;
    const sectors = inRange ? Math.floor(((size + sector - 1) >>> 0) / sector) : 0;
    this.session.prepared = { fileAddress: start, fileLength: size, ...(inRange ? (sectors === 0 && size > 0 ? { skipped: 'zero-sectors' as const } : {}) : size > 0 ? { skipped: 'range' as const } : {}) };
    if (this.host.profile.beginFreesPendingSlots) for (const slot of this.host.slots.pending()) this.host.slots.free(slot.index);
    const erase = sectors > 0;
    const first = Math.floor(start / sector) * sector;
    if (erase) this.session.erased = { chipFrom: decodeQspiAddress(first).chipAddress, bytes: Math.min(sectors, BoronMap.external.size / sector) * sector };
    this.host.events.emit('ota:begin', { fileAddress: start, fileLength: size, erased: erase });
    if (this.session.prepared.skipped) this.host.diagnose('erase-skipped', this.skippedEraseText(start, size, caller));
    if (!erase) return true;
    const external = this.host.chips.external;
    // More sectors than the chip has erase every sector again and again (the address wraps modulo 4 MB): each distinct one once here, every one timed.
    const distinct = Math.min(sectors, BoronMap.external.size / sector);
    let cost = (sectors - distinct) * external.timing.sectorEraseMicros;
    for (let i = 0; i < distinct; i++) cost += external.erase(decodeQspiAddress((first + i * sector) >>> 0).chipAddress, sector);
    this.host.events.emit('flash:erase', { chip: 'external', address: decodeQspiAddress(start).chipAddress, length: sectors * sector });
    this.noteAssetStoreErase(first, sectors, size, caller);
    await this.host.spend(cost);
    return true;
  }

  /** Why Begin erased nothing, from the numbers: the chunk_address offset, the file_length, or the 32-bit wrap. */
  private skippedEraseText(address: number, length: number, caller: string): string {
    const ota = this.otaStart;
    const chipEnd = BoronMap.external.size;
    const values = { address: hex(address), length, caller };
    const prefix = 'Failed to erase the OTA region: HAL_FLASH_Begin skipped the erase because {address} + {length} runs past the 4 MB external flash (the range must end at or below 0x400000), yet {caller} returned 0.';
    if (this.session.prepared?.skipped === 'zero-sectors') {
      return formatMessage(
        'Failed to erase the OTA region: file_length {length} ({hexLength}) passed HAL_FLASH_Begin\'s range check only because {address} + {hexLength} − 1 wraps to {end} in 32 bits, and CEIL_DIV({hexLength}, 4096) wraps to 0 sectors, so nothing was erased, yet {caller} returned 0. Set file_length to the image\'s size (at most {max} bytes, the OTA region\'s size).',
        { ...values, hexLength: hex(length), end: hex((address + length - 1) >>> 0), max: bytes(this.host.profile.otaRegion.maximumSize) },
      );
    }
    const offset = (address - ota) >>> 0;
    const room = chipEnd - ota;
    const lengthFits = length <= room;
    if (offset !== 0 && lengthFits) return formatMessage(`${prefix} Keep file.chunk_address at 0 (an offset into the OTA region) when calling Prepare.`, values);
    if (offset === 0) {
      return formatMessage(`${prefix} file_length {bytes} is more than the {room} bytes from the OTA region's start {ota} to the end of the chip: set file_length to the image's size (the region holds {max} bytes).`, {
        ...values,
        bytes: bytes(length),
        room: bytes(room),
        ota: hex(ota),
        max: bytes(this.host.profile.otaRegion.maximumSize),
      });
    }
    return formatMessage(
      `${prefix} Both fields are at fault: file_address is the OTA region's start {ota} plus chunk_address {offset}, and file_length {bytes} is more than the {room} bytes from {ota} to the end of the chip. Keep file.chunk_address at 0 when calling Prepare, and set file_length to the image's size.`,
      { ...values, ota: hex(ota), offset: hex(offset), bytes: bytes(length), room: bytes(room) },
    );
  }

  /**
   * 5.5+ on a Boron: erasing past the OTA region's first 606,208 bytes erases the asset store. The cloud's
   * path unmounts it first (`AssetManager::prepareForOta`, `system/src/asset_manager.cpp:375-395`, called
   * from `startFirmwareUpdate`, `system_cloud_internal.cpp:174-181` at v6.2.0); the application's Prepare
   * goes straight to `FirmwareUpdate::startUpdate` (`system_update.cpp:314-332`) and does not.
   */
  private noteAssetStoreErase(first: number, sectors: number, length: number, caller: string): void {
    const assets = this.host.profile.assetStore;
    if (!assets) return;
    const sector = BoronMap.sectorSize;
    let hit = 0;
    for (let i = 0; i < Math.min(sectors, BoronMap.external.size / sector); i++) {
      const at = decodeQspiAddress((first + i * sector) >>> 0).chipAddress;
      if (at >= assets.start && at < assets.end) hit++;
    }
    if (hit === 0) return;
    this.host.diagnose(
      'assets-erased',
      formatMessage(
        'Failed to keep the asset store: {caller} erased {erased} bytes from {from} for file_length {length}, and {hit} bytes of that are the asset store at {assetStart} to {assetEnd}, which on a Boron from 5.5 shares the OTA region beyond its first {safe} bytes. A cloud update unmounts the asset store before erasing (AssetManager::prepareForOta); an application\'s Prepare does not, so the assets stored there are gone and must be delivered again. An image of at most {safe} bytes, with file_length set to its size, leaves them alone.',
        {
          caller,
          erased: bytes(sectors * sector),
          from: hex(first),
          length: bytes(length),
          hit: bytes(hit * sector),
          assetStart: hex(assets.start),
          assetEnd: hex(assets.end),
          safe: bytes(assets.otaSafeLength),
        },
      ),
    );
  }

  /** `HAL_FLASH_Update`: program `data` at a raw external-flash address; no range check at any layer. 0 once its time has passed. */
  update(address: number, data: Uint8Array): NowOrLater<number> {
    const { chipAddress, wrapped } = decodeQspiAddress(address);
    const external = this.host.chips.external;
    const outcome = this.options.gen2UnalignedWriteBug ? updateGen2Unaligned(external, chipAddress, data, this.options.stackByte?.() ?? 0) : updateGen3(external, chipAddress, data);
    const { overData, mismatched } = outcome;
    if (this.host.events.wants('flash:program')) this.host.events.emit('flash:program', { chip: 'external', address: chipAddress, length: data.length, overData, mismatched });
    this.noteWrite(address, chipAddress, data.length, overData, mismatched, wrapped);
    if (outcome.refused || outcome.tailReplaced) this.noteGen2Damage(chipAddress, data.length, outcome);
    return andThen(this.host.spend(outcome.costMicros), zero);
  }

  /** A new Finish starts: the last validation belongs to an earlier call. */
  forgetCheck(): void {
    this.session.lastCheck = undefined;
  }

  /** `HAL_FLASH_OTA_Validate` / `fetch_module` on the OTA region, as End runs it. */
  async validate(): Promise<ModuleCheck> {
    const { chips, profile } = this.host;
    const check = fetchModule(chips, profile.otaRegion, profile.moduleBounds, true, Validation.INTEGRITY | Validation.DEPENDENCIES_FULL);
    this.session.lastCheck = check;
    const crcBytes = check.crc ? (check.info.endAddress - check.info.startAddress) >>> 0 : 0;
    await this.host.spend(chips.external.readCost(crcBytes + CRC_SIZE));
    // 2.x+ logs inside fetchModules, which VALIDATE_ONLY and End both run (`v2.0.1:ota_flash_hal.cpp:441-476`); 1.x logs in End only.
    if (this.category === 'hal.ota') this.logValidation(check, this.validationError(check));
    return check;
  }

  /** The SYSTEM_ERROR code 2.x+ gives a validation that did not pass (`v2.0.1:ota_flash_hal.cpp:406-426`). */
  validationError(check: ModuleCheck): number | undefined {
    if (!check.fetched) return SystemError.OTA_MODULE_NOT_FOUND;
    const failed = check.checked & ~check.passed;
    if (failed === 0) return undefined;
    if (failed & Validation.INTEGRITY) return SystemError.OTA_INTEGRITY_CHECK_FAILED;
    if (failed & (Validation.DEPENDENCIES | Validation.DEPENDENCIES_FULL)) return SystemError.OTA_DEPENDENCY_CHECK_FAILED;
    if (failed & Validation.RANGE) return SystemError.OTA_INVALID_ADDRESS;
    if (failed & Validation.PLATFORM) return SystemError.OTA_INVALID_PLATFORM;
    return SystemError.OTA_VALIDATION_FAILED;
  }

  /**
   * `HAL_FLASH_End` (`v1.4.4:ota_flash_hal.cpp:398-453`, `v2.0.1:434-608`): validate, log, then
   * queue the module in a DCT slot (or, for a 1.x bootloader, flash it in place now).
   */
  async end(): Promise<HalEnd> {
    const check = await this.validate();
    const { info } = check;
    const error = this.validationError(check);
    if (this.category === 'hal') this.logValidation(check, error);
    for (const line of explainValidation(check, this.session, this.otaStart)) this.host.diagnose('validation', line);
    if (error !== undefined) return { check, outcome: 'error', error };
    const log = (level: number, message: string) => this.host.log(this.category, level, message);
    if (this.category === 'hal.ota') log(LogLevel.LOG_LEVEL_INFO, `Applying module; type: ${info.function}; index: ${info.index}; version: ${info.version}`);
    if (info.mcuTarget !== 0) {
      // Boron has HAL_PLATFORM_NCP_UPDATABLE = 0.
      log(LogLevel.LOG_LEVEL_ERROR, 'NCP module is not updatable on this platform');
      return { check, outcome: 'error', error: SystemError.OTA_UNSUPPORTED_MODULE };
    }
    const moduleLength = (info.endAddress - info.startAddress) >>> 0;
    if (info.function === ModuleFunction.BOOTLOADER && this.host.profile.updateApi === '1.x') return this.flashBootloader(check, moduleLength);
    if (info.function === ModuleFunction.RADIO_STACK && !(info.flags & ModuleFlag.DROP_MODULE_INFO)) {
      // platform_radio_stack_update_module accepts only modules built without their header (`v1.4.4:platform_radio_stack.cpp:69-88`).
      this.host.diagnose('radio-stack-flags', 'Failed to apply the radio stack: its module flags lack DROP_MODULE_INFO (0x01), which Device OS requires of a SoftDevice module, so it was refused without a log line.');
      return { check, outcome: 'error', error: SystemError.OTA_UNSUPPORTED_MODULE };
    }
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
      if (this.category === 'hal.ota') {
        log(LogLevel.LOG_LEVEL_ERROR, 'No module slot available');
        log(LogLevel.LOG_LEVEL_ERROR, 'Unable to apply module');
      }
      this.host.diagnose('slots-full', 'Failed to queue the update: all four DCT module slots already hold pending updates. Reset the device to let the bootloader apply them.');
      return { check, outcome: 'error', error: SystemError.NO_MEMORY };
    }
    return { check, outcome: 'pending-restart' };
  }

  private logValidation(check: ModuleCheck, error: number | undefined): void {
    const log = (level: number, message: string) => this.host.log(this.category, level, message);
    if (this.category === 'hal') {
      log(LogLevel.LOG_LEVEL_INFO, `module fetched ${check.fetched ? 1 : 0}, checks=${check.checked.toString(16)}, result=${check.passed.toString(16)}`);
      if (error !== undefined) log(LogLevel.LOG_LEVEL_WARN, 'OTA module not applied');
      return;
    }
    if (!check.fetched) return log(LogLevel.LOG_LEVEL_ERROR, 'Unable to fetch module');
    const { info } = check;
    log(LogLevel.LOG_LEVEL_INFO, `Validating module; type: ${info.function}; index: ${info.index}; version: ${info.version}`);
    const hex2 = (n: number) => n.toString(16).padStart(2, '0');
    if (error !== undefined) log(LogLevel.LOG_LEVEL_ERROR, `Validation failed; result: 0x${hex2(check.passed)}; checked: 0x${hex2(check.checked)}`);
  }

  /**
   * 1.x `flash_bootloader` (`v1.4.4:ota_flash_hal.cpp:346-382`, `bootloader.cpp:153-162`): copy the
   * bootloader from the OTA region over 0xF4000 now, checking it first exactly as the bootloader
   * checks a slot. A refused copy leaves the old bootloader and returns HAL_UPDATE_ERROR.
   */
  private async flashBootloader(check: ModuleCheck, moduleLength: number): Promise<HalEnd> {
    const slot = {
      index: 0,
      magic: 0,
      sourceDevice: FlashDevice.SERIAL,
      sourceAddress: this.otaStart,
      destinationDevice: FlashDevice.INTERNAL,
      destinationAddress: BoronMap.internal.bootloader.start,
      length: moduleLength + CRC_SIZE,
      flags: SlotVerify.CRC | SlotVerify.DESTINATION_IS_START_ADDRESS | SlotVerify.FUNCTION,
      moduleFunction: ModuleFunction.BOOTLOADER,
    };
    const outcome = applySlot(this.host.chips, slot);
    // A cut stops the clock where the copy began (flash time is charged after the call, as everywhere).
    if (!outcome.cut) await this.host.spend(outcome.costMicros);
    const cut = outcome.cut && { copied: outcome.cut.copied, total: outcome.cut.total };
    this.host.events.emit('ota:bootloader', { destination: slot.destinationAddress, length: slot.length, applied: outcome.applied, ...(outcome.why ? { why: outcome.why } : {}), ...(cut ? { cut } : {}) });
    const { code, message } = explainSlot(outcome, 'finish');
    this.host.diagnose(code, message);
    // A power cut: the firmware stops here, with the bootloader half-written.
    if (outcome.cut) throw outcome.cut.error;
    return outcome.applied ? { check, outcome: 'applied' } : { check, outcome: 'error', error: SystemError.OTA_UNSUPPORTED_MODULE };
  }


  private noteWrite(address: number, chipAddress: number, size: number, overData: number, mismatched: number, wrapped: boolean): void {
    const s = this.session;
    s.firstWrite ??= { address, chipAddress, wrapped };
    s.bytesWritten += size;
    const ota = this.host.profile.otaRegion;
    if (chipAddress < ota.start || chipAddress + size > ota.end) {
      s.outsideOta += size;
      s.firstOutside ??= chipAddress;
      this.host.diagnose(
        'outside-ota',
        formatMessage('Failed to keep the chunks inside the OTA region ({start} to {end}): {count} bytes were programmed outside it, first at {first}. Keep chunk_address between file_address and file_address + file_length.', {
          start: hex(ota.start),
          end: hex(ota.end),
          count: bytes(s.outsideOta),
          first: hex(s.firstOutside),
        }),
        'outside-ota',
      );
    }
    if (overData === 0 && mismatched === 0) return;
    const run = s.dirtyRun;
    if (run && run.chipAddress + run.length === chipAddress) {
      run.length += size;
      run.overData += overData;
      run.mismatched += mismatched;
    } else {
      s.dirtyRun = { address, chipAddress, length: size, overData, mismatched, wrapped };
    }
    const r = s.dirtyRun!;
    const { why, remedy } = this.unerasedCause(r.chipAddress);
    const where = r.wrapped ? `${hex(r.chipAddress)} (chunk_address ${hex(r.address)}, wrapped onto the 4 MB chip)` : hex(r.chipAddress);
    this.host.diagnose(
      'unerased-program',
      formatMessage('Failed to program {length} bytes at {where}: the flash there was not erased ({why}), so {overData} bytes merged with old data and {mismatched} read back different from what was written. {remedy}', {
        length: bytes(r.length),
        where,
        why,
        overData: bytes(r.overData),
        mismatched: bytes(r.mismatched),
        remedy,
      }),
      `unerased-program@${hex(r.chipAddress)}`,
    );
  }

  /** Why the flash at `chipAddress` held data when a chunk was programmed there, from what this boot's update did. */
  private unerasedCause(chipAddress: number): { why: string; remedy: string } {
    const s = this.session;
    const prepared = s.prepared;
    if (!prepared) {
      return { why: 'no Spark_Prepare_For_Firmware_Update ran since the device booted, so nothing erased it', remedy: 'Call Spark_Prepare_For_Firmware_Update before saving chunks.' };
    }
    if (prepared.skipped === 'range') {
      const offset = (prepared.fileAddress - this.otaStart) >>> 0;
      const lengthFits = prepared.fileLength <= BoronMap.external.size - this.otaStart;
      const why = `Begin skipped the erase because ${hex(prepared.fileAddress)} + ${prepared.fileLength} is past the 4 MB chip`;
      if (offset !== 0 && lengthFits) return { why, remedy: 'Set file.chunk_address = 0 before Spark_Prepare_For_Firmware_Update.' };
      if (offset === 0) return { why, remedy: "Set file_length to the image's size before Spark_Prepare_For_Firmware_Update." };
      return { why, remedy: "Set file.chunk_address = 0 and file_length to the image's size before Spark_Prepare_For_Firmware_Update." };
    }
    if (prepared.skipped === 'zero-sectors') {
      return {
        why: `Begin erased 0 sectors because CEIL_DIV(${hex(prepared.fileLength)}, 4096) wraps to 0 in 32 bits`,
        remedy: "Set file_length to the image's size before Spark_Prepare_For_Firmware_Update.",
      };
    }
    const erased = s.erased;
    if (!erased) {
      return { why: `Begin erased nothing: file_length was ${prepared.fileLength}`, remedy: "Set file_length to the image's size before Spark_Prepare_For_Firmware_Update." };
    }
    if (!inErased(erased, chipAddress)) {
      return {
        why: `it lies outside the ${bytes(erased.bytes)} bytes Begin erased from ${hex(erased.chipFrom)} for file_length ${bytes(prepared.fileLength)}`,
        remedy: "Set file_length to at least the image's size, and keep chunk_address between file_address and file_address + file_length.",
      };
    }
    return {
      why: 'an earlier chunk of this update had already been programmed there since Begin erased it',
      remedy: 'Save each part of the image once: advance chunk_address by chunk_size after each Save.',
    };
  }

  private noteGen2Damage(chipAddress: number, size: number, outcome: ChunkOutcome): void {
    const s = this.session;
    s.gen2 ??= { refusedChunks: 0, refusedBytes: 0, tails: 0 };
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
        "Failed to program the image intact: the Gen 2 unaligned-write bug (Device OS #1989, fixed by PR #2036 in 1.5.0) is switched on. {odd} with a length that is not a multiple of 4{first} got a last word made of the byte before the buffer and the chunk's first bytes, and {refused} ({bytes} bytes) started at an unaligned address, which the flash refused. A Boron never had this bug; on Gen 2, save chunks whose length is a multiple of 4, or update to 1.5.0.",
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
}

/** Whether `chipAddress` lies in what Begin erased (which may wrap past the chip's end). */
function inErased(erased: { chipFrom: number; bytes: number }, chipAddress: number): boolean {
  const offset = (chipAddress - erased.chipFrom + BoronMap.external.size) % BoronMap.external.size;
  return offset < erased.bytes;
}

function newSession(): UpdateSession {
  return { bytesWritten: 0, outsideOta: 0 };
}
