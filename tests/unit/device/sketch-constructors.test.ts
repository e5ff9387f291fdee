/**
 * The constructors a sketch calls, `TCPClient` and `FileTransfer.Descriptor`: each boot's makes
 * instances of one class shared by every boot and device (one shape, so the per-chunk methods that
 * read them stay fast), and they still act as classes to the sketch.
 */
import type { SketchApi } from '../../../src/index';
import { deviceRunning } from '../../helpers';

/** What `look` finds in a sketch's api during setup(). */
async function inSketch<T>(look: (api: SketchApi) => T | Promise<T>): Promise<T> {
  let found!: T;
  const device = deviceRunning(async (api) => {
    found = await look(api);
  });
  await device.runUntil('DONE');
  return found;
}

describe('the constructors a sketch calls', () => {
  it('make instances of the constructor they are, named as before', async () => {
    const seen = await inSketch((api) => {
      const client = new api.TCPClient();
      const file = new api.FileTransfer.Descriptor();
      return { client: client instanceof api.TCPClient, file: file instanceof api.FileTransfer.Descriptor, names: [api.TCPClient.name, api.FileTransfer.Descriptor.name], size: file.size };
    });
    expect(seen).toEqual({ client: true, file: true, names: ['SketchTCPClient', 'Descriptor'], size: 20 });
  });

  it("two devices' clients share a prototype", async () => {
    const first = await inSketch((api) => Object.getPrototypeOf(new api.TCPClient()) as object);
    const second = await inSketch((api) => Object.getPrototypeOf(new api.TCPClient()) as object);
    expect(first).toBe(second);
  });

  it("a sketch's subclass keeps its own methods and the client's calls", async () => {
    const seen = await inSketch(async (api) => {
      class Mine extends api.TCPClient {
        hello(): string {
          return 'hello';
        }
      }
      const mine = new Mine();
      return { hello: mine.hello(), mine: mine instanceof Mine, client: mine instanceof api.TCPClient, available: await mine.available(), connected: await mine.connected() };
    });
    expect(seen).toEqual({ hello: 'hello', mine: true, client: true, available: 0, connected: false });
  });

  it('called without new, a TypeError as for a class', async () => {
    const thrown = await inSketch((api) => {
      try {
        (api.TCPClient as unknown as () => unknown)();
        return undefined;
      } catch (error) {
        return error;
      }
    });
    expect(thrown).toBeInstanceOf(TypeError);
  });
});
