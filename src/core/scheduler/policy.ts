import { humanizeDuration, parseDuration } from '../duration.js';
import type { ManagedKey } from '../rotation/key-metadata.js';
import { GUARD_WINDOW_MS, isValidKey } from '../rotation/key-state.js';
import { planRevoke } from '../rotation/plan-revoke.js';
import type { RoleTemplate } from '../templates/schema.js';
import { classifyDrift, type Drift } from './drift.js';
import type { ReviewFacts } from './review.js';

/**
 * The scheduler's policy for one (template, environment): pure `(state, now) → decision`, like
 * the rotation planner. The pass (pass.ts) carries decisions out; this module only decides.
 *
 * Decisions, each documented in docs/SCHEDULING.md:
 * - Rotation period: the stricter (shorter) of the template's `rotation.every` today and the
 *   `rotate_every` recorded on the key at creation. A tightened template takes effect at once;
 *   a loosened one waits for the next key, because the key's expiration (`auto`) was sized
 *   from its own period and would otherwise expire under its consumers.
 * - A key whose expiration falls within the grace period is rotated too (a template with an
 *   explicit short `expiration`), so the old key always outlives its successor's publish.
 * - Drift (the key's `template_hash` differs from the template's): by default a change that
 *   only removes access rotates at once (least privilege reaches the cluster, probes still
 *   prove the key does its job); a change that adds access is reported, not applied early:
 *   it is applied by the next due rotation, after review (`eskeys diff` in CI).
 * - Superseded keys past `revoke_after` are revoked (planRevoke's `due`).
 * - Review: due `rotation.review` (the stricter of template and key) after the last
 *   `review.completed`, or after the scope's first trace when never reviewed. Rotation does
 *   not reset it (a review is a person reading the grants, not a new key). Reminded once per
 *   review period.
 * - Another host's rotation in progress (a fresh pending key) blocks the scope: nothing is done.
 */

/** What to do about drift. */
export type DriftPolicy =
  /** Report only; the next due rotation applies the template. */
  | 'report'
  /** Rotate at once when the change only removes access (default). */
  | 'narrowing'
  /** Rotate at once on any change. */
  | 'rotate';

/** The drift policies, for flag validation. */
export const DRIFT_POLICIES: readonly DriftPolicy[] = ['report', 'narrowing', 'rotate'];

/** Everything the policy looks at for one scope. */
export interface ScopePolicyInput {
  readonly template: Pick<RoleTemplate, 'name' | 'rotation' | 'role_descriptors'> & Partial<RoleTemplate>;
  readonly templateHash: string;
  readonly environment: string;
  /** Every managed key of (template, environment) the cluster reports, any state. */
  readonly keys: readonly ManagedKey[];
  readonly now: Date;
  readonly review: ReviewFacts;
  /** Create the first key when there is no active one. @defaultValue false */
  readonly createMissing?: boolean;
  /** @defaultValue 'narrowing' */
  readonly drift?: DriftPolicy;
}

/** Why a rotation (or creation) is wanted. */
export type RotationTrigger = 'age' | 'expiring' | 'drift' | 'missing';

/** What the scheduler does with the scope. */
export type ScopeAction = 'none' | 'rotate' | 'create' | 'blocked';

/** The rotation side of a decision. */
export interface RotationView {
  /** The period in force (`90d`). */
  readonly every: string;
  /** Whose period is in force: the template's today, or the one recorded on the key. */
  readonly source: 'template' | 'key';
  /** Creation + period, for the key in service. */
  readonly dueAt?: Date;
  readonly due: boolean;
  readonly trigger?: RotationTrigger;
}

/** The review side of a decision. */
export interface ReviewView {
  readonly every: string;
  readonly dueAt?: Date;
  readonly due: boolean;
  readonly lastCompleted?: Date;
  /** Record a `review.due` reminder this pass (once per review period). */
  readonly remind: boolean;
}

/** The decision for one scope. */
export interface ScopeDecision {
  readonly template: string;
  readonly environment: string;
  readonly action: ScopeAction;
  /** One line: why this action (or why nothing). */
  readonly reason: string;
  /** The key consumers use today (highest-generation active key). */
  readonly current?: ManagedKey;
  /** No active key. */
  readonly missing: boolean;
  /**
   * The key last in service (marked active) has expired or was invalidated, and no valid key
   * replaced it: consumers hold a dead key. Not the same as never having had one.
   */
  readonly dead?: ManagedKey;
  readonly rotation: RotationView;
  /** Superseded keys past their grace: revoke now. */
  readonly revoke: readonly ManagedKey[];
  readonly review: ReviewView;
  readonly drift?: Drift;
  /** Another rotation's pending key (action `blocked`). */
  readonly blockedBy?: ManagedKey;
  readonly warnings: readonly string[];
}

const DAY = 86_400_000;

function ms(duration: string | undefined, fallback: number): number {
  return (duration === undefined ? undefined : parseDuration(duration)) ?? fallback;
}

function newestFirst(a: ManagedKey, b: ManagedKey): number {
  return b.meta.generation - a.meta.generation || b.info.creation.getTime() - a.info.creation.getTime();
}

/** The stricter of the template's period and the key's recorded one. */
function stricter(
  templateValue: string,
  keyValue: string | undefined,
  fallback: number,
): { every: string; everyMs: number; source: 'template' | 'key' } {
  const t = ms(templateValue, fallback);
  const k = keyValue === undefined ? undefined : parseDuration(keyValue);
  if (k !== undefined && k < t) return { every: keyValue!, everyMs: k, source: 'key' };
  return { every: templateValue, everyMs: t, source: 'template' };
}

/** Decides what a pass does with one (template, environment) (pure). */
export function decideScope(input: ScopePolicyInput): ScopeDecision {
  const { now, keys, template, environment } = input;
  const t = now.getTime();
  const valid = keys.filter((k) => isValidKey(k, now));
  const active = valid.filter((k) => k.meta.state === 'active').sort(newestFirst);
  const current = active[0];
  const pending = valid.filter((k) => k.meta.state === 'pending').sort(newestFirst);
  const fresh = pending.find((k) => t - k.info.creation.getTime() < GUARD_WINDOW_MS);
  const warnings: string[] = [];
  for (const k of pending) {
    if (k === fresh) continue;
    warnings.push(
      `key ${k.info.name} has been pending since ${k.info.creation.toISOString()} (an interrupted rotation of ${k.meta.created_by}): run \`eskeys recover\` there, or \`eskeys revoke --id ${k.info.id}\` once no env file holds it`,
    );
  }
  if (active.length > 1) {
    warnings.push(`${active.length} keys are marked active; the next rotation retires all but the newest`);
  }

  // --- rotation ----------------------------------------------------------------------------
  const period = stricter(template.rotation.every, current?.meta.rotate_every, 90 * DAY);
  const graceMs = ms(template.rotation.grace, DAY);
  let trigger: RotationTrigger | undefined;
  let why = '';
  let dueAt: Date | undefined;
  let drift: Drift | undefined;
  if (current) {
    dueAt = new Date(current.info.creation.getTime() + period.everyMs);
    const age = t - current.info.creation.getTime();
    const expiresIn = current.info.expiration ? current.info.expiration.getTime() - t : undefined;
    if (current.meta.template_hash !== '' && current.meta.template_hash !== input.templateHash) {
      drift = classifyDrift(template as RoleTemplate, current.info.roleDescriptors);
    }
    const policy = input.drift ?? 'narrowing';
    if (dueAt.getTime() <= t) {
      trigger = 'age';
      why = `${current.info.name} is ${ageText(age)} old (rotate every ${period.every}${period.source === 'key' ? ', as recorded on the key' : ''})`;
    } else if (expiresIn !== undefined && expiresIn <= graceMs && lifetime(current) > graceMs) {
      trigger = 'expiring';
      why = `${current.info.name} expires in ${humanizeDuration(expiresIn)}, within the ${template.rotation.grace} grace period`;
    } else if (drift && (policy === 'rotate' || (policy === 'narrowing' && drift.direction === 'narrows'))) {
      trigger = 'drift';
      why =
        drift.direction === 'narrows'
          ? `the template now grants less than ${current.info.name} (${drift.changes.join('; ')})`
          : `the template changed since ${current.info.name} was minted (--drift rotate)`;
    }
  }
  if (current && lifetime(current) <= graceMs) {
    // Such a key is "within its grace of expiring" from the moment it is minted: rotating on
    // expiry would rotate on every pass. Rotation follows its age only; say why.
    warnings.push(
      `${current.info.name} lives ${humanizeDuration(lifetime(current))}, not longer than the ${template.rotation.grace} grace period: it is not rotated for expiring soon; give the template an expiration longer than rotation.grace (e.g. "auto")`,
    );
  }
  const rotation: RotationView = {
    every: period.every,
    source: period.source,
    dueAt,
    due: trigger === 'age',
    trigger,
  };

  // --- review ------------------------------------------------------------------------------
  const reviewPeriod = stricter(template.rotation.review, current?.meta.review_every, 30 * DAY);
  let review: ReviewView = { every: reviewPeriod.every, due: false, remind: false };
  if (current) {
    const since = [input.review.firstSeen, ...keys.map((k) => k.info.creation)]
      .filter((d): d is Date => d !== undefined)
      .reduce<Date | undefined>((a, b) => (a === undefined || b < a ? b : a), undefined);
    const base = input.review.lastCompleted ?? since;
    if (base) {
      const reviewDueAt = new Date(base.getTime() + reviewPeriod.everyMs);
      const due = reviewDueAt.getTime() <= t;
      const last = input.review.lastReminded;
      const remind =
        due &&
        (last === undefined ||
          last.getTime() < reviewDueAt.getTime() ||
          t - last.getTime() >= reviewPeriod.everyMs);
      review = {
        every: reviewPeriod.every,
        dueAt: reviewDueAt,
        due,
        lastCompleted: input.review.lastCompleted,
        remind,
      };
    }
  }

  const base = { template: template.name, environment, current, missing: !current, rotation, review, drift };

  // Another host is rotating this key right now: leave the scope alone (its rotation retires
  // and invalidates what it must; acting here would race it).
  if (fresh) {
    return {
      ...base,
      action: 'blocked',
      reason: `a rotation is in progress (key ${fresh.info.name} pending since ${fresh.info.creation.toISOString()}, by ${fresh.meta.created_by})`,
      revoke: [],
      review: { ...review, remind: false },
      blockedBy: fresh,
      warnings,
    };
  }

  const revoke = planRevoke(keys, { kind: 'due' }, now).revoke.filter(
    (k) => k.meta.template === template.name && k.meta.environment === environment,
  );

  if (!current) {
    const expired = keys.filter((k) => k.meta.state === 'active' && !isValidKey(k, now)).sort(newestFirst)[0];
    const what = expired
      ? `no valid active key (${expired.info.name} ${expired.info.invalidated ? 'was invalidated' : `expired ${expired.info.expiration?.toISOString()}`})`
      : 'no active key';
    if (input.createMissing) {
      return {
        ...base,
        ...(expired ? { dead: expired } : {}),
        action: 'create',
        reason: `${what} (--create-missing)`,
        rotation: { ...rotation, trigger: 'missing' },
        revoke,
        warnings,
      };
    }
    return {
      ...base,
      ...(expired ? { dead: expired } : {}),
      action: 'none',
      reason: expired
        ? `${what}: consumers hold a dead key; run \`eskeys rotate -t ${template.name} --env ${environment}\` now, or pass --create-missing`
        : `${what}: run \`eskeys create -t ${template.name} --env ${environment}\`, or pass --create-missing`,
      revoke,
      warnings,
    };
  }
  if (drift && trigger !== 'drift') {
    warnings.push(driftNote(drift, trigger !== undefined));
  }
  if (trigger) return { ...base, action: 'rotate', reason: why, revoke, warnings };
  return {
    ...base,
    action: 'none',
    reason: `next rotation in ${humanizeDuration(dueAt!.getTime() - t)}`,
    revoke,
    warnings,
  };
}

/** An age in whole days once it is a day or more (`91d`), else `5h 3m`. */
function ageText(ms: number): string {
  return ms >= DAY ? `${Math.floor(ms / DAY)}d` : humanizeDuration(ms);
}

function driftNote(drift: Drift, rotatingAnyway: boolean): string {
  if (rotatingAnyway) {
    return `the rotation applies a changed template (${drift.direction === 'widens' ? 'adds access' : drift.direction === 'narrows' ? 'removes access' : 'same access'})`;
  }
  switch (drift.direction) {
    case 'widens':
      return `the template adds access (${drift.changes.join('; ')}); not applied before the next due rotation: review it (\`eskeys diff\`) and run \`eskeys rotate\` to apply it now`;
    case 'same_access':
      return `the template's descriptors changed without changing access; the next rotation picks them up`;
    case 'unknown':
      return `the template changed since the key in service was minted (its descriptors could not be compared); \`eskeys rotate\` applies it now`;
    default:
      return `the template removes access (${drift.changes.join('; ')}); not applied (--drift report): \`eskeys rotate\` applies it now`;
  }
}

/** A key's whole validity (creation to expiration); infinite when it never expires. */
function lifetime(key: ManagedKey): number {
  return key.info.expiration
    ? key.info.expiration.getTime() - key.info.creation.getTime()
    : Number.POSITIVE_INFINITY;
}
