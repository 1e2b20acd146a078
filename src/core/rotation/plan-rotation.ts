import { parseDuration } from '../duration.js';
import type { RoleTemplate } from '../templates/schema.js';
import { createExpiration } from './expiration-policy.js';
import { keyName, type ManagedKey } from './key-metadata.js';
import { GUARD_WINDOW_MS, isValidKey } from './key-state.js';

/** The guard window, re-exported where planning uses it. */
export { GUARD_WINDOW_MS };

/** What the operator asked for. */
export interface RotationPlanInput {
  /** `create` refuses when an active key exists; `rotate` replaces it. */
  readonly mode: 'create' | 'rotate';
  readonly template: Pick<RoleTemplate, 'name' | 'expiration' | 'rotation'>;
  readonly templateHash: string;
  readonly environment: string;
  /** Every managed key of (template, environment), any state. */
  readonly keys: readonly ManagedKey[];
  readonly now: Date;
  /** `--grace`, overriding the template's rotation.grace. */
  readonly graceOverride?: string;
  /** `--now`: the current key is compromised; invalidate it as soon as the new one is published. */
  readonly immediate?: boolean;
  /** Guard window (ms); default {@link GUARD_WINDOW_MS}. */
  readonly guardWindowMs?: number;
  /** The admin user eskeys connects as (ClusterPort.adminUsername); unknown = not checked. */
  readonly adminUsername?: string;
}

/** A rotation that may go ahead, with everything it will do. */
export interface ProceedPlan {
  readonly action: 'proceed';
  readonly mode: 'create' | 'rotate';
  readonly template: string;
  readonly environment: string;
  /** The key consumers use today (highest-generation active key), if any. */
  readonly current?: ManagedKey;
  /** Other keys still marked active (a crash or manual edits); retired together with `current`. */
  readonly otherActive: readonly ManagedKey[];
  /**
   * Superseded keys still valid. Rotating again within their grace invalidates them after the
   * new key is published, so at most two valid keys remain (docs/ROTATION.md).
   */
  readonly cutShort: readonly ManagedKey[];
  /** Pending keys older than the guard window: orphans of crashed rotations, left alone. */
  readonly stalePending: readonly ManagedKey[];
  readonly generation: number;
  readonly name: string;
  /** TimeValue for create, or undefined when the template opts out of expiration. */
  readonly expiration?: string;
  readonly graceMs: number;
  readonly grace: string;
  readonly immediate: boolean;
  /** The current key was minted from different role descriptors than the template's today. */
  readonly templateChanged: boolean;
  /** The current key's rotation is due (creation + every ≤ now). */
  readonly due: boolean;
  readonly dueAt?: Date;
  /** Keys known when planning; a key that appears later is a rival rotation's (see lostRace). */
  readonly knownKeyIds: readonly string[];
  readonly warnings: readonly string[];
}

/** Another rotation holds the cluster-visible guard. */
export interface BlockedPlan {
  readonly action: 'blocked';
  readonly reason: string;
  readonly blocking: ManagedKey;
}

/** `create` when a key already exists. */
export interface RefusedPlan {
  readonly action: 'refused';
  readonly reason: string;
  readonly current: ManagedKey;
}

/** The decision of planning a rotation. */
export type RotationPlan = ProceedPlan | BlockedPlan | RefusedPlan;

/** Highest generation first, then newest. */
function newestFirst(a: ManagedKey, b: ManagedKey): number {
  return b.meta.generation - a.meta.generation || b.info.creation.getTime() - a.info.creation.getTime();
}

/** True when the key's rotation is due at `now`. */
export function rotationDueAt(key: ManagedKey): Date | undefined {
  const every = parseDuration(key.meta.rotate_every);
  return every === undefined ? undefined : new Date(key.info.creation.getTime() + every);
}

/** Plans one rotation or creation (pure: `(state, now) → decision`). */
export function planRotation(input: RotationPlanInput): RotationPlan {
  const { now, keys } = input;
  const window = input.guardWindowMs ?? GUARD_WINDOW_MS;
  const valid = keys.filter((k) => isValidKey(k, now));
  const pending = valid.filter((k) => k.meta.state === 'pending');
  const fresh = pending.filter((k) => now.getTime() - k.info.creation.getTime() < window).sort(newestFirst);
  if (fresh[0]) {
    const k = fresh[0];
    return {
      action: 'blocked',
      blocking: k,
      reason: `another rotation of ${input.template.name}@${input.environment} is in progress: key ${k.info.name} was created by ${k.meta.created_by} at ${k.info.creation.toISOString()} and is not published yet; retry later, or run \`eskeys recover\` on that host`,
    };
  }
  const active = valid.filter((k) => k.meta.state === 'active').sort(newestFirst);
  const [current, ...otherActive] = active;
  if (input.mode === 'create' && current) {
    return {
      action: 'refused',
      current,
      reason: `${input.template.name}@${input.environment} already has an active key (${current.info.name}); use \`eskeys rotate\` to replace it`,
    };
  }
  const warnings: string[] = [];
  const grace = input.graceOverride ?? input.template.rotation.grace;
  const graceMs = parseDuration(grace) ?? 86_400_000;
  // Retire updates the old key (expiration, superseded_by), and Elasticsearch lets only a key's
  // owner update it: found now, before a new key exists, rather than after publishing it.
  const retiredByUpdate = input.immediate || graceMs <= 0 ? [] : active;
  const foreign = input.adminUsername
    ? retiredByUpdate.find((k) => k.info.username !== input.adminUsername)
    : undefined;
  if (foreign) {
    return {
      action: 'refused',
      current: foreign,
      reason: `${foreign.info.name} belongs to user ${foreign.info.username} (realm ${foreign.info.realm}) but eskeys connects as ${input.adminUsername}: Elasticsearch lets only a key's owner update it, so its grace period could not be set once the new key is published; run eskeys as ${foreign.info.username}, or use --now to invalidate it right after publishing instead`,
    };
  }
  const stalePending = pending.filter((k) => !fresh.includes(k));
  for (const k of stalePending) {
    warnings.push(
      `key ${k.info.name} has been pending since ${k.info.creation.toISOString()} (an interrupted rotation); run \`eskeys recover\` on ${k.meta.created_by}, or \`eskeys revoke --id ${k.info.id}\``,
    );
  }
  if (otherActive.length > 0) {
    warnings.push(
      `${otherActive.length + 1} keys are marked active; all but the newest are retired by this rotation`,
    );
  }
  const cutShort = valid.filter((k) => k.meta.state === 'superseded');
  for (const k of cutShort) {
    warnings.push(
      `key ${k.info.name} is still within its grace period; it is invalidated once the new key is published (rotating again within grace ends the previous grace early)`,
    );
  }
  if (input.mode === 'rotate' && !current) {
    warnings.push(
      `no active key for ${input.template.name}@${input.environment}; this rotation creates the first one`,
    );
  }
  const generation = keys.reduce((max, k) => Math.max(max, k.meta.generation), 0) + 1;
  const dueAt = current ? rotationDueAt(current) : undefined;
  return {
    action: 'proceed',
    mode: input.mode,
    template: input.template.name,
    environment: input.environment,
    current,
    otherActive,
    cutShort,
    stalePending,
    generation,
    name: keyName(input.template.name, input.environment, generation),
    expiration: createExpiration(input.template),
    graceMs,
    grace,
    immediate: input.immediate === true,
    templateChanged: current !== undefined && current.meta.template_hash !== input.templateHash,
    due: dueAt !== undefined && dueAt.getTime() <= now.getTime(),
    dueAt,
    knownKeyIds: keys.map((k) => k.info.id),
    warnings,
  };
}

/**
 * The cluster-visible guard's tie-break, run right after creating a key: a key for the same
 * (template, environment) that was not there at planning time and is still valid belongs to
 * a rival rotation on another host. The older of the two (server creation time, then id)
 * wins; the other invalidates its own new key and stops (exit 4). The two sides do not always
 * see the same data, though (see guard.ts): the winner also waits for the later rivals it sees
 * to withdraw.
 */
export function rivalThatWins(
  mine: { readonly id: string; readonly creation: Date },
  knownKeyIds: readonly string[],
  keys: readonly ManagedKey[],
  now: Date,
): ManagedKey | undefined {
  return rivalsOf(mine, knownKeyIds, keys, now).earlier;
}

/**
 * The valid keys of other rotations that appeared since the plan, split by the tie-break: the
 * first one that wins over ours (created earlier, or at the same instant with a smaller id), and
 * those ours wins over (`later`).
 */
export function rivalsOf(
  mine: { readonly id: string; readonly creation: Date },
  knownKeyIds: readonly string[],
  keys: readonly ManagedKey[],
  now: Date,
): { readonly earlier?: ManagedKey; readonly later: readonly ManagedKey[] } {
  const known = new Set(knownKeyIds);
  const rivals = keys.filter((k) => k.info.id !== mine.id && !known.has(k.info.id) && isValidKey(k, now));
  const winsOverMine = (k: ManagedKey) => {
    const d = k.info.creation.getTime() - mine.creation.getTime();
    return d < 0 || (d === 0 && k.info.id < mine.id);
  };
  return { earlier: rivals.find(winsOverMine), later: rivals.filter((k) => !winsOverMine(k)) };
}
