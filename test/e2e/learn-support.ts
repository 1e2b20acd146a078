/**
 * E2E support for `eskeys learn`: the built CLI as a long-running subprocess, the proxy URL it
 * announces on stderr, and a stop by signal.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors } from '@elastic/elasticsearch';
import { onTestFinished } from 'vitest';
import { BIN } from './rotate-support.js';

/** A running `eskeys learn`. */
export interface LearnRun {
  readonly child: ChildProcessWithoutNullStreams;
  /** The proxy URL from the "listening on" line. */
  readonly url: string;
  stdout(): string;
  stderr(): string;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** A temporary project folder, removed after the test. */
export function tempProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-learn-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `eskeys learn ARGS` in `cwd` and waits until it listens (or exits). */
export function startLearn(args: readonly string[], cwd: string): Promise<LearnRun> {
  const child = spawn(process.execPath, [BIN, 'learn', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: out, stderr: err })),
  );
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+),/.exec(err);
      if (m)
        resolve({
          child,
          url: m[1]!,
          stdout: () => out,
          stderr: () => err,
          stop: (signal = 'SIGINT') => {
            child.kill(signal);
            return exited;
          },
        });
    });
    void exited.then((r) => reject(new Error(`eskeys learn exited ${r.code} before listening: ${r.stderr}`)));
  });
}

/** Runs `eskeys learn ARGS` expected to fail before listening. */
export function runLearnToExit(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'learn', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout: out, stderr: err })));
}

/** Every file under `dir` (relative paths). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const p = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, p)).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk('');
  return out.sort();
}

/** The text of every file under `dir`. */
export function textsUnder(dir: string): string[] {
  return filesUnder(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** The HTTP status a client call ended with: 200 when it resolved, the answer's status when refused. */
export async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof errors.ResponseError) return e.statusCode ?? 0;
    throw e;
  }
}

/** The `eskeys learn` JSON report written beside the template `name` when the proxy stopped. */
export function learnReport(dir: string, name: string) {
  return JSON.parse(readFileSync(join(dir, `roles/${name}.learn-report.json`), 'utf8')) as {
    requests: number;
    observed: { action: string; names: string[]; count: number }[];
    unmapped: { method: string; api?: string; path?: string; reason: string; count: number }[];
  };
}

/** `[action, names, count]` of each observed operation of a report. */
export function observedCounts(report: ReturnType<typeof learnReport>): [string, string[], number][] {
  return report.observed.map((o) => [o.action, o.names, o.count]);
}
