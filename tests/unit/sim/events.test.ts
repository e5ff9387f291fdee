import { EventBus, type TraceLevel } from '../../../src/sim/events';
import { VirtualBoron } from '../../../src/index';
import { thrown } from '../../thrown';

/** A bus at `level` with the clock at 0, 1, 2… for each event, fed one event of each kind the 'ota' level tells apart. */
function busAt(level: TraceLevel) {
  let now = 0;
  const bus = new EventBus(() => now++, level);
  const heard: string[] = [];
  bus.on('log', (e) => heard.push(`log ${e.message}`));
  bus.emit('ota:begin', { fileAddress: 0x289000, fileLength: 5012, erased: true });
  bus.emit('serial', { text: 'hi' });
  bus.emit('log', { category: 'app', level: 'INFO', message: 'm', line: 'l' });
  bus.emit('flash:program', { chip: 'external', address: 0x289000, length: 128, overData: 0, mismatched: 0 });
  bus.emit('ota:chunk', { address: 0x289000, length: 128, result: 0 });
  bus.emit('system:event', { event: 'firmware_update', param: 2 });
  bus.emit('system:event', { event: 'firmware_update', param: 1 });
  bus.emit('tcp:data', { connection: 0, bytes: 960 });
  return { bus, heard, kept: () => bus.trace.map((e) => `${e.type}@${e.atMicros}`) };
}

describe('the trace levels', () => {
  it("'all' keeps every event, in order, stamped with the time it was emitted", () => {
    expect(busAt('all').kept()).toEqual(['ota:begin@0', 'serial@1', 'log@2', 'flash:program@3', 'ota:chunk@4', 'system:event@5', 'system:event@6', 'tcp:data@7']);
  });

  it("'ota' leaves out what is made per chunk, print or log line, and keeps the rest", () => {
    // Events nobody keeps or hears are not even stamped: the clock is read only for those that are.
    expect(busAt('ota').kept()).toEqual(['ota:begin@0', 'system:event@2', 'tcp:data@3']);
  });

  it("'off' keeps nothing, and listeners still hear every event of their kind", () => {
    const { kept, heard } = busAt('off');
    expect(kept()).toEqual([]);
    expect(heard).toEqual(['log m']);
  });

  it('a ring keeps the last n events, oldest first', () => {
    expect(busAt({ ring: 3 }).kept()).toEqual(['system:event@5', 'system:event@6', 'tcp:data@7']);
    expect(busAt({ ring: 20 }).kept()).toHaveLength(8);
  });

  it('says whether an event would be kept or heard, so a hot path can skip building it', () => {
    const { bus } = busAt('ota');
    expect([bus.wants('flash:program'), bus.wants('log'), bus.wants('ota:begin')]).toEqual([false, true, true]);
    const off = new EventBus(() => 0, 'off');
    expect(off.wants('ota:begin')).toBe(false);
    const stop = off.on('ota:begin', () => undefined);
    expect(off.wants('ota:begin')).toBe(true);
    stop();
    expect(off.wants('ota:begin')).toBe(false);
  });

  it('keeps the connection events given as numbers (emitBytes) as emit would, in order, with the same fields, heard or not', () => {
    for (const level of ['all', 'ota', { ring: 10 }] as TraceLevel[]) {
      let now = 0;
      const bus = new EventBus(() => now++, level);
      bus.emitBytes('tcp:send', 0, 98);
      bus.emit('tcp:connect', { connection: 1, host: 'h', port: 80, ok: true, micros: 5 });
      bus.emitBytes('tcp:data', 1, 1024);
      expect(bus.size).toBe(3);
      expect(bus.trace.map((e) => e.type)).toEqual(['tcp:send', 'tcp:connect', 'tcp:data']);
      bus.emitBytes('tcp:data', 1, 1);
      bus.emit('tcp:close', { connection: 1, by: 'remote' });
      expect(bus.trace.slice(3).map((e) => e.type)).toEqual(['tcp:data', 'tcp:close']);
      const heard: unknown[] = [];
      bus.on('tcp:recv', (e) => heard.push(e));
      bus.emitBytes('tcp:recv', 1, 128);
      bus.emitBytes('tcp:data', 1, 7);
      expect(bus.size).toBe(7);
      expect(JSON.stringify(bus.trace)).toBe(
        JSON.stringify([
          { type: 'tcp:send', atMicros: 0, connection: 0, bytes: 98 },
          { type: 'tcp:connect', atMicros: 1, connection: 1, host: 'h', port: 80, ok: true, micros: 5 },
          { type: 'tcp:data', atMicros: 2, connection: 1, bytes: 1024 },
          { type: 'tcp:data', atMicros: 3, connection: 1, bytes: 1 },
          { type: 'tcp:close', atMicros: 4, connection: 1, by: 'remote' },
          { type: 'tcp:recv', atMicros: 5, connection: 1, bytes: 128 },
          { type: 'tcp:data', atMicros: 6, connection: 1, bytes: 7 },
        ]),
      );
      // What a listener heard is the entry the trace keeps, and reading the trace again gives the same entries.
      expect(bus.trace[5]).toBe(heard[0]);
      expect(bus.trace[2]).toBe(bus.trace[2]);
    }
    const off = new EventBus(() => 0, 'off');
    off.emitBytes('tcp:data', 0, 1);
    expect(off.trace).toEqual([]);
  });

  it('keeps the story of a run by default, and refuses a level it does not know', () => {
    const device = new VirtualBoron().powerOn();
    expect(device.trace.map((e) => e.type)).toEqual(['device:power']);
    for (const trace of ['some', { ring: 0 }, { ring: 1.5 }] as unknown as TraceLevel[]) {
      expect(thrown(() => new VirtualBoron({ trace }))).toMatchObject({ code: 'TRACE_LEVEL' });
    }
    expect(thrown(() => new VirtualBoron({ trace: 'some' as TraceLevel })).message).toBe(
      'Failed to create the device: trace "some" is not a trace level. Use \'all\', \'ota\', \'off\' or { ring: n } with a whole n of at least 1.',
    );
  });
});
