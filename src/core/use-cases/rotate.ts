// The rotate/create use case: one (template, environment) planned and run without prompts — the
// rotation services wired to the rotation engine (planRotation, rotateKey). `eskeys rotate`,
// `eskeys create` and the scheduler's pass session all run it.

import type { ClusterPort } from '../cluster-port.js';
import { EnvFileSyntaxError } from '../env-file/edit-env.js';
import { ConfigError, LockedError, PartialFailureError, UsageError } from '../errors.js';
import { openRotations } from '../journal/plan-recovery.js';
import type { RecordingEnvFiles, RotationServices } from '../ports/rotation.js';
import type { Workspace } from '../ports/workspace.js';
import type { Reporter } from '../ports.js';
import { type ManagedKey, parseManagedKeys } from '../rotation/key-metadata.js';
import { findLateKeys, lateKeyReason } from '../rotation/late-keys.js';
import type { EffectiveOutputs } from '../rotation/outputs.js';
import { type ProceedPlan, planRotation } from '../rotation/plan-rotation.js';
import { type RotationOutcome, rotateKey } from '../rotation/rotate-key.js';
import { templateHash } from '../rotation/template-hash.js';
import type { RoleTemplate } from '../templates/schema.js';
import type { RunContext } from './run-context.js';

function newRotationId(ctx: RunContext): string {
  return `${ctx.clock
    .now()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${ctx.random.hex(8)}`;
}

/**
 * Minting keys with role descriptors needs a user, not an API key: Elasticsearch lets an
 * API-key caller create only derived keys whose descriptors grant nothing ("creating derived
 * api keys requires an explicit role descriptor that is empty", reference §5), and never lets
 * it update a key (§4.6), which retire needs. Fail before anything is created.
 */
export function requireUserAdmin(cluster: ClusterPort): void {
  if (cluster.adminAuthKind === 'api_key') {
    throw new ConfigError(
      'the admin identity is an API key, which Elasticsearch allows to mint only keys without privileges and never to update keys; authenticate eskeys as a user (ESKEYS_USERNAME/ESKEYS_PASSWORD) holding manage_api_key and every privilege the template delegates',
    );
  }
}

/**
 * Refuses, before any key exists, an env file that publish could not update (bad quoting on the
 * key's line, a symlink that is not allowed, an unreadable file, an edit lock a live process
 * holds): otherwise the rotation would mint and probe a key only to invalidate it again at publish.
 */
async function preflightEnvFiles(
  envFiles: RecordingEnvFiles,
  outputs: EffectiveOutputs,
  project: Pick<Workspace, 'projectPath'>,
) {
  // A stand-in of the real value's shape (base64 with padding), so quoting decisions match.
  const sample = 'A'.repeat(58) + '==';
  const vars: Record<string, string> = { [outputs.keyVar]: sample };
  if (outputs.idVar) vars[outputs.idVar] = 'A'.repeat(20);
  for (const path of outputs.envFiles) {
    try {
      await envFiles.preflight(path, vars);
    } catch (error) {
      throw error instanceof EnvFileSyntaxError ? error.inFile(project.projectPath(path)) : error;
    }
  }
}

/** A rotation of one (template, environment), planned without prompts (rotate, create and tick run it). */
export interface PreparedRotation {
  readonly plan: ProceedPlan;
  readonly template: RoleTemplate;
  readonly templateHash: string;
  readonly outputs: EffectiveOutputs;
  readonly envFiles: RecordingEnvFiles;
  /** `template@environment`. */
  readonly scopeName: string;
}

/** What {@link prepareRotation} needs; nothing here prompts. */
export interface PrepareRotationInput {
  readonly ctx: RunContext;
  readonly services: RotationServices;
  readonly reporter: Reporter;
  readonly template: RoleTemplate;
  readonly environment: string;
  readonly outputs: EffectiveOutputs;
  readonly mode: 'create' | 'rotate';
  /** `--grace`, overriding the template's rotation.grace. */
  readonly grace?: string;
  /** `--now`. */
  readonly immediate?: boolean;
  /** Dry run: an interrupted rotation in the journal is a warning instead of an error. */
  readonly dryRun?: boolean;
  /** The scope's managed keys when the caller has just read them under the lock (saves a query). */
  readonly keys?: readonly ManagedKey[];
}

/**
 * Plans the rotation of one (template, environment) without asking anything: refuses when the
 * journal holds an interrupted rotation of it (PartialFailureError, exit 5: recover first),
 * reads its managed keys (unless given) and plans. Throws LockedError when another host's
 * rotation is in progress (the cluster-visible guard) and UsageError when `create` finds a key.
 * The caller holds the scope's lock (except on a dry run).
 */
export async function prepareRotation(input: PrepareRotationInput): Promise<PreparedRotation> {
  const { ctx, services, template, environment, outputs } = input;
  const scope = { template: template.name, environment };
  const scopeName = `${template.name}@${environment}`;
  const hash = templateHash(template.role_descriptors);
  // An interrupted rotation of this key must be finished or undone before a new one starts:
  // its pending key would block the plan, and its files may hold a half-published state.
  const entries = await services.journal.readAll(scope);
  const interrupted = openRotations(entries).filter(
    (p) => p.template === template.name && p.environment === environment,
  );
  if (interrupted.length > 0) {
    const p = interrupted[0]!;
    const message = `an interrupted rotation of ${scopeName} (${p.rotation}, stopped at ${p.lastStep}) is in the journal; run \`eskeys recover\` first`;
    if (!input.dryRun) throw new PartialFailureError(message);
    input.reporter.warn(message);
  }
  const keys = input.keys ?? parseManagedKeys(await services.cluster.findManagedKeys(scope));
  const plan = planRotation({
    mode: input.mode,
    template,
    templateHash: hash,
    environment,
    keys,
    now: ctx.clock.now(),
    graceOverride: input.grace,
    immediate: input.immediate,
    adminUsername: services.cluster.adminUsername,
  });
  if (plan.action === 'blocked') {
    // The pending key may be this host's own: a create the cluster ran after this host's
    // rotation had given up on it. Nobody else is rotating; recover invalidates it.
    const own = findLateKeys(entries, [plan.blocking], ctx.clock.now())[0];
    if (own) {
      throw new PartialFailureError(
        `${lateKeyReason(own.key, own.rotation.rotation)}; run \`eskeys recover\` to invalidate it, then rotate again`,
      );
    }
    throw new LockedError(plan.reason);
  }
  if (plan.action === 'refused') throw new UsageError(plan.reason);
  const envFiles = services.envFiles({
    followSymlinks: outputs.followSymlinks,
    secretVars: [outputs.keyVar],
    mode: outputs.mode,
  });
  return { plan, template, templateHash: hash, outputs, envFiles, scopeName };
}

/**
 * Runs a prepared rotation without asking anything: warns when the key is delivered nowhere,
 * refuses an env file publish could not update (before any key exists), then runs the state
 * machine (rotateKey) with the context's signal, journal and audit log.
 */
export async function executeRotation(input: {
  readonly ctx: RunContext;
  readonly project: Pick<Workspace, 'projectPath'>;
  readonly services: RotationServices;
  readonly reporter: Reporter;
  readonly prepared: PreparedRotation;
  /** `rotate --strict`: never narrow an old key at retire (exit 5 instead). */
  readonly strictRetire?: boolean;
}): Promise<RotationOutcome> {
  const { ctx, project, services, reporter, prepared } = input;
  const { plan, template, outputs, envFiles } = prepared;
  if (outputs.envFiles.length === 0) {
    reporter.warn(
      `${prepared.scopeName} has no env files (outputs.env_files): the new key is minted and verified but delivered nowhere`,
    );
  }
  await preflightEnvFiles(envFiles, outputs, project);
  return rotateKey(
    {
      cluster: services.cluster,
      clock: ctx.clock,
      random: ctx.random,
      reporter,
      journal: services.journal,
      audit: services.audit,
      envFiles,
      hooks: services.hooks,
      probes: services.probes,
      signal: ctx.signal,
      afterStep: ctx.afterStep,
    },
    {
      plan,
      template,
      templateHash: prepared.templateHash,
      outputs,
      actor: ctx.actor,
      rotationId: newRotationId(ctx),
      strictRetire: input.strictRetire,
    },
  );
}
