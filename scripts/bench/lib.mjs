// Shared helpers for the benchmark scripts: timing, interleaved runs, medians, reporting.
// Benchmarks print ratios against a baseline measured in the same run, because these
// machines are noisy; absolute numbers are context, not the verdict.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The build under test: dist/, or ESKEYS_BENCH_DIST (run-all points it at a snapshot of dist/,
 * so a concurrent `npm run build` in the working tree cannot change the code mid-run).
 */
export const DIST = process.env.ESKEYS_BENCH_DIST ?? join(ROOT, 'dist');
/** The CLI under test: <DIST>/cli/bin.js, or ESKEYS_BENCH_CLI (e.g. to compare a bundled build). */
export const CLI = process.env.ESKEYS_BENCH_CLI ?? join(DIST, 'cli', 'bin.js');

/** Median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** p-th percentile (0..100) of numbers. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Runs a command to completion; resolves with wall ms, exit code, stdout, stderr. */
export function runTimed(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code, stdout, stderr }),
    );
  });
}

/**
 * Runs each named case `rounds` times, interleaved (a, b, c, a, b, c, ...) so that drift in
 * machine load hits every case alike; returns the median ms per case.
 */
export async function interleaved(cases, rounds) {
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, fn] of Object.entries(cases)) {
      const t0 = process.hrtime.bigint();
      await fn();
      times[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/**
 * Prints one result line and returns a record for the summary. Under run-all (which sets
 * BENCH_RESULTS_FILE) the record is also appended there as a JSON line.
 */
export function report(name, figure, ratio, target, ok) {
  const verdict = ok === undefined ? '' : ok ? '  [target met]' : '  [TARGET MISSED]';
  console.log(
    `${name}: ${figure}${ratio ? ` (${ratio})` : ''}${target ? `; target ${target}` : ''}${verdict}`,
  );
  const record = { name, figure, ratio, target, ok };
  if (process.env.BENCH_RESULTS_FILE)
    appendFileSync(process.env.BENCH_RESULTS_FILE, JSON.stringify(record) + '\n');
  return record;
}

/** True when `name` is an executable on PATH (or an absolute path that exists). */
export function hasCommand(name) {
  if (name.startsWith('/')) return existsSync(name);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

/** GNU time (`/usr/bin/time -v`), which reports a child's peak RSS, when present (BENCH_NO_GNU_TIME=1 ignores it). */
export const GNU_TIME =
  process.env.BENCH_NO_GNU_TIME !== '1' && existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs a command under `/usr/bin/time -v` (when present) and adds its peak RSS in MB
 * (`maxRssMb`, undefined without GNU time). time's report is stripped from stderr.
 */
export async function runMeasured(cmd, args, opts = {}) {
  if (!GNU_TIME) return { ...(await runTimed(cmd, args, opts)), maxRssMb: undefined };
  const r = await runTimed(GNU_TIME, ['-v', cmd, ...args], opts);
  const at = r.stderr.lastIndexOf('\tCommand being timed:');
  const timeReport = at >= 0 ? r.stderr.slice(at) : '';
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(timeReport)?.[1];
  const seconds = (label) =>
    Number(new RegExp(`${label} time \\(seconds\\): ([\\d.]+)`).exec(timeReport)?.[1] ?? Number.NaN);
  const cpuSeconds = seconds('User') + seconds('System');
  return {
    ...r,
    stderr: at >= 0 ? r.stderr.slice(0, at) : r.stderr,
    maxRssMb: kb ? Number(kb) / 1024 : undefined,
    cpuSeconds: Number.isNaN(cpuSeconds) ? undefined : cpuSeconds,
  };
}

/**
 * Runs the CLI (`node <CLI> ...args`) and measures its peak RSS: with GNU time when present,
 * else from inside the process (a `--import` preload prints process.resourceUsage().maxRSS on
 * exit, and the line is stripped from stderr).
 */
export async function runCliMeasured(args, opts = {}) {
  if (GNU_TIME) return runMeasured(process.execPath, [CLI, ...args], opts);
  const preload = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nBENCH_MAXRSS_KB='+process.resourceUsage().maxRSS+'\\n'))`;
  const r = await runTimed(process.execPath, ['--import', preload, CLI, ...args], opts);
  const m = /\nBENCH_MAXRSS_KB=(\d+)\n$/.exec(r.stderr);
  return {
    ...r,
    stderr: m ? r.stderr.slice(0, m.index) : r.stderr,
    maxRssMb: m ? Number(m[1]) / 1024 : undefined,
    cpuSeconds: undefined,
  };
}

/** A fresh temporary folder; remove it with `rmTemp`. */
export function makeTemp(prefix) {
  return mkdtempSync(join(tmpdir(), `eskeys-bench-${prefix}-`));
}

/** Removes a temporary folder (never throws). */
export function rmTemp(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Starts the sandbox from the built dist/ on an ephemeral port. */
export async function startBenchSandbox(opts = {}) {
  const { startSandbox } = await import(join(DIST, 'sandbox', 'index.js'));
  return startSandbox({ port: 0, ...opts });
}

/** Basic-auth header of the sandbox's `elastic` user. */
export function adminAuth(sandbox) {
  return `Basic ${Buffer.from(`${sandbox.username}:${sandbox.password}`).toString('base64')}`;
}

/**
 * A baseline command that sends one query-API request as the admin and discards the answer:
 * curl when installed, else a bare Node fetch. Returns [command, args] for runTimed.
 */
export function queryRequestCommand(sandbox, query, path = '/_security/_query/api_key') {
  const url = `${sandbox.url}${path}`;
  return hasCommand('curl')
    ? [
        'curl',
        [
          '-sS',
          '-o',
          '/dev/null',
          '-H',
          `Authorization: ${adminAuth(sandbox)}`,
          '-H',
          'Content-Type: application/json',
          '--data-binary',
          JSON.stringify(query),
          url,
        ],
      ]
    : [
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const r = await fetch(${JSON.stringify(url)}, { method: 'POST', headers: { authorization: ${JSON.stringify(adminAuth(sandbox))}, 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(query))} }); await r.text();`,
        ],
      ];
}

/** One JSON request as `elastic` (setup only; never part of a measured figure). */
export async function adminFetch(sandbox, method, path, body) {
  const res = await fetch(sandbox.url + path, {
    method,
    headers: { authorization: adminAuth(sandbox), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Mints an API key as `elastic`; resolves with `{ id, encoded }`. */
export async function mintKey(sandbox, roleDescriptors, name = 'bench-key', metadata = {}) {
  const r = await adminFetch(sandbox, 'POST', '/_security/api_key', {
    name,
    role_descriptors: roleDescriptors,
    metadata,
  });
  return { id: r.id, encoded: r.encoded };
}

/** ESKEYS_* variables pointing a CLI child at the sandbox as `elastic`, nothing else inherited. */
export function cliEnv(sandbox, extra = {}) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    ...(sandbox
      ? { ESKEYS_URL: sandbox.url, ESKEYS_USERNAME: sandbox.username, ESKEYS_PASSWORD: sandbox.password }
      : {}),
    ...extra,
  };
}

/** Runs `fn` on every item with at most `limit` in flight; resolves with the results in order. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** `12.3 MB`. */
export const mb = (x) => (x === undefined ? 'n/a' : `${x.toFixed(1)} MB`);
/** `1.23 s` or `123 ms`. */
export const dur = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/**
 * The `_bulk` body (NDJSON) indexing log documents `start` to `end - 1` with ids `d<i>`: the data
 * the sandbox search and memory benchmarks hold (20 services, 3 statuses, a long, a text field
 * and a date ten minutes apart from 2024-01-01).
 */
export function logBulkBody(start, end) {
  const base = Date.UTC(2024, 0, 1);
  const lines = [];
  for (let i = start; i < end; i++) {
    lines.push(JSON.stringify({ index: { _id: `d${i}` } }));
    lines.push(
      JSON.stringify({
        service: `svc-${i % 20}`,
        status: ['ok', 'warn', 'error'][i % 3],
        bytes: (i * 37) % 5000,
        message: `request ${i % 2 ? 'served' : 'failed'} by node-${i % 5}`,
        '@timestamp': new Date(base + i * 600_000).toISOString(),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
