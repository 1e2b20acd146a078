/**
 * Terminal conventions of the built CLI (issue 15, items 3 and 4): tables and checklists fit
 * COLUMNS or the terminal's width (`--wide` shows everything, pipes are never cut), colour only on
 * a terminal or under FORCE_COLOR and never under NO_COLOR / --no-color / --json, `--quiet` on
 * tick, the `n/N` counter on a terminal's stderr only, and inventory's worst-first order.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_PTY, runInTerminal, warnIfNoPty } from './pty-support.js';
import { BIN, makeProject, type RotationSandbox, runCli, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();
const DAY = 86_400_000;
// SGR escape: what a colour looks like on the wire.
const SGR = /\u001b\[\d+m/;
warnIfNoPty('terminal-output.test.ts');

const newEnv = () => `t${Math.random().toString(36).slice(2, 8)}`;

/** A project with every template of the repository, `email-search` publishing to .env in `env`. */
function project(env: string): string {
  return makeProject(sb, {
    templates: [
      'roles/email-search.json',
      'roles/ingest-writer.json',
      'roles/dashboard-readonly.json',
      'roles/ci-verifier.json',
    ],
    files: {
      '.env': 'APP=1\n',
      'eskeys.config.json': {
        environments: { [env]: { outputs: { 'email-search': { env_files: ['.env'] } } } },
      },
    },
  });
}

/** Makes every key of `env` `days` older (creation and expiration together), in the sandbox's state. */
function age(s: RotationSandbox, env: string, days: number): void {
  for (const k of s.sandbox.state.apiKeys.all()) {
    if (k.metadata.environment !== env) continue;
    (k as { creation: number }).creation -= days * DAY;
    if (k.expiration !== null) k.expiration -= days * DAY;
  }
}

/** A project holding email-search#1 (superseded) and #2 (active) in `env`. */
async function rotatedProject(env: string): Promise<string> {
  const dir = project(env);
  expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
  const r = await runCli(['rotate', '-t', 'email-search', '--env', env, '--yes'], dir);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

const lines = (text: string) => text.replace(/\n$/, '').split('\n');
const longest = (text: string) => Math.max(...lines(text).map((l) => l.length));

describe('tables fit the terminal', () => {
  it('status: every line within 80 columns at COLUMNS=80 (name cut with …, id and state whole); --wide and pipes show all', async () => {
    const env = newEnv();
    const dir = await rotatedProject(env);
    const narrow = await runCli(['status', '--env', env], dir, { COLUMNS: '80' });
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(longest(narrow.stdout)).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toMatch(/…/);
    expect(narrow.stdout).toMatch(new RegExp(`^email-search@${env}\\s+2\\s+…[\\w-]{4}\\s+.*\\sactive$`, 'm'));
    expect(narrow.stdout).toMatch(/\ssuperseded until \d{4}-\d\d-\d\d/m);
    const wide = await runCli(['status', '--env', env, '--wide'], dir, { COLUMNS: '80' });
    expect(longest(wide.stdout)).toBeGreaterThan(80);
    expect(wide.stdout).toContain(`email-search@${env}#2`);
    const piped = await runCli(['status', '--env', env], dir);
    // Piped without COLUMNS: nothing cut (ages tick between runs, so compare the shape).
    expect(lines(piped.stdout)[0]).toBe(lines(wide.stdout)[0]);
    expect(piped.stdout).toContain(`email-search@${env}#2`);
    expect(longest(piped.stdout)).toBeGreaterThan(80);
    const at160 = await runCli(['status', '--env', env], dir, { COLUMNS: '160' });
    expect(longest(at160.stdout)).toBeLessThanOrEqual(160);
    expect(longest(at160.stdout)).toBeGreaterThan(80);
  });

  it('matrix: at 80 columns the action column gives way; narrower, the templates come in blocks; no cell split; --wide is one full table', async () => {
    const dir = project(newEnv());
    const narrow = await runCli(['matrix'], dir, { COLUMNS: '80' });
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(longest(narrow.stdout)).toBeLessThanOrEqual(80);
    expect(lines(narrow.stdout)[0]).toMatch(
      /^operation\s+ci-verifier\s+dashboard-…\s+email-sear…\s+ingest-writ…$/,
    );
    const blocks = await runCli(['matrix'], dir, { COLUMNS: '60' });
    expect(longest(blocks.stdout)).toBeLessThanOrEqual(60);
    expect(lines(blocks.stdout).filter((l) => l.startsWith('operation')).length).toBeGreaterThan(1);
    const wide = await runCli(['matrix', '--wide'], dir, { COLUMNS: '80' });
    expect(lines(wide.stdout)[0]).toMatch(
      /^operation\s+action\s+ci-verifier\s+dashboard-readonly\s+email-search\s+ingest-writer$/,
    );
    expect(longest(wide.stdout)).toBeGreaterThan(80);
    // Every row of the wide table has the same cells, whole, in the narrow ones: nothing cut mid-cell.
    const cells = (text: string) =>
      lines(text)
        .filter((l) => /[✓✗]/.test(l))
        .map((l) => l.split(/\s{2,}/).filter((c) => /^[✓✗]/.test(c)));
    const wideCells = cells(wide.stdout);
    expect(cells(narrow.stdout)).toEqual(wideCells);
    expect(cells(blocks.stdout).flat().sort()).toEqual(wideCells.flat().sort());
    const at160 = await runCli(['matrix'], dir, { COLUMNS: '160' });
    expect(longest(at160.stdout)).toBeLessThanOrEqual(160);
  });

  it('doctor: at 80 columns messages wrap at spaces, every word whole; --wide keeps one line per check', async () => {
    const env = newEnv();
    const dir = project(env);
    const narrow = await runCli(['doctor', '--env', env], dir, { COLUMNS: '80' });
    const wide = await runCli(['doctor', '--env', env, '--wide'], dir, { COLUMNS: '80' });
    expect(narrow.code).toBe(wide.code);
    expect(longest(narrow.stdout)).toBeLessThanOrEqual(80);
    expect(longest(wide.stdout)).toBeGreaterThan(80);
    const words = (t: string) => t.split(/\s+/).filter(Boolean).sort();
    expect(words(narrow.stdout)).toEqual(words(wide.stdout));
    const at160 = await runCli(['doctor', '--env', env], dir, { COLUMNS: '160' });
    expect(longest(at160.stdout)).toBeLessThanOrEqual(160);
  });

  it('inventory: within 80 columns, critical keys first though minted last; --wide shows every column', async () => {
    const env = newEnv();
    const dir = await rotatedProject(env);
    // Scan order is creation order: this key comes last, and its findings are critical
    // (no role descriptors: it inherits the superuser `elastic`).
    const minted = await sb.admin('POST', '/_security/api_key', {
      name: `zz-minted-last-without-descriptors-${env}`,
      metadata: { environment: env },
    });
    expect(minted.status).toBe(200);
    const narrow = await runCli(['inventory', '--env', env, '--owner', 'elastic'], dir, { COLUMNS: '80' });
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(longest(narrow.stdout)).toBeLessThanOrEqual(80);
    const everyOwner = await runCli(['inventory', '--env', env], dir, { COLUMNS: '80' });
    expect(longest(everyOwner.stdout)).toBeLessThanOrEqual(80);
    const wide = await runCli(['inventory', '--env', env, '--wide'], dir, { COLUMNS: '80' });
    expect(longest(wide.stdout)).toBeGreaterThan(80);
    expect(wide.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+OWNER\s+CREATED\s+AGE\s+EXPIRES\s+MANAGED\s+FINDINGS\s+PRIVILEGES$/,
    );
    // The worst finding of each row, in the order printed: never better before worse.
    const [head, , ...rows] = wide.stdout.split('\n\n')[0]!.split('\n');
    const at = head!.indexOf('FINDINGS');
    const rank = { critical: 0, high: 1, medium: 2, info: 3, '-': 4 } as Record<string, number>;
    const order = rows.map((r) => rank[r.slice(at).split(' ')[0]!]!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[0]).toBe(0);
    expect(rows[0]).toContain('zz-minted-last');
  });
});

describe('colour', () => {
  it('only under FORCE_COLOR when piped; never with NO_COLOR, --no-color (before or after the verb) or --json', async () => {
    const env = newEnv();
    const dir = await rotatedProject(env);
    const forced = await runCli(['status', '--env', env], dir, { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(SGR);
    // SGR 32 = green around the state of the key in service (issue 15: ok green).
    expect(forced.stdout).toContain('\u001b[32mactive\u001b[39m');
    const piped = await runCli(['status', '--env', env], dir, { NO_COLOR: '' });
    expect(piped.stdout).not.toMatch(SGR);
    for (const [args, extra] of [
      [['status', '--env', env], { NO_COLOR: '1', FORCE_COLOR: '1' }],
      [['status', '--env', env, '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' }],
      [['--no-color', 'status', '--env', env], { NO_COLOR: '', FORCE_COLOR: '1' }],
      [['status', '--env', env, '--json'], { NO_COLOR: '', FORCE_COLOR: '1' }],
      [['matrix', '--json'], { NO_COLOR: '', FORCE_COLOR: '1' }],
      [['matrix', '--format', 'markdown'], { NO_COLOR: '', FORCE_COLOR: '1' }],
    ] as const) {
      const r = await runCli([...args], dir, extra);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).not.toMatch(SGR);
    }
  });

  it.skipIf(!HAS_PTY)(
    'on a terminal: colour and the terminal width, without COLUMNS; none with NO_COLOR',
    async () => {
      const env = newEnv();
      const dir = await rotatedProject(env);
      const tty = await runInTerminal(['status', '--env', env], dir, [], {
        stdout: 'tty',
        columns: 80,
        env: { NO_COLOR: '', TERM: 'xterm' },
      });
      expect(tty.code).toBe(0);
      expect(tty.tty).toMatch(SGR);
      const plain = tty.tty.replace(/\u001b\[\d+m/g, '').replace(/\r/g, '');
      expect(longest(plain)).toBeLessThanOrEqual(80);
      const noColour = await runInTerminal(['status', '--env', env], dir, [], {
        stdout: 'tty',
        columns: 80,
        env: { NO_COLOR: '1', TERM: 'xterm' },
      });
      expect(noColour.tty).not.toMatch(SGR);
    },
  );

  it('--no-color is accepted by every verb', async () => {
    const dir = project(newEnv());
    const help = await runCli(['--help'], dir);
    const verbs = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)]
      .map((m) => m[1]!)
      .filter((v) => v !== 'help');
    expect(verbs).toEqual(
      expect.arrayContaining(['status', 'matrix', 'doctor', 'inventory', 'tick', 'schedule']),
    );
    for (const verb of verbs) {
      // An unknown option after --no-color: the parse error must name that one, never --no-color.
      const r = await runCli([verb, '--no-color', '--not-an-option'], dir);
      expect(r.code, verb).toBe(2);
      expect(r.stderr, verb).not.toMatch(/--no-color/);
    }
  });
});

describe('noise: --quiet and the n/N counter', () => {
  it('tick --quiet drops the per-step lines from stderr and keeps the summary', async () => {
    const loud = newEnv();
    const quiet = newEnv();
    const dirs: Record<string, string> = {};
    for (const env of [loud, quiet]) {
      dirs[env] = project(env);
      expect((await runCli(['create', '-t', 'email-search', '--env', env], dirs[env]!)).code).toBe(0);
      age(sb, env, 91);
    }
    const l = await runCli(['tick', '--env', loud, '-t', 'email-search'], dirs[loud]!);
    const q = await runCli(['tick', '--env', quiet, '-t', 'email-search', '--quiet'], dirs[quiet]!);
    expect(l.code, l.stderr).toBe(0);
    expect(q.code, q.stderr).toBe(0);
    expect(lines(l.stderr).filter((x) => x.startsWith('→')).length).toBeGreaterThan(3);
    expect(q.stderr).toBe('');
    expect(q.stdout).toMatch(/^tick: 1 scope: 1 rotated/m);
    // Not a terminal: no counter either.
    expect(l.stderr).not.toMatch(/\d+\/\d+ email-search@/);
  });

  it('schedule --quiet: the pass log on stdout, no per-step lines on stderr', async () => {
    const env = newEnv();
    const dir = project(env);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    age(sb, env, 91);
    // A yearly cron: only the pass at start runs before the stop signal.
    const child = spawn(
      process.execPath,
      [BIN, 'schedule', '--env', env, '-t', 'email-search', '--cron', '0 0 1 1 *', '--quiet'],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1' } },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Until the first pass is logged, or the process ended on its own (a usage error).
    await new Promise<void>((resolve) => {
      child.on('close', () => resolve());
      child.stdout.on('data', (c) => {
        stdout += c;
        if (/ pass 1: /.test(stdout)) resolve();
      });
    });
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    expect(stdout).toMatch(/ pass 1: 1 scope: 1 rotated/);
    expect(stderr).toBe('');
  });

  it.skipIf(!HAS_PTY)(
    'tick on a terminal: a 1/N counter on stderr, rewritten in place and erased at the end',
    async () => {
      const env = newEnv();
      const dir = project(env);
      expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
      const r = await runInTerminal(['tick', '--env', env, '--quiet'], dir, [], { stderr: 'tty' });
      expect(r.code).toBe(0);
      // \r + ESC[2K (erase line), then the count of 4 templates in one environment.
      expect(r.tty).toContain(`\r\u001b[2K1/4 ci-verifier@${env}`);
      expect(r.tty).toContain(`\r\u001b[2K4/4`);
      expect(r.tty.endsWith('\r\u001b[2K')).toBe(true);
      expect(r.stdout).toMatch(/^tick: 4 scopes/m);
    },
  );
});

describe('verify colours its verdicts on stdout, never in a report file', () => {
  it('FORCE_COLOR: pass in green on stdout; the --output file stays plain', async () => {
    const env = newEnv();
    const dir = await rotatedProject(env);
    const forced = { NO_COLOR: '', FORCE_COLOR: '1' };
    const r = await runCli(['verify', 'email-search', '--env', env, '--format', 'table'], dir, forced);
    expect(r.code, r.stderr).toBe(0);
    // SGR 32 (green) around a passed verdict, 39 back to the default colour.
    expect(r.stdout).toContain('\u001b[32mpass\u001b[39m');
    const toFile = await runCli(
      ['verify', 'email-search', '--env', env, '--format', 'table', '--output', 'report.txt'],
      dir,
      forced,
    );
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(toFile.stdout).toMatch(SGR);
    const file = readFileSync(join(dir, 'report.txt'), 'utf8');
    expect(file).toMatch(/\bpass\b/);
    expect(file).not.toMatch(SGR);
  });
});

describe('inventory on a terminal', () => {
  it.skipIf(!HAS_PTY)(
    'counts keys per page on stderr (n/N keys) and erases the counter before the table',
    async () => {
      const env = newEnv();
      const dir = await rotatedProject(env);
      const r = await runInTerminal(['inventory', '--env', env, '--page-size', '1'], dir, [], {
        stderr: 'tty',
      });
      expect(r.code).toBe(0);
      // One update per page of one key; the total is the query API's count of matching keys.
      expect(r.tty).toMatch(/\r\u001b\[2K1\/\d+ keys/);
      expect(r.tty).toMatch(/\r\u001b\[2K2\/\d+ keys/);
      expect(r.tty).toContain('\r\u001b[2K');
      expect(r.stdout).toMatch(/^ID\s+NAME/);
      expect(r.stdout).not.toContain('keys\r');
      // Piped stderr: no counter.
      const piped = await runCli(['inventory', '--env', env, '--page-size', '1'], dir);
      expect(piped.stderr).not.toMatch(/\d+\/\d+ keys/);
    },
  );
});
