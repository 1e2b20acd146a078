import type { ClusterPort } from '../cluster-port.js';
import type { ManagedKey } from './key-metadata.js';
import { GUARD_WINDOW_MS, isValidKey } from './key-state.js';
import type { RotationAuditLog } from './ports.js';

/** Which keys `eskeys revoke` targets. */
export type RevokeSelector =
  | { readonly kind: 'due' }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'template'; readonly template: string; readonly environment?: string };

/** The decision of `revoke`. */
export interface RevokePlan {
  readonly revoke: readonly ManagedKey[];
  /** Selected but kept, with why (e.g. the only active key without --force). */
  readonly refused: readonly { readonly key: ManagedKey; readonly reason: string }[];
}

const scopeOf = (k: ManagedKey) => `${k.meta.template}@${k.meta.environment}`;

/**
 * Plans a revocation (pure). `due`: superseded keys whose `revoke_after` has passed. `id` /
 * `template`: the given valid keys. Whatever the selector, the only active key of a
 * (template, environment) is kept unless `force`: revoking it takes the service down, and
 * the compromised-key path is `rotate --now`, which publishes a replacement first.
 */
export function planRevoke(
  keys: readonly ManagedKey[],
  selector: RevokeSelector,
  now: Date,
  force = false,
): RevokePlan {
  const valid = keys.filter((k) => isValidKey(k, now));
  let selected: ManagedKey[];
  switch (selector.kind) {
    case 'due':
      selected = valid.filter(
        (k) =>
          k.meta.state === 'superseded' &&
          k.meta.revoke_after !== undefined &&
          new Date(k.meta.revoke_after).getTime() <= now.getTime(),
      );
      break;
    case 'id':
      selected = valid.filter((k) => k.info.id === selector.id);
      break;
    case 'template':
      selected = valid.filter(
        (k) =>
          k.meta.template === selector.template &&
          (selector.environment === undefined || k.meta.environment === selector.environment),
      );
      break;
  }
  const refused: { key: ManagedKey; reason: string }[] = [];
  if (selector.kind === 'template') {
    // A fresh pending key belongs to a rotation in progress; revoking it would fail that
    // rotation half way. `--id` can still name it on purpose.
    selected = selected.filter((k) => {
      const inProgress =
        k.meta.state === 'pending' && now.getTime() - k.info.creation.getTime() < GUARD_WINDOW_MS;
      if (inProgress) {
        refused.push({
          key: k,
          reason: `${k.info.name} belongs to a rotation in progress (by ${k.meta.created_by}); name it with --id to revoke it anyway`,
        });
      }
      return !inProgress;
    });
  }
  if (force) return { revoke: selected, refused };
  const revoke: ManagedKey[] = [];
  const chosen = new Set(selected.map((k) => k.info.id));
  for (const k of selected) {
    if (k.meta.state !== 'active') {
      revoke.push(k);
      continue;
    }
    const survivors = valid.filter(
      (o) => scopeOf(o) === scopeOf(k) && o.meta.state === 'active' && !chosen.has(o.info.id),
    );
    if (survivors.length === 0) {
      refused.push({
        key: k,
        reason: `${k.info.name} is the only active key of ${scopeOf(k)}; use \`eskeys rotate --now\` to replace it, or --force to revoke it anyway`,
      });
    } else revoke.push(k);
  }
  return { revoke, refused };
}

/**
 * Invalidates planned keys (no prompt: the caller decided): one `key.revoked` audit event per key
 * first, so the record of the decision exists even if the call is interrupted, then one
 * invalidate request for all of them. `revoke` and the scheduler's pass both run it.
 */
export async function revokeKeys(
  deps: { readonly cluster: ClusterPort; readonly audit: RotationAuditLog },
  keys: readonly ManagedKey[],
  why: { readonly actor: string; readonly reason: string; readonly forced?: boolean },
): Promise<void> {
  if (keys.length === 0) return;
  for (const k of keys) {
    await deps.audit.append({
      type: 'key.revoked',
      template: k.meta.template,
      environment: k.meta.environment,
      keyId: k.info.id,
      actor: why.actor,
      details: { name: k.info.name, reason: why.reason, state: k.meta.state, forced: !!why.forced },
    });
  }
  await deps.cluster.invalidateApiKeys(keys.map((k) => k.info.id));
}
