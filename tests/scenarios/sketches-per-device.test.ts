/**
 * Sketches are per device: the same sketch — or two sketches with the same name and so the same
 * image bytes — can be defined, built and run any number of times in one process, in any number of
 * devices. Building the same bytes twice used to throw SKETCH_IMAGE_CLASH, which broke `test.each`
 * and copied tests. Each device boots the sketch of the image it was given, or that its server
 * served it.
 */
import { http, HttpResponse } from 'msw';
import { buildModule, defineSketch, firmwareRoute, VirtualBoron, type Sketch } from '../../src/index';

/** v2 as a copied test would write it: the same name and code, a different value in its closure. */
const v2 = (says: string): Sketch => defineSketch(({ Serial }) => ({ setup: () => void Serial.println(`v2 says ${says}`) }), { name: 'v2', systemMode: 'MANUAL' });

/** v1 downloads whatever the server has at http://fw.example/v2.bin and installs it. */
const v1 = defineSketch(
  ({ Serial, TCPClient, FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk, Spark_Finish_Firmware_Update }) => ({
    async setup() {
      const client = new TCPClient();
      await client.connect('fw.example', 80);
      await client.write('GET /v2.bin HTTP/1.0\r\nHost: fw.example\r\n\r\n');
      const bytes: number[] = [];
      while ((await client.connected()) || (await client.available()) > 0) {
        const c = await client.read();
        if (c >= 0) bytes.push(c);
      }
      const response = Uint8Array.from(bytes);
      const at = Buffer.from(response).indexOf('\r\n\r\n') + 4;
      const image = response.subarray(at);
      const file = new FileTransfer.Descriptor();
      file.store = FileTransfer.Store.FIRMWARE;
      file.file_length = image.length;
      file.chunk_address = 0;
      file.chunk_size = 256;
      await Spark_Prepare_For_Firmware_Update(file, 0, null);
      file.chunk_address = file.file_address;
      for (let i = 0; i < image.length; i += 256) {
        const chunk = image.subarray(i, i + 256);
        file.chunk_size = chunk.length;
        await Spark_Save_Firmware_Chunk(file, chunk, null);
        file.chunk_address += chunk.length;
      }
      Serial.println('v1 installs it');
      await Spark_Finish_Firmware_Update(file, 1, null);
    },
  }),
  { name: 'v1', systemMode: 'MANUAL' },
);

describe('the same sketch, many times', () => {
  it.each(['hello', 'bonjour', 'hallo'])('test.each defines and builds it again: "%s"', async (says) => {
    const image = buildModule({ sketch: v2(says) });
    const device = new VirtualBoron({ app: v1, server: [firmwareRoute('http://fw.example/v2.bin', image)] }).powerOn();
    await device.runUntil('v2 says', { timeoutMs: 60_000 });
    expect(device.serial.output).toBe(`v1 installs it\r\nv2 says ${says}\r\n`);
  });

  it('two sketches with one name build the same bytes, and neither build refuses', () => {
    expect(Buffer.from(buildModule({ sketch: v2('a') }))).toEqual(Buffer.from(buildModule({ sketch: v2('b') })));
  });

  it('one sketch object runs in any number of devices, and is built any number of times', async () => {
    const sketch = v2('everywhere');
    const devices = [1, 2, 3].map(() => new VirtualBoron({ app: buildModule({ sketch }) }).powerOn());
    for (const device of devices) await device.runUntil('v2 says everywhere');
    expect(devices.map((d) => d.appName)).toEqual(['v2', 'v2', 'v2']);
  });
});

describe('devices at once, each with its own sketch of the same bytes', () => {
  it('given as the app: each device runs its own', async () => {
    const a = new VirtualBoron({ app: v2('A') }).powerOn();
    const b = new VirtualBoron({ app: v2('B') }).powerOn();
    await b.runUntil('v2 says');
    await a.runUntil('v2 says');
    expect([a.serial.output, b.serial.output]).toEqual(['v2 says A\r\n', 'v2 says B\r\n']);
  });

  it('served by firmware routes, built in one order and installed in the other: each installs its own', async () => {
    const first = buildModule({ sketch: v2('first') });
    const second = buildModule({ sketch: v2('second') });
    const a = new VirtualBoron({ app: v1, server: [firmwareRoute('http://fw.example/v2.bin', first)] }).powerOn();
    const b = new VirtualBoron({ app: v1, server: [firmwareRoute('http://fw.example/v2.bin', second)] }).powerOn();
    await a.runUntil('v2 says', { timeoutMs: 60_000 });
    await b.runUntil('v2 says', { timeoutMs: 60_000 });
    expect([a.serial.output, b.serial.output]).toEqual(['v1 installs it\r\nv2 says first\r\n', 'v1 installs it\r\nv2 says second\r\n']);
    expect(a.modules().find((m) => m.region === 'user-part')).toMatchObject({ sketch: 'v2', crcOk: true });
  });

  it('served by a plain msw handler (the image copied into a Response): the device knows the sketch it was sent', async () => {
    const image = buildModule({ sketch: v2('via msw') });
    const device = new VirtualBoron({ app: v1, server: [http.get('http://fw.example/v2.bin', () => new HttpResponse(image))] }).powerOn();
    await device.runUntil('v2 says', { timeoutMs: 60_000 });
    expect(device.serial.output).toBe('v1 installs it\r\nv2 says via msw\r\n');
  });

  it('an image no sketch was built into boots as an idle app', async () => {
    const device = new VirtualBoron({ app: buildModule({ version: 6, fillSeed: 'a real binary' }) }).powerOn();
    await device.runFor(1000);
    expect(device.state).toBe('running');
    expect(device.appName).toBe('unknown app (0xD4000 v6)');
  });
});
