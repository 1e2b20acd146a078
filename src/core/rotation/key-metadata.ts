import type { ApiKeyInfo } from '../cluster-port.js';
import { MANAGED_BY } from '../cluster-port.js';

/**
 * The metadata eskeys writes on every key it mints (docs/ROTATION.md). It is the only link
 * between a key and its template/environment, so a key is findable by the query API even
 * when the local journal is lost (invariant "none is orphaned by a crash").
 *
 * `state` is the guard visible in the cluster: a key is `pending` from creation until it is
 * published and its restart succeeded, then `active`, then `superseded` once a successor
 * took over. A fresh `pending` key tells another host that a rotation is under way.
 */
export type ManagedKeyState = 'pending' | 'active' | 'superseded';

/** Metadata of a managed key, typed. Field names are snake_case as stored in Elasticsearch. */
export interface ManagedKeyMetadata {
  readonly managed_by: typeof MANAGED_BY;
  readonly template: string;
  readonly environment: string;
  readonly template_hash: string;
  readonly generation: number;
  /** Id of the key this one replaces (absent for the first key). */
  readonly predecessor?: string;
  /** `user@host` of the operator or scheduler that minted the key. */
  readonly created_by: string;
  /** The rotation that minted it; recover finds a key whose id never reached the journal by it. */
  readonly rotation_id: string;
  readonly state: ManagedKeyState;
  /** Rotation policy at creation, so `status` can judge a key from the cluster alone. */
  readonly rotate_every: string;
  readonly grace: string;
  readonly review_every: string;
  readonly published_at?: string;
  readonly superseded_at?: string;
  readonly superseded_by?: string;
  /** When `revoke --due` may invalidate it (the cluster expiration enforces it anyway where supported). */
  readonly revoke_after?: string;
}

/** A managed key with its metadata parsed. */
export interface ManagedKey {
  readonly info: ApiKeyInfo;
  readonly meta: ManagedKeyMetadata;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Parses a key's metadata; undefined when the key is not managed by eskeys (or is malformed). */
export function parseManagedKey(info: ApiKeyInfo): ManagedKey | undefined {
  const m = info.metadata;
  if (m.managed_by !== MANAGED_BY) return undefined;
  const template = str(m.template);
  const environment = str(m.environment);
  if (!template || !environment) return undefined;
  const generation = typeof m.generation === 'number' ? m.generation : Number(m.generation ?? 0);
  const state = m.state === 'pending' || m.state === 'superseded' ? m.state : 'active';
  return {
    info,
    meta: {
      managed_by: MANAGED_BY,
      template,
      environment,
      template_hash: str(m.template_hash) ?? '',
      generation: Number.isFinite(generation) ? generation : 0,
      predecessor: str(m.predecessor),
      created_by: str(m.created_by) ?? 'unknown',
      rotation_id: str(m.rotation_id) ?? '',
      state,
      rotate_every: str(m.rotate_every) ?? '90d',
      grace: str(m.grace) ?? '24h',
      review_every: str(m.review_every) ?? '30d',
      published_at: str(m.published_at),
      superseded_at: str(m.superseded_at),
      superseded_by: str(m.superseded_by),
      revoke_after: str(m.revoke_after),
    },
  };
}

/** Parses every managed key of a list, dropping the others. */
export function parseManagedKeys(infos: readonly ApiKeyInfo[]): ManagedKey[] {
  return infos.flatMap((i) => {
    const k = parseManagedKey(i);
    return k ? [k] : [];
  });
}

/** The human-readable key name shown in Kibana: `applylens-api@prod#7`. */
export function keyName(template: string, environment: string, generation: number): string {
  return `${template}@${environment}#${generation}`;
}

/**
 * Metadata merged for an update. The update API replaces metadata wholesale
 * (reference §4.6), so every change starts from the key's full existing metadata.
 */
export function mergeMetadata(
  existing: Readonly<Record<string, unknown>>,
  changes: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...existing };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}
