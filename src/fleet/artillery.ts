/**
 * virtual-boron/artillery: an Artillery engine whose virtual users are virtual Borons. Each one is a
 * device of a fleet module — the script's `config.processor`, exporting `device` and `drive` as for
 * `runFleet` — pointed at the script's `config.target`, and it reports through Artillery's own
 * metrics. Artillery loads engines by package name: the `artillery-engine-virtual-boron` package
 * (beside this repository's package) is that name for this class.
 *
 * ```yaml
 * config:
 *   target: http://127.0.0.1:8080      # context.target in device() and drive()
 *   processor: ./ota-fleet.js          # the fleet module
 *   phases: [{ duration: 10, arrivalRate: 5 }]
 *   engines:
 *     virtual-boron: { params: { imageBytes: 131072 } }   # context.params
 * scenarios:
 *   - engine: virtual-boron            # optional: device and drive name other exports
 * ```
 */
import type { RealServerAddress } from '../net/real-server';
import { EmulatorError } from '../sim/messages';
import { realServerAddress, runDevice, scenarioFrom, type FleetDeviceResult, type FleetExportNames, type FleetScenario } from './scenario';

/** The part of an Artillery script the engine reads. */
export interface ArtilleryScript {
  config: {
    target?: string;
    /** The processor module's exports, as Artillery loaded them. */
    processor?: unknown;
    engines?: Record<string, { params?: unknown } | undefined>;
  };
}

/** A scenario of the script: `device` and `drive` name the processor's exports to use (default `device` and `drive`). */
export type ArtilleryScenarioSpec = FleetExportNames & { name?: string };

/** How an engine speaks to Artillery's runner (`@artilleryio/int-core/lib/runner.js`). */
export interface ArtilleryEvents {
  emit(event: 'started'): unknown;
  emit(event: 'counter' | 'histogram', name: string, value: number): unknown;
  emit(event: 'error', code: string): unknown;
}

export type ArtilleryScenario = (context: Record<string, unknown>, done: (error: Error | null, context: Record<string, unknown>) => void) => void;

/** Artillery metric names: `virtual_boron.` and a name a counter can carry. */
const metric = (name: string): string => `virtual_boron.${name}`;

/** One device's figures as Artillery counters and summaries. */
export function reportToArtillery(ee: ArtilleryEvents, result: FleetDeviceResult): void {
  const usage = result.dataUsage;
  ee.emit('counter', metric(`outcome.${result.outcome}`), 1);
  ee.emit('histogram', metric('virtual_duration_ms'), result.virtualMicros / 1000);
  ee.emit('counter', metric('http_requests'), result.requestsAtMicros.length);
  ee.emit('counter', metric('bytes_on_air'), usage.totalBytes);
  ee.emit('histogram', metric('bytes_on_air_per_device'), usage.totalBytes);
  ee.emit('counter', metric('bytes_on_air.uplink'), usage.uplinkBytes);
  ee.emit('counter', metric('bytes_on_air.downlink'), usage.downlinkBytes);
  ee.emit('counter', metric('bytes_on_air.payload'), usage.payloadBytes);
  ee.emit('counter', metric('bytes_on_air.headers'), usage.headerBytes);
  ee.emit('counter', metric('bytes_on_air.retransmitted'), usage.retransmittedBytes);
  ee.emit('counter', metric('bytes_on_air.dns'), usage.dnsBytes);
}

/**
 * The engine: Artillery constructs it with the script and calls `createScenario` once per scenario;
 * each virtual user is one device, numbered from 0 in this Artillery worker. A virtual user fails
 * (`vusers.failed`, `errors.<outcome>`) when `device` or `drive` threw; any outcome `drive` returns
 * completes it and is counted as `virtual_boron.outcome.<outcome>`.
 */
export class VirtualBoronEngine {
  private next = 0;
  private readonly target?: RealServerAddress;
  private readonly params?: unknown;

  constructor(private readonly script: ArtilleryScript) {
    this.target = script.config.target ? realServerAddress(script.config.target) : undefined;
    this.params = script.config.engines?.['virtual-boron']?.params;
  }

  createScenario(spec: ArtilleryScenarioSpec, ee: ArtilleryEvents): ArtilleryScenario {
    if (!this.script.config.processor) {
      throw new EmulatorError('FLEET_MODULE', 'Failed to run the Artillery scenario {name}: the script has no config.processor. Name the fleet module (it exports device and drive) there.', { name: spec.name ?? '(unnamed)' });
    }
    const scenario: FleetScenario = scenarioFrom(this.script.config.processor, 'config.processor', spec);
    return (context, done) => {
      ee.emit('started');
      const index = this.next++;
      void runDevice(scenario, { index, ...(this.target ? { target: this.target } : {}), ...(this.params === undefined ? {} : { params: this.params }) }).then((result) => {
        reportToArtillery(ee, result);
        if (result.error === undefined) return done(null, context);
        ee.emit('error', result.outcome);
        done(new Error(result.error), context);
      }).catch((error: unknown) => done(error instanceof Error ? error : new Error(String(error)), context));
    };
  }
}
