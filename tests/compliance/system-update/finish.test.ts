/**
 * Spark_Finish_Firmware_Update, 1.x (`system_update.cpp:369-406` at v1.4.4; reference note §1.4,
 * §1.5, §2.4) over HAL_FLASH_End and `fetch_module`.
 */
import { buildModule, ModuleFunction, UpdateFlag, type HalModuleResult, type VirtualBoron } from '../../../src/index';
import { appImage, logMessages, otaDevice } from '../../helpers';

const halLines = (device: VirtualBoron) => logMessages(device, 'hal');

describe('Spark_Finish_Firmware_Update (1.x)', () => {
  it('returns 0 for a good image, queues it in DCT slot 1, and resets at the next idle point into the new app', async () => {
    const { device, seen } = otaDevice(appImage('NEW APP'), UpdateFlag.SUCCESS, { after: async ({ delay, Serial }) => {
      await delay(1000);
      Serial.println('after the delay');
    } });
    await device.runUntil('NEW APP');
    expect(seen.result).toBe(0);
    expect(halLines(device)).toEqual(['module fetched 1, checks=5e, result=5e']);
    expect(device.serial.output).not.toContain('after the delay');
    expect(device.trace.filter((e) => e.type === 'device:reset')).toEqual([expect.objectContaining({ reason: 140 })]);
  });

  it('returns 1 for an erased region (fetched 0, result=0) and still resets into the old app', async () => {
    const { device, seen } = otaDevice(new Uint8Array(0), UpdateFlag.SUCCESS, { after: ({ delay }) => delay(10) });
    const boots = () => device.trace.filter((e) => e.type === 'device:boot');
    await device.runUntil(() => boots().length === 2);
    expect(seen.result).toBe(1);
    expect(boots().map((e) => e.app)).toEqual([expect.stringMatching(/^test sketch \d+$/), boots()[0].app]);
    expect(halLines(device)).toEqual(['module fetched 0, checks=5e, result=0', 'OTA module not applied']);
    expect(device.logs.filter((r) => r.category === 'hal').map((r) => r.level)).toEqual(['INFO', 'WARN']);
  });

  it('refuses a monolithic image: fetched 0, checks=5e, result=0', async () => {
    const mono = buildModule({ function: ModuleFunction.MONO_FIRMWARE, version: 1406, size: 8192 });
    const { device, seen } = otaDevice(mono, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET);
    await device.runUntil('DONE');
    expect(seen.result).toBe(1);
    expect(halLines(device)).toEqual(['module fetched 0, checks=5e, result=0', 'OTA module not applied']);
    expect(device.diagnostics.at(-1)!.message).toBe(
      'Failed to validate the module at 0x289000: it is a monolithic image (function 3, MONO_FIRMWARE, as a debug build makes); a modular Boron has no module bounds for it, so validation found no module (fetched 0, result=0). Build the app as a modular user part (not a monolithic debug build).',
    );
  });

  it('refuses a user part for another platform: result=4e', async () => {
    const photon = buildModule({ function: ModuleFunction.USER_PART, platformId: 6, version: 6, size: 2048 });
    const { device, seen } = otaDevice(photon, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET);
    await device.runUntil('DONE');
    expect(seen.result).toBe(1);
    expect(halLines(device)).toEqual(['module fetched 1, checks=5e, result=4e', 'OTA module not applied']);
    expect(device.diagnostics.map((d) => d.message)).toContain('Failed to validate the module at 0x289000: it was built for platform 6, not the Boron (13). Build it for the Boron.');
  });

  it('emits firmware_update begin, progress…, then the swapped result event (1.x: failed on success)', async () => {
    const { device, seen } = otaDevice(appImage('SWAP', 600), UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET);
    await device.runUntil('DONE');
    expect(seen.events).toEqual([0, 2, 2, 2, -1]);
  });

  it('with DONT_RESET does not reset; the queued slot is applied at the next boot', async () => {
    const { device, seen } = otaDevice(appImage('STALE SLOT'), UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET);
    await device.runUntil('DONE');
    expect(seen.result).toBe(0);
    await device.runFor(5000);
    expect(device.trace.some((e) => e.type === 'device:reset')).toBe(false);
    expect(device.serial.output).not.toContain('STALE SLOT');
    device.pressReset();
    await device.runUntil('STALE SLOT');
    expect(device.trace.filter((e) => e.type === 'bootloader:apply')).toEqual([expect.objectContaining({ slot: 1, applied: true })]);
  });

  it('without SUCCESS emits failed (-1), returns 1, validates nothing and does not reset', async () => {
    const { device, seen } = otaDevice(appImage('NO'), UpdateFlag.ERROR);
    await device.runUntil('DONE');
    expect(seen.result).toBe(1);
    expect(seen.events.at(-1)).toBe(-1);
    expect(halLines(device)).toEqual([]);
    expect(device.trace.some((e) => e.type === 'device:reset')).toBe(false);
  });

  it('validate-only returns 0 whenever a header was fetched, even with a bad CRC, and fills in the module checks', async () => {
    const image = appImage('VALIDATE');
    image[100] ^= 0xff;
    const module: HalModuleResult = { validity_checked: 0, validity_result: 0 };
    const { device, seen } = otaDevice(image, UpdateFlag.SUCCESS | UpdateFlag.VALIDATE_ONLY, { result: module });
    await device.runUntil('DONE');
    expect(seen.result).toBe(0);
    expect({ checked: module.validity_checked, result: module.validity_result }).toEqual({ checked: 0x5e, result: 0x5c });
    expect(halLines(device)).toEqual([]);
  });

  it('in AUTOMATIC mode waits at least 1 s for the cloud to confirm the forced DISCONNECT', async () => {
    const { device, seen } = otaDevice(appImage('AUTO', 512), UpdateFlag.SUCCESS, { systemMode: 'AUTOMATIC' });
    await device.runUntil('FINISHED');
    expect(seen.finishMs).toBeGreaterThanOrEqual(1000);
    expect(logMessages(device).filter((m) => m.includes('Event loop error'))).toEqual([]);
  });

  it('with no cloud session (MANUAL) logs the two INVALID_STATE lines the thread\'s MANUAL poster saw', async () => {
    const { device } = otaDevice(new Uint8Array(0), UpdateFlag.SUCCESS);
    await device.runUntil('FINISHED');
    expect(device.logs.map((r) => r.line.slice(11))).toEqual([
      '[hal] INFO: module fetched 0, checks=5e, result=0',
      '[hal] WARN: OTA module not applied',
      '[comm] INFO: Waiting for Confirmed messages to be sent.',
      '[comm.protocol] ERROR: Event loop error 3',
      '[comm] WARN: error receiving acknowledgements: 3',
      '[comm] INFO: All Confirmed messages sent: client(yes) server(yes)',
    ]);
  });
});
