// The registry this project installs from serves only some platforms' builds of packages with
// native binaries (@swc/core, jest's unrs-resolver). npm leaves the others out of the lock file,
// and `npm ci` then refuses the lock. This records each missing optional platform package with
// its os/cpu, so `npm ci` knows it is for another platform and skips it instead of failing.
// Run after `npm install` changes package-lock.json: node scripts/lock-other-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony'];
const CPU = { arm64: 'arm64', x64: 'x64', ia32: 'ia32', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const parts = name.split('/').pop().split('-');
    const os = OS.find((o) => parts.includes(o));
    const cpu = parts.map((p) => CPU[p]).find(Boolean);
    if (!os || !cpu) continue;
    const record = { version, cpu: [cpu], os: [os], optional: true };
    if (entry.dev) record.dev = true;
    if (parts.includes('gnu') || parts.includes('gnueabihf')) record.libc = ['glibc'];
    if (parts.some((p) => p.startsWith('musl'))) record.libc = ['musl'];
    packages[key] = record;
    added++;
    void path;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`recorded ${added} optional packages for other platforms`);
