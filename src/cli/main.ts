#!/usr/bin/env node
/**
 * `npx virtual-boron`: the emulator from a shell. Arguments are parsed and checked by commander
 * (choices, repeatable options, --help on every command); each command lives in its own file and
 * uses the public API only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEVICE_OS_VERSIONS, EmulatorError, LINK_PROFILES } from '../index';
import { demoCommand } from './demo';
import { fleetCommand } from './fleet';
import { inspectCommand } from './inspect';
import { colour, writeJson } from './print';
import { runCommand, type RunFlags, type Served, type Typed } from './run';
import { sweepCommand } from './sweep';

const { version } = require('../../package.json') as { version: string };

/** A repeatable option's parser: each use adds one parsed value. */
const each =
  <T>(parse: (value: string) => T) =>
  (value: string, previous: T[] = []): T[] => [...previous, parse(value)];

function pair(value: string, what: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError(`Write it as ${what}.`);
  return [value.slice(0, at), value.slice(at + 1)];
}

const serve = (value: string): Served => {
  const [url, file] = pair(value, '<url>=<file>, e.g. http://fw.example/v2.bin=build/v2.bin');
  if (!/^http:\/\/[^/]+\//.test(url)) throw new InvalidArgumentError(`${url} is not an http:// URL with a path (the device speaks plain HTTP).`);
  if (!existsSync(file) || !statSync(file).isFile()) throw new InvalidArgumentError(`${file} is not a file.`);
  return { url, image: new Uint8Array(readFileSync(file)) };
};

const realServer = (value: string, previous: RunFlags['realServer'] = {}): RunFlags['realServer'] => {
  const [name, address] = pair(value, '<host>=<address>, e.g. fw.example=127.0.0.1:8080');
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(address);
  if (!m || Number(m[2]) > 65535) throw new InvalidArgumentError(`${address} is not <host>:<port> or <port>.`);
  return { ...previous, [name]: { host: m[1] ?? '127.0.0.1', port: Number(m[2]) } };
};

/** `text@ms`: the text (with \n, \r, \t, \xNN and \\ escapes) typed at that virtual millisecond; no @ms: at power-on. */
const typed = (value: string): Typed => {
  const m = /^([\s\S]*)@(\d+)$/.exec(value);
  const text = (m ? m[1] : value).replace(/\\(x[0-9a-fA-F]{2}|[nrt\\])/g, (_, e: string) => (e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t', '\\': '\\' } as Record<string, string>)[e]));
  return { text, atMs: m ? Number(m[2]) : 0 };
};

const milliseconds = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('Give a whole, positive number of virtual milliseconds.');
  return Number(value);
};

const json = () => new Option('--json', 'print one JSON document on stdout instead of text');
const deviceOs = () => new Option('--device-os <version>', 'the Device OS profile').choices(DEVICE_OS_VERSIONS);

const program = new Command('virtual-boron')
  .description('A virtual Particle Boron for testing application-level OTA routines.')
  .version(version)
  .showHelpAfterError('(add --help for the options)')
  .configureHelp({ sortOptions: false });

program
  .command('run')
  .description('Run a sketch on a virtual Boron: its serial output as it comes, then the diagnostics. Exits 0 when the expectations held, 1 on a fail text or a crash, 42 on a timeout.')
  .argument('<sketch>', 'a C++ project folder or .ino (compiled in-process), or a .ts/.js module exporting a sketch (and optionally `options` for the device)')
  .addOption(deviceOs())
  .addOption(new Option('--link <name>', 'how data reaches the device').choices(Object.keys(LINK_PROFILES)))
  .option('--seed <seed>', 'the run\'s seed: same seed and inputs, same run byte for byte')
  .option('--serve <url=file>', 'serve a file at a URL, with Range support (repeatable)', each(serve))
  .option('--real-server <host=address>', 'send connections to <host> to a real server at <address> (repeatable)', realServer)
  .option('--type <text[@ms]>', 'type text on the serial port at a virtual millisecond, default at power-on (repeatable)', each(typed))
  .option('--expect-text <text>', 'succeed once this text has appeared on serial (repeatable: all of them)', each(String))
  .option('--fail-text <text>', 'fail as soon as this text appears on serial (repeatable)', each(String))
  .option('--timeout <ms>', 'stop after this many virtual milliseconds', milliseconds, 120_000)
  .option('--trace <file.json>', 'write the event trace (every event, stamped with virtual time) to a file')
  .option('--report <file.html>', 'write the HTML report of the run (flash maps, timeline, validation, diagnostics, log)')
  .addOption(json())
  .action(async (sketch: string, options: Partial<RunFlags> & { timeout: number }) =>
    finish(
      await runCommand(sketch, {
        serve: [],
        realServer: {},
        type: [],
        expectText: [],
        failText: [],
        json: false,
        ...options,
      }),
    ),
  );

program
  .command('inspect')
  .description('Describe Particle module binaries as `particle binary inspect` does, then what a Boron on each Device OS does with each one sent over the air. Exits 1 when a file is not a module. --device-os goes after the files.')
  .argument('<file.bin...>', 'module binaries')
  .addOption(new Option('--device-os <versions...>', 'only these Device OS profiles (default: all)').choices(DEVICE_OS_VERSIONS))
  .addOption(json())
  .action(async (files: string[], options: { json?: boolean; deviceOs?: (typeof DEVICE_OS_VERSIONS)[number][] }) => finish(await inspectCommand(files, { json: options.json ?? false, deviceOs: options.deviceOs })));

const wholeNumber = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('Give a whole number of at least 1.');
  return Number(value);
};

program
  .command('sweep')
  .description('Cut the power at every flash operation of an update scenario (or, with --link, the connection at every read boundary) and tabulate what the device ends in. Exits 1 when a cut, or its retry, leaves a device bricked, in DFU mode, crashed or hung. Options that take several values go after the scenario.')
  .argument('<scenario>', 'a .ts/.js module exporting an update scenario ({ name, device, start, over? }) as default or `scenario`')
  .addOption(new Option('--modes <modes...>', 'how the power is cut at each operation').choices(['before', 'after', 'torn']).default(['before', 'after']))
  .addOption(new Option('--link <kinds...>', 'cut the connection instead: the server\'s FIN, its RST, or the modem dropping the socket').choices(['fin', 'rst', 'drop']).conflicts(['modes', 'seed', 'strategy', 'report']))
  .option('--seed <seed>', 'seeds torn writes')
  .addOption(new Option('--strategy <strategy>', 'start each cut from a snapshot, or replay it from power-on').choices(['snapshot', 'replay']).default('snapshot'))
  .option('--retry', 'start the update again on each device left running the old app', false)
  .option('--report <file.html>', 'write the HTML report of the update without cuts, with the sweep as an outcome grid')
  .addOption(json())
  .action(async (scenario: string, options: { modes: ('before' | 'after' | 'torn')[]; link?: ('fin' | 'rst' | 'drop')[]; seed?: string; strategy: 'snapshot' | 'replay'; retry: boolean; report?: string; json?: boolean }) =>
    finish(await sweepCommand(scenario, { ...options, json: options.json ?? false })),
  );

program
  .command('fleet')
  .description('Run a fleet module on many virtual Borons on worker threads and summarise outcomes, virtual durations, the server\'s load and bytes on the air. Exits 0 whatever the outcomes: they are the figures.')
  .argument('<module>', 'a .ts/.js module exporting device(index, context) and drive(device, context)')
  .requiredOption('--devices <n>', 'how many devices', wholeNumber)
  .option('--concurrency <n>', 'devices in flight at once (default 64)', wholeNumber)
  .option('--workers <n>', 'worker threads (default: the host\'s parallelism)', wholeNumber)
  .option('--target <url>', 'a real server for the devices, http://host:port')
  .addOption(json())
  .action(async (module: string, options: { devices: number; concurrency?: number; workers?: number; target?: string; json?: boolean }) => finish(await fleetCommand(module, { ...options, json: options.json ?? false })));

program
  .command('demo')
  .description('The forum thread\'s OTA routine, as posted and as fixed, in TypeScript and in C++, each ending with a verdict.')
  .addOption(json())
  .action(async (options: { json?: boolean }) => finish(await demoCommand({ json: options.json ?? false })));

/** Exit once stdout has drained, so a pipe reading --json gets all of it. */
function finish(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}

// Commander's own errors (it has printed them on stderr) come here too, so that --json still prints a document.
program.exitOverride();
for (const command of program.commands) command.exitOverride();

program.parseAsync(process.argv).catch((error: unknown) => {
  const asJson = process.argv.includes('--json');
  if (error instanceof CommanderError) {
    // --help and --version end here as well, with exit code 0.
    if (asJson && error.exitCode !== 0) writeJson({ error: { code: 'USAGE', message: error.message.replace(/^error: /, '') } });
    return finish(error.exitCode);
  }
  if (error instanceof EmulatorError) {
    if (asJson) writeJson({ error: { code: error.code, message: error.message } });
    else process.stderr.write(`${colour.red(`error: ${error.message}`)}\n`);
  } else {
    if (asJson) writeJson({ error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } });
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  finish(1);
});
