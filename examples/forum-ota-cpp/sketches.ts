/** The forum routine in C++ (src/), as posted or with the thread's fix. */
import { join } from 'node:path';
import { compileSketch, type Sketch } from 'virtual-boron';

const ROUTINE = join(__dirname, 'src');

/**
 * ota-test.ino with OTA.cpp as posted, or built with OTA_INITIALISE_CHUNK_ADDRESS (the thread's
 * fix), for the thread's Device OS 1.2.1. From the cache after the first compile (about 20 s).
 */
export function compileOtaTest(options: { initialiseChunkAddress: boolean }): Promise<Sketch> {
  const fixed = options.initialiseChunkAddress;
  return compileSketch(ROUTINE, {
    name: fixed ? 'ota-test (C++, fixed)' : 'ota-test (C++)',
    deviceOs: '1.2.1',
    defines: fixed ? { OTA_INITIALISE_CHUNK_ADDRESS: true } : {},
  });
}
