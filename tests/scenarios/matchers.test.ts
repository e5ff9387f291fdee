/**
 * `virtual-boron/jest`: the four matchers, in jest (importing the module extends `expect`), their
 * messages when they pass (for `.not`) and when they fail — each with the last serial lines and the
 * diagnostics — and what they say about something that is not a device.
 */
import { stripVTControlCharacters } from 'node:util';
import { matchers } from '../../src/jest';
import { UpdateFlag, VirtualBoron } from '../../src/index';
import { appImage, otaDevice } from '../helpers';

/** A 1.4.4 device whose app installs 'app … v2 is up' over the air and reboots into it. */
async function updated(): Promise<VirtualBoron> {
  const { device } = otaDevice(appImage('v2 is up'), UpdateFlag.SUCCESS);
  await device.runUntil('v2 is up', { timeoutMs: 60_000 });
  return device;
}

const CONTEXT = `

Last serial lines:
  0000000279 [hal] INFO: module fetched 1, checks=5e, result=5e
  0000000279 [comm] INFO: Waiting for Confirmed messages to be sent.
  0000000280 [comm.protocol] ERROR: Event loop error 3
  0000000281 [comm] WARN: error receiving acknowledgements: 3
  0000000281 [comm] INFO: All Confirmed messages sent: client(yes) server(yes)
  FINISHED 0
  DONE
  v2 is up

Diagnostics:
  bootloader-applied at 309 ms: The bootloader applied the update in DCT slot 1: it checked the module (platform, start address, function, CRC-32), then copied 4,096 bytes from external 0x289000 to internal 0xD4000.`;

let device: VirtualBoron;
/** The apps' names (the helpers number them). */
let v1 = '';
let v2 = '';
beforeAll(async () => {
  device = await updated();
  v1 = device.trace.find((e) => e.type === 'device:boot')!.app;
  v2 = device.appName;
});

describe('in jest, after importing virtual-boron/jest', () => {
  it('they pass, and .not fails where they would pass', () => {
    expect(device).toHaveBooted(v2);
    expect(device).not.toHaveBooted('v3');
    expect(device).toHaveLogged('v2 is up');
    expect(device).toHaveLogged('module fetched 1, checks=5e, result=5e');
    expect(device).toHaveLogged(/checks=5e, result=5e$/);
    expect(device).not.toHaveLogged('v2');
    expect(device).toHaveDiagnostic('bootloader-applied');
    expect(device).not.toHaveDiagnostic('safe-mode');
    expect(device).toHaveInstalled({ region: 'user-part', version: 6, sketch: v2, crcOk: true });
    expect(device).not.toHaveInstalled({ region: 'user-part', version: 7 });
  });

  it('a failure throws with the serial lines and the diagnostics', () => {
    let message = '';
    try {
      expect(device).toHaveBooted('v3');
    } catch (error) {
      message = stripVTControlCharacters((error as Error).message);
    }
    expect(message).toBe(`expect(device).toHaveBooted(expected)

Expected the device to have booted "v3"; it booted "${v1}" at 230 ms, "${v2}" at 636 ms.${CONTEXT}`);
  });

  it('so does a .not that fails', () => {
    expect(() => expect(device).not.toHaveDiagnostic('bootloader-applied')).toThrow('Expected no diagnostic "bootloader-applied", and there is one: The bootloader applied the update in DCT slot 1');
  });
});

describe('their messages, word for word', () => {
  const message = (name: keyof typeof matchers, expected: unknown, isNot = false) => {
    const result = (matchers[name] as (this: { isNot: boolean }, received: unknown, expected: unknown) => { pass: boolean; message(): string }).call({ isNot }, device, expected);
    return { pass: result.pass, message: result.message() };
  };

  it('toHaveBooted', () => {
    expect(message('toHaveBooted', v2, true)).toEqual({ pass: true, message: `expect(device).not.toHaveBooted(expected)\n\nExpected the device not to have booted "${v2}", and it did at 636 ms.${CONTEXT}` });
    expect(message('toHaveBooted', 'v3')).toEqual({ pass: false, message: `expect(device).toHaveBooted(expected)\n\nExpected the device to have booted "v3"; it booted "${v1}" at 230 ms, "${v2}" at 636 ms.${CONTEXT}` });
  });

  it('toHaveLogged', () => {
    expect(message('toHaveLogged', /module fetched 1/, true)).toEqual({
      pass: true,
      message: `expect(device).not.toHaveLogged(expected)\n\nExpected the device not to have logged /module fetched 1/, and it did: "0000000279 [hal] INFO: module fetched 1, checks=5e, result=5e".${CONTEXT}`,
    });
    expect(message('toHaveLogged', 'v3 is up')).toEqual({
      pass: false,
      message: `expect(device).toHaveLogged(expected)\n\nExpected the device to have logged "v3 is up": a whole serial line or Log message equal to it; none of its 8 serial lines and 5 log messages does.${CONTEXT}`,
    });
    expect(message('toHaveLogged', /v3/).message).toContain('Expected the device to have logged /v3/: a serial line or Log message it matches; none of its 8 serial lines and 5 log messages does.');
  });

  it('toHaveDiagnostic', () => {
    expect(message('toHaveDiagnostic', 'bootloader-applied', true)).toEqual({
      pass: true,
      message: `expect(device).not.toHaveDiagnostic(expected)\n\nExpected no diagnostic "bootloader-applied", and there is one: The bootloader applied the update in DCT slot 1: it checked the module (platform, start address, function, CRC-32), then copied 4,096 bytes from external 0x289000 to internal 0xD4000.${CONTEXT}`,
    });
    expect(message('toHaveDiagnostic', 'safe-mode')).toEqual({ pass: false, message: `expect(device).toHaveDiagnostic(expected)\n\nExpected a diagnostic "safe-mode"; the codes are "bootloader-applied".${CONTEXT}` });
  });

  it('toHaveInstalled', () => {
    expect(message('toHaveInstalled', { region: 'user-part', version: 6 }, true)).toEqual({
      pass: true,
      message: `expect(device).not.toHaveInstalled(expected)\n\nExpected no installed module like {"region":"user-part","version":6}, and there is: user-part: USER_PART index 1 version 6, 0xD4000 to 0xD4FFC, CRC ok, sketch "${v2}".${CONTEXT}`,
    });
    expect(message('toHaveInstalled', { region: 'user-part', version: 7 })).toEqual({
      pass: false,
      message:
        'expect(device).toHaveInstalled(expected)\n\nExpected an installed module like {"region":"user-part","version":7}; the device has:\n' +
        '  bootloader: BOOTLOADER index 0 version 501, 0xF4000 to 0xF47FC, CRC ok\n' +
        '  system-part1: SYSTEM_PART index 1 version 1406, 0x30000 to 0x33FFC, CRC ok\n' +
        `  user-part: USER_PART index 1 version 6, 0xD4000 to 0xD4FFC, CRC ok, sketch "${v2}"\n` +
        `  radio-stack: RADIO_STACK index 0 version 202, 0x1000 to 0x3010, CRC ok${CONTEXT}`,
    });
  });

  it('something that is not a device: thrown, so that .not cannot pass it either', () => {
    expect(() => matchers.toHaveBooted.call({ isNot: false }, { serial: 'no' }, 'v2')).toThrow('expect(device).toHaveBooted(expected)\n\nExpected a VirtualBoron, received an object (Object).');
    expect(() => matchers.toHaveDiagnostic.call({ isNot: true }, undefined, 'safe-mode')).toThrow('expect(device).not.toHaveDiagnostic(expected)\n\nExpected a VirtualBoron, received undefined.');
  });

  it('toHaveBooted on a device whose trace leaves the boots out: thrown, naming the option', async () => {
    const device = new VirtualBoron({ trace: 'off' }).powerOn();
    await device.runFor(1000);
    expect(() => matchers.toHaveBooted.call({ isNot: true }, device, 'v2')).toThrow("toHaveBooted reads the boots from device.trace, and this device's trace level may leave them out. Create it with trace: 'ota' (the default) or 'all'.");
  });

  it('a device that never booted says so', () => {
    const result = matchers.toHaveBooted.call({ isNot: false }, new VirtualBoron(), 'v2');
    expect(result.message()).toBe(
      'expect(device).toHaveBooted(expected)\n\nExpected the device to have booted "v2"; it booted nothing (was it powered on and run?).\n\nLast serial lines:\n  (nothing printed)\n\nDiagnostics:\n  (none)',
    );
  });
});
