#!/usr/bin/env node
// Below any HTTP proxy, for learn-proxy.mjs: a TCP relay that copies bytes both ways between
// each client connection and one upstream connection of its own, parsing nothing. It measures
// what the extra process hop alone costs on this machine (wake-ups, copies, scheduling).
//
//   node scripts/bench/tcp-relay.mjs <upstream-url>   (prints "listening on http://..." on stderr)
//
// Diagnosis only: with BENCH_RELAY_SPIN_US=N the relay, after forwarding each chunk unchanged,
// stays busy for N µs, so it rarely sleeps between messages (docs/BENCHMARKS.md, 2026-12-06
// 14:55: a busier relay costs the benchmark process less per request on this machine).
import net from 'node:net';

const upstream = new URL(process.argv[2]);
const spinNs = Number(process.env.BENCH_RELAY_SPIN_US ?? 0) * 1000;

/** Burns spinNs of CPU (the diagnosis above). */
function spin() {
  const t0 = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - t0) < spinNs);
}

const server = net.createServer((client) => {
  const up = net.connect(Number(upstream.port), upstream.hostname);
  client.setNoDelay(true);
  up.setNoDelay(true);
  client.pipe(up);
  up.pipe(client);
  // Registered after pipe()'s own listener: the chunk is already forwarded when the spin starts.
  if (spinNs > 0) {
    client.on('data', spin);
    up.on('data', spin);
  }
  client.on('error', () => up.destroy());
  up.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`listening on http://127.0.0.1:${server.address().port}, tcp relay\n`);
});
process.on('SIGINT', () => process.exit(0));
