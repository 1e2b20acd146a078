#!/usr/bin/env node
// Diagnosis for learn-proxy.mjs, not a target: the JavaScript the learn proxy runs per exchange,
// without sockets or other processes, so it is far less sensitive to a busy machine than any
// rate. One RelayConnection (dist/adapters/proxy) with in-memory sockets relays the benchmark's
// four requests (get, search, mapping read, HEAD) and the sandbox's answers, byte for byte as
// captured from the benchmark, through the framing parser, the head rewrite, the exchange feed
// and the recorder. The upstream connection is attached directly (its socket code is Node's).
//
//   node scripts/bench/learn-relay-js.mjs                 (needs a built dist/: npm run build)
//   ESKEYS_BENCH_DIST=/other/dist node scripts/bench/learn-relay-js.mjs
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, report } from './lib.mjs';

const EXCHANGES = Number(process.env.BENCH_EXCHANGES ?? 1_000_000);
const load = (path) => import(pathToFileURL(join(DIST, path)).href);
const { RelayConnection } = await load('adapters/proxy/relay-connection.js');
const { LearnRecorder } = await load('core/learn/recorder.js');

/** A socket that accepts every write at once and keeps nothing. */
class MemorySocket extends EventEmitter {
  write() {
    return true;
  }
  setNoDelay() {}
  pause() {}
  resume() {}
  cork() {}
  uncork() {}
  end() {}
  destroy() {}
}

const auth = 'Basic ZWxhc3RpYzo3MnpRRFhKYmlkczVuUmlS';
const search = '{"query":{"match_all":{}},"size":1}';
const common = `authorization: ${auth}\r\nHost: 127.0.0.1:43043\r\nConnection: keep-alive\r\n`;
const requests = [
  `GET /bench-books/_doc/1 HTTP/1.1\r\n${common}\r\n`,
  `POST /bench-books/_search HTTP/1.1\r\n${common}content-type: application/json\r\nContent-Length: ${search.length}\r\n\r\n${search}`,
  `GET /bench-books/_mapping HTTP/1.1\r\n${common}\r\n`,
  `HEAD /bench-books HTTP/1.1\r\n${common}\r\n`,
].map((s) => Buffer.from(s, 'latin1'));
const answerHead = (length) =>
  'HTTP/1.1 200 OK\r\nX-elastic-product: Elasticsearch\r\ncontent-type: application/json\r\n' +
  `content-length: ${length}\r\nDate: Sun, 06 Dec 2026 13:37:34 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n\r\n`;
const answers = [116, 229, 128, 0].map((n, i) =>
  Buffer.from(answerHead(n) + (i === 3 ? '' : 'x'.repeat(n)), 'latin1'),
);

const upstream = new MemorySocket();
RelayConnection.prototype.connect = function attachInMemory() {
  this.attach(upstream);
};
const recorder = new LearnRecorder();
const client = new MemorySocket();
new RelayConnection(
  client,
  { upstream: new URL('http://127.0.0.1:9200'), tls: { insecure: false }, recorder, now: () => Date.now() },
  () => {},
);

/** Relays `n` exchanges; each packet is a fresh buffer, as a socket read would be. */
function relay(n) {
  for (let i = 0; i < n; i++) {
    client.emit('data', Buffer.from(requests[i & 3]));
    upstream.emit('data', Buffer.from(answers[i & 3]));
  }
}

relay(200_000); // warm-up (JIT)
const before = process.cpuUsage();
relay(EXCHANGES);
const used = process.cpuUsage(before);
const recorded = recorder.snapshot().requests;
if (recorded !== 200_000 + EXCHANGES) throw new Error(`recorded ${recorded} exchanges`);
report(
  'learn proxy JavaScript per exchange (in-memory sockets; diagnosis)',
  `${(((used.user + used.system) * 1000) / EXCHANGES / 1000).toFixed(2)} µs of CPU per relayed and recorded exchange`,
  undefined,
  undefined,
  undefined,
);
