#!/usr/bin/env node
// `eskeys learn` as a proxy: what it costs an application to be observed. Against the same
// sandbox in the same run: added latency (p50, p99) of one sequential client, throughput of 16
// keep-alive clients (ratio proxy/direct), and the learn process's peak RSS after 100,000 and
// after BENCH_LEARN_REQUESTS (default 1,000,000) requests: counts, not logs, so it stays flat.
//
// Throughput has two more arms: a bare `node:http` pass-through proxy (bare-proxy.mjs), the floor
// of any Node HTTP proxy on this machine, so the report separates what Node's HTTP stack costs
// from what eskeys adds; and a TCP relay parsing nothing (tcp-relay.mjs), the cost of the extra
// process hop alone. The sandbox runs in this process with the load generator, so direct is one
// process and every proxied arm two, and on two cores the proxy gets the second one (with the
// sandbox in a process of its own, a proxy would be a third busy process on two cores and the
// ratio would measure CPU sharing: docs/BENCHMARKS.md, 2026-12-06 15:45). All arms share the load
// generator, the sandbox, 16 keep-alive client connections and keep-alive upstream
// connections; rounds are interleaved (direct, relay, bare, learn, direct, ...) and each arm's
// median round is reported, with the CPU each proxy process spent per request it relayed (less
// sensitive to the machine's load than a rate: a starved benchmark process lowers every rate)
// and the CPU and busy share of this process per arm: on two cores a proxied arm keeps this
// process busy only when the proxy gets the other core; when they take turns on one, the ratio
// is at best (CPU per direct request) / (this process's + the proxy's CPU per proxied request).
//
//   node scripts/bench/learn-proxy.mjs                       (needs a built dist/: npm run build)
//   BENCH_LEARN_REQUESTS=300000 node scripts/bench/learn-proxy.mjs
//   BENCH_RELAY_SPIN_US=40 ...      (diagnosis: the TCP relay stays busy 40 µs after each chunk)
//   sudo scripts/bench/learn-proxy-idle-ab.sh   (diagnosis: alternates the guest's halt polling)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { CLI, makeTemp, median, percentile, report, rmTemp, startBenchSandbox } from './lib.mjs';

const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 2000);
const THROUGHPUT_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONCURRENCY = 16;
const ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 5);
const RSS_FIRST = Number(process.env.BENCH_LEARN_FIRST ?? 100_000);
const RSS_TOTAL = Number(process.env.BENCH_LEARN_REQUESTS ?? 1_000_000);

const sandbox = await startBenchSandbox();
const auth = `Basic ${Buffer.from(`elastic:${sandbox.password}`).toString('base64')}`;
for (const [method, path, body] of [
  ['PUT', '/bench-books', undefined],
  ['PUT', '/bench-books/_doc/1?refresh=true', '{"title":"one"}'],
]) {
  const r = await fetch(sandbox.url + path, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body,
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
}

// The application's mix: a get, a search, a mapping read and a HEAD.
const WORKLOAD = [
  { method: 'GET', path: '/bench-books/_doc/1' },
  { method: 'POST', path: '/bench-books/_search', body: '{"query":{"match_all":{}},"size":1}' },
  { method: 'GET', path: '/bench-books/_mapping' },
  { method: 'HEAD', path: '/bench-books' },
];

/** Starts a proxy process; resolves with its URL and process once it says where it listens. */
function startProxy(args, dir) {
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+),/.exec(err);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${err}`)));
  });
}

/** Starts `eskeys learn` in front of the sandbox. */
function startLearn(dir) {
  return startProxy([CLI, 'learn', '--upstream', sandbox.url, '--port', '0', '--name', 'bench-app'], dir);
}

/** Starts the TCP relay (no HTTP parsing at all) in front of the sandbox. */
function startRelay(dir) {
  return startProxy([new URL('./tcp-relay.mjs', import.meta.url).pathname, sandbox.url], dir);
}

/** Starts the bare pass-through proxy in front of the sandbox. */
function startBare(dir) {
  return startProxy([new URL('./bare-proxy.mjs', import.meta.url).pathname, sandbox.url], dir);
}

/** One request on a keep-alive agent; resolves with its latency in ms. */
function once(agent, base, i) {
  const { method, path, body } = WORKLOAD[i % WORKLOAD.length];
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        agent,
        headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode >= 300) reject(new Error(`${method} ${path}: ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Interleaved sequential requests, direct and through the proxy, one client each. */
async function latencies(direct, proxied) {
  const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const b = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const d = [];
  const p = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    d.push(await once(a, direct, i));
    p.push(await once(b, proxied, i));
  }
  a.destroy();
  b.destroy();
  return { d, p };
}

/**
 * Requests/s of 16 keep-alive clients for THROUGHPUT_MS; `proxy` (a child process) gets its CPU
 * counted, and so does this process (load generator and sandbox) under the arm's name.
 */
async function throughput(arm, base, proxy) {
  const cpuBefore = proxy ? cpuMs(proxy.pid) : 0;
  const wakeBefore = proxy ? contextSwitches(proxy.pid) : 0;
  const haltsBefore = idleHalts();
  const selfBefore = process.cpuUsage();
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const deadline = Date.now() + THROUGHPUT_MS;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = w; Date.now() < deadline; i += CONCURRENCY) {
        await once(agent, base, i);
        done++;
      }
    }),
  );
  agent.destroy();
  const self = process.cpuUsage(selfBefore);
  benchCpu[arm] ??= { us: 0, requests: 0, wallMs: 0 };
  benchCpu[arm].us += self.user + self.system;
  benchCpu[arm].requests += done;
  benchCpu[arm].wallMs += Date.now() - started;
  wakes[arm] ??= { switches: 0, halts: 0, requests: 0 };
  wakes[arm].switches += proxy ? contextSwitches(proxy.pid) - wakeBefore : 0;
  wakes[arm].halts += idleHalts() - haltsBefore;
  wakes[arm].requests += done;
  if (proxy) {
    cpu[proxy.pid] ??= { ms: 0, requests: 0 };
    cpu[proxy.pid].ms += cpuMs(proxy.pid) - cpuBefore;
    cpu[proxy.pid].requests += done;
  }
  return (done * 1000) / (Date.now() - started);
}

/** CPU ms and requests of each proxy process during the throughput rounds, by pid. */
const cpu = {};

/**
 * CPU of this process (load generator and sandbox, one thread) in the throughput rounds, by arm.
 * Direct keeps it busy nearly all the time; a proxied arm adds the proxy's work on the same two
 * cores, and how much this process then waits says whether the proxy ran beside it or instead of it.
 */
const benchCpu = {};

/**
 * Per arm: context switches of the proxy's main thread (each one a sleep and a wake-up) and
 * halts of idle CPUs (all of them, from cpuidle) in the throughput rounds. Waking a proxy whose
 * CPU halted costs the waker, this process, an inter-processor interrupt (a VM exit on a
 * virtual machine): a fast proxy that sleeps between messages makes this process slower per
 * request than a slow one that never sleeps (docs/BENCHMARKS.md, 2026-12-06 14:55).
 */
const wakes = {};

/** Context switches (voluntary and not) of a process's main thread so far. */
function contextSwitches(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return ['voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches'].reduce(
    (n, key) => n + Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0),
    0,
  );
}

/** Times any CPU entered a halting idle state so far (cpuidle states other than POLL); NaN without cpuidle. */
function idleHalts() {
  let n = 0;
  try {
    for (const cpu of readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d))) {
      const dir = `/sys/devices/system/cpu/${cpu}/cpuidle`;
      for (const state of readdirSync(dir).filter((d) => d.startsWith('state'))) {
        if (readFileSync(`${dir}/${state}/name`, 'utf8').trim() !== 'POLL')
          n += Number(readFileSync(`${dir}/${state}/usage`, 'utf8'));
      }
    }
  } catch {
    return Number.NaN;
  }
  return n;
}

/** `proxy wake-ups, CPU halts` per request of one arm's rounds. */
function wakeFigure(arm) {
  const w = wakes[arm];
  if (!w || w.requests === 0) return '–';
  const halts = Number.isNaN(w.halts) ? 'no cpuidle' : `${(w.halts / w.requests).toFixed(2)} CPU halts`;
  return arm === 'direct'
    ? halts
    : `${(w.switches / w.requests).toFixed(2)} proxy context switches, ${halts}`;
}

/** `µs per request (busy share of wall time)` of this process in one arm's rounds. */
function benchCpuFigure(arm) {
  const c = benchCpu[arm];
  if (!c || c.requests === 0) return '–';
  return `${(c.us / c.requests).toFixed(1)} µs (busy ${((100 * c.us) / 1000 / c.wallMs).toFixed(0)}%)`;
}

/** µs of CPU a proxy process spent per request it relayed in the throughput rounds. */
function cpuPerRequest(proxy) {
  const c = cpu[proxy.pid];
  return c && c.requests > 0 ? ((1000 * c.ms) / c.requests).toFixed(1) : '–';
}

/** Sends `count` requests with 16 keep-alive clients. */
async function drive(base, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await once(agent, base, next++);
    }),
  );
  agent.destroy();
}

/** CPU time (user + system) a process has used, in ms (Linux /proc, 100 ticks/s). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Peak resident set of a process (Linux VmHWM), in MB. */
function peakRssMb(pid) {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

const dir = makeTemp('learn');
try {
  const { child, url } = await startLearn(dir);
  const direct = new URL(sandbox.url);
  const proxied = new URL(url);

  await latencies(direct, proxied); // warm-up (JIT, connections)
  const { d, p } = await latencies(direct, proxied);
  const p50 = percentile(p, 50) - percentile(d, 50);
  const p99 = percentile(p, 99) - percentile(d, 99);
  report(
    'learn proxy: added latency p50',
    `${p50.toFixed(3)} ms (direct ${percentile(d, 50).toFixed(3)} ms, proxied ${percentile(p, 50).toFixed(3)} ms)`,
    `${(percentile(p, 50) / percentile(d, 50)).toFixed(2)}x direct`,
    '<= 0.5 ms added',
    p50 <= 0.5,
  );
  report(
    'learn proxy: added latency p99',
    `${p99.toFixed(3)} ms (direct ${percentile(d, 99).toFixed(3)} ms, proxied ${percentile(p, 99).toFixed(3)} ms)`,
    `${(percentile(p, 99) / percentile(d, 99)).toFixed(2)}x direct`,
    undefined,
    undefined,
  );

  const bareProxy = await startBare(dir);
  const bare = new URL(bareProxy.url);
  const tcpRelay = await startRelay(dir);
  const relay = new URL(tcpRelay.url);
  const rounds = { direct: [], relay: [], bare: [], learn: [] };
  for (let round = 0; round < ROUNDS; round++) {
    rounds.direct.push(await throughput('direct', direct));
    rounds.relay.push(await throughput('relay', relay, tcpRelay.child));
    rounds.bare.push(await throughput('bare', bare, bareProxy.child));
    rounds.learn.push(await throughput('learn', proxied, child));
  }
  report(
    'CPU per relayed request in the throughput rounds (context; /proc ticks of 10 ms)',
    `learn ${cpuPerRequest(child)} µs, TCP relay ${cpuPerRequest(tcpRelay.child)} µs, bare node:http proxy ${cpuPerRequest(bareProxy.child)} µs`,
    undefined,
    undefined,
    undefined,
  );
  report(
    'CPU per request of the benchmark process (load generator + sandbox) in the throughput rounds (context)',
    `direct ${benchCpuFigure('direct')}, TCP relay ${benchCpuFigure('relay')}, bare ${benchCpuFigure('bare')}, learn ${benchCpuFigure('learn')}`,
    undefined,
    undefined,
    undefined,
  );
  report(
    'Wake-ups per request in the throughput rounds (context: each wake-up of a halted CPU costs the benchmark process)',
    `direct ${wakeFigure('direct')}; TCP relay ${wakeFigure('relay')}; bare ${wakeFigure('bare')}; learn ${wakeFigure('learn')}`,
    undefined,
    undefined,
    undefined,
  );
  bareProxy.child.kill('SIGINT');
  tcpRelay.child.kill('SIGINT');
  const best = {
    direct: median(rounds.direct),
    relay: median(rounds.relay),
    bare: median(rounds.bare),
    proxied: median(rounds.learn),
  };
  const ratio = best.proxied / best.direct;
  report(
    'learn proxy: throughput, 16 keep-alive clients',
    `${best.proxied.toFixed(0)} req/s vs direct ${best.direct.toFixed(0)} req/s (medians of ${ROUNDS} interleaved rounds)`,
    `${ratio.toFixed(2)}x direct`,
    '>= 0.8x direct',
    ratio >= 0.8,
  );
  report(
    process.env.BENCH_RELAY_SPIN_US
      ? `TCP relay kept busy ${process.env.BENCH_RELAY_SPIN_US} µs per chunk (diagnosis, tcp-relay.mjs): throughput, 16 keep-alive clients`
      : 'TCP relay (no HTTP parsing; the process hop alone): throughput, 16 keep-alive clients',
    `${best.relay.toFixed(0)} req/s vs direct ${best.direct.toFixed(0)} req/s`,
    `${(best.relay / best.direct).toFixed(2)}x direct`,
    undefined,
    undefined,
  );
  report(
    'bare node:http proxy (floor of any Node proxy): throughput, 16 keep-alive clients',
    `${best.bare.toFixed(0)} req/s vs direct ${best.direct.toFixed(0)} req/s`,
    `${(best.bare / best.direct).toFixed(2)}x direct`,
    undefined,
    undefined,
  );
  report(
    'learn proxy vs bare node:http proxy: throughput',
    `${best.proxied.toFixed(0)} req/s vs ${best.bare.toFixed(0)} req/s`,
    `${(best.proxied / best.bare).toFixed(2)}x bare`,
    undefined,
    undefined,
  );

  const sent = LATENCY_SAMPLES * 2 + Math.round(((best.proxied * THROUGHPUT_MS) / 1000) * ROUNDS);
  const cpuBefore = cpuMs(child.pid);
  const firstBatch = Math.max(0, RSS_FIRST - sent);
  await drive(proxied, firstBatch);
  const rssFirst = peakRssMb(child.pid);
  if (firstBatch > 0)
    report(
      'learn proxy: CPU per request (context)',
      `${((1000 * (cpuMs(child.pid) - cpuBefore)) / firstBatch).toFixed(1)} µs of the learn process per proxied request`,
      undefined,
      undefined,
      undefined,
    );
  await drive(proxied, RSS_TOTAL - Math.max(RSS_FIRST, sent));
  const rssTotal = peakRssMb(child.pid);
  const rssRatio = rssTotal / rssFirst;
  report(
    `learn proxy: peak RSS after ${RSS_TOTAL.toLocaleString('en')} vs ${RSS_FIRST.toLocaleString('en')} requests`,
    `${rssTotal.toFixed(1)} MB vs ${rssFirst.toFixed(1)} MB`,
    `${rssRatio.toFixed(2)}x`,
    '<= 1.2x',
    rssRatio <= 1.2,
  );
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
} finally {
  rmTemp(dir);
  await sandbox.close();
}
