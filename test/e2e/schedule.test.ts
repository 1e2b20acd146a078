import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  type CliRun,
  envValue,
  expectNoSecretLeak,
  makeProject,
  readProjectFile,
  runCli,
  statusKeys,
  useRotationSandbox,
} from './rotate-support.js';

const sb = useRotationSandbox();
const DAY = 86_400_000;

/** A long-running `eskeys schedule` whose output tests can wait on. */
interface Daemon {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves when `pattern` shows up in stdout or stderr (rejects after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Resolves with the exit once the process ended. */
  readonly exited: Promise<CliRun>;
}

function startSchedule(args: string[], cwd: string): Daemon {
  const child = spawn(process.execPath, [BIN, 'schedule', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1' },
  });
  const d: Daemon = {
    child,
    stdout: '',
    stderr: '',
    waitFor(pattern, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(d.stdout) || pattern.test(d.stderr)) {
            clearInterval(timer);
            clearTimeout(limit);
            resolve();
          }
        };
        const timer = setInterval(check, 50);
        const limit = setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${d.stdout}\nstderr:\n${d.stderr}`));
        }, ms);
        check();
      });
    },
    exited: new Promise((resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal, stdout: d.stdout, stderr: d.stderr }));
    }),
  };
  child.stdout.on('data', (c) => (d.stdout += c));
  child.stderr.on('data', (c) => (d.stderr += c));
  return d;
}

function project(env: string, restart?: object) {
  return makeProject(sb, {
    files: {
      '.env': 'APP=1\n',
      'eskeys.config.json': {
        environments: {
          [env]: { outputs: { 'email-search': { env_files: ['.env'], ...(restart ? { restart } : {}) } } },
        },
      },
    },
  });
}

/** Every key of `env` looks `days` older (creation and expiration move back together). */
function age(env: string, days: number): void {
  for (const k of sb.sandbox.state.apiKeys.all()) {
    if (k.metadata.environment !== env) continue;
    (k as { creation: number }).creation -= days * DAY;
    if (k.expiration !== null) k.expiration -= days * DAY;
  }
}

const ISO_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

describe('eskeys schedule', { timeout: 120_000 }, () => {
  it('runs a pass at start and on every firing, never twice at once; SIGTERM stops it cleanly (exit 0)', async () => {
    const env = `s${Math.random().toString(36).slice(2, 8)}`;
    const dir = project(env);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    age(env, 91);
    const d = startSchedule(['--env', env, '--cron', '* * * * * *'], dir);
    await d.waitFor(/pass 3: /);
    d.child.kill('SIGTERM');
    const run = await d.exited;
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(
      lines.every((l) => ISO_LINE.test(l)),
      run.stdout,
    ).toBe(true);
    expect(lines[0]).toMatch(/scheduler started: cron "\* \* \* \* \* \*"; next pass /);
    expect(run.stdout).toMatch(/ pass 1: 1 scope: 1 rotated, 1 review due; exit 0; next pass /);
    expect(run.stdout).toMatch(new RegExp(` {3}email-search@${env} rotated: email-search@${env}#2 replaces`));
    expect(run.stdout).toMatch(/ pass 2: 1 scope: 1 up to date, 1 review due; exit 0/);
    expect(run.stdout).toMatch(/ stop requested/);
    expect(lines.at(-1)).toMatch(/scheduler stopped after \d+ passes \(exit 0\)$/);
    // Passes are strictly one after another.
    const passNumbers = [...run.stdout.matchAll(/ pass (\d+): /g)].map((m) => Number(m[1]));
    expect(passNumbers).toEqual(passNumbers.map((_, i) => i + 1));
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env && k.state !== 'invalidated');
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    expectNoSecretLeak(sb, dir, [run]);
  });

  it('SIGTERM during the restart hook: the rotation rolls forward (the hook finishes), then it exits 0', async () => {
    const env = `s${Math.random().toString(36).slice(2, 8)}`;
    const dir = project(env);
    expect((await runCli(['create', '-t', 'email-search', '--env', env], dir)).code).toBe(0);
    // From now on its consumer restarts slowly: long enough to be stopped in the middle.
    writeFileSync(
      join(dir, 'eskeys.config.json'),
      JSON.stringify({
        environments: {
          [env]: {
            outputs: {
              'email-search': { env_files: ['.env'], restart: { command: 'sleep 3', timeout: '60s' } },
            },
          },
        },
      }),
    );
    age(env, 91);
    const before = readProjectFile(dir, '.env');
    const d = startSchedule(['--env', env, '--json'], dir);
    await d.waitFor(/→ restarting: sleep 3/);
    d.child.kill('SIGTERM');
    const run = await d.exited;
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(['started', 'stopping', 'pass', 'stopped']);
    expect(events[0]).toMatchObject({ cron: '17 * * * *', timezone: null });
    expect(events[1]).toMatchObject({ waiting_for_pass: true });
    // Consumers may already run the new key: the hook was left to finish and the rotation completed.
    expect(events[2].scopes[0]).toMatchObject({ status: 'rotated' });
    expect(events[3]).toMatchObject({ passes: 1, exit_code: 0 });
    const after = readProjectFile(dir, '.env');
    expect(envValue(after, 'ELASTICSEARCH_API_KEY')).not.toBe(envValue(before, 'ELASTICSEARCH_API_KEY'));
    const keys = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(keys.map((k) => [k.generation, k.state])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    expect((await runCli(['recover'], dir)).stdout).toMatch(/no interrupted rotation/);
    expect(envValue(before, 'ELASTICSEARCH_API_KEY')).toBeTruthy();
    expectNoSecretLeak(sb, dir, [run]);
  });

  it('--no-run-on-start waits for the first firing; a bad cron expression is exit 2 before anything runs', async () => {
    const env = `s${Math.random().toString(36).slice(2, 8)}`;
    const dir = project(env);
    const bad = await runCli(['schedule', '--cron', '61 * * * *'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^eskeys: --cron\/--timezone: "61 \* \* \* \*" is not a cron expression \(minute/,
    );
    // Flags that would fail every pass are refused at start, not left to fail hourly.
    const zero = await runCli(['schedule', '--concurrency', '0'], dir);
    expect(zero).toMatchObject({
      code: 2,
      stderr: 'eskeys: --concurrency 0: expected a whole number from 1 to 64\n',
    });
    const nope = await runCli(['schedule', '-t', 'nope'], dir);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toMatch(/^eskeys: .*nope/);
    const cfg = makeProject(sb, { files: { 'eskeys.config.json': { scheduler: { cron: 'every hour' } } } });
    const badConfig = await runCli(['schedule'], cfg);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(
      /eskeys: eskeys\.config\.json: \/scheduler: "every hour" is not a cron expression/,
    );

    const d = startSchedule(
      ['--env', env, '--no-run-on-start', '--cron', '0 0 1 1 *', '--timezone', 'UTC'],
      dir,
    );
    await d.waitFor(/scheduler started: cron "0 0 1 1 \*" \(UTC\); next pass \d{4}-01-01T00:00:00\.000Z/);
    d.child.kill('SIGINT');
    const run = await d.exited;
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/ pass 1/);
    expect(run.stdout).toMatch(/scheduler stopped after 0 passes \(exit 0\)/);
  });
});
