// `eskeys inventory --json > /dev/null` with 100,000 API keys in the cluster: 99% with role
// descriptors of their own, 1% without, all of those sharing one superuser snapshot (limited_by
// of `elastic`), the shape that made inventory judge the same snapshot per key (~40-60 ms each)
// before snapshot verdicts were cached. Wall time and peak RSS of the CLI process, reported as a
// ratio against one query-API request for inventory's first page (1000 keys, with_limited_by),
// from a process of its own (`curl`, or a node fetch when curl is missing).
//
// Keys are seeded straight into the sandbox state (SandboxState.seedApiKeys).
//
// Reproduce: npm run build && node scripts/bench/inventory-100k.mjs   (BENCH_ROUNDS=3)
import {
  CLI,
  cliEnv,
  dur,
  GNU_TIME,
  makeTemp,
  mb,
  median,
  queryRequestCommand,
  report,
  rmTemp,
  runTimed,
  startBenchSandbox,
} from './lib.mjs';

const SIZE = 100_000;
const BARE_EVERY = 100; // 1% without role descriptors
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const results = [];

/** Inventory's first page (src/core/inventory/inventory.ts: inventoryQuery, INVENTORY_SORT). */
const QUERY = {
  size: 1000,
  query: {
    bool: {
      filter: [
        { term: { invalidated: false } },
        {
          bool: {
            should: [
              { range: { expiration: { gt: Date.now() } } },
              { bool: { must_not: [{ exists: { field: 'expiration' } }] } },
            ],
            minimum_should_match: 1,
          },
        },
      ],
    },
  },
  sort: [{ creation: 'asc' }, { name: 'asc' }, '_doc'],
};

const SCOPED = {
  app: { cluster: ['monitor'], indices: [{ names: ['app-logs-*'], privileges: ['read', 'index'] }] },
};

/** `eskeys inventory --json > /dev/null`, peak RSS by GNU time or an exit hook in the process. */
async function runInventory(dir, env) {
  const preload = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nBENCH_MAXRSS_KB='+process.resourceUsage().maxRSS+'\\n'))`;
  const node = JSON.stringify(process.execPath);
  const cli = JSON.stringify(CLI);
  const cmd = GNU_TIME
    ? `exec ${GNU_TIME} -v ${node} ${cli} inventory --json > /dev/null`
    : `exec ${node} --import ${JSON.stringify(preload)} ${cli} inventory --json > /dev/null`;
  const r = await runTimed('/bin/sh', ['-c', cmd], { cwd: dir, env });
  const kb = GNU_TIME
    ? /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]
    : /\nBENCH_MAXRSS_KB=(\d+)\n/.exec(r.stderr)?.[1];
  return { ...r, maxRssMb: kb ? Number(kb) / 1024 : undefined };
}

const dir = makeTemp('inventory');
const sandbox = await startBenchSandbox();
try {
  const bare = SIZE / BARE_EVERY;
  await sandbox.state.seedApiKeys({ count: SIZE - bare, namePrefix: 'scoped-key-', roleDescriptors: SCOPED });
  await sandbox.state.seedApiKeys({ count: bare, namePrefix: 'bare-key-' }); // elastic's superuser snapshot
  const env = cliEnv(sandbox);

  // One unmeasured run to check the output: every key listed, the bare ones critical.
  const check = await runTimed(process.execPath, [CLI, 'inventory', '--json'], { cwd: dir, env });
  if (check.code !== 0) throw new Error(`eskeys inventory exited ${check.code}: ${check.stderr.trim()}`);
  const doc = JSON.parse(check.stdout);
  if (doc.summary.keys !== SIZE)
    throw new Error(`inventory listed ${doc.summary.keys} keys, expected ${SIZE}`);
  if (doc.summary.without_role_descriptors !== bare)
    throw new Error(
      `inventory saw ${doc.summary.without_role_descriptors} keys without descriptors, expected ${bare}`,
    );
  const outMb = Buffer.byteLength(check.stdout) / 1048576;

  const baselineCmd = queryRequestCommand(sandbox, QUERY, '/_security/_query/api_key?with_limited_by=true');
  const inv = { ms: [], rss: [] };
  const base = [];
  for (let i = 0; i < rounds; i++) {
    const r = await runInventory(dir, env);
    if (r.code !== 0) throw new Error(`eskeys inventory exited ${r.code}: ${r.stderr.trim()}`);
    inv.ms.push(r.ms);
    if (r.maxRssMb !== undefined) inv.rss.push(r.maxRssMb);
    base.push((await runTimed(baselineCmd[0], baselineCmd[1], { cwd: dir })).ms);
  }
  const ms = median(inv.ms);
  const rss = inv.rss.length ? median(inv.rss) : undefined;
  const baseMs = median(base);
  console.log(
    `inventory with ${SIZE.toLocaleString('en')} keys (${bare} without descriptors, one superuser snapshot): ${dur(ms)}, peak RSS ${mb(rss)}, JSON ${outMb.toFixed(0)} MB; one query-API page (${baselineCmd[0] === 'curl' ? 'curl' : 'node fetch'}) ${dur(baseMs)}`,
  );
  results.push(
    report(
      `inventory: eskeys inventory --json > /dev/null, ${SIZE / 1000}k keys (1% without descriptors)`,
      `${dur(ms)}, peak RSS ${mb(rss)} vs one query page ${dur(baseMs)}`,
      `${(ms / baseMs).toFixed(1)}x`,
      undefined,
      undefined,
    ),
  );
} finally {
  await sandbox.close();
  rmTemp(dir);
}
export default results;
