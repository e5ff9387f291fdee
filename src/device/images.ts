import { buildModuleImage, ModuleFunction, parseModule, type ModuleSpec } from '../ota/module-format';
import { PROFILES, type DeviceOsVersion } from '../ota/profiles';
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
    ...spec,
    function: fn,
    version: spec.version ?? defaultVersion(fn, deviceOs),
    dependencies: spec.dependencies ?? defaultDependencies(fn, deviceOs),
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

function defaultVersion(fn: number, deviceOs: DeviceOsVersion): number {
  const p = PROFILES[deviceOs];
  if (fn === ModuleFunction.SYSTEM_PART) return p.systemPartVersion;
  if (fn === ModuleFunction.BOOTLOADER) return p.bootloaderVersion;
  if (fn === ModuleFunction.RADIO_STACK) return p.radioStackVersion ?? 0;
  return p.userPartVersion;
}

/** What the 1.x build makes each module depend on (`user_build.mk:43-47`, `part1_build.mk:6-16` at v1.4.4). */
function defaultDependencies(fn: number, deviceOs: DeviceOsVersion): ModuleSpec['dependencies'] {
  const p = PROFILES[deviceOs];
  if (fn === ModuleFunction.USER_PART) return [{ function: ModuleFunction.SYSTEM_PART, index: 1, version: p.systemPartVersion }];
  if (fn === ModuleFunction.SYSTEM_PART) {
    const deps: { function: number; index: number; version: number }[] = [{ function: ModuleFunction.BOOTLOADER, index: 0, version: p.bootloaderVersion }];
    if (p.radioStackVersion !== undefined) deps.push({ function: ModuleFunction.RADIO_STACK, index: 0, version: p.radioStackVersion });
    return deps;
  }
  return [];
}
