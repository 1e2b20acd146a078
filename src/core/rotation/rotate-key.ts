import type { AuditValue } from '../audit/audit-event.js';
import type { ClusterPort } from '../cluster-port.js';
import { CancelledError, ClusterBusyError, PartialFailureError } from '../errors.js';
import type { JournalData, JournalPhase, JournalStep, JournalWriter } from '../journal/journal-entry.js';
import type { Clock, Random, Reporter } from '../ports.js';
import type { ProbeReport } from '../probes/types.js';
import type { Secret } from '../secret.js';
import type { RoleTemplate } from '../templates/schema.js';
import { type ManagedKey, type ManagedKeyMetadata, mergeMetadata, parseManagedKeys } from './key-metadata.js';
import type { EffectiveOutputs } from './outputs.js';
import { type ProceedPlan, rivalThatWins } from './plan-rotation.js';
import type { EnvFilesPort, HookRunner, ProbeRunner, RotationAuditLog } from './ports.js';
import { type RetiredKey, retireKeys, strictHoldMessage } from './retire-keys.js';

/** Everything the rotation engine talks to, injected (tests pass fakes). */
export interface RotationDeps {
  readonly cluster: ClusterPort;
  readonly clock: Clock;
  readonly random: Random;
  readonly reporter: Reporter;
  readonly journal: JournalWriter;
  readonly audit: RotationAuditLog;
  readonly envFiles: EnvFilesPort;
  readonly hooks: HookRunner;
  readonly probes: ProbeRunner;
  readonly signal?: AbortSignal;
  /**
   * Called after each step's `done` entry is durable. The CLI uses it for the test-only
   * crash hook (ESKEYS_TEST_CRASH_AFTER); production passes nothing.
   */
  readonly afterStep?: (step: JournalStep) => void | Promise<void>;
}

/** One planned rotation, ready to run. */
export interface RotationInput {
  readonly plan: ProceedPlan;
  readonly template: RoleTemplate;
  readonly templateHash: string;
  readonly outputs: EffectiveOutputs;
  /** `user@host`, recorded in key metadata and audit events. */
  readonly actor: string;
  readonly rotationId: string;
  /** False on clusters known to predate expiration updates (8.13); absent = try. */
  readonly supportsExpirationUpdate?: boolean;
  /**
   * `rotate --strict`: when retiring an old key would narrow it (the admin no longer holds all
   * its privileges), leave it untouched and end with PartialFailureError (exit 5).
   */
  readonly strictRetire?: boolean;
}

/** The key this rotation minted (never its secret). */
export interface NewKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly generation: number;
  readonly expiration?: Date;
}

/** How a rotation ended when it did not throw. */
export type RotationOutcome =
  | {
      readonly status: 'completed';
      readonly rotationId: string;
      readonly key: NewKeyInfo;
      readonly report: ProbeReport;
      readonly published: readonly string[];
      readonly retired: readonly RetiredKey[];
    }
  | {
      /** A probe failed: the new key is invalidated, consumers untouched (exit 1). */
      readonly status: 'verify_failed';
      readonly rotationId: string;
      readonly key: NewKeyInfo;
      readonly report: ProbeReport;
    }
  | {
      /** The restart hook or health check failed: env files restored, new key invalidated (exit 1). */
      readonly status: 'restart_failed';
      readonly rotationId: string;
      readonly key: NewKeyInfo;
      readonly report: ProbeReport;
      readonly detail: string;
    }
  | {
      /** Another host created a key first (cluster guard): ours is invalidated (exit 4). */
      readonly status: 'lost_race';
      readonly rotationId: string;
      readonly key: NewKeyInfo;
      readonly rival: ManagedKey;
    };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one rotation (or first creation) through the lifecycle of DESIGN.md: create → verify
 * → publish → restart → activate → retire. Each step is journaled before and after. Until the
 * new key is published the old one is untouched, and any failure before retire rolls back to
 * it (files restored from memory, new key invalidated), so consumers always hold a valid key.
 * Throws PartialFailureError when a rollback or retire itself fails (exit 5, `eskeys recover`).
 */
export async function rotateKey(deps: RotationDeps, input: RotationInput): Promise<RotationOutcome> {
  const { plan, template, outputs, rotationId } = input;
  const scope = { template: plan.template, environment: plan.environment };
  const journal = async (step: JournalStep, phase: JournalPhase, data?: JournalData) => {
    await deps.journal.append({
      v: 1,
      rotation: rotationId,
      at: deps.clock.now().toISOString(),
      ...scope,
      step,
      phase,
      data,
    });
  };
  const after = async (step: JournalStep) => {
    await deps.afterStep?.(step);
  };
  const audit = async (type: string, keyId: string | undefined, details: Record<string, AuditValue>) => {
    await deps.audit.append({
      type,
      ...scope,
      keyId,
      actor: input.actor,
      details: { rotation: rotationId, ...details },
    });
  };
  const superseded = plan.current ? [plan.current, ...plan.otherActive] : [...plan.otherActive];

  await journal('plan', 'done', {
    mode: plan.mode,
    keyName: plan.name,
    generation: plan.generation,
    oldKeyId: plan.current?.info.id,
    retireIds: [...superseded, ...plan.cutShort].map((k) => k.info.id),
    immediate: plan.immediate,
    ...(input.strictRetire ? { strictRetire: true } : {}),
    grace: plan.grace,
    files: outputs.envFiles,
    keyVar: outputs.keyVar,
    idVar: outputs.idVar,
    restart: outputs.restart !== undefined || outputs.healthCheck !== undefined,
  });
  if (deps.signal?.aborted) {
    await journal('finish', 'done', { outcome: 'abandoned', reason: 'cancelled before create' });
    throw new CancelledError('cancelled before any key was created');
  }

  // --- create -------------------------------------------------------------------------
  const metadata: ManagedKeyMetadata = {
    managed_by: 'eskeys',
    template: plan.template,
    environment: plan.environment,
    template_hash: input.templateHash,
    generation: plan.generation,
    predecessor: plan.current?.info.id,
    created_by: input.actor,
    rotation_id: rotationId,
    state: 'pending',
    rotate_every: template.rotation.every,
    grace: plan.grace,
    review_every: template.rotation.review,
  };
  // Audit before the credential exists (USE-CASES §4: "written before a credential is issued").
  await audit('rotation.started', undefined, {
    mode: plan.mode,
    name: plan.name,
    generation: plan.generation,
    predecessor: plan.current?.info.id ?? null,
    expiration: plan.expiration ?? 'none',
    template_hash: input.templateHash,
  });
  deps.reporter.step(`creating key ${plan.name}`);
  await journal('create', 'begin', { keyName: plan.name });
  let created: { id: string; name: string; expiration?: Date; encoded: Secret };
  try {
    created = await deps.cluster.createApiKey({
      name: plan.name,
      roleDescriptors: template.role_descriptors,
      expiration: plan.expiration,
      metadata: Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined)),
    });
  } catch (error) {
    await journal('create', 'failed', { reason: message(error) });
    // A lost response may hide a key the cluster did create; it carries our rotation id.
    try {
      const orphans = parseManagedKeys(await deps.cluster.findManagedKeys(scope)).filter(
        (k) => k.meta.rotation_id === rotationId && !k.info.invalidated,
      );
      if (orphans.length > 0) await deps.cluster.invalidateApiKeys(orphans.map((k) => k.info.id));
    } catch (cleanup) {
      throw new PartialFailureError(
        `creating key ${plan.name} failed (${message(error)}) and eskeys could not check whether the cluster created it (${message(cleanup)}); run \`eskeys recover\``,
        { cause: error },
      );
    }
    await journal('finish', 'done', { outcome: 'failed', reason: message(error) });
    await audit('rotation.failed', undefined, { step: 'create', reason: message(error) });
    throw error;
  }
  const key: NewKeyInfo = {
    id: created.id,
    name: created.name,
    generation: plan.generation,
    expiration: created.expiration,
  };
  await journal('create', 'done', { keyId: key.id, keyName: key.name });
  await audit('key.created', key.id, {
    name: key.name,
    generation: key.generation,
    expiration: key.expiration?.toISOString() ?? null,
  });
  await after('create');

  /** Restores written files (newest first), then invalidates the new key; journals the outcome. */
  const rollback = async (reason: string, backups: Map<string, string | undefined>) => {
    deps.reporter.step(`rolling back: ${reason}`);
    await journal('rollback', 'begin', { keyId: key.id, reason });
    const failures: string[] = [];
    for (const [file, before] of [...backups].reverse()) {
      try {
        await deps.envFiles.restore(file, before);
      } catch (error) {
        failures.push(`restoring ${file}: ${message(error)}`);
      }
    }
    // Files first, key second: a file must never hold a key that is already dead.
    try {
      await deps.cluster.invalidateApiKeys([key.id]);
    } catch (error) {
      failures.push(`invalidating new key ${key.name}: ${message(error)}`);
    }
    if (failures.length > 0) {
      await journal('rollback', 'failed', { keyId: key.id, reason: failures.join('; ') });
      await audit('rotation.failed', key.id, { step: 'rollback', reason: failures.join('; ') });
      throw new PartialFailureError(
        `rotation of ${plan.template}@${plan.environment} failed (${reason}) and its rollback is incomplete (${failures.join('; ')}); run \`eskeys recover\``,
      );
    }
    await journal('rollback', 'done', { keyId: key.id });
    await journal('finish', 'done', { outcome: 'rolled_back', reason });
    await audit('rotation.rolled_back', key.id, { reason });
  };
  const noFiles = new Map<string, string | undefined>();

  // --- cluster guard: a rival rotation on another host -----------------------------------
  try {
    const keys = parseManagedKeys(await deps.cluster.findManagedKeys(scope));
    const mine = keys.find((k) => k.info.id === key.id);
    const rival = rivalThatWins(
      { id: key.id, creation: mine?.info.creation ?? deps.clock.now() },
      plan.knownKeyIds,
      keys,
      deps.clock.now(),
    );
    if (rival) {
      await rollback(`another rotation created ${rival.info.name} first`, noFiles);
      return { status: 'lost_race', rotationId, key, rival };
    }
  } catch (error) {
    if (error instanceof PartialFailureError) throw error;
    await rollback(`checking for concurrent rotations failed: ${message(error)}`, noFiles);
    throw error;
  }

  // --- verify ---------------------------------------------------------------------------
  if (deps.signal?.aborted) {
    await rollback('cancelled', noFiles);
    throw new CancelledError('cancelled; the new key was invalidated');
  }
  deps.reporter.step(
    `verifying ${key.name} with ${template.probes.allow.length + template.probes.deny.length} probes`,
  );
  // The probe run's tag names its per-run resources: journaled first, so recover can remove
  // exactly those if this process dies before the probes' teardown.
  const probeTag = deps.random.hex(8);
  await journal('verify', 'begin', { keyId: key.id, probeTag });
  let report: ProbeReport;
  try {
    report = await deps.probes({
      cluster: deps.cluster,
      template,
      environment: plan.environment,
      key: { id: key.id, encoded: created.encoded },
      random: deps.random,
      tag: probeTag,
      clock: deps.clock,
      signal: deps.signal,
      adminAvailable: true,
      reporter: deps.reporter,
    });
  } catch (error) {
    await journal('verify', 'failed', { keyId: key.id, reason: message(error) });
    await rollback(`probes could not run: ${message(error)}`, noFiles);
    throw error;
  }
  const unjudged = report.results.filter((r) => r.verdict === 'inconclusive');
  if (!report.passed && report.results.every((r) => r.verdict === 'pass' || r.verdict === 'inconclusive')) {
    // Busy is not denied: the key may be fine, but an unproven key is never published.
    const names = unjudged.map((r) => `${r.op} (${r.expected}: ${r.got})`).join(', ');
    await journal('verify', 'failed', { keyId: key.id, reason: `inconclusive probes: ${names}` });
    await rollback(`verification inconclusive: the cluster was busy`, noFiles);
    throw new ClusterBusyError(
      `cluster ${deps.cluster.url} was busy: verification of ${key.name} is inconclusive (${names}); the new key was invalidated and no consumer was touched; rotate again later`,
    );
  }
  if (!report.passed) {
    const failed = report.results.filter((r) => r.verdict !== 'pass').map((r) => `${r.op} (${r.expected})`);
    await journal('verify', 'failed', { keyId: key.id, reason: `failed probes: ${failed.join(', ')}` });
    await audit('key.verify_failed', key.id, { name: key.name, failed });
    await rollback(`verification failed: ${failed.join(', ')}`, noFiles);
    return { status: 'verify_failed', rotationId, key, report };
  }
  await journal('verify', 'done', { keyId: key.id });
  await audit('key.verified', key.id, { name: key.name, probes: report.results.length });
  await after('verify');

  // --- publish --------------------------------------------------------------------------
  if (deps.signal?.aborted) {
    await rollback('cancelled', noFiles);
    throw new CancelledError('cancelled; the new key was invalidated');
  }
  const vars: Record<string, Secret | string> = { [outputs.keyVar]: created.encoded };
  if (outputs.idVar) vars[outputs.idVar] = key.id;
  const backups = new Map<string, string | undefined>();
  await journal('publish', 'begin', { keyId: key.id, files: outputs.envFiles });
  for (const file of outputs.envFiles) {
    deps.reporter.step(`publishing to ${file}`);
    await journal('publish_file', 'begin', { file });
    try {
      const { before } = await deps.envFiles.update(file, vars);
      backups.set(file, before);
    } catch (error) {
      await journal('publish_file', 'failed', { file, reason: message(error) });
      await rollback(`publishing to ${file} failed: ${message(error)}`, backups);
      throw error;
    }
    await journal('publish_file', 'done', { file });
    await after('publish_file');
  }
  await journal('publish', 'done', { keyId: key.id });
  await audit('key.published', key.id, { name: key.name, files: [...outputs.envFiles] });
  await after('publish');

  // --- restart + health check -------------------------------------------------------------
  if (outputs.restart || outputs.healthCheck) {
    await journal('restart', 'begin', { keyId: key.id });
    const env: Record<string, Secret | string> = { ...vars };
    let failure: string | undefined;
    if (outputs.restart) {
      deps.reporter.step(`restarting: ${outputs.restart.command}`);
      const r = await deps.hooks.runCommand({ ...outputs.restart, env });
      if (!r.ok) failure = `restart command failed: ${r.detail}`;
    }
    if (!failure && outputs.healthCheck) {
      const hc = outputs.healthCheck;
      deps.reporter.step(`health check: ${hc.kind === 'url' ? hc.url : hc.command}`);
      const r =
        hc.kind === 'url'
          ? await deps.hooks.checkUrl(hc)
          : await deps.hooks.runCommand({ command: hc.command, timeoutMs: hc.timeoutMs, env });
      if (!r.ok) failure = `health check failed: ${r.detail}`;
    }
    if (failure) {
      await journal('restart', 'failed', { keyId: key.id, reason: failure });
      await rollback(failure, backups);
      return { status: 'restart_failed', rotationId, key, report, detail: failure };
    }
    await journal('restart', 'done', { keyId: key.id });
    await after('restart');
  }

  // --- activate: the new key is live; lift the cluster-visible guard -------------------------
  await journal('activate', 'begin', { keyId: key.id });
  const now = deps.clock.now();
  try {
    await deps.cluster.updateApiKey(key.id, {
      metadata: mergeMetadata(metadata as unknown as Record<string, unknown>, {
        state: 'active',
        published_at: now.toISOString(),
      }),
    });
  } catch (error) {
    await journal('activate', 'failed', { keyId: key.id, reason: message(error) });
    throw new PartialFailureError(
      `key ${key.name} is published but could not be marked active (${message(error)}); the old key is still valid; run \`eskeys recover\``,
      { cause: error },
    );
  }
  await journal('activate', 'done', { keyId: key.id });
  await after('activate');

  // --- retire -------------------------------------------------------------------------------
  const retireIds = [...superseded, ...plan.cutShort].map((k) => k.info.id);
  let retired: RetiredKey[] = [];
  if (retireIds.length > 0) {
    deps.reporter.step(
      plan.immediate ? `invalidating the old key now (--now)` : `retiring the old key (grace ${plan.grace})`,
    );
    await journal('retire', 'begin', { retireIds });
    const r = await retireKeys(deps, {
      newKeyId: key.id,
      superseded,
      invalidate: plan.cutShort,
      immediate: plan.immediate,
      graceMs: plan.graceMs,
      supportsExpirationUpdate: input.supportsExpirationUpdate,
      strict: input.strictRetire,
    });
    retired = r.retired;
    for (const k of r.retired) {
      await audit(k.action === 'invalidated' ? 'key.revoked' : 'key.retired', k.id, {
        name: k.name,
        superseded_by: key.id,
        until: k.until?.toISOString() ?? null,
        reason: plan.immediate ? 'rotate --now (compromised key)' : 'rotation',
      });
    }
    if (r.errors.length > 0) {
      const reason = r.errors.map((e) => `${e.key.info.name}: ${message(e.error)}`).join('; ');
      await journal('retire', 'failed', { retireIds, reason });
      await audit('rotation.failed', key.id, { step: 'retire', reason });
      throw new PartialFailureError(
        `key ${key.name} is live, but retiring the old key failed (${reason}); run \`eskeys recover\``,
      );
    }
    if (r.held.length > 0) {
      // The journal stays open on purpose: `recover` (also run by every tick) retries the
      // retire, just as strictly, once the admin holds the privileges again.
      const reason = r.held.map((h) => `${h.key.info.name}: ${h.reason}`).join('; ');
      await journal('retire', 'failed', { retireIds, reason: `left untouched (--strict): ${reason}` });
      for (const h of r.held) {
        await audit('key.retire_held', h.key.info.id, {
          name: h.key.info.name,
          superseded_by: key.id,
          reason: h.reason,
        });
      }
      throw new PartialFailureError(strictHoldMessage(key.name, r.held));
    }
    await journal('retire', 'done', { retireIds });
    await after('retire');
  }
  await journal('finish', 'done', { outcome: 'completed', keyId: key.id });
  await audit('rotation.completed', key.id, { name: key.name, retired: retired.map((r) => r.id) });
  return { status: 'completed', rotationId, key, report, published: outputs.envFiles, retired };
}
