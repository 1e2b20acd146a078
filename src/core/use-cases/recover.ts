// The recover use case: interrupted rotations from the journal rolled back or forward by the
// rotation engine's recoverRotation, with the rotation services and the template's outputs
// wired in. `eskeys recover` and the scheduler's pass session both run it.

import { type EskeysError, ExitCode, isEskeysError } from '../errors.js';
import type { JournalEntry } from '../journal/journal-entry.js';
import type { RotationProgress } from '../journal/plan-recovery.js';
import type { RotationLock, RotationServices } from '../ports/rotation.js';
import type { Workspace } from '../ports/workspace.js';
import type { Reporter } from '../ports.js';
import { invalidateLateKeys, type LateKeyResult } from '../rotation/late-keys.js';
import { type RecoveryResult, recoverRotation } from '../rotation/recover-rotation.js';
import { DEFAULT_KEY_VAR } from '../templates/schema.js';
import type { RunContext } from './run-context.js';

/** An interrupted rotation recover could not finish (locked: still running; partial: needs a human). */
export interface RecoveryProblem {
  readonly rotation: string;
  /** `template@environment`. */
  readonly scope: string;
  readonly error: string;
  readonly exitCode: number;
}

/**
 * Rolls each open rotation back or forward, without asking: takes the scope's lock (a rotation
 * still running holds it, so it is reported as locked, not touched), reads the facts and
 * carries out recoverRotation's decision. A failure of one rotation does not stop the others;
 * non-eskeys errors (bugs) propagate. `recover` and the scheduler's pass both run it.
 */
export async function recoverOpenRotations(input: {
  readonly ctx: RunContext;
  readonly project: Workspace;
  readonly services: RotationServices;
  readonly reporter: Reporter;
  readonly open: readonly RotationProgress[];
  readonly dryRun?: boolean;
  readonly onResult?: (result: RecoveryResult) => void;
}): Promise<{ results: RecoveryResult[]; problems: RecoveryProblem[] }> {
  const { ctx, project, services, reporter } = input;
  const results: RecoveryResult[] = [];
  const problems: RecoveryProblem[] = [];
  for (const p of input.open) {
    const scope = `${p.template}@${p.environment}`;
    let lock: RotationLock | undefined;
    try {
      // A rotation still running holds the lock: it is in progress, not interrupted.
      if (!input.dryRun) lock = await services.lock(scope);
      const access = await resolveAccess(project, p.template, p.environment);
      const result = await recoverRotation(
        {
          cluster: services.cluster,
          clock: ctx.clock,
          reporter,
          journal: services.journal,
          audit: services.audit,
          envFiles: services.envFiles({
            ...access,
            secretVars: [p.plan.keyVar ?? DEFAULT_KEY_VAR],
          }),
          hooks: services.hooks,
          actor: ctx.actor,
          outputsFor: async (template, environment) => {
            try {
              return project.outputs((await project.scopeTemplate(template)).template, environment);
            } catch {
              return undefined;
            }
          },
        },
        p,
        { dryRun: input.dryRun },
      );
      results.push(result);
      input.onResult?.(result);
    } catch (error) {
      if (!isEskeysError(error)) throw error;
      problems.push({ rotation: p.rotation, scope, error: error.message, exitCode: error.exitCode });
      reporter.warn(`${scope}: ${error.message}`);
    } finally {
      await lock?.release();
    }
  }
  return { results, problems };
}

/** How recovery writes the scope's env files: the template's follow_symlinks and mode, else the safe defaults. */
async function resolveAccess(
  project: Workspace,
  template: string,
  environment: string,
): Promise<{ followSymlinks: boolean; mode?: number }> {
  try {
    const o = project.outputs((await project.scopeTemplate(template)).template, environment);
    return { followSymlinks: o.followSymlinks, mode: o.mode };
  } catch {
    return { followSymlinks: false };
  }
}

/** A failure to look for late keys in an environment, as a problem of the run. */
function lateProblem(environment: string, error: EskeysError): RecoveryProblem {
  return { rotation: '-', scope: `*@${environment}`, error: error.message, exitCode: error.exitCode };
}

/**
 * `eskeys recover` across environments: in each environment with an interrupted rotation or a
 * create the journal gave up on, invalidates keys the cluster minted late (late-keys.ts), then
 * rolls the open rotations back or forward (recoverOpenRotations). Each environment may name its
 * own cluster, so its rotations are recovered through its own services (opened here, closed
 * after), never through another environment's: a key id looked up on the wrong cluster would read
 * as "never created". An environment that cannot be opened is a problem of each of its rotations.
 */
export async function recoverEnvironments(input: {
  readonly ctx: RunContext;
  readonly project: Workspace;
  /** The services of `here`, the environment the command was run for. */
  readonly services: RotationServices;
  readonly here: string;
  readonly reporter: Reporter;
  readonly entries: readonly JournalEntry[];
  readonly open: readonly RotationProgress[];
  /** The environments to visit, sorted. */
  readonly environments: readonly string[];
  readonly dryRun?: boolean;
  openServices(environment: string): Promise<RotationServices>;
  readonly onLateKey?: (late: LateKeyResult) => void;
  readonly onResult?: (result: RecoveryResult) => void;
}): Promise<{ results: RecoveryResult[]; problems: RecoveryProblem[]; lateKeys: LateKeyResult[] }> {
  const { ctx, services, reporter } = input;
  const results: RecoveryResult[] = [];
  const problems: RecoveryProblem[] = [];
  const lateKeys: LateKeyResult[] = [];
  for (const environment of input.environments) {
    const group = input.open.filter((p) => p.environment === environment);
    let envServices = services;
    if (environment !== input.here) {
      try {
        envServices = await input.openServices(environment);
      } catch (error) {
        // Whatever kept the environment from opening (a bad connection in its config, a bug):
        // its rotations stay interrupted, exit 5 unless the error says otherwise.
        const message = (error as Error).message;
        for (const p of group) {
          problems.push({
            rotation: p.rotation,
            scope: `${p.template}@${p.environment}`,
            error: message,
            exitCode: isEskeysError(error) ? error.exitCode : ExitCode.partialFailure,
          });
          reporter.warn(`cannot recover ${p.template}@${environment}: ${message}`);
        }
        // Only an old journal entry brought this environment here (it may since have left the
        // configuration): a warning, not a failed recovery.
        if (group.length === 0) {
          reporter.warn(`cannot check ${environment} for keys created after eskeys gave up: ${message}`);
        }
        continue;
      }
    }
    try {
      try {
        const late = await invalidateLateKeys(
          { cluster: envServices.cluster, clock: ctx.clock, audit: envServices.audit, actor: ctx.actor },
          input.entries,
          environment,
          { dryRun: input.dryRun },
        );
        lateKeys.push(...late);
        for (const l of late) input.onLateKey?.(l);
      } catch (error) {
        if (!isEskeysError(error)) throw error;
        problems.push(lateProblem(environment, error));
        reporter.warn(`${environment}: ${error.message}`);
      }
      if (group.length === 0) continue;
      const outcome = await recoverOpenRotations({
        ctx,
        project: input.project,
        services: envServices,
        reporter,
        open: group,
        dryRun: input.dryRun,
        onResult: input.onResult,
      });
      results.push(...outcome.results);
      problems.push(...outcome.problems);
    } finally {
      if (envServices !== services) await envServices.close();
    }
  }
  return { results, problems, lateKeys };
}
