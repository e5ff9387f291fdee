import type { TraceEntry } from '../sim/events';
import type { RecordedSchedule } from './link';

type Entry<K extends TraceEntry['type']> = Extract<TraceEntry, { type: K }>;

/**
 * The arrival schedule one connection of a run saw, from its trace: replay it with `recordedLink`
 * and the device sees the same bytes at the same moments, measured from its last request.
 */
export function recordSchedule(trace: readonly TraceEntry[], connection = 0): RecordedSchedule {
  const of = <K extends TraceEntry['type']>(type: K): Entry<K>[] => trace.filter((e): e is Entry<K> => e.type === type && 'connection' in e && e.connection === connection);
  const data = of('tcp:data');
  const firstData = data[0]?.atMicros ?? Number.POSITIVE_INFINITY;
  const from = of('tcp:send').filter((e) => e.atMicros <= firstData).at(-1)?.atMicros ?? 0;
  return {
    dnsMs: (of('dns:lookup')[0]?.micros ?? 0) / 1000,
    connectMs: (of('tcp:connect')[0]?.micros ?? 0) / 1000,
    uplinkMs: 0,
    downlink: data.map((e) => ({ atMs: (e.atMicros - from) / 1000, bytes: e.bytes })),
  };
}
