// The CLI's composition of the rotation: the services the rotation verbs (create, rotate,
// recover, revoke, tick, schedule) hand to the core's rotation engine — the ES adapter, the
// journal, the audit log, the env-file store, hooks, probes and the rotation lock.

import { mkdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { JsonlAuditLog } from '../../adapters/audit/jsonl-audit-log.js';
import { EnvFileStore } from '../../adapters/env-file/env-file-store.js';
import { ProcessHookRunner } from '../../adapters/hooks/process-hook-runner.js';
import { JsonlJournalStore } from '../../adapters/journal/jsonl-journal-store.js';
import { acquireRotationLock } from '../../adapters/lock/file-lock.js';
import type { ClusterPort } from '../../core/cluster-port.js';
import {
  applyEnvUpdates,
  maskedEnvDiff,
  parseEnv,
  readEnvVar,
  removeEnvVars,
} from '../../core/env-file/edit-env.js';
import type { JournalReader, JournalStep, JournalWriter } from '../../core/journal/journal-entry.js';
import type { Reporter } from '../../core/ports.js';
import { runProbes } from '../../core/probes/run-probes.js';
import type { EnvFilesPort, HookRunner, ProbeRunner, RotationAuditLog } from '../../core/rotation/ports.js';
import { Secret } from '../../core/secret.js';
import type { CliContext } from '../context.js';
import type { IO } from '../io.js';
import { testProbeRetry } from '../probe-retry.js';
import { type ClusterFlags, openCluster, type Project, stateDirOf } from '../project.js';
import type { FileDiff } from '../render/rotation-report.js';

/** An EnvFilesPort that also remembers a masked diff of every file it changed (for the report). */
export interface RecordingEnvFiles extends EnvFilesPort {
  readonly diffs: FileDiff[];
  /** The masked diff a change would make, without writing (dry-run). */
  preview(path: string, vars: Readonly<Record<string, Secret | string>>): Promise<FileDiff>;
  /**
   * preview under the file's edit lock, before any key exists: a lock a killed eskeys left is
   * taken over now, and one a live process holds is LockedError (exit 4) before anything is minted.
   */
  preflight(path: string, vars: Readonly<Record<string, Secret | string>>): Promise<FileDiff>;
}

/** The rotation lock of one (template, environment). */
export interface RotationLock {
  release(): Promise<void> | void;
}

/** How the rotation's env files are accessed. */
export interface EnvFilesOptions {
  readonly followSymlinks: boolean;
  /** Values masked in diffs. */
  readonly secretVars: readonly string[];
  /** Permission bits of written files (the template's outputs.mode). @defaultValue 0o600 */
  readonly mode?: number;
}

/** Everything the rotation verbs use besides the context; tests inject fakes through `openServices`. */
export interface RotationServices {
  readonly cluster: ClusterPort;
  readonly journal: JournalWriter & JournalReader;
  readonly audit: RotationAuditLog;
  envFiles(opts: EnvFilesOptions): RecordingEnvFiles;
  readonly hooks: HookRunner;
  readonly probes: ProbeRunner;
  /** Takes the local rotation lock; throws LockedError (exit 4) when another process holds it. */
  lock(name: string): Promise<RotationLock>;
  close(): Promise<void>;
}

/** Opens the services for a project (production: real adapters). */
export type OpenServices = (
  ctx: CliContext,
  project: Project,
  flags: ClusterFlags,
) => Promise<RotationServices>;

/** Progress lines on stderr (`→ creating key …`), warnings prefixed; nothing on stdout. Project paths shown relative. */
export function stderrReporter(io: IO, root?: string): Reporter {
  const rel = (m: string) => (root ? m.split(`${root}/`).join('') : m);
  return {
    step: (m) => io.stderr.write(`→ ${rel(m)}\n`),
    warn: (m) => io.stderr.write(`eskeys: warning: ${rel(m)}\n`),
  };
}

/** Paths relative to the project root for reports (absolute paths are noisy and leak home dirs). */
export function displayPath(project: Project, file: string): string {
  return file.startsWith(project.root + '/') ? file.slice(project.root.length + 1) : file;
}

function storeEnvFiles(
  project: Project,
  opts: EnvFilesOptions,
  lockWaitMs: number | undefined,
): RecordingEnvFiles {
  const store = new EnvFileStore({ cwd: project.root, lockWaitMs });
  const access = { followSymlinks: opts.followSymlinks, mode: opts.mode };
  const diffs: FileDiff[] = [];
  const diffOf = (path: string, before: string, after: string): FileDiff => ({
    file: displayPath(project, path),
    diff: maskedEnvDiff(before, after, opts.secretVars),
  });
  /** What this rotation wrote to each file, and which variables: rollback undoes only that. */
  const written = new Map<string, { text: string; names: string[] }>();
  const preview = async (path: string, vars: Readonly<Record<string, Secret | string>>) => {
    const before = (await store.read(path, access)) ?? '';
    const plain = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, v instanceof Secret ? v.reveal() : v]),
    );
    return diffOf(path, before, applyEnvUpdates(before, plain).text);
  };
  return {
    diffs,
    async update(path, vars) {
      await mkdir(dirname(path), { recursive: true });
      const { before, after } = await store.update(path, vars, access);
      written.set(path, { text: after, names: Object.keys(vars) });
      diffs.push(diffOf(path, before ?? '', after));
      return { before };
    },
    async restore(path, before) {
      // Under the file's edit lock, like update: another rotation may be editing it right now.
      await store.withLock(path, async () => {
        const mine = written.get(path);
        const current = await store.read(path, access);
        if (!mine || current === undefined || current === mine.text) {
          // Untouched since this rotation wrote it: put back exactly what was there. A file that
          // did not exist before is removed again, not left with the dead key.
          if (before === undefined) await unlink(path).catch(() => undefined);
          else await store.write(path, before, access);
          return;
        }
        // Another rotation (a template sharing this file) has written it since: writing back the
        // old text would erase the key it published. Undo only this rotation's variables.
        const old = parseEnv(before ?? '');
        const back = Object.fromEntries(
          mine.names.filter((n) => old.has(n)).map((n) => [n, old.get(n)!] as const),
        );
        const text = removeEnvVars(
          applyEnvUpdates(current, back).text,
          mine.names.filter((n) => !old.has(n)),
        );
        await store.write(path, text, access);
      });
    },
    async readVar(path, name) {
      const text = await store.read(path, { followSymlinks: true });
      const v = text === undefined ? undefined : readEnvVar(text, name);
      return v === undefined ? undefined : new Secret(v);
    },
    preview,
    // The project-relative name, so a held lock's message names `.env`, not a temp-dir path.
    preflight: (path, vars) => store.withLock(displayPath(project, path), () => preview(path, vars)),
  };
}

/** The production services: the ES adapter, the journal in the state folder, real hooks. */
export const openRotationServices: OpenServices = async (ctx, project, flags) => {
  const cluster = await openCluster(ctx, project, flags);
  const dir = stateDirOf(project);
  return {
    cluster,
    journal: new JsonlJournalStore(dir),
    audit: new JsonlAuditLog(join(dir, 'audit.jsonl'), ctx.clock),
    envFiles: (opts) => storeEnvFiles(project, opts, testLockWaitMs(ctx.env)),
    // No stop signal for hooks: they run only after publish, when consumers may already be
    // restarting with the new key. A stop request lets the restart and health check finish
    // (bounded by their timeouts) and the rotation roll forward; killing a half-done
    // `docker compose restart` and rolling back could leave restarted consumers on a dead key.
    hooks: new ProcessHookRunner({ cwd: project.root, baseEnv: ctx.env }),
    probes: (input) => runProbes({ ...input, retry: input.retry ?? testProbeRetry(ctx.env) }),
    lock: (name) => acquireRotationLock(dir, name),
    close: () => cluster.close(),
  };
};

/**
 * Test-only: `ESKEYS_TEST_LOCK_WAIT_MS` shortens how long an env-file edit waits for a live
 * holder of the file's edit lock (10 s otherwise), so the e2e suite can show the exit 4 a held
 * lock gives without waiting 10 s. Never set it outside tests.
 */
export function testLockWaitMs(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const v = Number(env.ESKEYS_TEST_LOCK_WAIT_MS);
  return env.ESKEYS_TEST_LOCK_WAIT_MS && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/**
 * The test-only crash hook: `ESKEYS_TEST_CRASH_AFTER=<step>` kills the process with SIGKILL
 * right after that step's journal entry is durable, so tests can exercise `eskeys recover`
 * on a genuinely interrupted rotation. Never set it outside tests.
 */
export function testCrashHook(
  env: Readonly<Record<string, string | undefined>>,
): ((step: JournalStep) => void) | undefined {
  const at = env.ESKEYS_TEST_CRASH_AFTER;
  if (!at) return undefined;
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}
