// The recover use case: interrupted rotations from the journal rolled back or forward by the
// rotation engine's recoverRotation, with the rotation services and the template's outputs
// wired in. `eskeys recover` and the scheduler's pass session both run it.

import { isEskeysError } from '../errors.js';
import type { RotationProgress } from '../journal/plan-recovery.js';
import type { RotationLock, RotationServices } from '../ports/rotation.js';
import type { Workspace } from '../ports/workspace.js';
import type { Reporter } from '../ports.js';
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
