// Bundles the CLI after `tsc` so that `eskeys` starts fast: one ESM entry plus lazily loaded
// chunks (esbuild code splitting keeps each verb's dynamic import), instead of hundreds of
// small modules whose resolution dominated start-up (docs/BENCHMARKS.md). The bundle replaces
// dist/cli/bin.js, so the e2e tests exercise exactly what ships; the rest of dist/ stays the
// plain tsc output for in-process use (tests, the sandbox, benchmarks).
import { chmod, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'cli');
const chunks = join(outdir, 'chunks');

/**
 * zod re-exports every locale (`export * as locales`), which puts ~250 translation modules in
 * the bundle though eskeys only ever uses English messages. Resolve that one re-export to a
 * module holding just `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'zod')}`)
        ? { path: 'zod-locales-en', namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, () => ({
      contents: `export { default as en } from ${JSON.stringify(join(root, 'node_modules/zod/v4/locales/en.js'))};`,
      resolveDir: root,
    }));
  },
};

/**
 * The official client's helpers module requires apache-arrow (~700 kB bundled) at load time for
 * one feature, `helpers.esql().toArrowTable/toArrowReader`, which eskeys never calls. Loading it
 * cost ~45 ms of every cluster command's start-up (docs/BENCHMARKS.md). Resolve it to an empty
 * module: a call to those ES|QL helpers would fail with "not a function", nothing else changes.
 */
const noApacheArrow = {
  name: 'no-apache-arrow',
  setup(b) {
    b.onResolve({ filter: /^apache-arrow(\/|$)/ }, () => ({ path: 'apache-arrow', namespace: 'no-arrow' }));
    b.onLoad({ filter: /.*/, namespace: 'no-arrow' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

await rm(chunks, { recursive: true, force: true });
await build({
  entryPoints: { bin: join(root, 'src', 'cli', 'bin.ts') },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [zodEnglishOnly, noApacheArrow],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __eskeysRequire } from 'node:module'; const require = __eskeysRequire(import.meta.url);",
  },
});
// The package's bin: executable, so its `#!/usr/bin/env -S node --` line is what runs it.
await chmod(join(outdir, 'bin.js'), 0o755);
