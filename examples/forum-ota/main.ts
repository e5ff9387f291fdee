/** `npm start`: the thread's routine on a virtual Boron, as posted and as fixed, as a TypeScript port and as C++. */
import type { Sketch, VirtualBoron } from '../../src/index';
import { compileOtaTest } from '../forum-ota-cpp/sketches';
import { runForumScenario } from './scenario';

async function show(title: string, fixed: boolean, app?: Sketch): Promise<VirtualBoron> {
  const device = await runForumScenario({ fixed, app });
  process.stdout.write(`\n=== ${title} ===\n\n`);
  process.stdout.write(device.serial.output);
  process.stdout.write(`\n--- why (device.diagnostics) ---\n`);
  for (const d of device.diagnostics) process.stdout.write(`- ${d.message}\n`);
  const userPart = device.modules().find((m) => m.region === 'user-part');
  process.stdout.write(`\nNow running: ${device.appName} (user part v${userPart?.version}, ${device.millis} ms of virtual time)\n`);
  return device;
}

async function main(): Promise<void> {
  const ts = [
    await show('The routine as first posted (no file.chunk_address = 0)', false),
    await show('The fixed routine (file.chunk_address = 0 before Prepare)', true),
  ];
  process.stdout.write('\nCompiling the same routine from C++ (examples/forum-ota-cpp; the first time takes about 20 s, then it is cached) …\n');
  const cpp = [
    await show('The C++ routine as posted, compiled and run unmodified', false, await compileOtaTest({ initialiseChunkAddress: false })),
    await show('The C++ routine with the fix', true, await compileOtaTest({ initialiseChunkAddress: true })),
  ];
  process.stdout.write('\n=== Verdict ===\n');
  for (const [i, device] of [...ts, ...cpp].entries()) {
    const language = i < 2 ? 'TypeScript' : 'C++';
    const fixed = i % 2 === 1;
    const updated = device.appName === 'simple';
    const same = i >= 2 && device.serial.output === ts[i - 2].serial.output;
    process.stdout.write(
      `- ${language}, ${fixed ? 'fixed' : 'as posted'}: ${updated ? 'the new app (simple.bin) boots' : 'the update failed; the old app runs again'}${i >= 2 ? `; serial output ${same ? 'byte-identical to' : 'DIFFERENT from'} the TypeScript run` : ''}.\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
