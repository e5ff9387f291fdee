/**
 * The radio stack (a Nordic SoftDevice) as Device OS installs and reads it, from 1.4.0:
 * - its module carries DROP_MODULE_INFO, and the bootloader copies it without the 24-byte header
 *   (`platform/MCU/nRF52840/src/flash_mal.c:194-215` at v1.4.4), so flash at 0x1000 starts with the
 *   SoftDevice's own vector table (device-os-app-model.md §4);
 * - its version is the SoftDevice's FWID, `SD_FWID_GET(MBR_SIZE)`, the uint16 at 0x1000 + 0x200C
 *   (`hal/src/nRF52840/platform_radio_stack.cpp:36` at v1.4.4, `:27` at v4.1.0), where Particle's
 *   `build/create_module.py:235,284-285` also takes a radio-stack module's version from.
 */
import { buildModule, ModuleFlag, ModuleFunction, parseModule, UpdateFlag, VirtualBoron, type DeviceOsVersion } from '../../../src/index';
import { otaDevice, runUntilRebooted } from '../../helpers';

const u16 = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(0, true);
const u32 = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);

describe.each(['1.4.4', '6.2.0'] as DeviceOsVersion[])('%s', (deviceOs) => {
  it('copies a radio-stack module to 0x1000 without its header: the SoftDevice vector table first, the FWID at 0x300C', async () => {
    const image = buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs, version: 210, size: 16 * 1024, flags: ModuleFlag.DROP_MODULE_INFO });
    const { device } = otaDevice(image, UpdateFlag.SUCCESS, { deviceOs, after: ({ delay }) => delay(1) });
    await device.runUntil('FINISHED');
    await runUntilRebooted(device);

    const installed = device.flash.internal.read(0x1000, image.length - 24);
    expect(Buffer.from(installed).equals(Buffer.from(image.subarray(24)))).toBe(true);
    // Initial stack pointer in RAM, not the prefix's module_start_address (0x1000).
    expect(u32(installed)).toBe(0x20000400);
    expect(u16(device.flash.internal.read(0x300c, 2))).toBe(210);
    expect(device.modules().find((m) => m.region === 'radio-stack')).toEqual({
      region: 'radio-stack',
      function: 'RADIO_STACK',
      index: 0,
      version: 210,
      startAddress: 0x1000,
      endAddress: 0x1000 + image.length - 24 - 44,
      platformId: 13,
      crcOk: true,
    });
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      `The bootloader applied the update in DCT slot 1: it checked the module (platform, start address, function, CRC-32), then copied 16,360 bytes from external ${deviceOs === '6.2.0' ? '0x24C018' : '0x289018'} to internal 0x1000 (the module without its 24-byte header, as its DROP_MODULE_INFO flag asks, so the SoftDevice's own vector table starts at 0x1000).`,
    ]);
  });
});

describe('reading the installed SoftDevice', () => {
  it("reports the FWID, not the version in the module's header, when the two differ", () => {
    const image = buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs: '1.4.4', version: 202, size: 16 * 1024, flags: ModuleFlag.DROP_MODULE_INFO });
    const relabelled = image.slice();
    // The header claims 999; the SoftDevice inside is still 202.
    new DataView(relabelled.buffer).setUint16(10, 999, true);
    const device = new VirtualBoron({ deviceOs: '1.4.4', modules: [relabelled] });
    expect(parseModule(relabelled).version).toBe(999);
    expect(device.modules().find((m) => m.region === 'radio-stack')!.version).toBe(202);
  });

  it('a factory Boron carries S140 7.0.1 (FWID 202) from 1.4.0, and S140 6.1.1 (0xB6) on 1.2.1', () => {
    const fwid = (deviceOs: DeviceOsVersion) => u16(new VirtualBoron({ deviceOs }).flash.internal.read(0x300c, 2));
    expect([fwid('1.2.1'), fwid('1.4.4'), fwid('6.2.0')]).toEqual([0xb6, 202, 202]);
  });
});
