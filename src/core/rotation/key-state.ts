import { parseDuration } from '../duration.js';
import type { ManagedKey } from './key-metadata.js';

/**
 * How long a `pending` key from another rotation blocks a new one. A rotation normally
 * finishes in seconds; a pending key older than this is an orphan of a crashed rotation
 * (reported, left to `recover`/`revoke --id`), not a rotation in progress.
 */
export const GUARD_WINDOW_MS = 15 * 60_000;

/** What `status` shows for a key: its metadata state refined by what the cluster says. */
export type KeyStatus = 'active' | 'pending' | 'superseded' | 'expired' | 'invalidated';

/** The status of one managed key at a point in time. */
export interface KeyView {
  readonly id: string;
  readonly name: string;
  readonly template: string;
  readonly environment: string;
  readonly generation: number;
  readonly status: KeyStatus;
  readonly createdAt: Date;
  readonly ageMs: number;
  readonly expiresAt?: Date;
  /** For superseded keys: when it stops being valid (cluster expiration or revoke_after, whichever first). */
  readonly supersededUntil?: Date;
  /** Superseded key whose revoke_after has passed: `revoke --due` will invalidate it. */
  readonly revokeDue: boolean;
  /** For active keys: when a rotation is due (creation + rotate_every). */
  readonly rotationDueAt?: Date;
  readonly rotationDue: boolean;
  /** For active keys: when a privilege review is due (creation + review_every). */
  readonly reviewDueAt?: Date;
  readonly reviewDue: boolean;
  readonly createdBy: string;
  readonly templateHash: string;
  /** A pending key older than the guard window: its rotation was interrupted (recover on its host). */
  readonly stalePending: boolean;
}

/** True when the cluster still accepts the key (not invalidated, not expired). */
export function isValidKey(key: ManagedKey, now: Date): boolean {
  const { invalidated, expiration } = key.info;
  return !invalidated && (expiration === undefined || expiration.getTime() > now.getTime());
}

function plus(date: Date, duration: string): Date | undefined {
  const ms = parseDuration(duration);
  return ms === undefined ? undefined : new Date(date.getTime() + ms);
}

function earliest(...dates: (Date | undefined)[]): Date | undefined {
  const present = dates.filter((d): d is Date => d !== undefined);
  if (present.length === 0) return undefined;
  return new Date(Math.min(...present.map((d) => d.getTime())));
}

/** Classifies one key for `status`/`list` (pure). */
export function describeKey(key: ManagedKey, now: Date): KeyView {
  const { info, meta } = key;
  let status: KeyStatus;
  if (info.invalidated) status = 'invalidated';
  else if (info.expiration && info.expiration.getTime() <= now.getTime()) status = 'expired';
  else status = meta.state;
  const revokeAfter = meta.revoke_after ? new Date(meta.revoke_after) : undefined;
  const supersededUntil = status === 'superseded' ? earliest(info.expiration, revokeAfter) : undefined;
  const rotationDueAt = status === 'active' ? plus(info.creation, meta.rotate_every) : undefined;
  const reviewDueAt = status === 'active' ? plus(info.creation, meta.review_every) : undefined;
  return {
    id: info.id,
    name: info.name,
    template: meta.template,
    environment: meta.environment,
    generation: meta.generation,
    status,
    createdAt: info.creation,
    ageMs: now.getTime() - info.creation.getTime(),
    expiresAt: info.expiration,
    supersededUntil,
    revokeDue: status === 'superseded' && revokeAfter !== undefined && revokeAfter.getTime() <= now.getTime(),
    rotationDueAt,
    rotationDue: rotationDueAt !== undefined && rotationDueAt.getTime() <= now.getTime(),
    reviewDueAt,
    reviewDue: reviewDueAt !== undefined && reviewDueAt.getTime() <= now.getTime(),
    createdBy: meta.created_by,
    templateHash: meta.template_hash,
    stalePending: status === 'pending' && now.getTime() - info.creation.getTime() >= GUARD_WINDOW_MS,
  };
}
