// Runs every benchmark in turn, each in a process of its own, then prints a summary table.
// Writes nothing unless `--write-docs`, which replaces the results section of docs/BENCHMARKS.md
// (between the bench:results markers) with this run's table, date and machine.
//
//   npm run bench                                   (= npm run build && node scripts/bench/run-all.mjs)
//   node scripts/bench/run-all.mjs --only fleet,status-100k
//   node scripts/bench/run-all.mjs --write-docs
//
// Exits non-zero only when a benchmark crashed; a missed target is reported, not fatal.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { makeTemp, ROOT, rmTemp } from './lib.mjs';

/** Every benchmark, in the order they run. The sandbox ones belong to the sandbox engineer. */
const BENCHES = [
  'startup',
  'verify-vs-curl',
  'request-economy',
  'fleet',
  'status-100k',
  'inventory-100k',
  'sandbox-throughput',
  'sandbox-query',
  'sandbox-search',
  'sandbox-memory',
  'learn-proxy',
];

/**
 * Scripts that print `target …: met|NOT met` instead of calling lib.mjs `report`: the line that
 * carries their figure (fallback: the line before the target line).
 */
const FIGURE_LINES = {
  'sandbox-throughput': /^sandbox: /,
  'sandbox-query': /^filtered query page/,
  'sandbox-search': /^terms\+date_histogram aggregation/,
  'sandbox-memory': /^second /,
};

const args = process.argv.slice(2);
const writeDocs = args.includes('--write-docs');
const onlyArg = args.find((a, i) => a.startsWith('--only=') || args[i - 1] === '--only');
const only = onlyArg ? (onlyArg.startsWith('--only=') ? onlyArg.slice(7) : onlyArg).split(',') : undefined;
const DOCS = join(ROOT, 'docs', 'BENCHMARKS.md');

/** Runs one script with its output passed through; resolves with exit code and stdout. */
function runScript(file, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      process.stdout.write(d);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}

/** Results of a script that prints `target …: met|NOT met` lines. */
function parseTargetLines(bench, stdout) {
  const lines = stdout.split('\n').filter((l) => l.trim());
  const out = [];
  lines.forEach((line, i) => {
    const m = /^target (.+?): (met|NOT met)\b/.exec(line.trim());
    if (!m) return;
    const pattern = FIGURE_LINES[bench];
    const figureLine =
      (pattern &&
        lines
          .slice(0, i)
          .reverse()
          .find((l) => pattern.test(l))) ??
      lines[i - 1] ??
      '';
    const ratio = /\(([^()]*)\)\s*$/.exec(figureLine)?.[1];
    out.push({
      name: bench,
      figure: figureLine.replace(/\s*\([^()]*\)\s*$/, ''),
      ratio,
      target: m[1],
      ok: m[2] === 'met',
    });
  });
  return out;
}

const started = new Date();
const loadBefore = loadavg();
const tmp = makeTemp('run-all');
// A snapshot of dist/: others may rebuild the working tree while the benchmarks run.
const snapshot = join(tmp, 'build');
mkdirSync(snapshot);
cpSync(join(ROOT, 'dist'), join(snapshot, 'dist'), { recursive: true });
copyFileSync(join(ROOT, 'package.json'), join(snapshot, 'package.json'));
symlinkSync(join(ROOT, 'node_modules'), join(snapshot, 'node_modules'), 'dir');
const rows = [];
const crashed = [];
const skipped = [];
try {
  for (const bench of BENCHES) {
    if (only && !only.includes(bench)) continue;
    const file = join(ROOT, 'scripts', 'bench', `${bench}.mjs`);
    if (!existsSync(file)) {
      console.log(`\n== ${bench}: not present yet; skipped`);
      skipped.push(bench);
      continue;
    }
    console.log(`\n== ${bench}`);
    const resultsFile = join(tmp, `${bench}.jsonl`);
    const t0 = performance.now();
    const { code, stdout } = await runScript(file, {
      BENCH_RESULTS_FILE: resultsFile,
      ESKEYS_BENCH_DIST: join(snapshot, 'dist'),
    });
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    let results = existsSync(resultsFile)
      ? readFileSync(resultsFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
    if (results.length === 0) results = parseTargetLines(bench, stdout);
    if (results.length === 0 && /skipped/.test(stdout)) skipped.push(bench);
    for (const r of results) rows.push({ bench, ...r });
    if (code !== 0) {
      crashed.push(bench);
      console.log(`== ${bench}: CRASHED (exit ${code}) after ${secs} s`);
    } else {
      console.log(`== ${bench}: done in ${secs} s`);
    }
  }
} finally {
  rmTemp(tmp);
}

const loadAfter = loadavg();
const load = `load average ${loadBefore[0].toFixed(1)} at the start, ${loadAfter[0].toFixed(1)} at the end (1-minute)`;
const verdict = (ok) => (ok === undefined ? '–' : ok ? 'yes' : '**no**');
const esc = (s) => String(s ?? '').replace(/\|/g, '\\|');
const table = [
  '| benchmark | figure | ratio | target | met? |',
  '|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${esc(r.name)} | ${esc(r.figure)} | ${esc(r.ratio)} | ${esc(r.target ?? '–')} | ${verdict(r.ok)} |`,
  ),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;

console.log(`\n== summary (${machine}; ${load})\n`);
console.log(table.replace(/\*\*/g, ''));
const missed = rows.filter((r) => r.ok === false).length;
console.log(
  `\n${rows.length} results, ${rows.filter((r) => r.ok === true).length} targets met, ${missed} missed${skipped.length ? `; skipped: ${skipped.join(', ')}` : ''}${crashed.length ? `; CRASHED: ${crashed.join(', ')}` : ''}`,
);

if (writeDocs) {
  const START = '<!-- bench:results:start -->';
  const END = '<!-- bench:results:end -->';
  const section = [
    START,
    `Run of ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}` +
      (only ? ` (only: ${only.join(', ')})` : '') +
      `; ${load}.`,
    '',
    table,
    ...(skipped.length
      ? ['', `Skipped (script not present or prerequisite missing): ${skipped.join(', ')}.`]
      : []),
    ...(crashed.length ? ['', `Crashed: ${crashed.join(', ')}.`] : []),
    END,
  ].join('\n');
  const text = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOCS}: the ${START} … ${END} markers are missing`);
  writeFileSync(DOCS, text.slice(0, a) + section + text.slice(b + END.length));
  console.log(`\nwrote the results table to ${DOCS}`);
}
if (crashed.length) process.exitCode = 1;
