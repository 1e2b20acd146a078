import { actorName } from '../actor.js';
// The CLI's composition of recovery: interrupted rotations from the journal rolled back or
// forward by the core's recoverRotation, with the rotation services and the template's outputs
// wired in. `eskeys recover` and the scheduler's pass both run it.

import { isEskeysError } from '../../core/errors.js';
import type { RotationProgress } from '../../core/journal/plan-recovery.js';
import type { Reporter } from '../../core/ports.js';
import { type RecoveryResult, recoverRotation } from '../../core/rotation/recover-rotation.js';
import type { CliContext } from '../context.js';
import type { Project } from '../project.js';
import type { RotationLock, RotationServices } from './services.js';
import { loadTemplate, resolveOutputs } from './targets.js';

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
  readonly ctx: CliContext;
  readonly project: Project;
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
      const access = await resolveAccess(ctx, project, p.template, p.environment);
      const result = await recoverRotation(
        {
          cluster: services.cluster,
          clock: ctx.clock,
          reporter,
          journal: services.journal,
          audit: services.audit,
          envFiles: services.envFiles({
            ...access,
            secretVars: [p.plan.keyVar ?? 'ELASTICSEARCH_API_KEY'],
          }),
          hooks: services.hooks,
          actor: actorName(ctx.env),
          outputsFor: async (template, environment) => {
            try {
              return resolveOutputs(
                project,
                (await loadTemplate(ctx, project, template)).template,
                environment,
              );
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
  ctx: CliContext,
  project: Project,
  template: string,
  environment: string,
): Promise<{ followSymlinks: boolean; mode?: number }> {
  try {
    const o = resolveOutputs(project, (await loadTemplate(ctx, project, template)).template, environment);
    return { followSymlinks: o.followSymlinks, mode: o.mode };
  } catch {
    return { followSymlinks: false };
  }
}
