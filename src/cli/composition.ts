// The CLI's composition root: the one place that builds the Elasticsearch client and the
// adapters the rotation verbs (create, rotate, recover, revoke, tick, schedule) hand to the
// core's use cases — the journal, the audit log, the env-file store, hooks, probes and locks.

import { JsonlAuditLog } from '../adapters/audit/jsonl-audit-log.js';
import { recordingEnvFiles } from '../adapters/env-file/recording-env-files.js';
import { ProcessHookRunner } from '../adapters/hooks/process-hook-runner.js';
import { JsonlJournalStore } from '../adapters/journal/jsonl-journal-store.js';
import { acquireRotationLock } from '../adapters/lock/file-lock.js';
import type { ClusterPort } from '../core/cluster-port.js';
import type { ConnectionSettings } from '../core/config/connection.js';
import type { JournalStep } from '../core/journal/journal-entry.js';
import type { RotationServices } from '../core/ports/rotation.js';
import type { Reporter } from '../core/ports.js';
import { runProbes } from '../core/probes/run-probes.js';
import type { RunContext } from '../core/use-cases/run-context.js';
import { actorName } from './actor.js';
import type { CliContext } from './context.js';
import type { IO } from './io.js';
import { testProbeRetry } from './probe-retry.js';
import { type ClusterFlags, connectionFor, environmentName, type Project } from './project.js';

/** How a command's cluster connection behaves. */
export interface ConnectOptions {
  /**
   * doctor's connection: one quick retry and a 15 s request timeout, so an unreachable URL
   * answers fast, and no --insecure warning (its TLS check reports it in the checklist).
   * @defaultValue false
   */
  readonly diagnostic?: boolean;
}

/**
 * Builds the cluster client: the only place the ES adapter is loaded (lazily, so `--help` and
 * usage errors never load it) and the only place that warns about --insecure.
 */
export async function connectCluster(
  io: IO,
  settings: ConnectionSettings,
  opts: ConnectOptions = {},
): Promise<ClusterPort> {
  const { createEsCluster } = await import('../adapters/es/es-cluster.js');
  if (opts.diagnostic) return createEsCluster(settings, { retry: { retries: 1 }, requestTimeoutMs: 15_000 });
  return createEsCluster(settings, {
    onInsecure: () =>
      io.stderr.write('eskeys: warning: TLS verification is OFF (--insecure); do not use in production\n'),
  });
}

/** Opens the cluster as the admin identity of the environment the flags name. */
export function openCluster(ctx: CliContext, project: Project, flags: ClusterFlags): Promise<ClusterPort> {
  return ctx.connect(connectionFor(ctx, project, flags));
}

/**
 * The admin cluster of the environment the flags name, shared for the rest of the command and
 * closed when it ends (CliContext.cluster). For one-shot commands; the scheduler's passes open
 * their own, so a long-running daemon re-reads its credentials each pass.
 */
export function commandCluster(ctx: CliContext, project: Project, flags: ClusterFlags): Promise<ClusterPort> {
  return ctx.cluster(environmentName(ctx, flags), () => connectionFor(ctx, project, flags));
}

/** The use cases' run context of a command: its clock, randomness, signal, actor and the test-only crash hook. */
export function runContext(ctx: CliContext): RunContext {
  return {
    clock: ctx.clock,
    random: ctx.random,
    signal: ctx.signal,
    actor: actorName(ctx.env),
    afterStep: testCrashHook(ctx.env),
  };
}

/** Opens the rotation services for a project and environment (production: real adapters; tests: fakes). */
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

/** The production services: the ES adapter, the journal in the state folder, real hooks. */
export const openRotationServices: OpenServices = async (ctx, project, flags) => {
  const cluster = await openCluster(ctx, project, flags);
  const dir = project.stateDir;
  return {
    cluster,
    journal: new JsonlJournalStore(dir),
    audit: new JsonlAuditLog(project.auditLogPath, ctx.clock),
    envFiles: (opts) =>
      recordingEnvFiles(
        { root: project.root, display: (p) => project.projectPath(p) },
        opts,
        testLockWaitMs(ctx.env),
      ),
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
