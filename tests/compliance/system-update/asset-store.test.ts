/**
 * 5.5+ on a Boron (profile 6.2.0): the OTA region at 0x24C000 (1,536,000 bytes) overlaps the asset store
 * at 0x2E0000–0x400000 beyond its first 606,208 bytes (`platform/MCU/nRF52840/inc/flash_mal.h:89-112` at
 * v6.2.0, `HAL_PLATFORM_ASSETS_OTA_OVERLAP`). A cloud update calls `AssetManager::prepareForOta`, which
 * unmounts the asset store before the erase (`system/src/asset_manager.cpp:375-395`,
 * `system_cloud_internal.cpp:174-181`); an application's Prepare goes straight to
 * `FirmwareUpdate::startUpdate` (`system_update.cpp:314-332`), so its erase destroys the stored assets.
 */
import type { DeviceOsVersion } from '../../../src/index';
import { deviceRunning, firmwareFile } from '../../helpers';

async function prepareWith(deviceOs: DeviceOsVersion, fileLength: number) {
  const device = deviceRunning(
    async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
      await Spark_Prepare_For_Firmware_Update(firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: fileLength }), 0, null);
    },
    { deviceOs },
  );
  // An asset stored at the asset store's start.
  device.flash.external.load(0x2e0000, Uint8Array.of(0x61, 0x73, 0x73, 0x65, 0x74));
  await device.runUntil('DONE');
  return { device, asset: Array.from(device.flash.external.read(0x2e0000, 5)) };
}

describe('an application-level Prepare and the asset store (6.2.0)', () => {
  it('erasing more than 606,208 bytes of the region erases stored assets, and says so', async () => {
    const { device, asset } = await prepareWith('6.2.0', 1_536_000);
    expect(asset).toEqual([0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      'Failed to keep the asset store: Spark_Prepare_For_Firmware_Update erased 1,536,000 bytes from 0x24C000 for file_length 1,536,000, and 929,792 bytes of that are the asset store at 0x2E0000 to 0x400000, which on a Boron from 5.5 shares the OTA region beyond its first 606,208 bytes. A cloud update unmounts the asset store before erasing (AssetManager::prepareForOta); an application\'s Prepare does not, so the assets stored there are gone and must be delivered again. An image of at most 606,208 bytes, with file_length set to its size, leaves them alone.',
    ]);
  });

  it('erasing at most 606,208 bytes leaves the assets alone', async () => {
    const { device, asset } = await prepareWith('6.2.0', 606_208);
    expect(asset).toEqual([0x61, 0x73, 0x73, 0x65, 0x74]);
    expect(device.diagnostics).toEqual([]);
  });

  it('4.1.0 has no asset store in its OTA region (0x289000): the same Prepare says nothing', async () => {
    const { device } = await prepareWith('4.1.0', 1_536_000);
    expect(device.diagnostics).toEqual([]);
  });
});
