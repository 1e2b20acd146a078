#!/usr/bin/env node
// Seeds 100,000 API keys (~1% managed by eskeys) and times a filtered query API page (term on
// metadata.managed_by, sort by creation, size 100) against a trivial authenticated request.
// Run `npm run build` first.
import { startSandbox } from '../../dist/sandbox/index.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

const sandbox = await startSandbox({ port: 0 });
const auth = `Basic ${Buffer.from(`elastic:${sandbox.password}`).toString('base64')}`;

const seedStart = performance.now();
await sandbox.state.seedApiKeys({
  count: KEYS,
  metadata: (i) =>
    i % 100 === 0
      ? { managed_by: 'eskeys', template: `tpl-${i % 7}`, environment: i % 2 ? 'prod' : 'staging' }
      : { team: `team-${i % 13}`, purpose: 'manual' },
});
const seedMs = performance.now() - seedStart;

async function timed(path, body) {
  const t = performance.now();
  const res = await fetch(`${sandbox.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(JSON.stringify(json));
  return { ms: performance.now() - t, json };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
};

const query = {
  query: {
    bool: { filter: [{ term: { 'metadata.managed_by': 'eskeys' } }, { term: { invalidated: false } }] },
  },
  sort: [{ creation: { order: 'desc' } }],
  size: 100,
};
const unfiltered = { sort: ['creation'], size: 100 };

const trivial = [];
const filtered = [];
const sortedAll = [];
for (let i = 0; i < 3; i++) {
  await timed('/_security/_authenticate');
  await timed('/_security/_query/api_key', query);
}
let total = 0;
for (let i = 0; i < RUNS; i++) {
  trivial.push((await timed('/_security/_authenticate')).ms);
  const r = await timed('/_security/_query/api_key', query);
  total = r.json.total;
  filtered.push(r.ms);
  if (i < 5) sortedAll.push((await timed('/_security/_query/api_key', unfiltered)).ms);
}
const f = stats(filtered);
const b = stats(trivial);
const a = stats(sortedAll);
console.log(`seeded ${KEYS} keys in ${Math.round(seedMs)} ms`);
console.log(`trivial request (_authenticate): median ${b.median.toFixed(2)} ms, p95 ${b.p95.toFixed(2)} ms`);
console.log(
  `filtered query page (term metadata.managed_by, sort creation, size 100; total ${total}): median ${f.median.toFixed(2)} ms, p95 ${f.p95.toFixed(2)} ms (${(f.median / b.median).toFixed(1)}x trivial)`,
);
console.log(
  `unfiltered sorted page over all ${KEYS} keys: median ${a.median.toFixed(2)} ms, p95 ${a.p95.toFixed(2)} ms`,
);
console.log(`target < 200 ms: ${f.p95 < 200 ? 'met' : 'NOT met'}`);
await sandbox.close();
