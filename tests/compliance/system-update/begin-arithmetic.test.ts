/**
 * HAL_FLASH_Begin's arithmetic is 32-bit (`platform/MCU/nRF52840/src/flash_mal.c:45-105` at v1.4.4):
 * `FLASH_CheckValidAddressRange` tests `start + length − 1 <= 0x400000`, and `FLASH_EraseMemory` then
 * erases `CEIL_DIV(length, 4096)` = `(length + 4095) / 4096` sectors — both wrap. A `file_length` near
 * 0xFFFFFFFF passes the check and erases zero sectors; it does not wipe the chip (device-os-app-model.md §5).
 * 1.x and 2.x hand `file_length` to Begin as given (the same code at v2.0.1, `flash_mal.c:265-330,910-920`);
 * from 3.0 Prepare refuses a length past the OTA region with -1351 (`system/src/firmware_update.cpp` at v3.3.1).
 */
import type { DeviceOsVersion } from '../../../src/index';
import { deviceRunning, firmwareFile } from '../../helpers';

/** Prepare with chunk_address 0 and `fileLength`; the file system's first bytes are there to be lost. */
async function prepareWith(fileLength: number, deviceOs: DeviceOsVersion = '1.4.4') {
  let result = -99;
  const device = deviceRunning(
    async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
      result = await Spark_Prepare_For_Firmware_Update(firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: fileLength }), 0, null);
    },
    { deviceOs },
  );
  device.flash.external.load(0x0, Uint8Array.of(0x4c, 0x46, 0x53, 0x21));
  await device.runUntil('DONE');
  return { device, result };
}

describe('HAL_FLASH_Begin with a file_length near 0xFFFFFFFF', () => {
  it.each([
    [0xffffffff, '4294967295', '0xFFFFFFFF', '0x288FFE'],
    [0xfffff001, '4294963201', '0xFFFFF001', '0x288000'],
  ])('%i passes the wrapped range check and erases zero sectors, so the file system at 0x0 survives (1.4.4)', async (fileLength, decimal, hexLength, end) => {
    const { device, result } = await prepareWith(fileLength);
    expect(result).toBe(0);
    expect(device.flash.external.stats.sectorErases).toBe(0);
    expect(Array.from(device.flash.external.read(0x0, 4))).toEqual([0x4c, 0x46, 0x53, 0x21]);
    expect(device.trace.find((e) => e.type === 'ota:begin')).toMatchObject({ fileAddress: 0x289000, fileLength, erased: false });
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      `Failed to erase the OTA region: file_length ${decimal} (${hexLength}) passed HAL_FLASH_Begin's range check only because 0x289000 + ${hexLength} − 1 wraps to ${end} in 32 bits, and CEIL_DIV(${hexLength}, 4096) wraps to 0 sectors, so nothing was erased, yet Spark_Prepare_For_Firmware_Update returned 0. Set file_length to the image's size (at most 1,536,000 bytes, the OTA region's size).`,
    ]);
  });

  it('2.0.1 does the same (Begin is unchanged), 3.3.1 refuses it with -1351 (OTA_INVALID_SIZE)', async () => {
    const v2 = await prepareWith(0xffffffff, '2.0.1');
    const v3 = await prepareWith(0xffffffff, '3.3.1');
    expect([v2.result, v2.device.flash.external.stats.sectorErases, v2.device.diagnostics.map((d) => d.code)]).toEqual([0, 0, ['erase-skipped']]);
    expect([v3.result, v3.device.flash.external.stats.sectorErases, v3.device.diagnostics.map((d) => d.code)]).toEqual([-1351, 0, ['invalid-size']]);
  });

  it('a length whose end wraps but whose sector count does not erases every sector, the file system included', async () => {
    // 0x289000 + 0xFFD77001 − 1 wraps to 0x0; CEIL_DIV gives 1,048,952 sectors: the 4 MB chip many times over.
    const device = deviceRunning(async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
      await Spark_Prepare_For_Firmware_Update(firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 0xffd77001 }), 0, null);
    });
    device.flash.external.load(0x0, Uint8Array.of(0x4c, 0x46, 0x53, 0x21));
    await device.runFor(1000);
    expect(device.trace.find((e) => e.type === 'ota:begin')).toMatchObject({ fileLength: 0xffd77001, erased: true });
    expect(device.flash.external.stats.sectorErases).toBe(1024);
    expect(Array.from(device.flash.external.read(0x0, 4))).toEqual([0xff, 0xff, 0xff, 0xff]);
  });
});
