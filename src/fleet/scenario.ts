import { VirtualBoron } from '../device/virtual-boron';
import type { VirtualBoronOptions } from '../device/config';
import type { DataUsage } from '../net/data-usage';
import type { RealServerAddress } from '../net/real-server';
import { EmulatorError } from '../sim/messages';

/** What a fleet tells each device's `device` and `drive`. */
export interface FleetContext {
  /** The device's number in the fleet, from 0. */
  index: number;
  /** The real server the fleet runs against, if any: `runFleet`'s `target`, or Artillery's `config.target`. */
  target?: RealServerAddress;
  /** `runFleet`'s `params` (or the Artillery engine's): any value that survives structured cloning. */
  params?: unknown;
}

/**
 * One device of a fleet: `device` gives its options, `drive` runs it (it gets the device powered on)
 * and says how it ended. They reach worker threads as the exports of a module (functions cannot be
 * posted): `runFleet({ module })` and the Artillery engine load that module where the devices run.
 */
export interface FleetScenario {
  device(index: number, context: FleetContext): VirtualBoronOptions | Promise<VirtualBoronOptions>;
  /** The outcome, counted in the report ('updated', 'kept-old-firmware'…); nothing counts as 'done'. The device is not to be kept once it ends: its flash goes to the next one. */
  drive(device: VirtualBoron, context: FleetContext): Promise<string | void> | string | void;
}

/** Types a fleet module's exports: `export const { device, drive } = defineFleet({ device(i) {…}, async drive(d) {…} })`. */
export const defineFleet = (scenario: FleetScenario): FleetScenario => scenario;

/** How one device of the fleet went. Times are virtual, from its power-on. */
export interface FleetDeviceResult {
  index: number;
  /** What `drive` returned, or `error:<code>` when it threw (the EmulatorError's code, else the error's name). */
  outcome: string;
  /** What `drive` threw, in words. */
  error?: string;
  /** Power-on to the end of `drive`. */
  virtualMicros: number;
  /** When each HTTP request the device made reached the server. */
  requestsAtMicros: number[];
  dataUsage: DataUsage;
}

/** `http://127.0.0.1:8080` → `{ host: '127.0.0.1', port: 8080 }`. */
export function realServerAddress(target: RealServerAddress | string): RealServerAddress {
  if (typeof target !== 'string') return target;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new EmulatorError('FLEET_TARGET', 'Failed to use {target} as the fleet\'s server: it is not a URL. Give an http://host:port address.', { target });
  }
  if (url.protocol !== 'http:') {
    throw new EmulatorError('FLEET_TARGET', 'Failed to use {target} as the fleet\'s server: the devices speak plain HTTP over TCPClient. Give an http:// address.', { target });
  }
  // An IPv6 host comes in brackets ([::1]); a socket takes it without them.
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 80) };
}

/** The names of a fleet module's two functions. */
export interface FleetExportNames {
  device?: string;
  drive?: string;
}

/** The scenario a fleet module exports (as named exports, or on its default export). */
export function scenarioFrom(exports: unknown, where: string, names: FleetExportNames = {}): FleetScenario {
  const pick = (name: string): unknown => {
    const own = (exports as Record<string, unknown> | undefined)?.[name];
    return own ?? ((exports as { default?: Record<string, unknown> } | undefined)?.default?.[name]);
  };
  const [deviceName, driveName] = [names.device ?? 'device', names.drive ?? 'drive'];
  const [device, drive] = [pick(deviceName), pick(driveName)];
  for (const [name, value] of [[deviceName, device], [driveName, drive]] as const) {
    if (typeof value !== 'function') {
      throw new EmulatorError('FLEET_MODULE', 'Failed to load the fleet scenario from {where}: it exports no function "{name}". Export device(index, context) and drive(device, context), or name yours with the device and drive options.', { where, name });
    }
  }
  return { device: device as FleetScenario['device'], drive: drive as FleetScenario['drive'] };
}

/** Load a fleet module with `require` (CommonJS, or TypeScript where a loader such as tsx is registered). */
export function loadScenario(module: string, names: FleetExportNames = {}): FleetScenario {
  return scenarioFrom(require(module) as unknown, module, names);
}

const NO_DATA: DataUsage = { uplinkBytes: 0, downlinkBytes: 0, totalBytes: 0, payloadBytes: 0, headerBytes: 0, retransmittedBytes: 0, dnsBytes: 0, packets: 0, connections: 0 };

/**
 * Make device `context.index` (seed `index + 1` unless its options give one), power it on, drive it,
 * and power it off (which closes any real socket it left open); then its flash memory goes to the
 * next device, so a module must not keep the device past `drive`. A throw from `device` or `drive`
 * is the device's outcome, not the fleet's failure.
 */
export async function runDevice(scenario: FleetScenario, context: FleetContext): Promise<FleetDeviceResult> {
  const requestsAtMicros: number[] = [];
  let device: VirtualBoron | undefined;
  const result = (outcome: string, error?: string): FleetDeviceResult => ({
    index: context.index,
    outcome,
    ...(error === undefined ? {} : { error }),
    virtualMicros: device?.nowMicros ?? 0,
    requestsAtMicros,
    dataUsage: device?.dataUsage ?? { ...NO_DATA },
  });
  try {
    const options = await scenario.device(context.index, context);
    device = new VirtualBoron({ ...options, seed: options.seed ?? context.index + 1 });
    device.on('http:request', (e) => void requestsAtMicros.push(e.atMicros));
    device.powerOn();
    const outcome = await scenario.drive(device, context);
    return result(typeof outcome === 'string' ? outcome : 'done');
  } catch (error) {
    const code = error instanceof EmulatorError ? error.code : error instanceof Error ? error.name : 'Error';
    return result(`error:${code}`, error instanceof Error ? error.message : String(error));
  } finally {
    if (device) {
      if (device.state !== 'off') device.powerOff();
      // The device is done with and never handed out again: its flash sectors are memory the worker's next device can reuse.
      device.flash.internal.release();
      device.flash.external.release();
    }
  }
}
