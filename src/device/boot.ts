import type { Diagnostics } from '../sim/diagnostics';
import type { EventBus } from '../sim/events';
import { bytes, hex } from '../sim/messages';
import type { BoronFlash } from '../hal/boron-flash';
import { applyPendingSlots, explainSlot, type BootloaderRules } from '../ota/bootloader';
import type { DctModuleSlots } from '../ota/dct-slots';
import { explainValidation } from '../ota/explain';
import { ModuleFunction, moduleFunctionName, PLATFORM_BORON, SoftDeviceInfo, type ModulePrefix } from '../ota/module-format';
import { profileForSystemVersion, type DeviceOsProfile } from '../ota/profiles';
import { fetchModule, findModuleBounds, installedVersion, readModuleInfo, Validation, verifyCrc, type ModuleBounds, type ModuleCheck } from '../ota/validation';
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
  /**
   * The module's CRC-32 matches. For the radio stack, installed without its header, this is what Device
   * OS reports: it does not check a SoftDevice ("assuming that all checks passed",
   * `hal/src/nRF52840/platform_radio_stack.cpp:31-34` at v4.1.0).
   */
  crcOk: boolean;
  /** The sketch this image runs, when it was built from one. */
  sketch?: string;
}

/** A copy the emulator saw a power cut interrupt (the device itself keeps no such record). */
interface CutCopy {
  /** `slot`: the bootloader's copy of a DCT slot at boot; `finish`: 1.x flashing a bootloader in place at Finish. */
  what: 'slot' | 'finish';
  slot?: number;
  destination: number;
  copied: number;
  total: number;
  /** The slot was still pending, so the next boot copies it again (2.0+). */
  retried: boolean;
}

/** What `BootChecks.save()` keeps. */
export interface BootChecksState {
  readonly profile: DeviceOsProfile;
  readonly cuts: ReadonlyMap<number, CutCopy>;
  readonly installs: ReadonlyMap<number, string>;
}

/** A user region as the boot check found it. */
interface UserRegionCheck {
  bounds: ModuleBounds;
  check: ModuleCheck;
  ok: boolean;
  /** The region holds erased flash where a header would be. */
  empty: boolean;
}

const WHAT: Record<number, string> = { [ModuleFunction.BOOTLOADER]: 'bootloader', [ModuleFunction.SYSTEM_PART]: 'system part' };

/**
 * What the bootloader and the system part check as the device starts, and what they find in
 * flash: the pending updates they apply, the system part they trust, the app they run. Every
 * boot-time diagnostic is written here. It also keeps the Device OS profile in force, which
 * follows the system part installed.
 */
export class BootChecks {
  /** The Device OS behaviour in force: the factory version's, then whatever system part is installed. */
  profile: DeviceOsProfile;
  /** Copies a power cut interrupted, by destination, until a later copy there completes. */
  private readonly cuts = new Map<number, CutCopy>();
  /** Modules installed since the last boot check, by start address, and how (to explain a check they fail). */
  private readonly installs = new Map<number, string>();

  constructor(
    private readonly flash: BoronFlash,
    private readonly slots: DctModuleSlots,
    private readonly events: EventBus,
    private readonly diagnostics: Diagnostics,
    factory: DeviceOsProfile,
    /** The sketch an image with this SHA-256 (its suffix's) runs, as this device knows it. */
    private readonly sketchForSha: (sha: string) => Sketch | undefined,
  ) {
    this.profile = factory;
    events.on('ota:bootloader', (e) => {
      if (e.cut) this.cuts.set(e.destination, { what: 'finish', destination: e.destination, copied: e.cut.copied, total: e.cut.total, retried: false });
      else if (e.applied) {
        this.cuts.delete(e.destination);
        this.installs.set(e.destination, 'Spark_Finish_Firmware_Update flashed that bootloader in place before this boot');
      }
    });
  }

  /** What a snapshot keeps: the profile in force and the emulator's own record of interrupted copies and new installs. */
  save(): BootChecksState {
    return { profile: this.profile, cuts: new Map(this.cuts), installs: new Map(this.installs) };
  }

  load(state: BootChecksState): void {
    this.profile = state.profile;
    this.cuts.clear();
    for (const [k, v] of state.cuts) this.cuts.set(k, v);
    this.installs.clear();
    for (const [k, v] of state.installs) this.installs.set(k, v);
  }

  /** The profile of the system part now in flash, when one ships it. */
  followInstalledSystem(): void {
    this.profile = profileForSystemVersion(this.systemModuleVersion()) ?? this.profile;
  }

  /**
   * The nRF52840's MBR hands every reset to the bootloader at 0xF4000, which nothing checks: a
   * bootloader that is not intact (not a module at 0xF4000 whose CRC-32 matches) is taken to run
   * nothing at all — no LED, no USB, no DFU mode. The emulator never boots past one.
   */
  bootloaderStarts(): boolean {
    const bounds = this.bounds(ModuleFunction.BOOTLOADER);
    const { info } = readModuleInfo(this.flash.internal, bounds.start);
    const erased = info.startAddress === 0xffffffff && info.endAddress === 0xffffffff;
    const placed = info.startAddress === bounds.start && info.endAddress > bounds.start && info.endAddress <= bounds.end;
    const crc = placed ? verifyCrc(this.flash.internal, bounds.start, info.endAddress - info.startAddress) : undefined;
    if (crc && crc.stored === crc.computed) return true;
    const state = erased
      ? 'it is erased (0xFF)'
      : !placed
        ? `its header does not describe a bootloader at ${hex(bounds.start)}`
        : `its CRC-32 does not match (stored ${hex(crc?.stored ?? 0)}, computed ${hex(crc?.computed ?? 0)})`;
    const cut = this.cuts.get(bounds.start);
    this.diagnostics.report(
      'bricked',
      `Failed to start: the bootloader at ${hex(bounds.start)} is not intact (${state}), and the chip starts through it, so nothing runs: no LED, no USB, no DFU mode.${cut ? ` ${cutHistory(cut)}.` : ''} Recovery needs a debugger (SWD) to flash a bootloader.`,
    );
    return false;
  }

  /** The bootloader applies each pending DCT slot, taking the time each copy takes. A power cut during a copy fails the run. */
  async applyPendingUpdates(spend: (micros: number) => Promise<void>): Promise<void> {
    for (const outcome of applyPendingSlots(this.flash, this.slots, this.bootloaderRules())) {
      const { slot, cut } = outcome;
      this.events.emit('bootloader:apply', {
        slot: slot.index,
        destination: slot.destinationAddress,
        length: slot.length,
        applied: outcome.applied,
        ...(outcome.why ? { why: outcome.why } : {}),
        ...(cut ? { cut: { copied: cut.copied, total: cut.total } } : {}),
      });
      const { code, message } = explainSlot(outcome, 'boot');
      this.diagnostics.report(code, message);
      if (cut) {
        this.cuts.set(slot.destinationAddress, { what: 'slot', slot: slot.index, destination: slot.destinationAddress, copied: cut.copied, total: cut.total, retried: outcome.slotKept ?? false });
        // The emulator charges flash time after the call, so a cut stops the clock where the copy began, as every cut does.
        throw cut.error;
      }
      await spend(outcome.costMicros);
      if (outcome.applied) {
        this.cuts.delete(slot.destinationAddress);
        this.installs.set(slot.destinationAddress, `the bootloader installed that ${moduleFunctionName(slot.moduleFunction)} from DCT slot ${slot.index} at this boot`);
      }
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
   * `HAL_Core_Validate_Modules(1)` (`hal/src/nRF52840/core_hal.c:388-420` at v1.4.4), which the system
   * part's loader runs before the app (`modules/shared/nRF52840/inc/system_part1_loader.c:21-37` at
   * v1.4.4; `:40-43` at v4.1.0): the bootloader, then system part 1, each with its CRC-32 and its
   * dependencies, none optional — the system part's on the bootloader and, from 1.4.0, on the radio
   * stack. A failure runs the device in safe mode. OTA validation checks less (a module's own
   * dependencies, and `DEPENDENCIES_FULL` only against system parts, `ota_flash_hal.cpp:194-289`), so an
   * accepted update can fail here at the next boot.
   */
  modulesValid(): boolean {
    const table = this.profile.moduleBounds;
    const targets = [findModuleBounds(table, ModuleFunction.BOOTLOADER, 0, 0), findModuleBounds(table, ModuleFunction.SYSTEM_PART, 1, 0)];
    try {
      for (const bounds of targets) {
        if (!bounds) continue;
        const check = fetchModule(this.flash, bounds, table, false, Validation.INTEGRITY);
        if (check.fetched && check.passed === check.checked) continue;
        const reasons = explainValidation(check, undefined, bounds.start);
        const dep = check.dependencyFailure;
        const depBounds = dep && findModuleBounds(table, dep.needs.function, dep.needs.index, check.info.mcuTarget);
        const installed = depBounds && this.installs.get(depBounds.start);
        const how = installed
          ? ` ${capitalise(installed)}: OTA validation checks a module's own dependencies, not what the installed modules need of it, so the update was accepted.`
          : '';
        this.diagnostics.report(
          'safe-mode',
          `Failed to start the app: the ${WHAT[bounds.function]} at ${hex(bounds.start)} fails HAL_Core_Validate_Modules, the system's boot check of the modules${reasons.length ? ` (${reasons.join(' ')})` : ''}, so the device runs in safe mode.${how}`,
        );
        return false;
      }
      return true;
    } finally {
      this.installs.clear();
    }
  }

  /**
   * The app to run. 1.x–3.0: `HAL_Core_Validate_User_Module` (`hal/src/nRF52840/core_hal.c:359-386` at
   * v1.4.4): the user part must start at its bounds, fit, be for this platform, pass its CRC and have its
   * dependencies met (not optional at boot). From 3.1, `hal_user_module_get_descriptor`
   * (`hal/src/nRF52840/user_hal.cpp:64-77` at v4.1.0): the same check on the 128K compat region first —
   * a valid compat app takes precedence — then on the 256K region. Otherwise the device runs in safe mode.
   */
  userApp(): Sketch | undefined {
    const users = this.profile.moduleBounds.filter((b) => b.function === ModuleFunction.USER_PART);
    const compat = users.find((b) => b.index === 1) ?? users[0];
    const current = users.find((b) => b.index === 2);
    if (!current || !this.profile.compatAppTakesPrecedence) {
      const only = this.checkUser(current ?? compat);
      if (only.ok) return this.sketchFor(only);
      this.reportSafeMode([only]);
      return undefined;
    }
    const first = this.checkUser(compat);
    const second = this.checkUser(current);
    if (first.ok) {
      if (second.ok) {
        this.diagnostics.report(
          'compat-app-precedence',
          `The 128K compat app at ${hex(compat.start)} runs, not the valid app at ${hex(current.start)}: from 3.1 a valid compat app takes precedence (user_hal.cpp:64-77 at v4.1.0). The bootloader erases the page at ${hex(compat.start)} when it installs a user part at ${hex(current.start)}; an app written there any other way leaves the compat app in charge.`,
        );
      }
      return this.sketchFor(first);
    }
    if (second.ok) return this.sketchFor(second);
    this.reportSafeMode(first.empty ? [second] : [second, first]);
    return undefined;
  }

  /** The modules in internal flash as the device reads them. */
  modules(): InstalledModule[] {
    return this.profile.moduleBounds.map((bounds) => {
      if (bounds.function === ModuleFunction.RADIO_STACK) return this.softDevice(bounds);
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

  /**
   * The radio stack as Device OS describes it (`platform_radio_stack_fetch_module_info`,
   * `hal/src/nRF52840/platform_radio_stack.cpp:25-38` at v1.4.4): no header in flash, so the version is
   * the SoftDevice's FWID at 0x300C, the platform is this one's, and its end is the SoftDevice's own size field.
   */
  private softDevice(bounds: ModuleBounds): InstalledModule {
    const chip = this.flash.internal;
    const end = new DataView(chip.read(bounds.start + SoftDeviceInfo.SIZE_OFFSET, 4).buffer).getUint32(0, true);
    return {
      region: bounds.name,
      function: moduleFunctionName(ModuleFunction.RADIO_STACK),
      index: bounds.index,
      version: installedVersion(this.flash, bounds).version,
      startAddress: bounds.start,
      endAddress: end,
      platformId: PLATFORM_BORON,
      crcOk: true,
    };
  }

  /** What the bootloader in flash does, by version: when it frees slots, and whether it erases the compat page. */
  private bootloaderRules(): BootloaderRules {
    const users = this.profile.moduleBounds.filter((b) => b.function === ModuleFunction.USER_PART);
    const compat = users.find((b) => b.index === 1);
    const current = users.find((b) => b.index === 2);
    return {
      slotsFreedBeforeCopy: this.profile.slotsFreedBeforeCopy,
      ...(this.profile.bootloaderErasesCompatPage && compat && current ? { compatPage: { destination: current.start, compat: compat.start } } : {}),
    };
  }

  private checkUser(bounds: ModuleBounds): UserRegionCheck {
    const check = fetchModule(this.flash, bounds, this.profile.moduleBounds, false, Validation.INTEGRITY);
    const { info } = check;
    const ok = check.fetched && check.passed === check.checked && info.startAddress === bounds.start && info.function === ModuleFunction.USER_PART;
    return { bounds, check, ok, empty: info.startAddress === 0xffffffff && info.endAddress === 0xffffffff };
  }

  private reportSafeMode(regions: UserRegionCheck[]): void {
    const what = regions.map(({ bounds, check }) => {
      const reasons = explainValidation(check, undefined, bounds.start);
      return `the user part at ${hex(bounds.start)} is not valid${reasons.length ? ` (${reasons.join(' ')})` : ''}`;
    });
    const cuts = regions.map(({ bounds }) => this.cuts.get(bounds.start)).filter((c): c is CutCopy => c !== undefined);
    const history = cuts.map((c) => ` ${cutHistory(c)}.`).join('');
    this.diagnostics.report('safe-mode', `Failed to start the app: ${what.join(', and ')}, so the device runs in safe mode.${history}`);
  }

  private sketchFor({ bounds, check }: UserRegionCheck): Sketch {
    const { info } = check;
    return this.sketchAt(bounds, info) ?? defineSketch(() => ({}), { name: `unknown app (${hex(info.startAddress)} v${info.version})` });
  }

  private sketchAt(bounds: ModuleBounds, info: ModulePrefix): Sketch | undefined {
    const length = (info.endAddress - info.startAddress) >>> 0;
    if (length < 38 || bounds.start + length > this.flash.internal.size) return undefined;
    const sha = this.flash.internal.read(bounds.start + length - 34, 32);
    return this.sketchForSha(Buffer.from(sha).toString('hex'));
  }

  private bounds(fn: number): ModuleBounds {
    return this.profile.moduleBounds.find((b) => b.function === fn)!;
  }
}

/** What a power cut did to a copy, in words, with the source that decides whether it is tried again. */
function cutHistory(cut: CutCopy): string {
  const progress = cut.copied === 0 ? `before any of its ${bytes(cut.total)} bytes was written` : `after ${bytes(cut.copied)} of ${bytes(cut.total)} bytes`;
  if (cut.what === 'finish') return `The in-place bootloader update at Spark_Finish_Firmware_Update was cut by a power loss ${progress}`;
  const retry = cut.retried
    ? 'the slot stayed pending, so the bootloader copies it again at the next boot'
    : '1.x frees the slot before copying (flash_mal.c:447-490 at v1.4.4), so it was not retried';
  return `The bootloader's copy of DCT slot ${cut.slot} to ${hex(cut.destination)} was cut by a power loss ${progress}; ${retry}`;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
