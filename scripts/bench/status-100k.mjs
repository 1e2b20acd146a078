// `eskeys status --json` with 10,000 and then 100,000 API keys in the cluster, 1% of them
// managed by eskeys (the rest belong to other applications). Wall time and peak RSS of the CLI
// process at both sizes.
// Targets: memory flat as keys grow (peak RSS at 100k ≤ 1.2× at 10k: status must page through
// managed keys only, by a metadata query, never list every key); time reported as a ratio against
// a baseline measured in the same run: one query-API request for the managed keys (`curl`, or a
// node fetch when curl is missing) from a process of its own, at the same size.
//
// Keys are seeded straight into the sandbox state (SandboxState.seedApiKeys), which shares one
// hash across the batch, so 100,000 keys take about a second.
//
// Reproduce: npm run build && node scripts/bench/status-100k.mjs   (BENCH_ROUNDS=5)
import {
  CLI,
  cliEnv,
  dur,
  makeTemp,
  mb,
  median,
  queryRequestCommand,
  report,
  rmTemp,
  runCliMeasured,
  runTimed,
  startBenchSandbox,
} from './lib.mjs';

const SIZES = [10_000, 100_000];
const MANAGED_EVERY = 100; // 1%
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const results = [];

/** The first page eskeys' status asks for (es-cluster.ts findManagedKeys): managed keys, by metadata. */
const QUERY = {
  size: 1000,
  query: { bool: { filter: [{ term: { 'metadata.managed_by': 'eskeys' } }] } },
  sort: [{ creation: 'asc' }, { name: 'asc' }],
};

function metadataOf(i) {
  if (i % MANAGED_EVERY !== 0) {
    return { application: `app-${i % 37}`, team: `team-${i % 11}`, purpose: 'not managed by eskeys' };
  }
  const n = i / MANAGED_EVERY;
  return {
    managed_by: 'eskeys',
    template: `svc-${String(n % 500).padStart(3, '0')}`,
    environment: n % 2 ? 'prod' : 'staging',
    template_hash: 'seeded',
    generation: 1 + Math.floor(n / 500),
    created_by: 'bench@seed',
    rotation_id: `seed-${n}`,
    state: 'active',
    rotate_every: '90d',
    grace: '24h',
    review_every: '30d',
  };
}

/** One size: a fresh sandbox, seeded; interleaved status and baseline runs. */
async function measure(size, dir) {
  const sandbox = await startBenchSandbox();
  try {
    await sandbox.state.seedApiKeys({ count: size, namePrefix: 'app-key-', metadata: metadataOf });
    const managed = Math.ceil(size / MANAGED_EVERY);
    const env = cliEnv(sandbox);
    const baselineCmd = queryRequestCommand(sandbox, QUERY);
    const status = { ms: [], rss: [] };
    const base = [];
    for (let i = 0; i < rounds; i++) {
      const r = await runCliMeasured(['status', '--json'], { cwd: dir, env });
      if (r.code !== 0) throw new Error(`eskeys status exited ${r.code}: ${r.stderr.trim()}`);
      const shown = JSON.parse(r.stdout).keys.length;
      if (shown !== managed) throw new Error(`eskeys status showed ${shown} keys, expected ${managed}`);
      status.ms.push(r.ms);
      if (r.maxRssMb !== undefined) status.rss.push(r.maxRssMb);
      base.push((await runTimed(baselineCmd[0], baselineCmd[1], { cwd: dir })).ms);
    }
    sandbox.counters.reset();
    await runTimed(process.execPath, [CLI, 'status', '--json'], { cwd: dir, env });
    const requests = sandbox.counters.byEndpoint();
    return {
      size,
      managed,
      ms: median(status.ms),
      rss: status.rss.length ? median(status.rss) : undefined,
      baseMs: median(base),
      baseline: baselineCmd[0] === 'curl' ? 'curl' : 'node fetch',
      requests,
    };
  } finally {
    await sandbox.close();
  }
}

const dir = makeTemp('status');
try {
  const runs = [];
  for (const size of SIZES) {
    const m = await measure(size, dir);
    runs.push(m);
    console.log(
      `status with ${m.size.toLocaleString('en')} keys (${m.managed} managed): ${dur(m.ms)}, peak RSS ${mb(m.rss)}; one query-API request (${m.baseline}) ${dur(m.baseMs)}; requests ${JSON.stringify(m.requests)}`,
    );
  }
  const [small, large] = runs;
  for (const m of runs) {
    const ratio = m.ms / m.baseMs;
    results.push(
      report(
        `status: eskeys status --json, ${m.size / 1000}k keys`,
        `${dur(m.ms)}, peak RSS ${mb(m.rss)} vs one query request ${dur(m.baseMs)}`,
        `${ratio.toFixed(1)}x`,
        undefined,
        undefined,
      ),
    );
  }
  if (small.rss !== undefined && large.rss !== undefined) {
    const memRatio = large.rss / small.rss;
    results.push(
      report(
        'status: peak RSS 100k vs 10k keys',
        `${mb(large.rss)} vs ${mb(small.rss)}`,
        `${memRatio.toFixed(2)}x`,
        '<= 1.2x (flat)',
        memRatio <= 1.2,
      ),
    );
  } else {
    console.log('status: peak RSS could not be measured');
  }
  const timeGrowth = large.ms / large.baseMs / (small.ms / small.baseMs);
  console.log(
    `status: time 100k vs 10k keys ${(large.ms / small.ms).toFixed(2)}x; relative to the one-request baseline ${timeGrowth.toFixed(2)}x`,
  );
} finally {
  rmTemp(dir);
}
export default results;
