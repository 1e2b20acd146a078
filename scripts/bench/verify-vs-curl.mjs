// Verify: `eskeys verify` with 12 probes against a sequential curl script issuing the same 12
// requests (same methods, paths and bodies, built by the probe runner's own request builders in
// dist/core/probes) against the same sandbox, as the same key. Interleaved rounds, medians.
// Target: eskeys within 2x the bare-Node floor (a Node script sending the same 12 requests with
// node:http and nothing else loaded); the curl script is printed for context, with no target.
//
// Both sides run key-only, as in CI: ESKEYS_URL plus the key in an environment variable, no admin
// credentials. The fixture template (fixtures/verify-12.json) is chosen so that all twelve probes
// run live and none creates a throwaway resource, so eskeys sends exactly the twelve probe
// requests and nothing else (checked below with the sandbox's request counter).
//
// Reproduce: npm run build && node scripts/bench/verify-vs-curl.mjs   (BENCH_ROUNDS=10)
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CLI,
  cliEnv,
  DIST,
  hasCommand,
  interleaved,
  makeTemp,
  median,
  mintKey,
  ROOT,
  report,
  rmTemp,
  runTimed,
  startBenchSandbox,
} from './lib.mjs';

const FIXTURE = join(ROOT, 'scripts', 'bench', 'fixtures', 'verify-12.json');
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const results = [];

/** Single-quotes a string for bash. */
const sq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** The twelve requests, in the order eskeys issues them (index.create gate, writers, dependants). */
async function probeRequests(template) {
  const { planProbes } = await import(join(DIST, 'core', 'probes', 'plan.js'));
  const { probeRequest } = await import(join(DIST, 'core', 'probes', 'requests.js'));
  const plan = planProbes(template, { tag: 'b3ec0000', adminAvailable: false, at: new Date().toISOString() });
  const statics = plan.probes.filter((p) => p.staticReason);
  if (statics.length > 0)
    throw new Error(`fixture has static probes: ${statics.map((p) => p.key).join(', ')}`);
  const gate = plan.probes.filter((p) => p.op.id === 'index.create' && p.expected === 'allow');
  const rest = plan.probes.filter((p) => !gate.includes(p));
  const ordered = [...gate, ...rest.filter((p) => !p.after), ...rest.filter((p) => p.after)];
  return ordered.map((p) => ({ key: p.key, ...probeRequest(p.op.id, p.target) }));
}

/**
 * The same requests from a bare Node script (node:http, keep-alive, sequential, nothing else
 * loaded): the floor any Node CLI pays before doing any work of its own (process start-up
 * plus twelve round trips). Comparing eskeys with it separates "what eskeys adds" from
 * "what Node costs", which the curl comparison mixes.
 */
function nodeFloorScript(url, requests) {
  const reqs = requests.map((r) => ({
    method: r.method,
    path: `${r.path}${r.querystring ? `?${new URLSearchParams(r.querystring)}` : ''}`,
    body: r.bulkBody
      ? r.bulkBody.map((l) => JSON.stringify(l)).join('\n') + '\n'
      : r.body === undefined
        ? undefined
        : JSON.stringify(r.body),
    type: r.bulkBody ? 'application/x-ndjson' : 'application/json',
  }));
  return `import http from 'node:http';
const agent = new http.Agent({ keepAlive: true });
const base = new URL(${JSON.stringify(url)});
const reqs = ${JSON.stringify(reqs)};
const send = (r) => new Promise((resolve, reject) => {
  const headers = { authorization: 'ApiKey ' + process.env.BENCH_KEY };
  if (r.body !== undefined) headers['content-type'] = r.type;
  const q = http.request({ host: base.hostname, port: base.port, method: r.method, path: r.path, agent, headers }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  q.on('error', reject);
  q.end(r.body);
});
const codes = [];
for (const r of reqs) codes.push(await send(r));
agent.destroy();
console.log(codes.join(' '));
`;
}

/** A bash script of sequential curl calls, one per request; prints each status code. */
function curlScript(url, headerFile, requests) {
  const lines = ['#!/usr/bin/env bash', 'set -e'];
  for (const r of requests) {
    const qs = r.querystring ? `?${new URLSearchParams(r.querystring)}` : '';
    const args = ['curl', '-sS', '-o', '/dev/null', '-w', sq('%{http_code}\\n'), '-H', sq(`@${headerFile}`)];
    args.push('-X', r.method);
    if (r.bulkBody) {
      const ndjson = r.bulkBody.map((l) => JSON.stringify(l)).join('\n') + '\n';
      args.push('-H', sq('Content-Type: application/x-ndjson'), '--data-binary', sq(ndjson));
    } else if (r.body !== undefined) {
      args.push('-H', sq('Content-Type: application/json'), '--data-binary', sq(JSON.stringify(r.body)));
    }
    args.push(sq(`${url}${r.path}${qs}`));
    lines.push(args.join(' '));
  }
  return lines.join('\n') + '\n';
}

if (!hasCommand('curl')) {
  console.log('verify-vs-curl: curl is not installed; skipped');
} else {
  const { parseTemplate } = await import(join(DIST, 'core', 'templates', 'load-template.js'));
  const { template } = parseTemplate(
    await readFile(FIXTURE, 'utf8'),
    'scripts/bench/fixtures/verify-12.json',
  );
  const sandbox = await startBenchSandbox();
  const dir = makeTemp('verify');
  try {
    const key = await mintKey(sandbox, template.role_descriptors, 'bench-verify-12');
    const requests = await probeRequests(template);
    const headerFile = join(dir, 'auth.header');
    writeFileSync(headerFile, `Authorization: ApiKey ${key.encoded}\n`, { mode: 0o600 });
    const script = join(dir, 'probes.sh');
    writeFileSync(script, curlScript(sandbox.url, headerFile, requests), { mode: 0o700 });
    const floorScript = join(dir, 'probes.mjs');
    writeFileSync(floorScript, nodeFloorScript(sandbox.url, requests));
    const env = cliEnv(undefined, { ESKEYS_URL: sandbox.url, BENCH_KEY: key.encoded });
    const verifyArgs = [CLI, 'verify', '--template', FIXTURE, '--key-env', 'BENCH_KEY', '--format', 'json'];

    // Warm-up and sanity: eskeys passes every probe with exactly the twelve requests.
    sandbox.counters.reset();
    const first = await runTimed(process.execPath, verifyArgs, { cwd: dir, env });
    const sent = sandbox.counters.total();
    if (first.code !== 0) {
      // eskeys itself failed (a probe or the sandbox changed under it): nothing to time.
      const why = (first.stderr.trim() || first.stdout.slice(0, 300)).split('\n').at(-1);
      results.push(
        report(
          'verify: eskeys verify vs the bare-Node floor (same 12 requests)',
          `not measured: eskeys verify exited ${first.code} (${why})`,
          undefined,
          '<= 2x bare-Node floor',
          false,
        ),
      );
    } else {
      const probeReport = JSON.parse(first.stdout);
      sandbox.counters.reset();
      const curl = await runTimed('bash', [script], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
      if (curl.code !== 0) throw new Error(`curl script exited ${curl.code}: ${curl.stderr.trim()}`);
      const curlSent = sandbox.counters.total();
      console.log(
        `verify: ${probeReport.results?.length ?? '?'} probes, eskeys sent ${sent} requests, the curl script ${curlSent}; statuses ${curl.stdout.trim().split('\n').join(' ')}`,
      );

      // `load`: the shipped CLI loading everything verify loads before its first request (the
      // verb, the template loader and the Elasticsearch adapter), then stopping at --help.
      const probePhase = [];
      const medians = await interleaved(
        {
          eskeys: async () => {
            const r = await runTimed(process.execPath, verifyArgs, { cwd: dir, env });
            if (r.code !== 0) throw new Error(`eskeys verify exited ${r.code}: ${r.stderr.trim()}`);
            probePhase.push(JSON.parse(r.stdout).duration_ms);
          },
          curl: () => runTimed('bash', [script], { cwd: dir, env: { PATH: process.env.PATH ?? '' } }),
          nodeFloor: () =>
            runTimed(process.execPath, [floorScript], { cwd: dir, env: { BENCH_KEY: key.encoded } }),
          bareNode: () => runTimed(process.execPath, ['-e', ''], { cwd: dir }),
        },
        rounds,
      );
      console.log(
        `verify: inside eskeys the 12 probes took a median ${median(probePhase).toFixed(0)} ms; bare \`node -e ""\` takes ${medians.bareNode.toFixed(0)} ms; a bare Node script sending the same 12 requests takes ${medians.nodeFloor.toFixed(0)} ms (${(medians.nodeFloor / medians.curl).toFixed(2)}x the curl script: the floor of any Node CLI)`,
      );
      const floorRatio = medians.eskeys / medians.nodeFloor;
      results.push(
        report(
          'verify: eskeys verify vs the bare-Node floor (same 12 requests)',
          `${medians.eskeys.toFixed(0)} ms vs ${medians.nodeFloor.toFixed(0)} ms`,
          `${floorRatio.toFixed(2)}x`,
          '<= 2x bare-Node floor',
          floorRatio <= 2,
        ),
      );
      results.push(
        report(
          'verify: eskeys verify, 12 probes, vs curl (context)',
          `${medians.eskeys.toFixed(0)} ms vs sequential curl script ${medians.curl.toFixed(0)} ms`,
          `${(medians.eskeys / medians.curl).toFixed(2)}x`,
          undefined,
          undefined,
        ),
      );
    }
  } finally {
    rmTemp(dir);
    await sandbox.close();
  }
}
export default results;
