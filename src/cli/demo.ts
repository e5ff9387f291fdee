/** `virtual-boron demo` (and `npm start`): the forum thread's OTA routine, as the example in examples/forum-ota runs it. */
import { join } from 'node:path';
import { EmulatorError, type Sketch, type VirtualBoron } from '../index';
import { loadModule } from './load';
import { colour, describeDevice, deviceSummary, note, printDiagnostics, write, writeJson } from './print';

/** What examples/forum-ota/demo.ts exports. */
interface DemoModule {
  DEMO_RUNS: readonly { title: string; language: string; fixed: boolean; compile?: () => Promise<Sketch> }[];
  runDemo(run: DemoModule['DEMO_RUNS'][number], app?: Sketch): Promise<VirtualBoron>;
  updated(device: VirtualBoron): boolean;
}

// The examples ship with the package, beside src/ and dist/, so this path holds in both.
const DEMO = join(__dirname, '../../examples/forum-ota/demo.ts');

export async function demoCommand(flags: { json: boolean }): Promise<number> {
  const demo = loadModule(DEMO) as unknown as DemoModule;
  const done: { run: DemoModule['DEMO_RUNS'][number]; device?: VirtualBoron; skipped?: string }[] = [];
  for (const run of demo.DEMO_RUNS) {
    let app: Sketch | undefined;
    if (run.compile) {
      if (!flags.json) note(colour.dim(`Compiling the ${run.language} routine (the first time takes about 20 s, then it is cached) …`));
      try {
        app = await run.compile();
      } catch (error) {
        // Without the optional toolchain the C++ half is skipped, and says how to get it.
        if (!(error instanceof EmulatorError && error.code === 'TOOLCHAIN_MISSING')) throw error;
        done.push({ run, skipped: error.message });
        if (!flags.json) write(`\n=== ${run.title} ===\n\n${colour.yellow(`Skipped: ${error.message}`)}\n`);
        continue;
      }
    }
    const device = await demo.runDemo(run, app);
    done.push({ run, device });
    if (flags.json) continue;
    write(`\n${colour.bold(`=== ${run.title} ===`)}\n\n${device.serial.output}`);
    printDiagnostics(device.diagnostics);
    write(`\nNow running: ${describeDevice(device)}\n`);
  }

  const twin = (run: DemoModule['DEMO_RUNS'][number]) => done.find((d) => d.device && d.run.language === 'TypeScript' && d.run.fixed === run.fixed)?.device;
  const verdicts = done.map(({ run, device, skipped }) => {
    const updated = device ? demo.updated(device) : undefined;
    const other = run.language !== 'TypeScript' && device ? twin(run) : undefined;
    const sameAsTypeScript = other && device ? other.serial.output === device.serial.output : undefined;
    return { title: run.title, language: run.language, fixed: run.fixed, skipped, updated, sameAsTypeScript, ...(device && { serial: device.serial.output, ...deviceSummary(device) }) };
  });
  if (flags.json) {
    writeJson(verdicts);
    return 0;
  }
  write(`\n${colour.bold('=== Verdict ===')}\n`);
  for (const v of verdicts) {
    const what = `${v.language}, ${v.fixed ? 'fixed' : 'as posted'}`;
    if (v.skipped) {
      write(`- ${what}: ${colour.yellow('skipped (the C++ toolchain is not installed)')}.\n`);
      continue;
    }
    const result = v.updated ? colour.green('the new app (simple.bin) boots') : colour.red('the update failed; the old app runs again');
    const same = v.sameAsTypeScript === undefined ? '' : `; serial output ${v.sameAsTypeScript ? 'byte-identical to' : colour.red('DIFFERENT from')} the TypeScript run`;
    write(`- ${what}: ${result}${same}.\n`);
  }
  return 0;
}
