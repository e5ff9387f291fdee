/**
 * `virtual-boron inspect <file.bin>…`: what `particle binary inspect` says about a module, then what
 * a Boron on each Device OS profile does with the file sent over the air by an app: Prepare, 512-byte
 * Saves, Finish, the reset, and what boots next. The device decides; nothing here re-implements it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { defineSketch, DEVICE_OS_VERSIONS, EmulatorError, ModuleFlag, ModuleFunction, parseModule, UpdateFlag, Validation, VirtualBoron, type DeviceOsVersion, type InstalledModule, type ModuleDependency, type ParsedModule } from '../index';
import { colour, write, writeJson } from './print';

/** Platform ids as Particle's tools name them (`@particle/device-constants`). */
const PLATFORMS: Record<number, string> = {
  0: 'core', 6: 'photon', 8: 'p1', 10: 'electron', 12: 'argon', 13: 'boron', 14: 'xenon', 15: 'esomx', 22: 'asom', 23: 'bsom', 24: 'xsom',
  25: 'b5som', 26: 'tracker', 28: 'trackerm', 32: 'p2', 35: 'msom', 37: 'electron2', 38: 'tachyon',
};

/** What particle-cli calls each module function, by number. */
const FUNCTION_WORDS: Record<number, string> = {
  [ModuleFunction.NONE]: 'an unknown module',
  [ModuleFunction.RESOURCE]: 'a reserved module',
  [ModuleFunction.BOOTLOADER]: 'a bootloader',
  [ModuleFunction.MONO_FIRMWARE]: 'a monolithic firmware',
  [ModuleFunction.SYSTEM_PART]: 'a system module',
  [ModuleFunction.USER_PART]: 'an application module',
  [ModuleFunction.SETTINGS]: 'a settings module',
  [ModuleFunction.NCP_FIRMWARE]: 'a network coprocessor (NCP) module',
  [ModuleFunction.RADIO_STACK]: 'a radio stack module',
  [ModuleFunction.ASSET]: 'an asset module',
};

/** How the app sends the file: the chunk size a cloud update uses. */
const CHUNK = 512;
/** A reset and boot take seconds; nothing in one update takes two virtual minutes. */
const SETTLE_MS = 120_000;

const hex = (n: number, width = 8): string => `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;
const flagNames = (flags: number, table: Readonly<Record<string, number>>): string[] => Object.entries(table).filter(([, bit]) => bit !== 0 && (flags & bit) === bit).map(([name]) => name);

/** What an app's update did on one profile, and what booted after it. */
export interface OverTheAir {
  deviceOs: DeviceOsVersion;
  /** Device OS accepted the file: Prepare and every Save returned 0, and Finish's result means success on this profile. */
  accepted: boolean;
  prepare: number;
  /** The first Save that failed, if one did. */
  failedSave?: { offset: number; result: number };
  finish?: number;
  /** Finish's validation: what it checked and what passed (`module_validation_flags_t`). */
  validation?: { fetched: boolean; checked: string[]; passed: string[]; failed: string[] };
  /** The device's own explanation (device.diagnostics), in order. */
  reasons: string[];
  reset: boolean;
  next: { state: string; app: string; modules: InstalledModule[] };
}

interface UpdateRecord {
  prepare?: number;
  failedSave?: { offset: number; result: number };
  finish?: number;
}

/** An app that sends `image` through the three Spark_* calls once, as an OTA routine would after downloading it. */
function updater(image: Uint8Array, record: UpdateRecord, name: string) {
  return defineSketch(
    ({ FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk, Spark_Finish_Firmware_Update }) => ({
      async setup() {
        // The same app runs again when the update is refused or not an app: it updates only once.
        if (record.prepare !== undefined) return;
        const file = new FileTransfer.Descriptor();
        file.store = FileTransfer.Store.FIRMWARE;
        file.file_address = 0;
        file.chunk_address = 0;
        file.chunk_size = CHUNK;
        file.file_length = image.length;
        record.prepare = await Spark_Prepare_For_Firmware_Update(file, 0, null);
        if (record.prepare !== 0) return;
        for (let offset = 0; offset < image.length; offset += CHUNK) {
          const chunk = image.subarray(offset, offset + CHUNK);
          file.chunk_address = file.file_address + offset;
          file.chunk_size = chunk.length;
          const result = await Spark_Save_Firmware_Chunk(file, chunk, null);
          if (result !== 0) {
            record.failedSave = { offset, result };
            await Spark_Finish_Firmware_Update(file, UpdateFlag.ERROR, null);
            return;
          }
        }
        record.finish = await Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS, null);
      },
    }),
    { name, systemMode: 'MANUAL' },
  );
}

/** Finish's success value differs by implementation: 0 in 1.x, 1 (pending restart) in 2.x, 0 from 3.0 (reference note §1.7). */
const FINISH_OK = { '1.x': 0, '2.x': 1, '3.x': 0 } as const;

/** Each updater is its own sketch, with its own name. */
let updaters = 0;

export async function overTheAir(image: Uint8Array, deviceOs: DeviceOsVersion): Promise<OverTheAir> {
  const record: UpdateRecord = {};
  const device = new VirtualBoron({ deviceOs, app: updater(image, record, `virtual-boron inspect #${++updaters}`) });
  // Finish's result is read by the rules of the Device OS that ran it (after a system update the profile follows the new one).
  const api = device.profile.updateApi;
  let boots = 0;
  let finished: { fetched: boolean; checked: number; passed: number } | undefined;
  device.on('device:boot', () => boots++);
  device.on('ota:finish', ({ fetched, checked, passed }) => (finished = { fetched, checked, passed }));
  // A refused update leaves the app running; an accepted one resets (at once or at the next idle point) into what it installed.
  const settled = () => boots > 1 || device.state === 'safe-mode' || device.state === 'dfu' || device.state === 'bricked';
  device.powerOn();
  await device.runUntil(settled, { timeoutMs: SETTLE_MS }).catch((error: unknown) => {
    // No reset within the time: the app that sent the file keeps running, which is the answer.
    if (!(error instanceof EmulatorError && error.code === 'RUN_TIMEOUT')) throw error;
  });
  const prepare = record.prepare ?? -1;
  return {
    deviceOs,
    accepted: prepare === 0 && !record.failedSave && record.finish === FINISH_OK[api],
    prepare,
    failedSave: record.failedSave,
    finish: record.finish,
    validation: finished && {
      fetched: finished.fetched,
      checked: flagNames(finished.checked, Validation),
      passed: flagNames(finished.passed, Validation),
      failed: flagNames(finished.checked & ~finished.passed, Validation),
    },
    reasons: device.diagnostics.map((d) => d.message),
    reset: boots > 1,
    next: { state: device.state, app: device.appName, modules: device.modules() },
  };
}

/** `particle binary inspect`'s lines for a parsed module, and the fields it leaves out. */
function describeModule(name: string, m: ParsedModule): string[] {
  const lines = [colour.bold(name)];
  lines.push(m.crc.ok ? colour.green(` CRC is ok (${m.crc.computed.toString(16).padStart(8, '0')})`) : colour.red(` CRC failed (should be ${m.crc.stored.toString(16).padStart(8, '0')} but is ${m.crc.computed.toString(16).padStart(8, '0')})`));
  const platform = PLATFORMS[m.platformId];
  lines.push(platform ? ` Compiled for ${colour.bold(platform)}` : ` Compiled for unknown platform (ID: ${m.platformId})`);
  lines.push(` This is ${FUNCTION_WORDS[m.function] ?? FUNCTION_WORDS[0]} number ${m.index} at version ${m.version}`);
  // A build without PRODUCT_ID carries 0xFFFF, or the platform id in older Device OS: no product then.
  if (m.productId >= 0 && m.productId !== 0xffff && m.productId !== m.platformId) lines.push(` It is firmware for product id ${m.productId} at version ${m.productVersion}`);
  const [first, second] = m.dependencies;
  const dependsOn = (d: ModuleDependency) => `${FUNCTION_WORDS[d.function] ?? FUNCTION_WORDS[0]} number ${d.index} at version ${d.version}`;
  if (first.function !== ModuleFunction.NONE) lines.push(` It depends on ${dependsOn(first)}`);
  if (second.function !== ModuleFunction.NONE) lines.push(` It ${first.function !== ModuleFunction.NONE ? 'also ' : ''}depends on ${dependsOn(second)}`);
  lines.push(` Addresses ${hex(m.startAddress)} to ${hex(m.endAddress)}, ${m.size} bytes in the file${m.sizeMatches ? '' : colour.yellow(` (the module and its CRC are ${m.moduleLength + 4})`)}`);
  lines.push(` SHA-256 ${m.sha256} ${m.shaOk ? colour.green('(matches)') : colour.red('(does not match the contents)')}`);
  const flags = flagNames(m.flags, ModuleFlag);
  lines.push(` Flags ${flags.length ? flags.join(', ') : 'none'}${m.mcuTarget ? `, MCU target ${m.mcuTarget}` : ''}`);
  const extensions = [...m.prefixExtensions, ...m.suffixExtensions];
  if (extensions.length) lines.push(` Extensions: ${extensions.map((e) => `type ${e.type} (${e.length} bytes)`).join(', ')}`);
  return lines;
}

function describeValidation(v: NonNullable<OverTheAir['validation']>): string {
  if (!v.fetched) return colour.red('no module found at the start of the OTA region');
  return `checked ${v.checked.join('+') || 'nothing'}${v.failed.length ? `, failed ${colour.red(v.failed.join('+'))}` : ', all passed'}`;
}

function describeOverTheAir(o: OverTheAir): string {
  const head = `  ${o.deviceOs.padEnd(6)} ${o.accepted ? colour.green('accepted') : colour.red('refused ')}`;
  const steps =
    o.prepare !== 0
      ? `Prepare returned ${o.prepare}`
      : o.failedSave
        ? `Save at byte ${o.failedSave.offset} returned ${o.failedSave.result}`
        : `Finish returned ${o.finish}${o.validation ? `; ${describeValidation(o.validation)}` : ''}`;
  const next = o.reset ? `after the reset: ${o.next.state}${o.next.app ? `, app "${o.next.app}"` : ''}` : `no reset: ${o.next.state}, the app that sent it keeps running`;
  const reasons = o.reasons.map((r) => `           ${colour.yellow('-')} ${r}`);
  return [`${head}  ${steps}; ${next}`, ...reasons].join('\n');
}

export async function inspectCommand(files: string[], flags: { json: boolean; deviceOs?: DeviceOsVersion[] }): Promise<number> {
  const versions = flags.deviceOs?.length ? flags.deviceOs : DEVICE_OS_VERSIONS;
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new EmulatorError('FILE_NOT_FOUND', 'Failed to inspect {file}: it is not a file. Pass module binaries (.bin).', { file });
  }
  const results = [];
  for (const file of files) {
    const image = new Uint8Array(readFileSync(file));
    let module: ParsedModule | undefined;
    let error: { code: string; message: string } | undefined;
    try {
      module = parseModule(image);
    } catch (e) {
      if (!(e instanceof EmulatorError)) throw e;
      error = { code: e.code, message: e.message };
    }
    const ota: OverTheAir[] = [];
    for (const deviceOs of versions) ota.push(await overTheAir(image, deviceOs));
    results.push({ file, module, error, overTheAir: ota });
    if (flags.json) continue;
    write(`${(module ? describeModule(basename(file), module) : [colour.bold(basename(file)), colour.red(` ${error!.message}`)]).join('\n')}\n`);
    write(` Sent over the air by an app (Prepare, ${CHUNK}-byte Saves, Finish), a Boron on each Device OS:\n`);
    for (const o of ota) write(`${describeOverTheAir(o)}\n`);
    write('\n');
  }
  if (flags.json) writeJson(results);
  // Inspecting is not a test: a file a Boron refuses is an answer, not a failure; an unreadable file is.
  return results.some((r) => r.error && !r.module) ? 1 : 0;
}
