// Request economy: HTTP requests one `eskeys rotate` sends, counted by the sandbox, against the
// minimum a rotation of that template needs. Target: at most minimum + 3 (the
// plan query, the guard query after create and the pending->active write are safety steps).
//
// The minimum, computed from the template with the probe planner of dist/core/probes (admin
// credentials available, as in a rotation):
//   create    1   POST /_security/api_key
//   probes    1 per live probe, plus 1 `_has_privileges` answering every static probe
//   setup     1 per stable probe index not created by the key's own `index.create` allow probe,
//             1 per admin-made canary index (for an `index.delete` allow probe)
//   teardown  1 per throwaway resource a passing allow probe creates (index template, ILM
//             policy, ingest pipeline, API key, alias, non-stable index); a canary index removed
//             by the `index.delete` probe itself costs nothing more
//   retire    2 per superseded key: the admin's _has_privileges check of the old key's descriptors
//             (an update re-snapshots the owner, so retiring must not narrow the key consumers
//             still use) and one update call (metadata + expiration)
// Everything else (cluster info, finding the current key, the rival-rotation guard, marking the
// new key active) counts against the +2 allowance.
//
// The measured rotation replaces an active key made by a first `eskeys rotate` (not counted).
// Every shipped template (roles/*.json) is measured, or the template files given as arguments.
//
// Reproduce: npm run build && node scripts/bench/request-economy.mjs [template.json ...]
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CLI, cliEnv, DIST, makeTemp, ROOT, report, rmTemp, runTimed, startBenchSandbox } from './lib.mjs';

const templateFiles = (
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(join(ROOT, 'roles'))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(ROOT, 'roles', f))
).map((f) => resolve(f));
const results = [];

/** Throwaway resources a passing allow probe leaves for teardown. */
const TEARDOWN_OPS = new Set([
  'template.put',
  'ilm.put',
  'pipeline.put',
  'security.create_api_key',
  'aliases.update',
]);

/** The minimum requests of one rotation of `template`, itemised. */
async function minimumRequests(template) {
  const { planProbes } = await import(join(DIST, 'core', 'probes', 'plan.js'));
  const plan = planProbes(template, { tag: 'b3ec0000', adminAvailable: true, at: new Date().toISOString() });
  const live = plan.probes.filter((p) => !p.staticReason);
  const statics = plan.probes.length - live.length;
  const creatorOf = (idx) =>
    live.find((p) => p.op.id === 'index.create' && p.expected === 'allow' && p.index === idx);
  const setup = plan.stableIndices.filter((idx) => !creatorOf(idx)).length + plan.canaryIndices.length;
  const deletedByProbe = (canary) =>
    live.some((p) => p.op.id === 'index.delete' && p.expected === 'allow' && p.index === canary);
  const teardown =
    live.filter((p) => p.expected === 'allow' && TEARDOWN_OPS.has(p.op.id)).length +
    live.filter(
      (p) => p.expected === 'allow' && p.op.id === 'index.create' && !plan.stableIndices.includes(p.index),
    ).length +
    plan.canaryIndices.filter((c) => !deletedByProbe(c)).length;
  const parts = { create: 1, probes: live.length + (statics > 0 ? 1 : 0), setup, teardown, retire: 2 };
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0), live: live.length, statics };
}

const { parseTemplate } = await import(join(DIST, 'core', 'templates', 'load-template.js'));
const sandbox = await startBenchSandbox();
const dir = makeTemp('economy');
try {
  mkdirSync(join(dir, 'roles'));
  const env = cliEnv(sandbox);
  for (const templateFile of templateFiles) {
    const { template } = parseTemplate(await readFile(templateFile, 'utf8'), basename(templateFile));
    copyFileSync(templateFile, join(dir, 'roles', `${template.name}.json`));
    results.push(await measure(template, env));
  }
} finally {
  rmTemp(dir);
  await sandbox.close();
}

/** Two rotations of `template`; the second (replacing the key the first made) is counted. */
async function measure(template, env) {
  const min = await minimumRequests(template);
  const name = `request economy: one rotation of ${template.name}`;
  const target = `<= minimum + 3 (${min.total + 3})`;
  const rotate = () =>
    runTimed(process.execPath, [CLI, 'rotate', '--template', template.name, '--yes', '--json'], {
      cwd: dir,
      env,
    });
  const first = await rotate();
  sandbox.counters.reset();
  const r = first.code === 0 ? await rotate() : first;
  if (r.code !== 0) {
    // eskeys itself failed (a probe, or the sandbox changed under it): nothing to count.
    const why = r.stderr.trim().split('\n').at(-1);
    const which = r === first ? 'the first' : 'the measured';
    return report(
      name,
      `not measured: ${which} eskeys rotate exited ${r.code} (${why})`,
      undefined,
      target,
      false,
    );
  }
  const outcome = JSON.parse(r.stdout);
  const total = sandbox.counters.total();
  const byEndpoint = Object.entries(sandbox.counters.byEndpoint()).sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  const parts = Object.entries(min.parts)
    .map(([k, v]) => `${k} ${v}`)
    .join(' + ');
  console.log(
    `request economy (${template.name}: ${min.live} live + ${min.statics} static probes): minimum ${min.total} = ${parts}`,
  );
  console.log(`  outcome: ${outcome.status ?? outcome.outcome ?? '?'}`);
  for (const [endpoint, n] of byEndpoint) console.log(`  ${String(n).padStart(3)}  ${endpoint}`);
  const extra = total - min.total;
  return report(
    name,
    `${total} requests (minimum ${min.total}, ${extra >= 0 ? '+' : ''}${extra})`,
    `${(total / min.total).toFixed(2)}x minimum`,
    target,
    total <= min.total + 3,
  );
}
export default results;
