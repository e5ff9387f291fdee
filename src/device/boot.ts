import type { Diagnostics } from '../sim/diagnostics';
import type { EventBus } from '../sim/events';
import { hex } from '../sim/messages';
import type { BoronFlash } from '../hal/boron-flash';
import { applyPendingSlots, explainSlot } from '../ota/bootloader';
import type { DctModuleSlots } from '../ota/dct-slots';
import { explainValidation } from '../ota/explain';
import { ModuleFunction, moduleFunctionName, type ModulePrefix } from '../ota/module-format';
import { profileForSystemVersion, type DeviceOsProfile } from '../ota/profiles';
import { fetchModule, readModuleInfo, Validation, verifyCrc, type ModuleBounds } from '../ota/validation';
import { sketchForSha } from './images';
import { defineSketch, type Sketch } from './sketch';

/** A module installed in internal flash, as the device reads it. */
export interface InstalledModule {
  region: string;
  function: string;
  index: number;
  version: number;
  startAddress: number;
  endAddress: number;
  platformId: number;
  crcOk: boolean;
  /** The sketch this image runs, when it was built from one. */
  sketch?: string;
}

/**
 * What the bootloader and the system part check as the device starts, and what they find in
 * flash: the pending updates they apply, the system part they trust, the app they run. Every
 * boot-time diagnostic is written here. It also keeps the Device OS profile in force, which
 * follows the system part installed.
 */
export class BootChecks {
  /** The Device OS behaviour in force: the factory version's, then whatever system part is installed. */
  profile: DeviceOsProfile;

  constructor(
    private readonly flash: BoronFlash,
    private readonly slots: DctModuleSlots,
    private readonly events: EventBus,
    private readonly diagnostics: Diagnostics,
    factory: DeviceOsProfile,
  ) {
    this.profile = factory;
  }

  /** The profile of the system part now in flash, when one ships it. */
  followInstalledSystem(): void {
    this.profile = profileForSystemVersion(this.systemModuleVersion()) ?? this.profile;
  }

  /** The bootloader applies each pending DCT slot, taking the time each copy takes. */
  async applyPendingUpdates(spend: (micros: number) => Promise<void>): Promise<void> {
    for (const outcome of applyPendingSlots(this.flash, this.slots)) {
      const { slot } = outcome;
      this.events.emit('bootloader:apply', { slot: slot.index, destination: slot.destinationAddress, length: slot.length, applied: outcome.applied, ...(outcome.why ? { why: outcome.why } : {}) });
      const { code, message } = explainSlot(outcome, 'boot');
      this.diagnostics.report(code, message);
      await spend(outcome.costMicros);
    }
  }

  /** The bootloader jumps to a valid system part only; otherwise it stays in DFU mode. */
  systemPartValid(): boolean {
    const system = this.bounds(ModuleFunction.SYSTEM_PART);
    const check = fetchModule(this.flash, system, this.profile.moduleBounds, false, Validation.INTEGRITY);
    if (check.passed & Validation.INTEGRITY) return true;
    this.diagnostics.report('system-invalid', `Failed to boot: the system part at ${hex(system.start)} is not valid (CRC-32 mismatch or no module), so the bootloader stays in DFU mode.`);
    return false;
  }

  /**
   * `HAL_Core_Validate_User_Module` (`hal/src/nRF52840/core_hal.c:359-386` at v1.4.4): the user part
   * must start at its bounds, fit, be for this platform, pass its CRC and have its dependencies met
   * (not optional at boot). Otherwise the device runs in safe mode and the app does not start.
   */
  userApp(): Sketch | undefined {
    // From 3.1 there are two user regions (256K and the 128K compat one): the app is whichever holds a user part.
    const regions = this.profile.moduleBounds.filter((b) => b.function === ModuleFunction.USER_PART).reverse();
    const bounds = regions.find((b) => readModuleInfo(this.flash.internal, b.start).info.startAddress === b.start) ?? regions[0];
    const check = fetchModule(this.flash, bounds, this.profile.moduleBounds, false, Validation.INTEGRITY);
    const { info } = check;
    const ok = check.fetched && check.passed === check.checked && info.startAddress === bounds.start && info.function === ModuleFunction.USER_PART;
    if (!ok) {
      const reasons = explainValidation(check, undefined, bounds.start);
      this.diagnostics.report('safe-mode', `Failed to start the app: the user part at ${hex(bounds.start)} is not valid${reasons.length ? ` (${reasons.join(' ')})` : ''}, so the device runs in safe mode.`);
      return undefined;
    }
    return this.sketchAt(bounds, info) ?? defineSketch(() => ({}), { name: `unknown app (${hex(info.startAddress)} v${info.version})` });
  }

  /** The modules in internal flash as the device reads them. */
  modules(): InstalledModule[] {
    return this.profile.moduleBounds.map((bounds) => {
      const { info } = readModuleInfo(this.flash.internal, bounds.start);
      const crc = verifyCrc(this.flash.internal, bounds.start, (info.endAddress - info.startAddress) >>> 0);
      const module: InstalledModule = {
        region: bounds.name,
        function: moduleFunctionName(info.function),
        index: info.index,
        version: info.version,
        startAddress: info.startAddress,
        endAddress: info.endAddress,
        platformId: info.platformId,
        crcOk: crc !== undefined && crc.stored === crc.computed,
      };
      const sketch = info.function === ModuleFunction.USER_PART ? this.sketchAt(bounds, info) : undefined;
      if (sketch) module.sketch = sketch.name;
      return module;
    });
  }

  systemModuleVersion(): number {
    return readModuleInfo(this.flash.internal, this.bounds(ModuleFunction.SYSTEM_PART).start).info.version;
  }

  private sketchAt(bounds: ModuleBounds, info: ModulePrefix): Sketch | undefined {
    const length = (info.endAddress - info.startAddress) >>> 0;
    if (length < 38 || bounds.start + length > this.flash.internal.size) return undefined;
    const sha = this.flash.internal.read(bounds.start + length - 34, 32);
    return sketchForSha(Buffer.from(sha).toString('hex'));
  }

  private bounds(fn: number): ModuleBounds {
    return this.profile.moduleBounds.find((b) => b.function === fn)!;
  }
}
