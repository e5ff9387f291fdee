import { buildModuleImage, CRC_SIZE, ModuleFunction, moduleFunctionName, type ModuleSpec } from '../ota/module-format';
import { userPartBounds, type DeviceOsProfile, type DeviceOsVersion } from '../ota/profiles';
import { bytes, EmulatorError, hex } from '../sim/messages';
import { isSketch, profileFor } from './options';
import { describeValue, OptionCheck } from '../sim/option-check';
import type { Sketch } from './sketch';

/**
 * Which sketch an image built by `buildModule({ sketch })` runs. Nothing here is a registry a
 * device must agree with: each device keeps its own catalog (see `SketchCatalog`) of the images it
 * was given or its server served, so the same sketch can be defined and built any number of times.
 */
const builtImages = new WeakMap<Uint8Array, Sketch>();

/**
 * The last sketch built into each image's bytes, by the SHA-256 in its suffix: how a device tells
 * which sketch bytes it received as a copy (an msw handler's Response copies the image) belong to.
 * A later build of the same bytes replaces the entry; it never refuses one.
 */
const latestBuilds = new Map<string, { sketch: Sketch; length: number }>();

/** Bytes from a module's end back to the start of its suffix's SHA-256: the CRC, the suffix size, the hash. */
const SHA_FROM_END = CRC_SIZE + 2 + 32;

/** The SHA-256 in the suffix of a module that ends where `bytes` ends (hex), or undefined when too short. */
export function suffixSha(bytes: Uint8Array): string | undefined {
  if (bytes.length < SHA_FROM_END) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset + bytes.length - SHA_FROM_END, 32).toString('hex');
}

/** The sketch `buildModule` built this very image for. */
export const sketchOfImage = (image: Uint8Array): Sketch | undefined => builtImages.get(image);

/** As building `image` again would: its sketch becomes the latest build of its bytes. */
export function rememberBuild(image: Uint8Array): void {
  const sketch = builtImages.get(image);
  if (sketch) latestBuilds.set(suffixSha(image)!, { sketch, length: image.length });
}

/** The sketch last built into an image with this SHA-256, and that image's length. */
export const latestBuild = (sha: string): { sketch: Sketch; length: number } | undefined => latestBuilds.get(sha);

export interface BuildModuleOptions extends Partial<ModuleSpec> {
  /** Build a user part that runs this sketch when a virtual Boron boots it. */
  sketch?: Sketch;
  /** Device OS the module is built against (sets default versions, dependencies and the region it goes in). */
  deviceOs?: DeviceOsVersion;
  /**
   * Build a module that does not fit its region anyway, to see how Device OS refuses it. Without it,
   * such an image is refused here with both sizes.
   */
  allowOversize?: boolean;
}

const BUILD_OPTIONS = [
  'sketch',
  'deviceOs',
  'allowOversize',
  'function',
  'version',
  'index',
  'platformId',
  'startAddress',
  'mcuTarget',
  'flags',
  'dependencies',
  'vectorTable',
  'payload',
  'size',
  'fillSeed',
  'productId',
  'productVersion',
];

/**
 * Build a valid Particle module. With `sketch`, a user part (function 5) for that sketch,
 * depending on the system part of `deviceOs` as Workbench's build does.
 */
export function buildModule(options: BuildModuleOptions): Uint8Array {
  const check: OptionCheck = new OptionCheck('build the module');
  check.object(options, '', BUILD_OPTIONS);
  const { sketch, deviceOs = '1.4.4', allowOversize = false, ...spec } = options;
  const profile = profileFor(deviceOs, 'build the module');
  if (sketch !== undefined && !isSketch(sketch)) {
    check.fail('sketch is {actual}', 'Pass a sketch from defineSketch() or compileSketch().', { actual: describeValue(sketch) });
  }
  if (sketch && spec.function !== undefined && spec.function !== ModuleFunction.USER_PART) {
    check.fail('a sketch runs from a user part, and function is {fn} ({name})', 'Leave function out (or pass ModuleFunction.USER_PART).', { fn: spec.function, name: moduleFunctionName(spec.function) });
  }
  if (spec.function !== undefined && !Object.values(ModuleFunction).includes(spec.function as never)) {
    check.fail('function is {actual}', 'Use one of ModuleFunction\'s values: {known}.', { actual: describeValue(spec.function), known: Object.entries(ModuleFunction).map(([name, value]) => `${name} (${value})`).join(', ') });
  }
  if (spec.size !== undefined) check.number(spec.size, 'size', 'a whole number of bytes, 0 or more', { integer: true });
  if (spec.payload !== undefined) check.bytes(spec.payload, 'payload', 'the code bytes');
  const fn = spec.function ?? ModuleFunction.USER_PART;
  const payload = spec.payload ?? (sketch ? new TextEncoder().encode(`virtual-boron sketch: ${sketch.name}\0`) : undefined);
  const image = buildModuleImage({
    ...defaultsFor(fn, profile),
    ...spec,
    function: fn,
    payload,
    fillSeed: spec.fillSeed ?? (sketch ? `sketch/${sketch.name}/${spec.size ?? ''}` : undefined),
  });
  if (!allowOversize) checkFit(image, fn, spec.startAddress, profile);
  if (sketch) {
    builtImages.set(image, sketch);
    latestBuilds.set(suffixSha(image)!, { sketch, length: image.length });
  }
  return image;
}

/** A module must lie inside its region of the profile's layout: the region that holds its start. */
function checkFit(image: Uint8Array, fn: number, startAddress: number | undefined, profile: DeviceOsProfile): void {
  const regions = profile.moduleBounds.filter((b) => b.function === fn);
  if (regions.length === 0) return;
  const start = startAddress ?? (fn === ModuleFunction.USER_PART ? userPartBounds(profile).start : regions[0].start);
  const region = regions.find((b) => b.start <= start && start < b.end);
  // A start outside every region is the caller's choice (a deliberately misplaced module): Device OS explains it.
  if (!region) return;
  // The module's end address excludes its CRC, which the region must still hold.
  const end = start + image.length;
  if (end <= region.end) return;
  const roomy = fn === ModuleFunction.USER_PART && userPartBounds(profile).maximumSize < 256 * 1024 ? ', build it for Device OS 3.1 or later (a 256K user part)' : '';
  throw new EmulatorError(
    'MODULE_TOO_BIG',
    'Failed to build the module: a {what} of {size} bytes does not fit the {region} region of Device OS {version}, which holds {room} bytes ({start} to {end}). Pass a size of at most {room}{roomy}, or allowOversize: true to build it anyway and see Device OS refuse it.',
    { what: moduleFunctionName(fn).toLowerCase().replace('_', ' '), size: bytes(image.length), region: region.name, version: profile.version, room: bytes(region.maximumSize), start: hex(region.start), end: hex(region.end), roomy },
  );
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
