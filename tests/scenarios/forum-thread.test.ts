/**
 * The acceptance target: the thread's routine on a virtual Boron prints the thread's log line for
 * line (forum-reproduction.md), fails for the thread's reasons, and succeeds once fixed — both
 * the TypeScript port (examples/forum-ota) and the C++ (examples/forum-ota-cpp), compiled as is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parametricLink, parseModule, type VirtualBoron } from '../../src/index';
import { KEY_PRESS_MS, runForumScenario, simpleBin } from '../../examples/forum-ota/scenario';
import { compileOtaTest } from '../../examples/forum-ota-cpp/sketches';

/** The routine in each language, and the name its app runs under; the whole trace kept, for the flash:program checks. */
const ROUTINES = [
  { language: 'TypeScript', run: (fixed: boolean) => runForumScenario({ fixed, trace: 'all' }), app: (fixed: boolean) => (fixed ? 'ota-test (fixed)' : 'ota-test') },
  {
    language: 'C++',
    run: async (fixed: boolean) => runForumScenario({ fixed, trace: 'all', app: await compileOtaTest({ initialiseChunkAddress: fixed }) }),
    app: (fixed: boolean) => (fixed ? 'ota-test (C++, fixed)' : 'ota-test (C++)'),
  },
];

const THREAD_LOG = readFileSync(join(__dirname, '../fixtures/forum-thread-log.txt'), 'utf8').trimEnd().split('\n');
const STAMP = /^(\d{10}) (.*)$/;

/** The serial output from the banner to the line that ends the update attempt, CR LF folded to LF. */
function attempt(device: VirtualBoron, lastLine: string): string[] {
  const text = device.serial.output.replace(/\r\n/g, '\n');
  const end = text.indexOf(lastLine) + lastLine.length;
  return text.slice(0, end).split('\n');
}

describe.each(ROUTINES)('the thread\'s routine in $language as first posted (no file.chunk_address = 0)', ({ run, app }) => {
  let device: VirtualBoron;
  beforeAll(async () => {
    device = await run(false);
  }, 120_000);

  it('prints the thread\'s log line for line, timestamps within 25% of the thread\'s (counted from the key press)', () => {
    const ours = attempt(device, 'Finish failed with result code 1');
    // Plus the system's own lines, which the thread's log does not have: its Boron ran a release build of Device OS,
    // whose hal and comm lines below ERROR are compiled out (hal/build.mk:12-18, communication/src/build.mk:47-53 at
    // v1.4.4); the emulator prints them as a debug build does: two [hal] and Finish's two DISCONNECT lines.
    expect(ours).toHaveLength(THREAD_LOG.length + 4);
    const withoutHal = ours.filter((line) => !line.includes(' [hal] ') && !line.includes(' [comm] '));
    withoutHal.forEach((line, i) => {
      const theirs = STAMP.exec(THREAD_LOG[i]);
      const mine = STAMP.exec(line);
      if (!theirs) return expect(line).toBe(THREAD_LOG[i]);
      expect(mine?.[2]).toBe(theirs[2]);
      const expected = Number(theirs[1]) - KEY_PRESS_MS;
      expect(Math.abs(Number(mine![1]) - KEY_PRESS_MS - expected)).toBeLessThanOrEqual(Math.max(1, expected * 0.25));
    });
  });

  it('times every chunk line within 2 ms of the thread', () => {
    const theirs = THREAD_LOG.filter((l) => l.includes('Chunk Size')).map((l) => Number(STAMP.exec(l)![1]));
    const ours = device.logs.filter((r) => r.message.includes('Chunk Size')).map((r) => r.millis);
    expect(ours).toHaveLength(theirs.length);
    ours.forEach((ms, i) => expect(Math.abs(ms - theirs[i])).toBeLessThanOrEqual(2));
  });

  it('reads the body in the thread\'s chunk sizes at the thread\'s addresses', () => {
    const chunks = device.logs.filter((r) => r.message.startsWith('Received ') && r.message.includes('Chunk Size'));
    expect(chunks.map((r) => Number(/Chunk Size (\d+)/.exec(r.message)![1]))).toEqual([79, 128, 128, 128, 128, 64, ...[1, 2, 3].flatMap(() => [128, 128, 128, 128, 128, 128, 128, 64]), ...Array(11).fill(128), 69]);
    expect(chunks[0].message).toBe('Received 79 of 5012 bytes. Chunk Size 79. Chunk addr=202a06a8');
    expect(chunks.at(-1)!.message).toBe('Received 5012 of 5012 bytes. Chunk Size 69. Chunk addr=202a19f7');
  });

  it('echoes the 305-byte response header before the Header: line', () => {
    const text = device.serial.output;
    const header = text.slice(text.indexOf('HTTP/1.1 200 OK'), text.indexOf('Content-Type: application/octet-stream\r\n\r\n') + 42);
    expect(Buffer.byteLength(header, 'latin1')).toBe(305);
  });

  it('validates the stale system part at 0x289000: fetched 1, checks=5e, result=5c, not applied', () => {
    expect(device.logs.filter((r) => r.category === 'hal').map((r) => r.line.slice(11))).toEqual(['[hal] INFO: module fetched 1, checks=5e, result=5c', '[hal] WARN: OTA module not applied']);
  });

  it('says why in device.diagnostics', () => {
    const why = device.diagnostics.map((d) => d.message);
    expect(why).toEqual([
      'Failed to initialise file.chunk_address before Spark_Prepare_For_Firmware_Update read it: it held 0x200176A8, left on the stack (FileTransfer::Descriptor\'s constructor sets only size). Assign it before the call.',
      'Failed to erase the OTA region: HAL_FLASH_Begin skipped the erase because 0x202A06A8 + 5012 runs past the 4 MB external flash (the range must end at or below 0x400000), yet Spark_Prepare_For_Firmware_Update returned 0. Keep file.chunk_address at 0 (an offset into the OTA region) when calling Prepare.',
      expect.stringMatching(/^Failed to program 5,012 bytes at 0x2A06A8 \(chunk_address 0x202A06A8, wrapped onto the 4 MB chip\): the flash there was not erased \(Begin skipped the erase because 0x202A06A8 \+ 5012 is past the 4 MB chip\), so [\d,]+ bytes merged with old data and [\d,]+ read back different from what was written\. Set file\.chunk_address = 0 before Spark_Prepare_For_Firmware_Update\.$/),
      expect.stringMatching(/^Failed to validate the module at 0x289000 \(validation always reads the start of the OTA region, not where the chunks went\): it is a SYSTEM_PART \(index 1, version 1213, 602,112 bytes, platform 13\), and its CRC-32 does not match \(stored 0x[0-9A-F]+, computed 0x[0-9A-F]+\); it was already in the OTA region: this update wrote no chunk at 0x289000 \(its first chunk went to 0x2A06A8\)/),
      'Spark_Finish_Firmware_Update returned 1 and still scheduled a reset: Device OS 1.2.1 always restarts after Finish(SUCCESS) (system_update.cpp:386-395), so the old firmware boots again.',
    ]);
  });

  it('programmed the image over old data inside the OTA region and erased nothing', () => {
    expect(device.flash.external.stats.sectorErases).toBe(0);
    expect(device.flash.external.stats.bytesProgrammedOverData).toBeGreaterThan(4900);
    const programs = device.trace.filter((e) => e.type === 'flash:program');
    expect(programs[0]).toMatchObject({ address: 0x2a06a8, length: 79 });
  });

  it('resets (reason 140, USER) and boots the old app again, which prints its banner', () => {
    const resets = device.trace.filter((e) => e.type === 'device:reset');
    expect(resets).toEqual([expect.objectContaining({ reason: 140, reasonName: 'USER' })]);
    expect(device.appName).toBe(app(false));
    expect(device.serial.output.split('Finish failed with result code 1')[1]).toBe('\r\nV2\r\nHello! Press o for OTA.\r\n');
    expect(device.modules().find((m) => m.region === 'user-part')).toMatchObject({ sketch: app(false), crcOk: true });
  });
});

describe.each(ROUTINES)('the fixed routine in $language (file.chunk_address = 0 before Prepare)', ({ run }) => {
  let device: VirtualBoron;
  beforeAll(async () => {
    device = await run(true);
  }, 120_000);

  it('writes from 0x289000, validates result=5e and reports success', () => {
    expect(device.logs.find((r) => r.message.startsWith('Received 79 '))?.message).toBe('Received 79 of 5012 bytes. Chunk Size 79. Chunk addr=289000');
    expect(device.logs.filter((r) => r.category === 'hal').map((r) => r.message)).toEqual(['module fetched 1, checks=5e, result=5e']);
    expect(device.logs.map((r) => r.message)).toContain('Success!! System resetting.');
    expect(device.flash.external.stats.sectorErases).toBe(2);
  });

  it('has the bootloader copy the image to 0xD4000 and boots the new app, which prints its own banner', () => {
    const image = simpleBin();
    expect(Buffer.from(device.flash.internal.read(0xd4000, image.length)).equals(Buffer.from(image))).toBe(true);
    expect(device.trace.filter((e) => e.type === 'bootloader:apply')).toEqual([expect.objectContaining({ slot: 1, destination: 0xd4000, length: 5012, applied: true })]);
    expect(device.appName).toBe('simple');
    expect(device.serial.output.split('Success!! System resetting.\r\n')[1]).toBe('V3\r\nsimple.bin is running: the OTA update worked.\r\n');
    expect(device.modules().find((m) => m.region === 'user-part')).toMatchObject({ sketch: 'simple', crcOk: true, version: parseModule(image).version });
  });

  it('explains only what the bootloader did', () => {
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      'The bootloader applied the update in DCT slot 1: it checked the module (platform, start address, function, CRC-32), then copied 5,012 bytes from external 0x289000 to internal 0xD4000.',
    ]);
  });
});

describe('the C++ routine against its TypeScript port, on the thread\'s scenario', () => {
  it.each([false, true])('gives byte-identical serial output, logs, diagnostics and flash (fixed: %s)', async (fixed) => {
    const ts = await ROUTINES[0].run(fixed);
    const cpp = await ROUTINES[1].run(fixed);
    expect(cpp.serial.output).toBe(ts.serial.output);
    expect(cpp.logs).toEqual(ts.logs);
    expect(cpp.diagnostics).toEqual(ts.diagnostics);
    expect(cpp.millis).toBe(ts.millis);
    expect(Buffer.from(cpp.flash.external.read(0x289000, 0x177000)).equals(Buffer.from(ts.flash.external.read(0x289000, 0x177000)))).toBe(true);
  }, 120_000);
});

describe('the thread\'s routine over a parametric link with 960-byte bursts', () => {
  it('reads the first burst in the thread\'s shape: 79, then 128 ×4 and 64', async () => {
    const link = parametricLink({ rttMs: 190, downKbps: 76, upKbps: 40, burstBytes: 960, jitterMs: 5 });
    const device = await runForumScenario({ fixed: false, link });
    const sizes = device.logs.filter((r) => r.message.includes('Chunk Size')).map((r) => Number(/Chunk Size (\d+)/.exec(r.message)![1]));
    expect(sizes.slice(0, 6)).toEqual([79, 128, 128, 128, 128, 64]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5012);
  });
});
