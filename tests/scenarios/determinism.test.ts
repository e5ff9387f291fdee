/** Same seed and inputs → byte-identical serial output, logs and trace. */
import { runForumScenario } from '../../examples/forum-ota/scenario';
import { deviceRunning } from '../helpers';

describe('determinism', () => {
  it('runs the forum scenario twice with identical output and trace', async () => {
    const a = await runForumScenario({ fixed: true, seed: 7, trace: 'all' });
    const b = await runForumScenario({ fixed: true, seed: 7, trace: 'all' });
    expect(b.serial.output).toBe(a.serial.output);
    expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
    expect(JSON.stringify(b.diagnostics)).toBe(JSON.stringify(a.diagnostics));
  });

  it('draws uninitialised stack garbage from the seed: the same seed gives the same garbage, another seed other garbage', async () => {
    const garbage = async (seed: number): Promise<number> => {
      let value = 0;
      const device = deviceRunning(
        async ({ FileTransfer }) => {
          value = new FileTransfer.Descriptor().file_length;
        },
        { seed },
      );
      await device.runUntil('DONE');
      return value;
    };
    const [a, b, c] = [await garbage(1), await garbage(1), await garbage(2)];
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});
