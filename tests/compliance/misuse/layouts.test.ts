/**
 * Misuse: an image built for another profile's flash layout. A 256K user part (0xB4000, Device OS
 * 3.1+) given to a 1.x device used to be written over its system part and boot into safe mode with
 * "erased flash" as the reason; sent over the air, Device OS refuses it and the diagnostic says why.
 */
import { buildModule, defineSketch, UpdateFlag, VirtualBoron } from '../../../src/index';
import { thrown } from '../../thrown';
import { otaDevice } from '../../helpers';

const sketch = defineSketch(({ Serial }) => ({ setup: () => void Serial.println('built for 6.2.0') }), { name: 'layout misuse', systemMode: 'MANUAL' });
const for620 = buildModule({ sketch, deviceOs: '6.2.0' });

describe('a 256K user part (3.1+) on a 1.x or 2.x device', () => {
  it.each(['1.4.4', '2.0.1'] as const)('given as the app of a %s device: refused at construction, explained', (deviceOs) => {
    const error = thrown(() => new VirtualBoron({ deviceOs, app: for620 }));
    expect(error.code).toBe('MODULE_LAYOUT');
    expect(error.message).toBe(
      `Failed to install the user part at 0xB4000: Device OS ${deviceOs} has no user part there (its user part is 0xD4000 to 0xF4000, and 0xB4000 is inside its system-part1 region, 0x30000 to 0xD4000): the image was built for the layout of Device OS 3.3.1, 4.1.0 and 6.2.0. Build it with buildModule({ sketch, deviceOs: '${deviceOs}' }), or give the device deviceOs '3.3.1'.`,
    );
  });

  it('given among its modules: the same', () => {
    expect(thrown(() => new VirtualBoron({ deviceOs: '1.4.4', modules: [for620] })).code).toBe('MODULE_LAYOUT');
  });

  it('sent over the air: Device OS refuses it (fetched 0), and the diagnostic names the layout', async () => {
    const { device, seen } = otaDevice(for620, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET);
    await device.runUntil('FINISHED');
    expect(seen.result).toBe(1);
    expect(device.diagnostics.find((d) => d.code === 'validation')?.message).toBe(
      "Failed to validate the module at 0x289000: its header names function USER_PART index 2 (MCU 0), which has no module bounds on this device: it was built for the layout of Device OS 3.3.1, 4.1.0 and 6.2.0, whose user-part region is 0xB4000 to 0xF4000, so validation found no module (fetched 0, result=0). Build it for the Device OS this device runs (buildModule's deviceOs).",
    );
  });

  it('the same image runs on a 3.1+ device, and a 1.x build runs as the compat app there', async () => {
    const device = new VirtualBoron({ deviceOs: '6.2.0', app: for620 }).powerOn();
    await device.runUntil('built for 6.2.0');
    const compat = new VirtualBoron({ deviceOs: '6.2.0', app: buildModule({ sketch, deviceOs: '1.4.4' }) }).powerOn();
    await compat.runUntil('built for 6.2.0');
    expect(compat.modules().find((m) => m.region === 'user-part-compat')).toMatchObject({ sketch: 'layout misuse', crcOk: true });
  });
});
