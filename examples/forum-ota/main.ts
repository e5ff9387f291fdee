/** `npm start`: the thread's routine on a virtual Boron, as posted and as fixed. */
import { runForumScenario } from './scenario';

async function show(title: string, fixed: boolean): Promise<void> {
  const device = await runForumScenario({ fixed });
  process.stdout.write(`\n=== ${title} ===\n\n`);
  process.stdout.write(device.serial.output);
  process.stdout.write(`\n--- why (device.diagnostics) ---\n`);
  for (const d of device.diagnostics) process.stdout.write(`- ${d.message}\n`);
  const app = device.modules().find((m) => m.region === 'user-part');
  process.stdout.write(`\nNow running: ${device.appName} (user part v${app?.version}, ${device.millis} ms of virtual time)\n`);
}

async function main(): Promise<void> {
  await show('The routine as first posted (no file.chunk_address = 0)', false);
  await show('The fixed routine (file.chunk_address = 0 before Prepare)', true);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
