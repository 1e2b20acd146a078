#!/usr/bin/env node
// Indexes 10,000 documents into the sandbox with the bulk API and times a filtered search (bool of
// term + range, size 10), a terms + date_histogram aggregation (with a sub-aggregation), a search
// sorted on two fields (date desc, long asc; size 100) and a scroll export of every document
// (pages of 1,000) over all of them, against a trivial authenticated request in the same run.
// Run `npm run build` first.
import { startSandbox } from '../../dist/sandbox/index.js';
import { logBulkBody } from './lib.mjs';

const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const TARGET_MS = 100;

const sandbox = await startSandbox({ port: 0 });
const auth = `Basic ${Buffer.from(`elastic:${sandbox.password}`).toString('base64')}`;

async function timed(method, path, body, contentType = 'application/json') {
  const t = performance.now();
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': contentType },
    body,
  });
  const json = await res.json();
  if (!res.ok || json.errors) throw new Error(JSON.stringify(json).slice(0, 500));
  return { ms: performance.now() - t, json };
}

await timed(
  'PUT',
  '/bench-logs',
  JSON.stringify({
    mappings: {
      properties: {
        service: { type: 'keyword' },
        status: { type: 'keyword' },
        bytes: { type: 'long' },
        message: { type: 'text' },
        '@timestamp': { type: 'date' },
      },
    },
  }),
);
const seedStart = performance.now();
for (let start = 0; start < DOCS; start += 1000) {
  await timed(
    'POST',
    '/bench-logs/_bulk?refresh=true',
    logBulkBody(start, Math.min(DOCS, start + 1000)),
    'application/x-ndjson',
  );
}
const seedMs = performance.now() - seedStart;

const search = JSON.stringify({
  query: { bool: { filter: [{ term: { status: 'error' } }, { range: { bytes: { gte: 1000 } } }] } },
  size: 10,
});
const aggregation = JSON.stringify({
  size: 0,
  aggs: {
    by_service: {
      terms: { field: 'service', size: 20 },
      aggs: { per_day: { date_histogram: { field: '@timestamp', calendar_interval: 'day' } } },
    },
  },
});

const sorted = JSON.stringify({
  query: { match_all: {} },
  sort: [{ '@timestamp': 'desc' }, { bytes: 'asc' }],
  size: 100,
});

/** Pages through every document with a scroll, then clears it; returns the documents seen. */
async function scrollAll() {
  let page = await timed('POST', '/bench-logs/_search?scroll=1m', JSON.stringify({ size: 1000 }));
  let seen = page.json.hits.hits.length;
  const id = page.json._scroll_id;
  while (page.json.hits.hits.length > 0) {
    page = await timed('POST', '/_search/scroll', JSON.stringify({ scroll: '1m', scroll_id: id }));
    seen += page.json.hits.hits.length;
  }
  await timed('DELETE', '/_search/scroll', JSON.stringify({ scroll_id: id }));
  return seen;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] };
};

for (let i = 0; i < 3; i++) {
  await timed('GET', '/_security/_authenticate');
  await timed('POST', '/bench-logs/_search', search);
  await timed('POST', '/bench-logs/_search', aggregation);
  await timed('POST', '/bench-logs/_search', sorted);
  await scrollAll();
}
const trivial = [];
const searches = [];
const aggs = [];
let total = 0;
let buckets = 0;
const sorts = [];
const scrolls = [];
let exported = 0;
for (let i = 0; i < RUNS; i++) {
  trivial.push((await timed('GET', '/_security/_authenticate')).ms);
  const s = await timed('POST', '/bench-logs/_search', search);
  total = s.json.hits.total.value;
  searches.push(s.ms);
  const a = await timed('POST', '/bench-logs/_search', aggregation);
  buckets = a.json.aggregations.by_service.buckets.length;
  aggs.push(a.ms);
  sorts.push((await timed('POST', '/bench-logs/_search', sorted)).ms);
  const t = performance.now();
  exported = await scrollAll();
  scrolls.push(performance.now() - t);
}
const b = stats(trivial);
const s = stats(searches);
const a = stats(aggs);
console.log(`indexed ${DOCS} documents in ${Math.round(seedMs)} ms`);
console.log(`trivial request (_authenticate): median ${b.median.toFixed(2)} ms, p95 ${b.p95.toFixed(2)} ms`);
console.log(
  `search over ${DOCS} docs (bool term+range, size 10; total ${total}): median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms (${(s.median / b.median).toFixed(1)}x trivial)`,
);
console.log(
  `terms+date_histogram aggregation over ${DOCS} docs (${buckets} services x daily buckets): median ${a.median.toFixed(2)} ms, p95 ${a.p95.toFixed(2)} ms (${(a.median / b.median).toFixed(1)}x trivial)`,
);
const o = stats(sorts);
const x = stats(scrolls);
console.log(
  `search sorted on @timestamp desc, bytes asc over ${DOCS} docs (size 100): median ${o.median.toFixed(2)} ms, p95 ${o.p95.toFixed(2)} ms (${(o.median / b.median).toFixed(1)}x trivial)`,
);
console.log(
  `scroll export of all ${exported} docs (pages of 1,000, then clear): median ${x.median.toFixed(2)} ms, p95 ${x.p95.toFixed(2)} ms (context: a whole export, not one search)`,
);
const met = s.p95 < TARGET_MS && a.p95 < TARGET_MS && o.p95 < TARGET_MS;
console.log(
  `target p95 < ${TARGET_MS} ms for the search, the aggregation and the sorted search: ${met ? 'met' : 'NOT met'}`,
);
await sandbox.close();
