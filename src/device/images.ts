import { parseModule } from '../ota/module-file';
import { buildModuleImage, ModuleFunction, type ModuleSpec } from '../ota/module-format';
import { PROFILES, userPartBounds, type DeviceOsProfile, type DeviceOsVersion } from '../ota/profiles';
import { EmulatorError } from '../sim/messages';
import type { Sketch } from './sketch';

/**
 * Images built from sketches, by the SHA-256 in their suffix: a device that boots one of them
 * runs that sketch. Any other valid user part (a real Particle binary) boots as an idle app.
 */
const sketchesBySha = new Map<string, Sketch>();

export const sketchForSha = (sha256: string): Sketch | undefined => sketchesBySha.get(sha256);

export interface BuildModuleOptions extends Partial<ModuleSpec> {
  /** Build a user part that runs this sketch when a virtual Boron boots it. */
  sketch?: Sketch;
  /** Device OS the module is built against (sets default versions and dependencies). */
  deviceOs?: DeviceOsVersion;
}

/**
 * Build a valid Particle module. With `sketch`, a user part (function 5) for that sketch,
 * depending on the system part of `deviceOs` as Workbench's build does.
 */
export function buildModule(options: BuildModuleOptions): Uint8Array {
  const { sketch, deviceOs = '1.4.4', ...spec } = options;
  const fn = spec.function ?? ModuleFunction.USER_PART;
  const payload = spec.payload ?? (sketch ? new TextEncoder().encode(`virtual-boron sketch: ${sketch.name}\0`) : undefined);
  const image = buildModuleImage({
    ...defaultsFor(fn, PROFILES[deviceOs]),
    ...spec,
    function: fn,
    payload,
    fillSeed: spec.fillSeed ?? (sketch ? `sketch/${sketch.name}/${spec.size ?? ''}` : undefined),
  });
  if (sketch) {
    const sha = parseModule(image).sha256;
    const known = sketchesBySha.get(sha);
    if (known && known !== sketch) {
      throw new EmulatorError('SKETCH_IMAGE_CLASH', 'Failed to build a user part for sketch "{name}": another sketch of that name already built these exact bytes, so a device could not tell which to run. Give each sketch its own name.', { name: sketch.name });
    }
    sketchesBySha.set(sha, sketch);
  }
  return image;
}

/** What the build of `profile` gives a module of function `fn`: version, place, dependencies (`user_build.mk:43-47`, `part1_build.mk`). */
function defaultsFor(fn: number, profile: DeviceOsProfile): Pick<ModuleSpec, 'version' | 'startAddress' | 'index' | 'dependencies'> {
  const region = (f: number) => profile.moduleBounds.find((b) => b.function === f);
  switch (fn) {
    case ModuleFunction.USER_PART: {
      const user = userPartBounds(profile);
      return { version: profile.userPartVersion, startAddress: user.start, index: user.index, dependencies: [{ function: ModuleFunction.SYSTEM_PART, index: 1, version: profile.systemPartVersion }] };
    }
    case ModuleFunction.SYSTEM_PART:
      return { version: profile.systemPartVersion, startAddress: region(fn)?.start, dependencies: profile.systemPartDependencies };
    case ModuleFunction.BOOTLOADER:
      return { version: profile.bootloaderVersion, dependencies: profile.bootloaderDependency ? [profile.bootloaderDependency] : [] };
    case ModuleFunction.RADIO_STACK:
      // The SoftDevice this version ships, with create_module.py's dependencies: a bootloader that drops the
      // header (501) and a system part that can update the SoftDevice (1321) (`build/create_module.py:238-240` at v1.4.4).
      return {
        version: profile.softDeviceFwid,
        dependencies: [
          { function: ModuleFunction.BOOTLOADER, index: 0, version: 501 },
          { function: ModuleFunction.SYSTEM_PART, index: 1, version: 1321 },
        ],
      };
    default:
      return { version: 0, dependencies: [] };
  }
}
