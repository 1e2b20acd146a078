import type { ClusterPort } from '../cluster-port.js';
import type { JournalEntry } from '../journal/journal-entry.js';
import type { Clock } from '../ports.js';
import { maskId } from '../secret.js';
import { type ManagedKey, parseManagedKeys } from './key-metadata.js';
import { isValidKey } from './key-state.js';
import type { RotationAuditLog } from './ports.js';

/**
 * Keys the cluster minted after eskeys gave up on the create: the request timed out or its
 * connection dropped, the rotation looked for a key carrying its rotation id, found none (the
 * cluster had not run the request yet), and ended. The cluster then ran it, so a valid `pending`
 * key exists for a rotation this journal shows as finished without a key.
 *
 * Invalidating one is always safe: the create's answer, the only copy of the secret, never
 * arrived, so no env file and no consumer can hold the key. Left alone it would block the next
 * rotation for the guard window and stay valid until it expires.
 */

/** A rotation of the journal that began a create, never recorded its key and has ended. */
export interface AbandonedCreate {
  readonly rotation: string;
  readonly template: string;
  readonly environment: string;
}

/** Rotations that gave up on their create (create begun, never done) and have a finish entry. */
export function abandonedCreates(entries: readonly JournalEntry[]): Map<string, AbandonedCreate> {
  const seen = new Map<string, { began: boolean; created: boolean; finished: boolean; e: JournalEntry }>();
  for (const e of entries) {
    const s = seen.get(e.rotation) ?? { began: false, created: false, finished: false, e };
    if (e.step === 'create' && e.phase === 'begin') s.began = true;
    if (e.step === 'create' && e.phase === 'done') s.created = true;
    if (e.step === 'finish') s.finished = true;
    seen.set(e.rotation, s);
  }
  const out = new Map<string, AbandonedCreate>();
  for (const [rotation, s] of seen) {
    if (s.began && !s.created && s.finished) {
      out.set(rotation, { rotation, template: s.e.template, environment: s.e.environment });
    }
  }
  return out;
}

/** Valid pending keys minted for one of the journal's abandoned creates. */
export function findLateKeys(
  entries: readonly JournalEntry[],
  keys: readonly ManagedKey[],
  now: Date,
): { key: ManagedKey; rotation: AbandonedCreate }[] {
  const abandoned = abandonedCreates(entries);
  return keys.flatMap((key) => {
    const rotation = abandoned.get(key.meta.rotation_id);
    const mine =
      rotation !== undefined &&
      rotation.template === key.meta.template &&
      rotation.environment === key.meta.environment;
    return mine && key.meta.state === 'pending' && isValidKey(key, now) ? [{ key, rotation }] : [];
  });
}

/** Why a late key is invalidated, in the words recover, tick and rotate use. */
export function lateKeyReason(key: ManagedKey, rotation: string): string {
  return `key ${key.info.name} was created by the cluster for this host's rotation ${rotation} after that rotation had given up on the create (lost response); it was never published`;
}

/** One late key found (and, unless a dry run, invalidated). */
export interface LateKeyResult {
  readonly template: string;
  readonly environment: string;
  readonly rotation: string;
  readonly keyId: string;
  readonly keyName: string;
  readonly reason: string;
  /** `invalidated key …` / `would invalidate key …`. */
  readonly action: string;
  readonly invalidated: boolean;
}

/** Ports {@link invalidateLateKeys} needs. */
export interface LateKeyDeps {
  readonly cluster: ClusterPort;
  readonly clock: Clock;
  readonly audit: RotationAuditLog;
  readonly actor: string;
}

/**
 * Finds the late keys of one environment's cluster (of `templates` when given) and invalidates
 * them, recording `key.revoked` in the audit log. One query when the journal has abandoned creates
 * in that environment, none otherwise.
 */
export async function invalidateLateKeys(
  deps: LateKeyDeps,
  entries: readonly JournalEntry[],
  environment: string,
  opts: { dryRun?: boolean; templates?: readonly string[] } = {},
): Promise<LateKeyResult[]> {
  const candidates = [...abandonedCreates(entries).values()].filter(
    (a) => a.environment === environment && (!opts.templates || opts.templates.includes(a.template)),
  );
  if (candidates.length === 0) return [];
  const keys = parseManagedKeys(await deps.cluster.findManagedKeys({ environment }));
  const late = findLateKeys(entries, keys, deps.clock.now());
  if (late.length === 0) return [];
  if (!opts.dryRun) await deps.cluster.invalidateApiKeys(late.map((l) => l.key.info.id));
  const out: LateKeyResult[] = [];
  for (const { key, rotation } of late) {
    const reason = lateKeyReason(key, rotation.rotation);
    if (!opts.dryRun) {
      await deps.audit.append({
        type: 'key.revoked',
        template: rotation.template,
        environment,
        keyId: key.info.id,
        actor: deps.actor,
        details: { name: key.info.name, rotation: rotation.rotation, reason, by: 'recover' },
      });
    }
    out.push({
      template: rotation.template,
      environment,
      rotation: rotation.rotation,
      keyId: key.info.id,
      keyName: key.info.name,
      reason,
      action: `${opts.dryRun ? 'would invalidate' : 'invalidated'} key ${key.info.name} (${maskId(key.info.id)})`,
      invalidated: !opts.dryRun,
    });
  }
  return out;
}
