#!/usr/bin/env node
// Memory the sandbox holds per document: heap after a forced collection, measured after indexing
// BENCH_DOCS documents, after indexing as many again into a second index, after opening (and
// then clearing) a scroll over all of them, and after deleting both indices. Issue 14 asks that
// memory stay proportional to the data held: the second batch should cost what the first did
// (ratio ~1.0), a scroll should hold references, not copies, and deleting the data should give
// the memory back. The baseline is the same sandbox's heap before any document, in the same run.
// Run `npm run build` first.
import v8 from 'node:v8';
import vm from 'node:vm';
import { startSandbox } from '../../dist/sandbox/index.js';
import { logBulkBody } from './lib.mjs';

const DOCS = Number(process.env.BENCH_DOCS ?? 20_000);
const TARGET = 1.2;

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc');
/** Heap in use after two full collections (the second collects what the first finalized). */
function heap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const sandbox = await startSandbox({ port: 0 });
const auth = `Basic ${Buffer.from(`elastic:${sandbox.password}`).toString('base64')}`;
async function call(method, path, body, contentType = 'application/json') {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': contentType },
    body,
  });
  const json = await res.json();
  if (!res.ok || json.errors) throw new Error(`${method} ${path}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** Indexes DOCS log documents into `index`. */
async function fill(index) {
  for (let start = 0; start < DOCS; start += 1000) {
    await call(
      'POST',
      `/${index}/_bulk`,
      logBulkBody(start, Math.min(DOCS, start + 1000)),
      'application/x-ndjson',
    );
  }
  await call('POST', `/${index}/_refresh`);
}

// Warm the code paths (JIT, caches) on a throwaway index first, so they do not count as data.
await fill('bench-warm');
await call('DELETE', '/bench-warm');
const empty = heap();
await fill('bench-one');
const one = heap();
await fill('bench-two');
const two = heap();
const opened = await call('POST', '/bench-*/_search?scroll=5m', JSON.stringify({ size: 100 }));
const withScroll = heap();
await call('DELETE', '/_search/scroll', JSON.stringify({ scroll_id: opened._scroll_id }));
await call('DELETE', '/bench-one,bench-two');
const afterDelete = heap();

const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const perDoc = (b) => `${Math.round(b / DOCS)} B/doc`;
const first = one - empty;
const second = two - one;
const ratio = second / first;
console.log(`heap before any document: ${mb(empty)}`);
console.log(`first ${DOCS} documents: +${mb(first)} (${perDoc(first)})`);
console.log(
  `second ${DOCS} documents: +${mb(second)} (${perDoc(second)}); ${ratio.toFixed(2)}x the first batch`,
);
console.log(
  `scroll open over all ${2 * DOCS} documents: +${mb(withScroll - two)} (${Math.round((withScroll - two) / (2 * DOCS))} B per document referenced)`,
);
console.log(
  `after clearing the scroll and deleting both indices: ${mb(afterDelete)} (${(afterDelete / empty).toFixed(2)}x before)`,
);
console.log(
  `target second batch <= ${TARGET}x the first (memory proportional to the data held): ${ratio <= TARGET ? 'met' : 'NOT met'}`,
);
await sandbox.close();
