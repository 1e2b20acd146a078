// Fleet: rotate 1,000 templates on the sandbox with bounded concurrency; report wall time,
// requests (counted by the sandbox) and peak RSS of the rotating process.
// Targets: wall < 60 s, peak RSS < 250 MB. Baseline, measured in the same run: the same number
// of bare `create API key` calls through the official client, with the same concurrency, from a
// process of its own (ratio = fleet wall / baseline wall).
//
// Setup: 1,000 small templates (fleet-0001 … fleet-1000, 6 probes each) are generated into a
// temporary project, and each gets an active managed key seeded straight into the sandbox state,
// so every rotation replaces and retires a key as in production.
//
// The fleet is rotated the way a user would: one `eskeys tick --concurrency N` (the seeded keys
// are aged past their 90-day period, so every scope is due), the built CLI as a subprocess.
// BENCH_FLEET_VIA=pool instead drives the CLI's own rotate path (dist/cli/commands/rotate.js
// `runRotate` with the production adapters of dist/cli/rotation/services.js) through a bounded promise pool in a worker process,
// which also reports how long the audit log and journal ports were busy (diagnosis).
//
// Peak RSS: GNU time's "Maximum resident set size" of the rotating process when /usr/bin/time
// exists, else its process.resourceUsage().maxRSS. The sandbox runs in this process and is not
// counted.
//
// Reproduce: npm run build && node scripts/bench/fleet.mjs   (BENCH_FLEET_SIZE=1000,
// BENCH_FLEET_CONCURRENCY=16; BENCH_FLEET_PROFILE=<dir> writes a CPU profile of the worker;
// BENCH_FLEET_NO_AUDIT=1 drops audit events, to diagnose how much the audit log costs)
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLI,
  cliEnv,
  DIST,
  dur,
  makeTemp,
  mb,
  median,
  pool,
  ROOT,
  report,
  rmTemp,
  runMeasured,
  startBenchSandbox,
} from './lib.mjs';

const SIZE = Number(process.env.BENCH_FLEET_SIZE ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_FLEET_CONCURRENCY ?? 16);
const SELF = fileURLToPath(import.meta.url);
const name = (i) => `fleet-${String(i + 1).padStart(4, '0')}`;

/** A small template: one index pattern, four allow and two deny probes. */
function fleetTemplate(n) {
  return {
    name: n,
    description: `Benchmark fleet member ${n}: reads and writes ${n}-* only.`,
    role_descriptors: {
      [n]: {
        cluster: ['monitor'],
        indices: [{ names: [`${n}-*`], privileges: ['read', 'index', 'create_index'] }],
      },
    },
    expiration: 'auto',
    rotation: { every: '90d', grace: '24h', review: '30d' },
    probes: {
      allow: ['cluster.health', 'index.create', 'doc.index', 'search'],
      deny: ['doc.delete', 'index.delete'],
    },
    outputs: { env_files: [`envs/${n}.env`], key_var: 'ELASTICSEARCH_API_KEY' },
  };
}

/** Worker (BENCH_FLEET_VIA=pool): rotates every template in `dir` through a pool; prints one JSON line. */
async function worker(dir) {
  const names = Array.from({ length: SIZE }, (_, i) => name(i));
  const t0 = performance.now();
  const statuses = {};
  const errors = [];
  const portTimes = {};
  const mode = `runRotate from dist through a pool of ${CONCURRENCY}`;
  const { createContext } = await import(join(DIST, 'cli', 'context.js'));
  const { loadProject } = await import(join(DIST, 'cli', 'project.js'));
  const rotate = await import(join(DIST, 'cli', 'commands', 'rotate.js'));
  const { openRotationServices } = await import(join(DIST, 'cli', 'rotation', 'services.js'));
  const controller = new AbortController();
  const io = () => {
    const out = [];
    return {
      out,
      stdout: { write: (t) => out.push(t) },
      stderr: { write: () => {} },
      stdin: process.stdin,
      isStdoutTTY: false,
      canPrompt: () => false,
    };
  };
  const ctx0 = createContext(io(), process.env, dir, controller.signal);
  const shared = await openRotationServices(ctx0, loadProject(ctx0), {});
  // Time spent in the local durability ports (audit log, journal): they write and fsync on
  // every event, and the audit log appends one at a time, so they can bound the fleet.
  const timed =
    (label, fn) =>
    async (...a) => {
      const t = performance.now();
      try {
        return await fn(...a);
      } finally {
        const list = portTimes[label] ?? [];
        portTimes[label] = list;
        list.push([t, performance.now()]);
      }
    };
  // BENCH_FLEET_NO_AUDIT=1 (diagnosis only, never for the reported figure): audit events dropped.
  const noAudit = process.env.BENCH_FLEET_NO_AUDIT === '1';
  const audit = {
    append: timed('audit append', (e) => (noAudit ? undefined : shared.audit.append(e))),
  };
  const journal = Object.create(shared.journal);
  journal.append = timed('journal append', (...a) => shared.journal.append(...a));
  journal.readAll = timed('journal readAll', (...a) => shared.journal.readAll(...a));
  const openServices = async () => ({ ...shared, audit, journal, close: async () => {} });
  try {
    await pool(names, CONCURRENCY, async (template) => {
      const tio = io();
      const ctx = createContext(tio, process.env, dir, controller.signal);
      try {
        await rotate.runRotate({ ctx, mode: 'rotate', template, yes: true, json: true, openServices });
        const status = JSON.parse(tio.out.join('')).status ?? 'completed';
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch (error) {
        statuses.error = (statuses.error ?? 0) + 1;
        if (errors.length < 3) errors.push(`${template}: ${error?.message ?? error}`);
      }
    });
  } finally {
    await shared.close();
  }
  const wallMs = performance.now() - t0;
  const ports = Object.fromEntries(
    Object.entries(portTimes).map(([k, spans]) => [
      k,
      { n: spans.length, medianMs: median(spans.map(([a, b]) => b - a)), busyMs: busy(spans) },
    ]),
  );
  console.log(
    JSON.stringify({ mode, wallMs, statuses, errors, ports, maxRssKb: process.resourceUsage().maxRSS }),
  );
}

/** Wall time during which at least one of the [start, end] spans was in progress. */
function busy(spans) {
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/** Baseline worker: SIZE bare createApiKey calls through the official client, CONCURRENCY in flight. */
async function baseline() {
  const { Client } = await import('@elastic/elasticsearch');
  const client = new Client({
    node: process.env.ESKEYS_URL,
    auth: { username: process.env.ESKEYS_USERNAME, password: process.env.ESKEYS_PASSWORD },
    maxRetries: 0,
    compression: false,
  });
  const t0 = performance.now();
  try {
    await pool(
      Array.from({ length: SIZE }, (_, i) => name(i)),
      CONCURRENCY,
      (n) =>
        client.security.createApiKey({
          name: `baseline-${n}`,
          role_descriptors: fleetTemplate(n).role_descriptors,
          expiration: '90d',
          metadata: { bench: 'baseline' },
        }),
    );
  } finally {
    await client.close();
  }
  console.log(JSON.stringify({ wallMs: performance.now() - t0, maxRssKb: process.resourceUsage().maxRSS }));
}

const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').at(-1));

/** The fleet figures from one `eskeys tick --json` run: scope outcomes counted as rotations. */
function tickOutcome(run) {
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(`eskeys tick exited ${run.code} without a JSON report: ${run.stderr.trim().slice(-500)}`);
  }
  const statuses = {};
  for (const s of report.scopes) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const errors = report.scopes
    .filter((s) => s.status === 'failed')
    .slice(0, 3)
    .map((s) => `${s.template}: ${s.reason}`);
  return {
    mode: `eskeys tick --concurrency ${CONCURRENCY}`,
    wallMs: run.ms,
    statuses: { ...statuses, [`exit ${run.code}`]: 1 },
    errors,
    ports: {},
  };
}

async function main() {
  const results = [];
  const sandbox = await startBenchSandbox();
  const dir = makeTemp('fleet');
  try {
    mkdirSync(join(dir, 'roles'));
    mkdirSync(join(dir, 'envs'));
    const { templateHash } = await import(join(DIST, 'core', 'rotation', 'template-hash.js'));
    const templates = Array.from({ length: SIZE }, (_, i) => fleetTemplate(name(i)));
    for (const t of templates)
      writeFileSync(join(dir, 'roles', `${t.name}.json`), JSON.stringify(t, null, 2));
    await sandbox.state.seedApiKeys({
      count: SIZE,
      namePrefix: 'fleet-seed-',
      metadata: (i) => ({
        managed_by: 'eskeys',
        template: templates[i].name,
        environment: 'default',
        template_hash: templateHash(templates[i].role_descriptors),
        generation: 1,
        created_by: 'bench@seed',
        rotation_id: 'seed',
        state: 'active',
        rotate_every: '90d',
        grace: '24h',
        review_every: '30d',
      }),
    });
    const env = cliEnv(sandbox, {
      BENCH_FLEET_SIZE: String(SIZE),
      BENCH_FLEET_CONCURRENCY: String(CONCURRENCY),
    });

    sandbox.counters.reset();
    const b = await runMeasured(process.execPath, [SELF, '--baseline'], { cwd: ROOT, env });
    if (b.code !== 0) throw new Error(`baseline worker exited ${b.code}: ${b.stderr.trim()}`);
    const base = lastJson(b.stdout);
    const baseRequests = sandbox.counters.total();

    // Every seeded key looks 91 days old, so each scope is due for rotation.
    for (const k of sandbox.state.apiKeys.all()) {
      if (k.metadata.managed_by === 'eskeys') k.creation -= 91 * 86_400_000;
    }

    sandbox.counters.reset();
    const cpu0 = process.cpuUsage();
    const profile = process.env.BENCH_FLEET_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_FLEET_PROFILE}`]
      : [];
    const viaPool = process.env.BENCH_FLEET_VIA === 'pool';
    const f = viaPool
      ? await runMeasured(process.execPath, [...profile, SELF, '--worker', dir], { cwd: dir, env })
      : await runMeasured(
          process.execPath,
          [...profile, CLI, 'tick', '--concurrency', String(CONCURRENCY), '--json'],
          { cwd: dir, env },
        );
    const cpu = process.cpuUsage(cpu0);
    const sandboxCpu = (cpu.user + cpu.system) / 1e6;
    if (f.code !== 0 && viaPool) throw new Error(`fleet worker exited ${f.code}: ${f.stderr.trim()}`);
    const fleet = viaPool ? lastJson(f.stdout) : tickOutcome(f);
    const requests = sandbox.counters.total();
    const rss = f.maxRssMb ?? fleet.maxRssKb / 1024;
    const baseRss = b.maxRssMb ?? base.maxRssKb / 1024;

    console.log(`fleet: ${SIZE} rotations via ${fleet.mode}; outcomes ${JSON.stringify(fleet.statuses)}`);
    if (process.env.BENCH_FLEET_NO_AUDIT === '1') console.log('  DIAGNOSIS RUN: audit events were dropped');
    for (const e of fleet.errors) console.log(`  error: ${e}`);
    console.log(
      `  baseline: ${SIZE} bare createApiKey calls in ${dur(b.ms)} (${baseRequests} requests, peak RSS ${mb(baseRss)})`,
    );
    console.log(
      `  fleet: ${requests} requests (${(requests / SIZE).toFixed(1)} per rotation), ${((SIZE / f.ms) * 1000).toFixed(1)} rotations/s`,
    );
    console.log(
      `  CPU: rotating process ${f.cpuSeconds?.toFixed(1) ?? 'n/a'} s, sandbox ${sandboxCpu.toFixed(1)} s (2 PBKDF2 hashes per rotation: create + first authentication of the new key), load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    for (const [k, v] of Object.entries(fleet.ports ?? {})) {
      console.log(
        `  ${k}: ${v.n} calls, median latency ${v.medianMs.toFixed(1)} ms, in progress during ${dur(v.busyMs)} of the fleet's ${dur(fleet.wallMs)}`,
      );
    }
    const completed = fleet.statuses.completed ?? fleet.statuses.rotated ?? 0;
    if (completed !== SIZE) console.log(`  [TARGET MISSED] only ${completed} of ${SIZE} rotations completed`);
    results.push(
      report(
        `fleet: ${SIZE} rotations, concurrency ${CONCURRENCY}, wall`,
        `${dur(f.ms)} vs ${SIZE} bare creates ${dur(b.ms)}`,
        `${(f.ms / b.ms).toFixed(1)}x`,
        '< 60 s',
        f.ms < 60_000 && completed === SIZE,
      ),
    );
    results.push(
      report(
        `fleet: ${SIZE} rotations, peak RSS`,
        `${mb(rss)} vs bare creates ${mb(baseRss)}`,
        `${(rss / baseRss).toFixed(2)}x`,
        '< 250 MB',
        rss < 250,
      ),
    );
  } finally {
    rmTemp(dir);
    await sandbox.close();
  }
  return results;
}

let results = [];
if (process.argv[2] === '--worker') await worker(process.argv[3]);
else if (process.argv[2] === '--baseline') await baseline();
else results = await main();
export default results;
