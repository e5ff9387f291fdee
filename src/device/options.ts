import { bytes, EmulatorError } from '../sim/messages';
import { describeValue, OptionCheck } from '../sim/option-check';
import { DEVICE_OS_VERSIONS, PROFILES, type DeviceOsProfile } from '../ota/profiles';
import { DESCRIPTOR_FIELDS } from '../ota/descriptor';
import { FAULT_FIELDS, FAULT_TARGET_FIELDS } from '../net/faults';
import { LINK_PROFILES } from '../net/link-profiles';
import type { VirtualBoronOptions } from './config';
import type { Sketch } from './sketch';

/**
 * Every option a test author can pass, checked before anything is built: a value that is not one
 * of the valid ones throws a typed `EmulatorError` that names the option and lists what it takes,
 * never a TypeError from deep inside, and never silence. Lookups use `Object.hasOwn`, so a name
 * such as "constructor" is not mistaken for a profile or a link.
 */

/** The options `new VirtualBoron()` takes, in the order the errors list them. */
export const DEVICE_OPTIONS = [
  'app',
  'cloud',
  'deviceOs',
  'dns',
  'faults',
  'freeMemory',
  'gen2UnalignedWriteBug',
  'link',
  'modules',
  'otaRegion',
  'realServerTimeoutMs',
  'realServers',
  'seed',
  'server',
  'stack',
  'trace',
] as const satisfies readonly (keyof VirtualBoronOptions)[];

/** A Sketch from `defineSketch()` or `compileSketch()`. */
export const isSketch = (value: unknown): value is Sketch =>
  typeof value === 'object' && value !== null && typeof (value as Sketch).create === 'function' && typeof (value as Sketch).name === 'string';

/** The profile a version names, found with `Object.hasOwn` (so "constructor" is no profile). */
export function profileFor(version: unknown, action: string): DeviceOsProfile {
  if (typeof version === 'string' && Object.hasOwn(PROFILES, version)) return PROFILES[version as keyof typeof PROFILES];
  throw new EmulatorError('UNKNOWN_PROFILE', 'Failed to {action}: Device OS "{version}" has no profile. Use one of {known}.', { action, version: String(version), known: DEVICE_OS_VERSIONS.join(', ') });
}

/** Check every option of `new VirtualBoron(options)`; returns the factory profile. */
export function checkDeviceOptions(options: unknown): DeviceOsProfile {
  const check: OptionCheck = new OptionCheck('create the device');
  const o = check.object(options, '', DEVICE_OPTIONS) as VirtualBoronOptions & Record<string, unknown>;
  const profile = profileFor(o.deviceOs ?? '1.4.4', 'create the device');
  if (o.app !== undefined && !isSketch(o.app) && !(o.app instanceof Uint8Array)) {
    check.fail('app is {actual}', 'Pass a sketch (defineSketch() or compileSketch()) or a user-part image (a Uint8Array, e.g. from buildModule()).', { actual: describeValue(o.app) });
  }
  if (o.modules !== undefined) {
    if (!Array.isArray(o.modules)) check.fail('modules is {actual}', 'Pass an array of module images (Uint8Array).', { actual: describeValue(o.modules) });
    o.modules.forEach((m, i) => check.bytes(m, `modules[${i}]`, 'a module image'));
  }
  if (o.server !== undefined) {
    if (!Array.isArray(o.server)) check.fail('server is {actual}', 'Pass an array of msw handlers, e.g. [http.get(url, resolver)] or [firmwareRoute(url, image)].', { actual: describeValue(o.server) });
    o.server.forEach((handler, i) => {
      if (typeof (handler as { run?: unknown } | null)?.run !== 'function') {
        check.fail('server[{i}] is {actual}, not an msw handler', 'Pass handlers made by msw (http.get(url, resolver), …) or firmwareRoute(url, image).', { i, actual: describeValue(handler) });
      }
    });
  }
  if (o.link !== undefined) {
    if (typeof o.link === 'string' || typeof (o.link as { open?: unknown } | null)?.open !== 'function') {
      if (typeof o.link !== 'string' || !Object.hasOwn(LINK_PROFILES, o.link)) {
        check.fail(typeof o.link === 'string' ? 'link {actual} is not a named link' : 'link is {actual}, not a link model', 'Use one of {known}, or a model from recordedLink() or parametricLink().', { actual: describeValue(o.link), known: Object.keys(LINK_PROFILES).join(', ') });
      }
    }
  }
  if (o.dns !== undefined) {
    const dns = check.object(o.dns, 'dns', ['unresolvable', 'records']);
    const unresolvable = dns.unresolvable;
    if (unresolvable !== undefined) {
      if (!Array.isArray(unresolvable)) check.fail('dns.unresolvable is {actual}', 'Pass an array of host names.', { actual: describeValue(unresolvable) });
      unresolvable.forEach((name: unknown, i) => check.string(name, `dns.unresolvable[${i}]`, 'a host name'));
    }
    if (dns.records !== undefined) {
      const records = check.object(dns.records, 'dns.records', 'any');
      for (const [name, address] of Object.entries(records)) {
        if (typeof address !== 'string' || !/^\d+\.\d+\.\d+\.\d+$/.test(address)) {
          check.fail('dns.records["{name}"] is {actual}', 'Pass a dotted IPv4 address, such as "192.0.2.7".', { name, actual: describeValue(address) });
        }
      }
    }
  }
  if (o.faults !== undefined) checkFaults(check, o.faults);
  if (o.realServers !== undefined) {
    const servers = check.object(o.realServers, 'realServers', 'any');
    for (const [name, address] of Object.entries(servers)) {
      const path = `realServers["${name}"]`;
      const a = check.object(address, path, ['host', 'port']);
      check.string(a.host, `${path}.host`, 'the server\'s address, such as "127.0.0.1"');
      check.number(a.port, `${path}.port`, 'a port number from 1 to 65535', { integer: true, min: 1, max: 65535 });
    }
  }
  if (o.realServerTimeoutMs !== undefined) check.number(o.realServerTimeoutMs, 'realServerTimeoutMs', 'a number of milliseconds of host time, more than 0', { above: true });
  if (o.seed !== undefined && typeof o.seed !== 'string' && !(typeof o.seed === 'number' && Number.isFinite(o.seed))) {
    check.fail('seed is {actual}', 'Pass a finite number or a string.', { actual: describeValue(o.seed) });
  }
  if (o.stack !== undefined) checkStack(check, o.stack);
  if (o.otaRegion !== undefined) {
    const region = check.bytes(o.otaRegion, 'otaRegion', 'the bytes the OTA region holds');
    const size = profile.otaRegion.maximumSize;
    if (region.length > size) {
      check.fail('otaRegion holds {length} bytes, and the OTA region of Device OS {version} holds {size}', 'Pass at most {size} bytes.', { length: bytes(region.length), version: profile.version, size: bytes(size) });
    }
  }
  if (o.cloud !== undefined) {
    const cloud = check.object(o.cloud, 'cloud', ['connectMs', 'disconnectMs']);
    for (const key of ['connectMs', 'disconnectMs']) if (cloud[key] !== undefined) check.number(cloud[key], `cloud.${key}`, 'a finite number of milliseconds, 0 or more');
  }
  if (o.freeMemory !== undefined) check.number(o.freeMemory, 'freeMemory', 'a whole number of bytes, 0 or more', { integer: true });
  if (o.gen2UnalignedWriteBug !== undefined) check.boolean(o.gen2UnalignedWriteBug, 'gen2UnalignedWriteBug');
  return profile;
}

function checkFaults(check: OptionCheck, faults: unknown): void {
  if (!Array.isArray(faults)) check.fail('faults is {actual}', 'Pass an array of faults, such as [{ kind: \'stall\', afterBytes: 4096, forMs: 30000 }].', { actual: describeValue(faults) });
  const kinds = Object.keys(FAULT_FIELDS);
  faults.forEach((fault: unknown, i) => {
    const path = `faults[${i}]`;
    const kind = check.choice((fault as { kind?: unknown } | null)?.kind, `${path}.kind`, 'a fault', kinds) as keyof typeof FAULT_FIELDS;
    const fields = FAULT_FIELDS[kind];
    const f = check.object(fault, `${path} (${kind})`, ['kind', ...Object.keys(fields), ...FAULT_TARGET_FIELDS]);
    for (const [name, { type, optional }] of Object.entries(fields)) {
      if (f[name] === undefined && optional) continue;
      if (type === 'flag') check.boolean(f[name], `${path}.${name}`);
      else check.number(f[name], `${path}.${name}`, type === 'ms' ? 'a finite number of virtual milliseconds, 0 or more' : 'a whole number of bytes, 0 or more', { integer: type === 'bytes' });
    }
    if (kind === 'link-down' && (f.toMs as number) < (f.fromMs as number)) {
      check.fail('{path} (link-down) ends before it starts: toMs {to} is before fromMs {from}', 'Pass toMs ≥ fromMs.', { path, to: f.toMs as number, from: f.fromMs as number });
    }
    if (f.connection !== undefined) check.number(f.connection, `${path}.connection`, 'the number of a connection (the nth the device opens, from 0)', { integer: true });
    if (f.host !== undefined) check.string(f.host, `${path}.host`, 'a host name');
    if (f.port !== undefined) check.number(f.port, `${path}.port`, 'a port number from 1 to 65535', { integer: true, min: 1, max: 65535 });
  });
}

function checkStack(check: OptionCheck, stack: unknown): void {
  const choices = ['garbage', 'zero'];
  if (typeof stack === 'string' || typeof stack !== 'object' || stack === null) {
    check.choice(stack, 'stack', 'a stack option', choices, ", or { values: { chunk_address: 0, … }, otherwise: 'garbage' | 'zero' }");
    return;
  }
  const s = check.object(stack, 'stack', ['values', 'otherwise']);
  const values = check.object(s.values, 'stack.values', DESCRIPTOR_FIELDS);
  for (const [field, value] of Object.entries(values)) check.number(value, `stack.values.${field}`, 'a whole number', { integer: true, min: -0x80000000, max: 0xffffffff });
  if (s.otherwise !== undefined) check.choice(s.otherwise, 'stack.otherwise', 'a stack option', choices);
}
