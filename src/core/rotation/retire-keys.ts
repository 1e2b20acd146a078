import type { ClusterPort } from '../cluster-port.js';
import { toEsTimeValue } from '../duration.js';
import type { Clock, Reporter } from '../ports.js';
import { type ManagedKey, mergeMetadata } from './key-metadata.js';
import { checkRetireNarrowing, describeNarrowing } from './retire-narrowing.js';

/** What happened to one old key. */
export interface RetiredKey {
  readonly id: string;
  readonly name: string;
  readonly generation: number;
  /** `superseded`: valid until `until`; `invalidated`: dead now. */
  readonly action: 'superseded' | 'invalidated';
  readonly until?: Date;
  /** The cluster enforces `until` through the key's expiration (false on clusters before 8.13). */
  readonly enforcedByCluster?: boolean;
}

/** What to retire after a new key is published. */
export interface RetireRequest {
  readonly newKeyId: string;
  /** Keys consumers used until now: superseded with a grace, or invalidated when `immediate`. */
  readonly superseded: readonly ManagedKey[];
  /** Keys invalidated outright (older superseded keys still in grace). */
  readonly invalidate: readonly ManagedKey[];
  readonly immediate: boolean;
  readonly graceMs: number;
  /** False on clusters known to predate expiration updates (8.13); absent = try and learn from the answer. */
  readonly supportsExpirationUpdate?: boolean;
  /**
   * `rotate --strict`: leave a superseded key untouched (valid, unshortened, metadata as it
   * was) when retiring it would narrow it, or when that cannot be checked; otherwise retire
   * warns and goes ahead.
   */
  readonly strict?: boolean;
}

/** A superseded key retire left untouched under `strict`, and why. */
export interface HeldKey {
  readonly key: ManagedKey;
  /** `the admin no longer holds write on logs-*` / `could not check: ...`. */
  readonly reason: string;
}

/** Ports retire needs. */
export interface RetireDeps {
  readonly cluster: ClusterPort;
  readonly clock: Clock;
  readonly reporter: Reporter;
}

/**
 * Retires old keys. Superseded keys get `superseded_at/by` and `revoke_after` merged into
 * their metadata (the update API replaces metadata wholesale) and, where the cluster supports
 * it (8.13+), an expiration of now + grace, so the cluster ends them even if eskeys never
 * runs again. An expiration is never lengthened: a key that dies sooner keeps its date.
 * Errors are collected so one failing key does not leave the others untouched.
 */
export async function retireKeys(
  deps: RetireDeps,
  req: RetireRequest,
): Promise<{ retired: RetiredKey[]; errors: { key: ManagedKey; error: unknown }[]; held: HeldKey[] }> {
  const now = deps.clock.now();
  const retired: RetiredKey[] = [];
  const errors: { key: ManagedKey; error: unknown }[] = [];
  const held: HeldKey[] = [];
  // A zero grace is an immediate end (the update API refuses an expiration that is not in the future).
  const immediate = req.immediate || req.graceMs <= 0;
  const kill = immediate ? [...req.superseded, ...req.invalidate] : [...req.invalidate];
  if (kill.length > 0) {
    try {
      await deps.cluster.invalidateApiKeys(kill.map((k) => k.info.id));
      for (const k of kill) {
        retired.push({
          id: k.info.id,
          name: k.info.name,
          generation: k.meta.generation,
          action: 'invalidated',
        });
      }
    } catch (error) {
      for (const key of kill) errors.push({ key, error });
    }
  }
  if (immediate) return { retired, errors, held };
  for (const key of req.superseded) {
    // Invalidation above never narrows anything; this update does (it re-snapshots the owner).
    const verdict = await checkRetireNarrowing(deps.cluster, key);
    if (verdict.kind !== 'holds') {
      const reason =
        verdict.kind === 'narrows'
          ? `the admin no longer holds ${describeNarrowing(verdict.missing)}`
          : `could not check the admin's privileges (${verdict.reason})`;
      if (req.strict) {
        held.push({ key, reason });
        continue;
      }
      deps.reporter.warn(
        verdict.kind === 'narrows'
          ? `retiring ${key.info.name} narrows it: ${reason}, and Elasticsearch re-snapshots the owner's privileges into a key on every update, so consumers still using it during the grace lose them now; restore them to the admin, or rotate with --strict to leave the old key untouched`
          : `retiring ${key.info.name} may narrow it: ${reason}; retiring it anyway (rotate with --strict to refuse)`,
      );
    }
    const graceEnd = now.getTime() + req.graceMs;
    const expires = key.info.expiration?.getTime();
    const shorten = expires === undefined || expires > graceEnd;
    const until = new Date(shorten ? graceEnd : expires);
    const metadata = mergeMetadata(key.info.metadata, {
      state: 'superseded',
      superseded_at: now.toISOString(),
      superseded_by: req.newKeyId,
      revoke_after: until.toISOString(),
    });
    const tryExpiration = shorten && req.supportsExpirationUpdate !== false;
    try {
      const result = await deps.cluster.updateApiKey(key.info.id, {
        metadata,
        expiration: tryExpiration ? toEsTimeValue(req.graceMs) : undefined,
      });
      const setExpiration = tryExpiration && result.expirationApplied !== false;
      if (shorten && !setExpiration) {
        deps.reporter.warn(
          `cluster cannot update key expirations (before 8.13): ${key.info.name} stays valid until \`eskeys revoke --due\` runs after ${until.toISOString()}`,
        );
      }
      retired.push({
        id: key.info.id,
        name: key.info.name,
        generation: key.meta.generation,
        action: 'superseded',
        until,
        enforcedByCluster: setExpiration || !shorten,
      });
    } catch (error) {
      errors.push({ key, error });
    }
  }
  return { retired, errors, held };
}

/**
 * The one line `rotate --strict` (and recover) ends with when it left old keys untouched:
 * what is safe now, and the two ways out.
 */
export function strictHoldMessage(newKeyName: string, held: readonly HeldKey[]): string {
  const names = held.map((h) => h.key.info.name).join(', ');
  const ids = held.map((h) => h.key.info.id).join(' ');
  const reasons = held.map((h) => `${h.key.info.name}: ${h.reason}`).join('; ');
  return `key ${newKeyName} is live, but the old key ${names} was left valid and unchanged (--strict): retiring it would narrow the key consumers still use during the grace (${reasons}); grant the admin those privileges again and run \`eskeys recover\`, or once every consumer uses ${newKeyName} run \`eskeys revoke --id ${ids}\` and then \`eskeys recover\``;
}
