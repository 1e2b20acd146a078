// The scheduler pass's session of one environment: the EnvironmentSession runPass drives,
// built from the same use cases the rotation verbs run (rotate.ts, recover.ts).

import { ConfigError, ExitCode, isEskeysError } from '../errors.js';
import { openRotations } from '../journal/plan-recovery.js';
import type { RotationServices } from '../ports/rotation.js';
import { CONFIG_FILE, type Workspace } from '../ports/workspace.js';
import type { Reporter } from '../ports.js';
import { parseManagedKeys } from '../rotation/key-metadata.js';
import { invalidateLateKeys } from '../rotation/late-keys.js';
import { revokeKeys } from '../rotation/plan-revoke.js';
import { templateHash } from '../rotation/template-hash.js';
import type { EnvironmentSession, PassRecovery, PassTemplate } from '../scheduler/pass.js';
import { REVIEW_DUE } from '../scheduler/review.js';
import { resolveEnvironment } from '../templates/load-template.js';
import { DEFAULT_ENVIRONMENT } from '../templates/schema.js';
import { recoverOpenRotations } from './recover.js';
import { executeRotation, prepareRotation, requireUserAdmin } from './rotate.js';
import type { RunContext } from './run-context.js';

/**
 * One environment's session of a scheduler pass (runPass): recovery, key lookups, locks, the
 * rotate/create use case, revocation and review reminders over the rotation services, without
 * prompts — so a pass rotates exactly as `eskeys rotate` does.
 */
export function createPassSession(input: {
  readonly ctx: RunContext;
  readonly project: Workspace;
  /** The environment's rotation services; the session closes them. */
  readonly services: RotationServices;
  readonly environment: string;
  readonly reporter: Reporter;
}): EnvironmentSession {
  const { ctx, project, services, environment, reporter } = input;
  const { actor } = ctx;
  const rel = (line: string) => line.split(`${project.root}/`).join('');
  return {
    async recover({ templates, dryRun }) {
      const entries = await services.journal.readAll();
      // Keys the cluster minted after a rotation here had given up on its create (late-keys.ts).
      const late: PassRecovery[] = (
        await invalidateLateKeys(
          { cluster: services.cluster, clock: ctx.clock, audit: services.audit, actor },
          entries,
          environment,
          {
            dryRun,
            templates,
          },
        )
      ).map((l) => ({
        template: l.template,
        environment: l.environment,
        rotation: l.rotation,
        outcome: dryRun ? 'planned' : 'rolled_back',
        decision: 'roll_back',
        reason: l.reason,
        actions: [l.action],
        exitCode: ExitCode.ok,
      }));
      const open = openRotations(entries).filter(
        (p) => p.environment === environment && (!templates || templates.includes(p.template)),
      );
      if (open.length === 0) return late;
      const { results, problems } = await recoverOpenRotations({
        ctx,
        project,
        services,
        reporter,
        open,
        dryRun,
      });
      const out: PassRecovery[] = late.concat(
        results.map((r) => ({
          template: r.template,
          environment: r.environment,
          rotation: r.rotation,
          outcome: r.outcome,
          decision: r.decision.action,
          reason: r.decision.reason,
          actions: r.actions.map(rel),
          interruptedAt: r.interruptedAt,
          exitCode: ExitCode.ok,
        })),
      );
      for (const p of problems) {
        const progress = open.find((o) => o.rotation === p.rotation)!;
        const locked = p.exitCode === ExitCode.locked;
        out.push({
          template: progress.template,
          environment: progress.environment,
          rotation: p.rotation,
          outcome: locked ? 'locked' : 'failed',
          reason: rel(p.error),
          actions: [],
          interruptedAt: progress.lastStep,
          exitCode: locked ? 0 : p.exitCode,
        });
      }
      return out;
    },
    findKeys: async () => parseManagedKeys(await services.cluster.findManagedKeys({ environment })),
    findScopeKeys: async (template) =>
      parseManagedKeys(await services.cluster.findManagedKeys({ template, environment })),
    lock: (scope) => services.lock(scope),
    async rotate(template, mode, keys) {
      requireUserAdmin(services.cluster);
      const outputs = project.outputs(template, environment);
      await project.guardOutputs({ template, file: template.name }, environment, outputs);
      const prepared = await prepareRotation({
        ctx,
        services,
        reporter,
        template,
        environment,
        outputs,
        mode,
        keys,
      });
      for (const w of prepared.plan.warnings) reporter.warn(w);
      return executeRotation({ ctx, project, services, reporter, prepared });
    },
    revoke: (keys) => revokeKeys(services, keys, { actor, reason: 'grace period over' }),
    async remindReview(d) {
      await services.audit.append({
        type: REVIEW_DUE,
        template: d.template,
        environment: d.environment,
        keyId: d.current?.info.id,
        actor,
        details: {
          review_every: d.review.every,
          due_at: d.review.dueAt?.toISOString() ?? null,
          last_completed_at: d.review.lastCompleted?.toISOString() ?? null,
        },
      });
    },
    envFilesOf(template) {
      try {
        return project.outputs(template, environment).envFiles;
      } catch {
        return []; // the scope's own rotation reports the outputs problem
      }
    },
    close: () => services.close(),
  };
}

/** Environments a pass covers: the one named (--env/ESKEYS_ENV), else every configured one, else `default`. */
export function environmentsOfPass(project: Workspace, named: string | undefined): string[] {
  if (named) {
    resolveEnvironment(project.config, named); // ConfigError (exit 2) for an unknown name
    return [named];
  }
  const configured = Object.keys(project.config.environments).sort();
  return configured.length > 0 ? configured : [DEFAULT_ENVIRONMENT];
}

/**
 * The templates a pass covers (`only`, else every template of the templates folder), each loaded
 * or with the error that kept it from loading; ConfigError (exit 2) when there are none.
 */
export async function templatesOfPass(
  project: Workspace,
  only: string | undefined,
  reporter: Reporter,
): Promise<PassTemplate[]> {
  const names = only ? [only] : await project.templateNames();
  if (names.length === 0) {
    throw new ConfigError(
      `no templates in ${project.config.templates_dir}/ (templates_dir of ${CONFIG_FILE}): nothing to schedule`,
    );
  }
  const out: PassTemplate[] = [];
  for (const name of names) {
    try {
      const { template, warnings } = await project.scopeTemplate(name);
      for (const w of warnings) reporter.warn(w);
      out.push({ name: template.name, template, hash: templateHash(template.role_descriptors) });
    } catch (error) {
      // --template naming a broken or missing template is a usage problem of the whole run.
      if (only || !isEskeysError(error)) throw error;
      out.push({ name, error: { message: error.message, exitCode: error.exitCode } });
    }
  }
  return out;
}
