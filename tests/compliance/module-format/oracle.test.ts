/**
 * parseModule reads modules as Particle's own parser does: binary-version-reader@3.1.3 (a dev
 * dependency, used only here as the oracle) and ours must agree field for field — on modules its
 * test helper makes across platforms and functions, and on real Particle binaries (the Tinker apps
 * the particle-cli npm package ships, fetched at test time).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firmwareTestHelper, HalModuleParser, type BvrExtension, type BvrResult } from 'binary-version-reader';
import { http, HttpResponse } from 'msw';
import { parseModule, VirtualBoron, type ModuleExtension, type ParsedModule } from '../../../src/index';
import { otaTestSketch } from '../../../examples/forum-ota/sketches';
import { runUntilRebooted } from '../../helpers';

const hex = (n: number): string => n.toString(16);

/** Both parsers' answers in binary-version-reader's vocabulary, so a mismatch names the field. */
function ours(m: ParsedModule) {
  const [dep, dep2] = m.dependencies;
  return {
    crc: { ok: m.crc.ok, storedCrc: m.crc.stored.toString(16).padStart(8, '0'), actualCrc: m.crc.computed.toString(16).padStart(8, '0') },
    prefixInfo: {
      moduleStartAddy: hex(m.startAddress),
      moduleEndAddy: hex(m.endAddress),
      reserved: m.mcuTarget,
      moduleFlags: m.flags,
      moduleVersion: m.version,
      platformID: m.platformId,
      moduleFunction: m.function,
      moduleIndex: m.index,
      depModuleFunction: dep.function,
      depModuleIndex: dep.index,
      depModuleVersion: dep.version,
      dep2ModuleFunction: dep2.function,
      dep2ModuleIndex: dep2.index,
      dep2ModuleVersion: dep2.version,
      prefixSize: m.prefixSize,
      prefixOffset: m.prefixOffset,
      extensions: m.prefixExtensions.map(extension),
    },
    suffixInfo: { productId: m.productId, productVersion: m.productVersion, fwUniqueId: m.sha256, suffixSize: m.suffixSize, extensions: m.suffixExtensions.map(extension) },
  };
}

const extension = (e: ModuleExtension | BvrExtension) => ({ type: e.type, length: e.length, offset: e.offset });

function theirs(r: BvrResult) {
  const { prefixInfo: p, suffixInfo: s } = r;
  return {
    crc: r.crc,
    prefixInfo: { ...p, extensions: (p.extensions ?? []).map(extension) },
    suffixInfo: { productId: s.productId, productVersion: s.productVersion, fwUniqueId: s.fwUniqueId, suffixSize: s.suffixSize, extensions: (s.extensions ?? []).map(extension) },
  };
}

async function expectAgreement(file: Buffer): Promise<void> {
  const oracle = await new HalModuleParser().parseBuffer({ fileBuffer: file });
  expect(ours(parseModule(new Uint8Array(file)))).toEqual(theirs(oracle));
}

const VECTOR_TABLE: Record<number, number> = { 0: 0x10c, 6: 0x184, 8: 0x184, 10: 0x184, 12: 0x200, 13: 0x200, 23: 0x200, 26: 0x200, 32: 0x200 };

describe('parseModule agrees with binary-version-reader on modules its test helper makes', () => {
  const kinds = [
    { name: 'user part', fn: 5, index: 1, start: 0xd4000, vectorTable: false, deps: [{ func: 4, index: 1, version: 1406 }] },
    { name: 'system part', fn: 4, index: 1, start: 0x30000, vectorTable: true, deps: [{ func: 2, index: 0, version: 501 }, { func: 8, index: 0, version: 202 }] },
    { name: 'bootloader', fn: 2, index: 0, start: 0xf4000, vectorTable: true, deps: [] },
    { name: 'radio stack', fn: 8, index: 0, start: 0x1000, vectorTable: false, deps: [{ func: 2, index: 0, version: 501 }] },
    { name: 'monolithic', fn: 3, index: 0, start: 0x30000, vectorTable: true, deps: [] },
  ];
  const platforms = [0, 6, 10, 12, 13, 23, 26, 32];
  it.each(platforms.flatMap((platformId) => kinds.map((kind) => ({ platformId, ...kind }))))('platform $platformId, $name', async ({ platformId, fn, index, start, vectorTable, deps }) => {
    const file = firmwareTestHelper.createFirmwareBinary({
      platformId,
      moduleFunction: fn,
      moduleIndex: index,
      moduleVersion: 1000 + platformId,
      moduleStartAddress: start,
      deps,
      addVectorTable: vectorTable,
      vectorTableSize: VECTOR_TABLE[platformId],
      productId: platformId === 13 ? 4242 : undefined,
      productVersion: platformId === 13 ? 7 : undefined,
      dataSize: 1500 + platformId,
    });
    await expectAgreement(file);
  });
});

/** The particle-cli package's Tinker binaries, fetched with `npm pack` into a temporary folder once. */
function tinkerBinaries(): string[] {
  const dir = join(tmpdir(), 'virtual-boron-particle-cli-3.51.0');
  const assets = join(dir, 'package', 'assets', 'knownApps');
  try {
    if (!existsSync(assets)) {
      mkdirSync(dir, { recursive: true });
      const tarball = execFileSync('npm', ['pack', 'particle-cli@3.51.0', '--silent', '--pack-destination', dir], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir], { timeout: 60_000 });
    }
  } catch {
    return [];
  }
  const walk = (d: string): string[] => readdirSync(d).flatMap((name) => (statSync(join(d, name)).isDirectory() ? walk(join(d, name)) : name.endsWith('.bin') ? [join(d, name)] : []));
  return existsSync(assets) ? walk(assets) : [];
}

const binaries = tinkerBinaries();
const withBinaries = binaries.length > 0 ? describe : describe.skip;

withBinaries('parseModule agrees with binary-version-reader on real Particle binaries (particle-cli@3.51.0 Tinker apps)', () => {
  it.each(binaries.map((path) => ({ path, name: path.split('knownApps/')[1] })))('$name', async ({ path }) => {
    await expectAgreement(readFileSync(path));
  });

  it('reads the Boron Tinker as the device would: a valid 1.x user part at 0xD4000', () => {
    const boron = binaries.find((p) => p.endsWith('-boron.bin'))!;
    expect(parseModule(new Uint8Array(readFileSync(boron)))).toMatchObject({ platformId: 13, function: 5, index: 1, startAddress: 0xd4000, prefixOffset: 0, suffixSize: 40, crc: { ok: true }, shaOk: true });
  });

  it('installs the real Boron Tinker over the air: validated as on the device, then booted as an idle app', async () => {
    const tinker = new Uint8Array(readFileSync(binaries.find((p) => p.endsWith('-boron.bin'))!));
    const device = new VirtualBoron({
      deviceOs: '1.4.4',
      app: otaTestSketch({ initialiseChunkAddress: true }),
      server: [http.get('http://mydomain.com/firmware/simple.bin', () => new HttpResponse(tinker))],
    }).powerOn();
    await device.runUntil('Press o for OTA.');
    device.serial.type('o');
    await runUntilRebooted(device);
    expect(device.logs.filter((r) => r.category === 'hal').map((r) => r.message)).toEqual(['module fetched 1, checks=5e, result=5e']);
    expect(device.appName).toBe('unknown app (0xD4000 v5)');
    const app = device.modules().find((m) => m.region === 'user-part');
    expect(app).toMatchObject({ version: 5, crcOk: true });
    expect(app?.sketch).toBeUndefined();
  });
});
