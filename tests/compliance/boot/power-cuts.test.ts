/**
 * A power cut (the flash chip's operation hook throwing) in the middle of a copy that rewrites internal
 * flash (device-os-app-model.md §4):
 * - the bootloader's copy of a user part: 1.x frees the DCT slot *before* copying, so the copy is not
 *   retried and the device ends in safe mode (`platform/MCU/nRF52840/src/flash_mal.c:447-490` at v1.4.4);
 *   from 2.0.0 (dd57f0345) the slot is freed after its copy, so the next boot copies it again
 *   (`flash_mal.c:655-720` at v2.0.1);
 * - 1.x's in-place bootloader update at Finish (`flash_bootloader`, `hal/src/nRF52840/ota_flash_hal.cpp:
 *   346-382` at v1.4.4): the chip starts through the bootloader, so a half-written one starts nothing.
 */
import { buildModule, ModuleFunction, UpdateFlag, type DeviceOsVersion, type VirtualBoron } from '../../../src/index';
import { appImage, otaDevice } from '../../helpers';

/** Cut the power at the first program of internal flash at or past `address`. */
const cutAt = (device: VirtualBoron, address: number) => {
  device.flash.internal.operationHook = (op) => {
    if (op.kind === 'program' && op.address >= address) throw new Error('power cut');
  };
};

/** Queue `image` (8 KB) for the bootloader, cut the power halfway through its copy at the next boot, then power up again. */
async function cutUserPartCopy(deviceOs: DeviceOsVersion): Promise<VirtualBoron> {
  const { device } = otaDevice(appImage(`NEW APP ${deviceOs}`, 8192, deviceOs), UpdateFlag.SUCCESS, { deviceOs, after: ({ delay }) => delay(1) });
  await device.runUntil('FINISHED');
  const destination = deviceOs >= '3.1' ? 0xb4000 : 0xd4000;
  cutAt(device, destination + 4096);
  await expect(device.runFor(5000)).rejects.toThrow('power cut');
  device.flash.internal.operationHook = undefined;
  device.powerOff();
  device.powerOn();
  await device.runFor(5000);
  return device;
}

describe('a power cut during the bootloader’s copy of a user part', () => {
  it.each(['1.2.1', '1.4.4', '1.5.2'] as DeviceOsVersion[])('%s: is not retried (the slot was freed first), so the device runs in safe mode', async (deviceOs) => {
    const device = await cutUserPartCopy(deviceOs);
    expect(device.state).toBe('safe-mode');
    expect(device.trace.filter((e) => e.type === 'bootloader:apply')).toEqual([
      expect.objectContaining({ slot: 1, destination: 0xd4000, length: 8192, applied: false, cut: { copied: 4096, total: 8192 } }),
    ]);
    const messages = device.diagnostics.map((d) => d.message);
    expect(messages[0]).toBe(
      'Failed to apply the update in DCT slot 1 to 0xD4000: the power was cut after 4,096 of 8,192 bytes had been copied (the 8,192 bytes at 0xD4000 had been erased first). The slot had been freed before the copy began (flash_mal.c:447-490 at v1.4.4), so the next boot will not retry it and the USER_PART at 0xD4000 stays half-written.',
    );
    expect(messages[1]).toMatch(
      /^Failed to start the app: the user part at 0xD4000 is not valid \(Failed to validate the module at 0xD4000: it is a USER_PART \(index 1, version 6, 8,192 bytes, platform 13\), and its CRC-32 does not match \(stored 0xFFFFFFFF, computed 0x[0-9A-F]+\)\.\), so the device runs in safe mode\. The bootloader's copy of DCT slot 1 to 0xD4000 was cut by a power loss after 4,096 of 8,192 bytes; 1\.x frees the slot before copying \(flash_mal\.c:447-490 at v1\.4\.4\), so it was not retried\.$/,
    );
    expect(messages).toHaveLength(2);
  });

  it.each(['2.0.1', '3.3.1', '6.2.0'] as DeviceOsVersion[])('%s: stays pending, so the next boot copies it again and the new app runs', async (deviceOs) => {
    const device = await cutUserPartCopy(deviceOs);
    expect(device.state).toBe('running');
    expect(device.serial.output).toContain(`NEW APP ${deviceOs}`);
    expect(device.trace.filter((e) => e.type === 'bootloader:apply').map((e) => [e.slot, e.applied, e.cut])).toEqual([
      [1, false, { copied: 4096, total: 8192 }],
      [1, true, undefined],
    ]);
    const destination = deviceOs === '2.0.1' ? '0xD4000' : '0xB4000';
    expect(device.diagnostics[0].message).toBe(
      `Failed to apply the update in DCT slot 1 to ${destination}: the power was cut after 4,096 of 8,192 bytes had been copied (the 8,192 bytes at ${destination} had been erased first). The slot is still pending (this bootloader frees a slot only after its copy), so the next boot copies it again.`,
    );
  });
});

describe('a power cut during 1.x’s in-place bootloader update', () => {
  it.each(['1.2.1', '1.4.4', '1.5.2'] as DeviceOsVersion[])('%s: Finish fails the run, and the device never starts again', async (deviceOs) => {
    const bootloader = buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs, version: 600, size: 8192 });
    const { device } = otaDevice(bootloader, UpdateFlag.SUCCESS, { deviceOs, after: ({ delay }) => delay(1) });
    cutAt(device, 0xf4000 + 4096);
    await expect(device.runUntil('FINISHED')).rejects.toThrow('power cut');
    expect(device.trace.filter((e) => e.type === 'ota:bootloader')).toEqual([expect.objectContaining({ destination: 0xf4000, length: 8192, applied: false, cut: { copied: 4096, total: 8192 } })]);
    device.flash.internal.operationHook = undefined;
    device.powerOff();
    device.powerOn();
    await device.runFor(10_000);
    device.pressReset();
    await device.runFor(10_000);

    expect(device.state).toBe('bricked');
    expect(device.trace.filter((e) => e.type === 'device:boot')).toHaveLength(1);
    expect(device.serial.output).not.toContain('FINISHED');
    const bricked = device.diagnostics.filter((d) => d.code === 'bricked').map((d) => d.message);
    expect(bricked).toHaveLength(2);
    expect(bricked[0]).toMatch(
      /^Failed to start: the bootloader at 0xF4000 is not intact \(its CRC-32 does not match \(stored 0xFFFFFFFF, computed 0x[0-9A-F]+\)\), and the chip starts through it, so nothing runs: no LED, no USB, no DFU mode\. The in-place bootloader update at Spark_Finish_Firmware_Update was cut by a power loss after 4,096 of 8,192 bytes\. Recovery needs a debugger \(SWD\) to flash a bootloader\.$/,
    );
    expect(device.diagnostics[0].message).toBe(
      'Failed to flash the bootloader in place at Finish: the power was cut after 4,096 of 8,192 bytes had been copied (the 8,192 bytes at 0xF4000 had been erased first). 1.x writes the new bootloader over the old one while the system runs, and the chip starts through the bootloader, so this device will not start again; recovery needs a debugger (SWD) to flash a bootloader.',
    );
  });

  it('1.4.4: a cut while the old bootloader’s first page is being erased also leaves nothing to start', async () => {
    const bootloader = buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs: '1.4.4', version: 600, size: 8192 });
    const { device } = otaDevice(bootloader, UpdateFlag.SUCCESS, { after: ({ delay }) => delay(1) });
    device.flash.internal.operationHook = (op) => {
      if (op.kind === 'erase' && op.address === 0xf5000) throw new Error('power cut');
    };
    await expect(device.runUntil('FINISHED')).rejects.toThrow('power cut');
    device.flash.internal.operationHook = undefined;
    device.pressReset();
    await device.runFor(1000);
    expect(device.state).toBe('bricked');
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      'Failed to flash the bootloader in place at Finish: the power was cut while the 8,192 bytes at 0xF4000 were being erased (4,096 erased), before anything was copied. 1.x writes the new bootloader over the old one while the system runs, and the chip starts through the bootloader, so this device will not start again; recovery needs a debugger (SWD) to flash a bootloader.',
      'Failed to start: the bootloader at 0xF4000 is not intact (it is erased (0xFF)), and the chip starts through it, so nothing runs: no LED, no USB, no DFU mode. The in-place bootloader update at Spark_Finish_Firmware_Update was cut by a power loss before any of its 8,192 bytes was written. Recovery needs a debugger (SWD) to flash a bootloader.',
    ]);
  });
});
