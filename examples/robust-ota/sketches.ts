/** An app that updates itself with the robust routine when 'u' is typed, and the app it installs. */
import { defineSketch } from 'virtual-boron';
import { makeRobustOta } from './robust-ota';

export const FIRMWARE_HOST = 'fw.example';
export const MANIFEST_PATH = '/firmware/manifest.json';

export const robustApp = defineSketch(
  (api) => {
    const { Serial, Log, SerialLogHandler, LOG_LEVEL_INFO, delay } = api;
    const robustUpdate = makeRobustOta(api);
    new SerialLogHandler(LOG_LEVEL_INFO);
    return {
      setup() {
        Serial.println('app v1 running; press u to update');
      },
      async loop() {
        if (Serial.available() && Serial.read() === 'u'.charCodeAt(0)) {
          const outcome = await robustUpdate({ host: FIRMWARE_HOST, manifestPath: MANIFEST_PATH });
          Log.info('OTA outcome: %s', outcome);
          await delay(1000);
        }
      },
    };
  },
  { name: 'robust app v1' },
);

export const appV2 = defineSketch(({ Serial }) => ({ setup: () => void Serial.println('app v2 running') }), { name: 'robust app v2' });
