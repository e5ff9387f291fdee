import { LogLevel } from '../sim/log-format';
import { formatMessage } from '../sim/messages';
import { andThen, type NowOrLater } from '../sim/now-or-later';
import { Descriptor, FileTransferStore } from './descriptor';
import { OtaHal, SystemError, type OtaHalHost, type OtaHalOptions } from './ota-hal';
import type { ModuleCheck } from './validation';

/** `particle::protocol::UpdateFlag` (`communication/inc/protocol_defs.h:127-134` at v1.4.4). */
export const UpdateFlag = { ERROR: 0x00, SUCCESS: 0x01, VALIDATE_ONLY: 0x02, DONT_RESET: 0x04 } as const;

/** `firmware_update` event parameters (`system/inc/system_event.h:74-77`). */
export const FirmwareUpdateEvent = { begin: 0, complete: 1, progress: 2, failed: -1 } as const;

/** `HAL_OTA_ChunkSize()` (`OTA_CHUNK_SIZE`). */
export const OTA_CHUNK_SIZE = 512;

/** Size of the JSON result buffer Finish's third argument points to from 3.0 (`v3.3.1:system_update.cpp:281-295`). */
export const FINISH_RESULT_BUFFER_SIZE = 255;

/** `hal_module_t`'s validity fields, filled in by a 1.x Finish when the sketch passes one. */
export interface HalModuleResult {
  validity_checked: number;
  validity_result: number;
  check?: ModuleCheck;
}

/** Finish's third argument: a `hal_module_t` in 1.x, reserved in 2.x, a 255-byte JSON buffer from 3.0. */
export type FinishResultArgument = HalModuleResult | Uint8Array | null;

/** What the system_update calls need from the device they run on, beyond what the HAL needs. */
export interface SystemUpdateHost extends OtaHalHost {
  /** `system_notify_event(firmware_update, param, &file)`: the handlers get the descriptor too. */
  systemEvent(event: 'firmware_update', param: number, file: Descriptor): void;
  setUpdateLed(on: boolean): void;
  /** 1.x Finish's forced `spark_protocol_command(DISCONNECT)`; resolves when it is done or has failed. */
  disconnectCloud(): Promise<void>;
  /** `system_pending_shutdown()`: reset at the next idle point. */
  scheduleReset(): void;
  /** `TimingFlashUpdateTimeout = 0`: restart the stall watchdog's count. */
  touchUpdateTimeout(): void;
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
const PREPARE = 'Spark_Prepare_For_Firmware_Update';
const SAVE = 'Spark_Save_Firmware_Chunk';
const FINISH = 'Spark_Finish_Firmware_Update';

/**
 * `Spark_Prepare_For_Firmware_Update`, `Spark_Save_Firmware_Chunk` and
 * `Spark_Finish_Firmware_Update` as the profile's Device OS implements them: 1.x and 2.x
 * (`system/src/system_update.cpp`, reference note §1) or 3.x+ (`system/src/firmware_update.cpp`).
 */
export class SystemUpdate {
  readonly flags: UpdateFlags = { updatesEnabled: true, updatesForced: false, updatesPending: false, flashUpdateActive: false };
  /** The descriptor this update's events carry. */
  private updateDescriptor?: Descriptor;
  private readonly hal: OtaHal;
  /** The last chunk view chunkBytes made, and the buffer it views. */
  private chunkView?: Uint8Array;
  private chunkViewOf?: Uint8Array;

  constructor(
    private readonly host: SystemUpdateHost,
    options: OtaHalOptions = {},
  ) {
    this.hal = new OtaHal(host, options);
  }

  private get api() {
    return this.host.profile.updateApi;
  }

  private get otaStart(): number {
    return this.host.profile.otaRegion.start;
  }

  async prepare(file: Descriptor, flags: number): Promise<number> {
    return this.api === '3.x' ? this.prepare3x(file, flags) : this.prepare1x(file, flags);
  }

  /** Save a chunk: its result now when the flash took its time at once, else a promise of it. */
  save(file: Descriptor, chunk: Uint8Array): NowOrLater<number> {
    return this.api === '3.x' ? this.save3x(file, chunk) : this.save1x(file, chunk);
  }

  async finish(file: Descriptor, flags: number, result: FinishResultArgument): Promise<number> {
    this.hal.forgetCheck();
    const res = this.api === '3.x' ? await this.finish3x(flags, result) : await this.finish1x(file, flags, result);
    const check = this.hal.session.lastCheck;
    this.host.events.emit('ota:finish', { flags, result: res, fetched: check?.fetched ?? false, checked: check?.checked ?? 0, passed: check?.passed ?? 0 });
    return res;
  }

  // ---- 1.x and 2.x: v1.4.4 lines 280-419, v2.0.1 lines 294-450 ----

  private async prepare1x(file: Descriptor, flags: number): Promise<number> {
    if (file.read('store', PREPARE) === FIRMWARE) {
      file.write('file_address', this.otaStart + file.read('chunk_address', PREPARE));
      if (file.read('chunk_size', PREPARE) === 0) {
        // The caller's file_length is overwritten whenever chunk_size is 0.
        file.write('chunk_size', OTA_CHUNK_SIZE);
        file.write('file_length', this.host.profile.otaRegion.maximumSize);
      }
    }
    if (!this.flags.updatesEnabled && !this.flags.updatesForced) {
      this.updatesDisabled(1);
      return 1;
    }
    if (flags & 1) return 0;
    this.startUpdate(file);
    await this.hal.begin(file.read('file_address', PREPARE), file.read('file_length', PREPARE), PREPARE);
    return 0; // HAL_FLASH_Begin's result is ignored.
  }

  /** `chunk_address` is an absolute external-flash address; nothing is range-checked. */
  private save1x(file: Descriptor, chunk: Uint8Array): NowOrLater<number> {
    this.host.touchUpdateTimeout();
    this.host.systemEvent('firmware_update', FirmwareUpdateEvent.progress, file);
    if (file.read('store', SAVE) !== FIRMWARE) return -1;
    return this.saveAt(file.read('chunk_address', SAVE), file, chunk);
  }

  private async finish1x(file: Descriptor, flags: number, result: FinishResultArgument): Promise<number> {
    const v1 = this.api === '1.x';
    this.flags.flashUpdateActive = false;
    this.host.touchUpdateTimeout();
    const validateOnly = UpdateFlag.VALIDATE_ONLY | UpdateFlag.SUCCESS;
    if ((flags & validateOnly) === validateOnly) {
      const check = await this.hal.validate();
      if (v1) fillModule(result, check);
      // 1.x returns !fetched (ota_flash_hal.cpp:384-396); 2.x the validation's error code.
      return v1 ? (check.fetched ? 0 : 1) : (this.hal.validationError(check) ?? 0);
    }
    let res = v1 ? 1 : SystemError.UNKNOWN;
    if (flags & UpdateFlag.SUCCESS) {
      if (file.read('store', FINISH) === FIRMWARE) {
        const end = await this.hal.end();
        if (v1) fillModule(result, end.check);
        const failed = end.outcome === 'error';
        // Through v1.5.0 these go the wrong way round: complete on failure, failed on success.
        const complete = failed === this.host.profile.finishEventsSwapped;
        this.host.systemEvent('firmware_update', complete ? FirmwareUpdateEvent.complete : FirmwareUpdateEvent.failed, file);
        // 1.x: 0 ok, 1 failed. 2.x: HAL_FLASH_End's own result — 1, APPLIED_PENDING_RESTART — or the error.
        res = v1 ? (failed ? 1 : 0) : failed ? end.error! : 1;
        if (!(flags & UpdateFlag.DONT_RESET)) {
          if (failed) {
            this.host.diagnose(
              'reset-after-failure',
              formatMessage('Spark_Finish_Firmware_Update returned {res} and still scheduled a reset: Device OS {version} always restarts after Finish(SUCCESS) ({source}), so the old firmware boots again.', {
                res,
                version: this.host.profile.version,
                source: v1 ? 'system_update.cpp:386-395' : 'system_update.cpp:396-434 at v2.0.1',
              }),
            );
          }
          // 1.x disconnects the cloud explicitly; from a09589210 (2.0) the reset path does it.
          if (v1) await this.host.disconnectCloud();
          this.host.scheduleReset();
        }
      }
    } else {
      this.host.systemEvent('firmware_update', FirmwareUpdateEvent.failed, file);
    }
    this.host.setUpdateLed(false);
    return res;
  }

  // ---- 3.x+: FirmwareUpdate (v3.3.1 system_update.cpp:353-399, firmware_update.cpp:112-295) ----

  private async prepare3x(file: Descriptor, flags: number): Promise<number> {
    if (file.read('store', PREPARE) !== FIRMWARE) return SystemError.OTA_UNSUPPORTED_MODULE;
    file.write('file_address', this.otaStart + file.read('chunk_address', PREPARE));
    if (file.read('chunk_size', PREPARE) === 0) file.write('chunk_size', OTA_CHUNK_SIZE);
    const maximum = this.host.profile.otaRegion.maximumSize;
    // Only an unset file_length takes the default now.
    if (file.read('file_length', PREPARE) === 0) file.write('file_length', maximum);
    const size = file.read('file_length', PREPARE);
    if (this.flags.flashUpdateActive) {
      this.host.log('system.ota', LogLevel.LOG_LEVEL_ERROR, 'Firmware update is already in progress');
      return SystemError.INVALID_STATE;
    }
    if (!this.flags.updatesEnabled && !this.flags.updatesForced) {
      this.updatesDisabled(SystemError.OTA_UPDATES_DISABLED);
      return SystemError.OTA_UPDATES_DISABLED;
    }
    if (size === 0 || size > maximum) {
      this.host.diagnose('invalid-size', formatMessage('Failed to prepare the update: file_length {size} is not between 1 and {maximum} bytes, the OTA region\'s size, so Prepare returned -1351 (OTA_INVALID_SIZE).', { size, maximum }));
      return SystemError.OTA_INVALID_SIZE;
    }
    if (flags & 1) return 0;
    // The erase always starts at the OTA region, whatever chunk_address held.
    await this.hal.begin(this.otaStart, size, PREPARE);
    this.startUpdate(this.systemDescriptor(size));
    return 0;
  }

  /** The offset is `chunk_address − file_address`, written from the start of the OTA region. */
  private save3x(file: Descriptor, chunk: Uint8Array): NowOrLater<number> {
    if (!this.flags.flashUpdateActive) {
      this.host.diagnose('save-without-prepare', 'Failed to save the chunk: no update is in progress (Prepare was not called, or the update ended), so Spark_Save_Firmware_Chunk returned -210 (INVALID_STATE) and wrote nothing.');
      return SystemError.INVALID_STATE;
    }
    const offset = (file.read('chunk_address', SAVE) - file.read('file_address', SAVE)) >>> 0;
    // `uintptr_t addr = HAL_OTA_FlashAddress() + chunkOffset` is 32-bit on the nRF52840 (`firmware_update.cpp:238` at v3.3.1).
    return andThen(this.saveAt((this.otaStart + offset) >>> 0, file, chunk), (res) => {
      // The events carry the system's own descriptor, updated to this chunk (`firmware_update.cpp:259-261` at v3.3.1).
      const own = this.updateDescriptor!;
      own.write('chunk_address', own.read('file_address', SAVE) + offset);
      own.write('chunk_size', file.read('chunk_size', SAVE));
      this.host.systemEvent('firmware_update', FirmwareUpdateEvent.progress, own);
      return res;
    });
  }

  private async finish3x(flags: number, result: FinishResultArgument): Promise<number> {
    if (!(flags & UpdateFlag.SUCCESS)) {
      // CANCEL: ends a running update; no result, no reset.
      if (this.flags.flashUpdateActive) this.endUpdate(false);
      return 0;
    }
    if (flags & UpdateFlag.VALIDATE_ONLY) {
      if (!this.flags.flashUpdateActive) {
        // `if (!updating_) return SYSTEM_ERROR_INVALID_STATE` comes first (`firmware_update.cpp:194-197` at v3.3.1).
        this.host.diagnose('validate-without-prepare', 'Failed to validate the module: no update is in progress (Prepare was not called, or the update ended), so Spark_Finish_Firmware_Update(VALIDATE_ONLY) returned -210 (INVALID_STATE) without reading the OTA region.');
        writeJsonResult(result, SystemError.INVALID_STATE);
        return SystemError.INVALID_STATE;
      }
      const r = this.hal.validationError(await this.hal.validate()) ?? 0;
      writeJsonResult(result, r);
      return r;
    }
    let r: number;
    if (!this.flags.flashUpdateActive) {
      this.host.diagnose('finish-without-prepare', 'Failed to finish the update: no update is in progress, so Spark_Finish_Firmware_Update returned -210 (INVALID_STATE) — and still scheduled a reset, as 3.x+ does for every Finish(SUCCESS).');
      r = SystemError.INVALID_STATE;
    } else {
      const end = await this.hal.end();
      r = end.outcome === 'error' ? end.error! : 0;
      this.endUpdate(r >= 0);
    }
    writeJsonResult(result, r);
    // "Keep the original Gen 2 behavior": reset whatever the result; DONT_RESET is ignored.
    this.host.scheduleReset();
    return r;
  }

  // ---- shared ----

  /** What every version does when an update starts: LED magenta, SPARK_FLASH_UPDATE set, `begin` event with the descriptor. */
  private startUpdate(file: Descriptor): void {
    this.updateDescriptor = file;
    this.flags.updatesPending = false;
    this.host.setUpdateLed(true);
    this.flags.flashUpdateActive = true;
    this.host.touchUpdateTimeout();
    this.host.systemEvent('firmware_update', FirmwareUpdateEvent.begin, file);
  }

  private endUpdate(ok: boolean): void {
    this.flags.flashUpdateActive = false;
    this.host.systemEvent('firmware_update', ok ? FirmwareUpdateEvent.complete : FirmwareUpdateEvent.failed, this.updateDescriptor!);
    this.host.setUpdateLed(false);
  }

  /**
   * 3.x+: `FirmwareUpdate::startUpdate` fills a descriptor of its own for the events, not the
   * app's: the size, the OTA region, its chunk size (`firmware_update.cpp:174-180` at v3.3.1).
   */
  private systemDescriptor(size: number): Descriptor {
    const own = new Descriptor(
      () => 0,
      () => {},
    );
    own.write('file_length', size);
    own.write('file_address', this.otaStart);
    own.write('chunk_size', OTA_CHUNK_SIZE);
    own.write('chunk_address', this.otaStart);
    own.write('store', FIRMWARE);
    return own;
  }

  private updatesDisabled(result: number): void {
    this.host.diagnose('updates-disabled', `Failed to prepare the update: updates are disabled (System.disableUpdates()), so Spark_Prepare_For_Firmware_Update returned ${result} and erased nothing. Call System.enableUpdates() first.`);
  }

  private saveAt(address: number, file: Descriptor, chunk: Uint8Array): NowOrLater<number> {
    const size = file.read('chunk_size', SAVE);
    const res = this.hal.update(address, this.chunkBytes(chunk, size));
    // A chunk saved at once (the usual case) needs no closure to finish it.
    return res instanceof Promise ? res.then((r) => this.chunkSaved(address, size, r)) : this.chunkSaved(address, size, res);
  }

  private chunkSaved(address: number, length: number, result: number): number {
    if (this.host.events.wants('ota:chunk')) this.host.events.emit('ota:chunk', { address, length, result });
    return result;
  }

  /** The bytes Save programs: `chunk_size` of them from the buffer, even past its end as C would read. */
  private chunkBytes(chunk: Uint8Array, size: number): Uint8Array {
    if (size === chunk.length) return chunk;
    if (size < chunk.length) {
      // A sketch saves its one buffer chunk after chunk, mostly with the same size: the view is kept for the next.
      const view = this.chunkView;
      if (view !== undefined && this.chunkViewOf === chunk && view.length === size) return view;
      this.chunkViewOf = chunk;
      return (this.chunkView = chunk.subarray(0, size));
    }
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
}

/** `offsetof(hal_module_t, validity_checked)` on the device: after the 16-byte bounds and three pointers (`hal/inc/ota_flash_hal.h:62-69` at v1.4.4). */
const HAL_MODULE_VALIDITY_OFFSET = 28;

/** 1.x: `HAL_FLASH_End(module)` fills the caller's `hal_module_t` — an object, or the struct's own bytes (from C++). */
function fillModule(result: FinishResultArgument, check: ModuleCheck): void {
  if (!result) return;
  if (result instanceof Uint8Array) {
    if (result.length < HAL_MODULE_VALIDITY_OFFSET + 4) return;
    const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
    view.setUint16(HAL_MODULE_VALIDITY_OFFSET, check.checked, true);
    view.setUint16(HAL_MODULE_VALIDITY_OFFSET + 2, check.passed, true);
    return;
  }
  result.validity_checked = check.checked;
  result.validity_result = check.passed;
  result.check = check;
}

/** 3.x+: the 255-byte buffer is zeroed, then `{"r":<code>}` is written into it. */
function writeJsonResult(result: FinishResultArgument, r: number): void {
  if (!(result instanceof Uint8Array)) return;
  result.fill(0, 0, Math.min(result.length, FINISH_RESULT_BUFFER_SIZE));
  const json = Buffer.from(`{"r":${r}}`, 'latin1');
  result.set(json.subarray(0, Math.min(json.length, result.length - 1)));
}
