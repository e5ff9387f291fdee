/**
 * Misuse: a sketch that uses a member of Particle's API the emulator does not model. It used to be
 * `undefined` (a TypeError somewhere later, "x is not a function"); now the run fails with
 * UNIMPLEMENTED_API, naming the member and pointing to the README's Fidelity table.
 */
import { defineSketch, VirtualBoron, type SketchApi } from '../../../src/index';
import { deviceRunning } from '../../helpers';

const unimplemented = (member: string) => ({
  code: 'UNIMPLEMENTED_API',
  message: `Failed to use ${member}: virtual-boron does not model it yet. See the Fidelity table in its README (README.md#fidelity) for what is emulated, and leave the call out of the code under test.`,
});

/** A sketch that reaches for `use(api)` in setup(). */
const running = (use: (api: Record<string, any>) => unknown) => deviceRunning(async (api) => void use(api as unknown as Record<string, any>));

describe('an unmodelled member', () => {
  it.each([
    ['Particle.publish', (api: Record<string, any>) => api.Particle.publish('ota', 'done')],
    ['Particle.connect', (api: Record<string, any>) => api.Particle.connect()],
    ['System.sleep', (api: Record<string, any>) => api.System.sleep(10)],
    ['Serial.blockOnOverrun', (api: Record<string, any>) => api.Serial.blockOnOverrun(true)],
    ['Log.printf', (api: Record<string, any>) => api.Log.printf('x')],
    ['FileTransfer.Flags', (api: Record<string, any>) => api.FileTransfer.Flags],
    ['TCPClient.setTimeout', (api: Record<string, any>) => new api.TCPClient().setTimeout(1000)],
    ['WiFi', (api: Record<string, any>) => api.WiFi.ready()],
  ])('%s fails the run, named', async (member, use) => {
    const device = running(use);
    await expect(device.runUntil('DONE')).rejects.toMatchObject(unimplemented(member));
    expect(device.state).toBe('crashed');
  });

  it('destructured in the sketch factory, fails the boot', async () => {
    const sketch = defineSketch((api) => {
      const { Cellular } = api as unknown as { Cellular: { on(): void } };
      return { setup: () => Cellular.on() };
    }, { name: 'cellular', systemMode: 'MANUAL' });
    const device = new VirtualBoron({ app: sketch }).powerOn();
    await expect(device.runUntil('never')).rejects.toMatchObject(unimplemented('Cellular'));
  });
});

describe('what JavaScript and test tools ask of an object is not an API member', () => {
  it('the API can be awaited, printed, compared, and asked what it has', async () => {
    const seen: unknown[] = [];
    const device = deviceRunning(async (api) => {
      const awaited = (await Promise.resolve(api)) as SketchApi;
      seen.push(awaited === api, 'publish' in api.Particle, 'process' in api.Particle, Object.keys(api.Particle), typeof (api as unknown as { then?: unknown }).then, String(api.System));
      expect(api.Particle).toEqual(expect.objectContaining({ connected: expect.any(Function) }));
    });
    await device.runUntil('DONE');
    expect(seen).toEqual([true, false, true, ['connected', 'process', 'function'], 'undefined', '[object Object]']);
  });

  it('a member the API has is the same as ever: Serial prints, a client connects', async () => {
    const device = deviceRunning(async ({ Serial, TCPClient }) => {
      const client = new TCPClient();
      Serial.printlnf('connect %d, remote %s', await client.connect('192.0.2.1', 80), client.remoteIP());
    });
    await device.runUntil('DONE');
    expect(device.serial.output).toBe('connect 1, remote 192.0.2.1\r\nDONE\r\n');
  });
});
