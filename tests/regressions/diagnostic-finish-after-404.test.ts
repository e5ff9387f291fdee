/**
 * Regression (issue 8, held-out check): Finish(SUCCESS) after a download that got a 404 and saved
 * nothing was told to "Write the image from the start of the OTA region", though nothing had been
 * written anywhere. The diagnostic now says no chunk was saved since Prepare erased the region.
 */
import { UpdateFlag } from '../../src/index';
import { deviceRunning, firmwareFile } from '../helpers';

test('Finish after a 404 with nothing saved says nothing was saved', async () => {
  const device = deviceRunning(
    async ({ FileTransfer, TCPClient, Spark_Prepare_For_Firmware_Update, Spark_Finish_Firmware_Update }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 512, file_length: 5012 });
      await Spark_Prepare_For_Firmware_Update(file, 0, null);
      const client = new TCPClient();
      await client.connect('fw.example', 80);
      await client.write('GET /missing.bin HTTP/1.0\r\nHost: fw.example\r\n\r\n');
      const buf = new Uint8Array(128);
      while (await client.connected()) await client.read(buf, 128);
      await Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, null);
    },
    { server: [] },
  );
  await device.runUntil('DONE');
  expect(device.diagnostics.map((d) => d.message)).toEqual([
    'Failed to answer GET http://fw.example/missing.bin: no msw handler matched it, so the server answered 404. Add a handler for that URL.',
    'Failed to validate the module at 0x289000: the region starts with erased flash (0xFF), so there is no module header there, so validation found no module (fetched 0, result=0). No chunk was saved after Prepare erased 8,192 bytes from 0x289000, so there was nothing to validate. Call Spark_Finish_Firmware_Update with SUCCESS only once the whole image is saved; when the download fails, call it without SUCCESS.',
  ]);
});
