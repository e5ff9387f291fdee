/**
 * The thread's OTA.cpp, ported line for line: same calls in the same order, same log formats.
 * `initialiseChunkAddress` is the thread's fix (`file.chunk_address = 0;` before Prepare).
 */
import type { SketchApi } from 'virtual-boron';

export const PICSIL_VERSION = '0.0.1';

/** newlib's atoi, `(int)strtol(s, NULL, 10)`: the leading decimal number, 0 if none, saturating at the int range. */
const atoi = (text: string): number => Math.max(-0x80000000, Math.min(0x7fffffff, Number.parseInt(/^\s*[-+]?\d+/.exec(text)?.[0] ?? '0', 10) || 0));

export function makeOtaClass(api: SketchApi, options: { initialiseChunkAddress: boolean }) {
  const { Serial, Log, System, TCPClient, FileTransfer, millis, delay, sprintf } = api;
  const { Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk, Spark_Finish_Firmware_Update } = api;

  return class OTA {
    swclient?: InstanceType<typeof TCPClient>;

    constructor() {
      Serial.println('OTA() created without TLS');
    }

    async GetUpdate(host: string, path: string): Promise<boolean> {
      const buf = new Uint8Array(256);
      let c = 0;
      let last = 0;
      let timeout = 0;
      let done = false;
      let gotHeader = false;
      let hf = false;
      let ok = false;
      let avail = 0;
      let response = 0;
      let length = 0;
      let received = 0;

      const file = new FileTransfer.Descriptor();
      const swclient = (this.swclient = new TCPClient());
      let header = '';

      Log('OTA: free memory %d bytes', System.freeMemory());

      Log('Getting %s%s', host, path);
      Log('mem: %d', System.freeMemory());
      let result = await swclient.connect(host, 80);
      Log('connect: %d', result);
      if (result < 0) {
        return false;
      }

      // Send request to web server.
      const request = sprintf('GET %s HTTP/1.0\r\nHost: %s\r\nContent-Length: 0\r\nUser-Agent: picsil Sense %s\r\n\r\n', path, host, PICSIL_VERSION);
      const len = request.length;
      buf.set(Buffer.from(request, 'latin1'));

      Log('OTA request: %s', request);
      await swclient.write(buf, len);

      // GET response.
      buf.fill(0);
      timeout = millis();
      await delay(250);
      while (!done) {
        if (!(await swclient.connected())) {
          Log('Connection Error!');
          await delay(1000);
          await System.reset(); //TODO: set reason
        }
        if (((millis() - timeout) >>> 0) > 120000) {
          Log('Timeout!');
          await delay(1000);
          await System.reset(); //TODO: set reason
        }
        avail = await swclient.available();
        if (avail > 0) {
          if (!gotHeader) {
            c = (await swclient.read()) & 0xff;
            Serial.printf('%c', c);
            header += sprintf('%c', c);

            if (c === 0x0a && last === 0x0d) {
              if (hf) {
                gotHeader = true;
                Log('Header: %s', header);

                let pos = header.indexOf(' ');
                if (pos >= 0) {
                  pos += 1;
                  response = atoi(header.slice(pos));
                  Log('Response Code: %d', response);
                }
                pos = header.indexOf('Content-Length: ');
                if (pos >= 0) {
                  pos += 16;
                  length = atoi(header.slice(pos));
                  Log('Download Length: %d', length);
                }

                if (response !== 200) {
                  Log('Invalid Response Code %d!', response);
                  await delay(1000);
                  await System.reset(); //TODO: set reason
                }

                if (!done && length > 0) {
                  Log('Preparing Update');
                  file.file_length = length;
                  file.file_address = 0;
                  file.chunk_size = 256;
                  if (options.initialiseChunkAddress) file.chunk_address = 0;
                  file.store = FileTransfer.Store.FIRMWARE;

                  result = await Spark_Prepare_For_Firmware_Update(file, 0, null);
                  if (result !== 0) {
                    Log('Prepare Failed with result %d', result);
                    await delay(1000);
                    await System.reset(); //TODO: add reason
                  } else {
                    file.chunk_address = file.file_address;
                  }
                }
              } else {
                hf = true;
              }
            } else {
              if (c !== 0x0d) {
                hf = false;
              }
            }
            last = c;
          } else {
            if (avail > buf.length) avail = buf.length;
            avail = await swclient.read(buf, avail);
            received += avail;

            //Set chunk size from downloaded data
            file.chunk_size = avail;
            result = await Spark_Save_Firmware_Chunk(file, buf, null);
            if (result !== 0) {
              Log('Save chunk failed with result %d', result);
              await delay(1000);
              await System.reset(); //TODO: set reason
            }
            Log('Received %d of %d bytes. Chunk Size %d. Chunk addr=%x', received, length, avail, file.chunk_address);

            //Move start to next chunk
            file.chunk_address += file.chunk_size;

            if (length > 0 && received >= length) {
              done = true;
              ok = true;
              Log('Firmware Received!');
            }
          }
          timeout = millis();
        }
      }
      if (received === 0) {
        Log('Header(2): %s', header);
      } else {
        Log('Received %d bytes', received);
      }

      //swclient->stop();

      if (ok) {
        Log('Launching Update');
      } else {
        Log('Process finished with error. Resetting.');
        await delay(1000);
        await System.reset();
      }

      result = await Spark_Finish_Firmware_Update(file, ok, null);
      if (result !== 0) {
        Log('Finish failed with result code %d', result);
        await delay(1000);
        await System.reset();
      } else {
        Log('Success!! System resetting.');
        await delay(1000);
        await System.reset();
      }
      return ok;
    }
  };
}
