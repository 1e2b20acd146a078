// Completes package-lock.json with the platform-specific optional packages (biome's and
// rollup's native binaries for other systems) that the registry reachable from our machines
// does not serve. npm writes a lock without them, and `npm ci` then refuses that lock as out of
// sync with package.json. Each missing package gets an entry with its os/cpu/libc, so `npm ci`
// skips it on every other platform, exactly as with a complete lock.
// Run after any dependency change: `npm install && node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const path = join(import.meta.dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

/** `@rollup/rollup-linux-arm64-musl` → { os: linux, cpu: arm64, libc: musl }. */
function platformOf(name) {
  const [os, cpu, ...rest] = name
    .split('/')
    .pop()
    .replace(/^(cli|rollup)-/, '')
    .split('-');
  const libc = rest.some((r) => r.startsWith('musl')) ? 'musl' : os === 'linux' ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const meta of Object.values(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (packages[key]) continue;
    const { os, cpu, libc } = platformOf(dep);
    packages[key] = {
      version,
      cpu: [cpu],
      dev: meta.dev === true ? true : undefined,
      license: meta.license,
      optional: true,
      os: [os],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} platform package entr${added === 1 ? 'y' : 'ies'}`);
