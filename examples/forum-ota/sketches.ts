/** The thread's ota-test.ino, and the small app ("simple") that it downloads. */
import { defineSketch, type Sketch } from 'virtual-boron';
import { makeOtaClass } from './ota-routine';

function makeOtaTestSketch(options: { initialiseChunkAddress: boolean }): Sketch {
  return defineSketch(
    (api) => {
      const { Serial, SerialLogHandler, LOG_LEVEL_TRACE, delay } = api;
      const OTA = makeOtaClass(api, options);
      new SerialLogHandler(LOG_LEVEL_TRACE);
      let c = 0;

      return {
        // setup() runs once, when the device is first turned on.
        async setup() {
          Serial.begin(115200);
          await delay(5000);
          Serial.println('V2');
          Serial.println('Hello! Press o for OTA.');
        },
        // loop() runs over and over again, as quickly as it can execute.
        async loop() {
          if (Serial.available()) {
            c = Serial.read();
            if (c === 'o'.charCodeAt(0)) {
              c = 0;
              const ota = new OTA();
              await ota.GetUpdate('mydomain.com', '/firmware/simple.bin');
            }
          }
        },
      };
    },
    { name: options.initialiseChunkAddress ? 'ota-test (fixed)' : 'ota-test' },
  );
}

const POSTED = makeOtaTestSketch({ initialiseChunkAddress: false });
const FIXED = makeOtaTestSketch({ initialiseChunkAddress: true });

/** ota-test.ino with the routine as first posted, or with the thread's fix. */
export const otaTestSketch = (options: { initialiseChunkAddress: boolean }): Sketch => (options.initialiseChunkAddress ? FIXED : POSTED);

/** The new firmware: built into the 5012-byte simple.bin the routine downloads. */
export const simpleApp = defineSketch(
  ({ Serial, SerialLogHandler, LOG_LEVEL_TRACE, delay }) => {
    new SerialLogHandler(LOG_LEVEL_TRACE);
    return {
      async setup() {
        Serial.begin(115200);
        await delay(5000);
        Serial.println('V3');
        Serial.println('simple.bin is running: the OTA update worked.');
      },
    };
  },
  { name: 'simple' },
);
