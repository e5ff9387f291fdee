import { availableParallelism } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { RealServerAddress } from '../net/real-server';
import { EmulatorError } from '../sim/messages';
import { fleetReport, type FleetReport } from './report';
import { realServerAddress, type FleetContext, type FleetDeviceResult, type FleetExportNames } from './scenario';
import type { FleetTask, FleetTaskResult } from './worker';

export interface FleetOptions extends FleetExportNames {
  /** How many devices: they are numbered 0 … devices − 1. */
  devices: number;
  /**
   * The fleet module: its path (absolute, relative to the working directory, or a file: URL). It
   * exports `device(index, context)` and `drive(device, context)` (named exports, or on its default
   * export; `device` and `drive` here rename them). Each worker thread `require`s it: CommonJS, or
   * TypeScript, which the workers load with tsx when it is installed.
   */
  module: string;
  /**
   * Devices in flight at once. The report's virtual rollout starts each device when one of `concurrency`
   * slots frees; the host runs as many (rounded up to a multiple of `workers`). Default 64.
   */
  concurrency?: number;
  /** Worker threads (default: the host's available parallelism, never more than `concurrency`). */
  workers?: number;
  /** A real server for the devices (`context.target`): `{ host, port }` or an `http://host:port` URL. */
  target?: RealServerAddress | string;
  /** Anything that survives structured cloning, handed to every `device` and `drive` as `context.params`. */
  params?: unknown;
  /** Told as each device finishes: how many are done of how many (a progress bar's feed). */
  onProgress?: (done: number, total: number) => void;
}

const TYPESCRIPT = /\.[cm]?ts$/;
/** This module's worker, as built (`worker.js`) or as source run through a TypeScript loader (`worker.ts`). */
const WORKER = join(__dirname, `worker${extname(__filename)}`);

/** Worker threads need a TypeScript loader when the worker or the fleet module is TypeScript: tsx, from the module's project or this one. */
function workerExecArgv(module: string): string[] | undefined {
  if (!TYPESCRIPT.test(WORKER) && !TYPESCRIPT.test(module)) return undefined;
  let loader: string;
  try {
    loader = require.resolve('tsx', { paths: [dirname(module), __dirname] });
  } catch {
    throw new EmulatorError('FLEET_TYPESCRIPT', 'Failed to start the fleet\'s worker threads: {module} is TypeScript, and they load it with tsx, which is not installed. Install tsx, or give a compiled .js module.', { module });
  }
  return [...process.execArgv, '--import', pathToFileURL(loader).href];
}

const positiveInteger = (value: number, what: string): number => {
  if (!Number.isInteger(value) || value < 1) throw new EmulatorError('FLEET_OPTIONS', 'Failed to start the fleet: {what} must be a whole number of at least 1, not {value}.', { what, value: String(value) });
  return value;
};

/**
 * Run `devices` virtual Borons, at most `concurrency` at once, on a pool of worker threads
 * (piscina), against the msw handlers their options give or a real server (`target`), and
 * report outcomes, virtual durations, the server's request rate and bytes on the air.
 */
export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  if (typeof options !== 'object' || options === null || typeof options.module !== 'string' || options.module.length === 0) {
    throw new EmulatorError('FLEET_OPTIONS', 'Failed to start the fleet: module is {value}. Give the path of the fleet module (it exports device(index, context) and drive(device, context)).', { value: String((options as Partial<FleetOptions> | null)?.module) });
  }
  if (!Number.isInteger(options.devices) || options.devices < 0) {
    throw new EmulatorError('FLEET_OPTIONS', 'Failed to start the fleet: devices must be a whole number, not {value}.', { value: String(options.devices) });
  }
  const concurrency = positiveInteger(options.concurrency ?? 64, 'concurrency');
  const workers = Math.min(positiveInteger(options.workers ?? availableParallelism(), 'workers'), concurrency);
  const module = options.module.startsWith('file:') ? fileURLToPath(options.module) : resolve(options.module);
  const names: FleetExportNames = { device: options.device, drive: options.drive };
  const shared: Omit<FleetContext, 'index'> = {
    ...(options.target === undefined ? {} : { target: realServerAddress(options.target) }),
    ...(options.params === undefined ? {} : { params: options.params }),
  };
  const pool = new Piscina<FleetTask, FleetTaskResult>({
    filename: WORKER,
    minThreads: workers,
    maxThreads: workers,
    // The devices of one worker take turns on its event loop while they wait on virtual time or a server.
    concurrentTasksPerWorker: Math.ceil(concurrency / workers),
    // Atomics.wait would block a worker's event loop between its tasks; its devices are asynchronous.
    atomics: 'disabled',
    execArgv: workerExecArgv(module),
  });
  try {
    // Every task settles before the pool goes: a worker still answering a destroyed pool is an unhandled error.
    let done = 0;
    const settled = await Promise.allSettled(
      Array.from({ length: options.devices }, (_, index) =>
        pool.run({ module, names, context: { index, ...shared } }).finally(() => options.onProgress?.(++done, options.devices)),
      ),
    );
    const results: FleetDeviceResult[] = [];
    for (const outcome of settled) {
      if (outcome.status === 'rejected') throw outcome.reason;
      const result = outcome.value;
      if ('unusable' in result) throw new EmulatorError(result.unusable.code, '{message}', { message: result.unusable.message });
      results.push(result);
    }
    return fleetReport(results, concurrency);
  } finally {
    await pool.destroy();
  }
}
