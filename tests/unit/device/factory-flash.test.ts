import { defineSketch, VirtualBoron } from '../../../src/index';

const named = (name: string) => defineSketch(() => ({ setup() {}, loop() {} }), { name });

describe('the factory flash a device starts with', () => {
  it('is its own sketch and Device OS, however many devices came before', async () => {
    const [a, b] = [named('a'), named('b')];
    for (const [app, deviceOs, want] of [[a, '1.2.1', 'a'], [b, '1.2.1', 'b'], [a, '1.4.4', 'a'], [a, '1.2.1', 'a']] as const) {
      const device = new VirtualBoron({ app, deviceOs }).powerOn();
      await device.runFor(5000);
      expect([device.appName, device.profile.version]).toEqual([want, deviceOs]);
    }
  });

  it('is the same for each new device, whatever an earlier one wrote to its own', () => {
    const app = named('writer');
    const first = new VirtualBoron({ app, deviceOs: '1.2.1' });
    const pristine = first.flash.internal.read(0, first.flash.internal.size);
    first.flash.internal.erase(0x30000, 0x1000);
    first.flash.internal.program(0xd4000, new Uint8Array(16));
    const second = new VirtualBoron({ app, deviceOs: '1.2.1' });
    expect(Buffer.compare(second.flash.internal.read(0, second.flash.internal.size), pristine)).toBe(0);
    expect(Buffer.compare(first.flash.internal.read(0, first.flash.internal.size), pristine)).not.toBe(0);
  });
});
