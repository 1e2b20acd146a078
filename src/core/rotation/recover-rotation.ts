import type { AuditValue } from '../audit/audit-event.js';
import type { ClusterPort } from '../cluster-port.js';
import { parseDuration } from '../duration.js';
import { PartialFailureError } from '../errors.js';
import type { JournalData, JournalPhase, JournalStep, JournalWriter } from '../journal/journal-entry.js';
import {
  type FileHolds,
  planRecovery,
  type RecoveryDecision,
  type RotationProgress,
} from '../journal/plan-recovery.js';
import type { Clock, Reporter } from '../ports.js';
import { encodedKeyId } from '../probes/encoded-key.js';
import { perRunClusterResources } from '../probes/plan.js';
import type { Secret } from '../secret.js';
import { DEFAULT_KEY_VAR } from '../templates/schema.js';
import { mergeMetadata, parseManagedKeys } from './key-metadata.js';
import { isValidKey } from './key-state.js';
import type { EffectiveOutputs } from './outputs.js';
import type { EnvFilesPort, HookRunner, RotationAuditLog } from './ports.js';
import { retireKeys, strictHoldMessage } from './retire-keys.js';

/** Ports recovery needs. */
export interface RecoveryDeps {
  readonly cluster: ClusterPort;
  readonly clock: Clock;
  readonly reporter: Reporter;
  readonly journal: JournalWriter;
  readonly audit: RotationAuditLog;
  readonly envFiles: EnvFilesPort;
  readonly hooks: HookRunner;
  readonly actor: string;
  /** False on clusters known to predate expiration updates (8.13); absent = try. */
  readonly supportsExpirationUpdate?: boolean;
  /** The template's current outputs for the restart hook; undefined when the template is gone. */
  readonly outputsFor: (template: string, environment: string) => Promise<EffectiveOutputs | undefined>;
}

/** What recover did (or would do) for one interrupted rotation. */
export interface RecoveryResult {
  readonly rotation: string;
  readonly template: string;
  readonly environment: string;
  readonly keyName?: string;
  readonly keyId?: string;
  readonly interruptedAt: string;
  readonly files: Readonly<Record<string, FileHolds>>;
  readonly decision: RecoveryDecision;
  /** One line per action taken. */
  readonly actions: readonly string[];
  readonly outcome: 'rolled_back' | 'recovered' | 'planned';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads the facts, decides (planRecovery) and, unless `dryRun`, carries the decision out. */
export async function recoverRotation(
  deps: RecoveryDeps,
  p: RotationProgress,
  opts: { dryRun?: boolean } = {},
): Promise<RecoveryResult> {
  const scope = { template: p.template, environment: p.environment };
  const keyVar = p.plan.keyVar ?? DEFAULT_KEY_VAR;
  const idVar = p.plan.idVar;
  const oldKeyId = p.plan.oldKeyId;
  const now = deps.clock.now();

  let newKeyValid = false;
  if (p.keyId) {
    const info = await deps.cluster.getApiKey(p.keyId);
    newKeyValid =
      info !== undefined &&
      !info.invalidated &&
      (info.expiration === undefined || info.expiration.getTime() > now.getTime());
  }
  const files: Record<string, FileHolds> = {};
  const values = new Map<string, Secret>();
  for (const f of p.plan.files ?? []) {
    const v = await deps.envFiles.readVar(f, keyVar);
    if (!v) {
      files[f] = 'missing';
      continue;
    }
    values.set(f, v);
    const id = encodedKeyId(v);
    files[f] =
      id !== undefined && id === p.keyId ? 'new' : id !== undefined && id === oldKeyId ? 'old' : 'other';
  }
  const decision = planRecovery(p, { newKeyValid, files });
  const base = {
    rotation: p.rotation,
    ...scope,
    keyName: p.keyName,
    keyId: p.keyId,
    interruptedAt: p.lastStep,
    files,
    decision,
  };
  if (opts.dryRun) return { ...base, actions: [], outcome: 'planned' };

  const journal = (step: JournalStep, phase: JournalPhase, data?: JournalData) =>
    deps.journal.append({
      v: 1,
      rotation: p.rotation,
      at: deps.clock.now().toISOString(),
      ...scope,
      step,
      phase,
      data,
    });
  const audit = (type: string, keyId: string | undefined, details: Record<string, AuditValue>) =>
    deps.audit.append({
      type,
      ...scope,
      keyId,
      actor: deps.actor,
      details: { rotation: p.rotation, ...details },
    });
  const actions: string[] = [];
  const failures: string[] = [];

  if (decision.action === 'roll_back') {
    await journal('rollback', 'begin', { keyId: p.keyId, reason: `recover: ${decision.reason}` });
    for (const f of decision.restoreFiles) {
      const old = decision.oldSource ? values.get(decision.oldSource) : undefined;
      if (!old || !oldKeyId) {
        failures.push(
          `${f} holds the new key and no env file still holds the old one; put a valid key there (eskeys rotate)`,
        );
        continue;
      }
      const vars: Record<string, Secret | string> = { [keyVar]: old };
      if (idVar) vars[idVar] = oldKeyId;
      try {
        await deps.envFiles.update(f, vars);
        actions.push(`restored the old key in ${f} (copied from ${decision.oldSource})`);
      } catch (error) {
        failures.push(`restoring ${f}: ${message(error)}`);
      }
    }
    // Keys minted by this rotation: by id, and by rotation id for a create whose response was lost.
    const ids = new Set<string>();
    if (p.keyId && newKeyValid) ids.add(p.keyId);
    if (!p.created && p.createBegun) {
      for (const k of parseManagedKeys(await deps.cluster.findManagedKeys(scope))) {
        if (k.meta.rotation_id === p.rotation && isValidKey(k, now)) ids.add(k.info.id);
      }
    }
    if (ids.size > 0) {
      try {
        await deps.cluster.invalidateApiKeys([...ids]);
        actions.push(`invalidated the new key ${p.keyName ?? [...ids].join(', ')}`);
      } catch (error) {
        failures.push(`invalidating ${[...ids].join(', ')}: ${message(error)}`);
      }
    }
    if (p.unfinishedProbeTag) actions.push(...(await removeProbeLeftovers(deps, p.unfinishedProbeTag)));
    if (failures.length > 0) {
      await journal('rollback', 'failed', { keyId: p.keyId, reason: failures.join('; ') });
      throw new PartialFailureError(
        `recover could not roll back rotation ${p.rotation} of ${p.template}@${p.environment}: ${failures.join('; ')}`,
      );
    }
    if (actions.length === 0) actions.push('nothing to undo');
    await journal('rollback', 'done', { keyId: p.keyId });
    await journal('finish', 'done', { outcome: 'rolled_back', reason: `recover: ${decision.reason}` });
    await audit('rotation.recovered', p.keyId, { outcome: 'rolled_back', reason: decision.reason });
    return { ...base, actions, outcome: 'rolled_back' };
  }

  // roll forward
  const keyId = p.keyId!;
  const newValue = decision.newSource ? values.get(decision.newSource) : undefined;
  for (const f of decision.completeFiles) {
    const vars: Record<string, Secret | string> = { [keyVar]: newValue! };
    if (idVar) vars[idVar] = keyId;
    await journal('publish_file', 'begin', { file: f });
    await deps.envFiles.update(f, vars);
    await journal('publish_file', 'done', { file: f });
    actions.push(`published the new key to ${f} (copied from ${decision.newSource})`);
  }
  if (decision.completeFiles.length > 0 || !p.published) {
    await journal('publish', 'done', { keyId });
    await audit('key.published', keyId, {
      name: p.keyName ?? null,
      files: [...(p.plan.files ?? [])],
      by: 'recover',
    });
  }
  if (decision.restart) {
    const outputs = await deps.outputsFor(p.template, p.environment);
    if (!outputs) {
      deps.reporter.warn(
        `template ${p.template} not found: restart the consumers of ${p.template}@${p.environment} by hand`,
      );
    } else {
      const env: Record<string, Secret | string> = {
        [keyVar]: newValue ?? values.get(Object.keys(files)[0]!)!,
      };
      if (idVar) env[idVar] = keyId;
      await journal('restart', 'begin', { keyId });
      let failure: string | undefined;
      if (outputs.restart) {
        const r = await deps.hooks.runCommand({ ...outputs.restart, env });
        if (!r.ok) failure = `restart command failed: ${r.detail}`;
      }
      if (!failure && outputs.healthCheck) {
        const hc = outputs.healthCheck;
        const r =
          hc.kind === 'url'
            ? await deps.hooks.checkUrl(hc)
            : await deps.hooks.runCommand({ command: hc.command, timeoutMs: hc.timeoutMs, env });
        if (!r.ok) failure = `health check failed: ${r.detail}`;
      }
      if (failure) {
        await journal('restart', 'failed', { keyId, reason: failure });
        throw new PartialFailureError(
          `recover published the new key of ${p.template}@${p.environment} but ${failure}; the old key is still valid; fix the service and run \`eskeys recover\` again`,
        );
      }
      await journal('restart', 'done', { keyId });
      actions.push('ran the restart hook and health check');
    }
  }
  if (decision.activate) {
    const info = await deps.cluster.getApiKey(keyId);
    await journal('activate', 'begin', { keyId });
    await deps.cluster.updateApiKey(keyId, {
      metadata: mergeMetadata(info?.metadata ?? {}, { state: 'active', published_at: now.toISOString() }),
    });
    await journal('activate', 'done', { keyId });
    actions.push(`marked ${p.keyName ?? keyId} active`);
  }
  if (decision.retire) {
    const ids = new Set(p.plan.retireIds ?? []);
    const keys = parseManagedKeys(await deps.cluster.findManagedKeys(scope)).filter(
      (k) => ids.has(k.info.id) && isValidKey(k, now) && k.info.id !== keyId,
    );
    const superseded = keys.filter((k) => k.meta.state !== 'superseded' || k.meta.superseded_by === keyId);
    const invalidate = keys.filter((k) => !superseded.includes(k));
    await journal('retire', 'begin', { retireIds: [...ids] });
    const r = await retireKeys(deps, {
      newKeyId: keyId,
      superseded,
      invalidate,
      immediate: p.plan.immediate === true,
      graceMs: parseDuration(p.plan.grace ?? '24h') ?? 86_400_000,
      supportsExpirationUpdate: deps.supportsExpirationUpdate,
      // `rotate --strict` is recorded with the plan, so recovery (and every tick) stays as strict.
      strict: p.plan.strictRetire === true,
    });
    for (const k of r.retired) {
      await audit(k.action === 'invalidated' ? 'key.revoked' : 'key.retired', k.id, {
        name: k.name,
        superseded_by: keyId,
        until: k.until?.toISOString() ?? null,
        by: 'recover',
      });
      actions.push(
        k.action === 'invalidated'
          ? `invalidated old key ${k.name}`
          : `superseded old key ${k.name} until ${k.until?.toISOString()}`,
      );
    }
    if (r.errors.length > 0) {
      const reason = r.errors.map((e) => `${e.key.info.name}: ${message(e.error)}`).join('; ');
      await journal('retire', 'failed', { reason });
      throw new PartialFailureError(
        `recover could not retire the old key of ${p.template}@${p.environment}: ${reason}`,
      );
    }
    if (r.held.length > 0) {
      const reason = r.held.map((h) => `${h.key.info.name}: ${h.reason}`).join('; ');
      await journal('retire', 'failed', { reason: `left untouched (--strict): ${reason}` });
      throw new PartialFailureError(strictHoldMessage(p.keyName ?? keyId, r.held));
    }
    await journal('retire', 'done', { retireIds: [...ids] });
  }
  if (actions.length === 0) actions.push('nothing left to do');
  await journal('finish', 'done', { outcome: 'recovered', keyId });
  await audit('rotation.recovered', keyId, { outcome: 'recovered', reason: decision.reason });
  return { ...base, actions, outcome: 'recovered' };
}

/**
 * Removes the per-run cluster resources of a probe run that died before its teardown (the tag
 * comes from the journal's verify entry, so only that run's names are touched). A resource that
 * is not there (404) was never created or already removed; one that cannot be removed is a
 * warning, not a failed rollback: the key is what matters, and it is already invalidated.
 */
async function removeProbeLeftovers(deps: RecoveryDeps, tag: string): Promise<string[]> {
  const names = perRunClusterResources(tag);
  const resources = [
    { label: `index template ${names.indexTemplate}`, path: `/_index_template/${names.indexTemplate}` },
    { label: `ILM policy ${names.ilmPolicy}`, path: `/_ilm/policy/${names.ilmPolicy}` },
    { label: `ingest pipeline ${names.pipeline}`, path: `/_ingest/pipeline/${names.pipeline}` },
  ];
  const removed: string[] = [];
  for (const r of resources) {
    try {
      const res = await deps.cluster.adminRequest({ method: 'DELETE', path: r.path });
      if (res.status >= 200 && res.status < 300) removed.push(`removed the probe leftover ${r.label}`);
      else if (res.status !== 404) {
        deps.reporter.warn(
          `could not remove the probe leftover ${r.label} (HTTP ${res.status}); remove it by hand`,
        );
      }
    } catch (error) {
      deps.reporter.warn(
        `could not remove the probe leftover ${r.label} (${message(error)}); remove it by hand`,
      );
    }
  }
  return removed;
}
