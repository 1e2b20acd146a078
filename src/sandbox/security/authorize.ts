import {
  clusterPrivilegesGranting,
  indexPrivilegesGranting,
  isRestrictedIndex,
} from '../../core/privileges/index.js';
import type { Resolution } from '../../core/resolver/index.js';
import { type EsError, forbidden } from '../errors.js';
import { notEmulated } from '../http/not-emulated.js';
import type { Authentication } from './authenticate.js';

/** `on indices [a,b]`, `on restricted indices [x]` or both, listing denied names in request order (§3a). */
function indicesClause(names: readonly string[]): string {
  const plain = names.filter((n) => !isRestrictedIndex(n));
  const restricted = names.filter((n) => isRestrictedIndex(n));
  if (plain.length > 0 && restricted.length > 0) {
    return ` on indices [${plain.join(',')}] and restricted indices [${restricted.join(',')}]`;
  }
  if (restricted.length > 0) return ` on restricted indices [${restricted.join(',')}]`;
  if (plain.length > 0) return ` on indices [${plain.join(',')}]`;
  return '';
}

/** The 403 for an index action (§8): subject, optional indices clause, granted-by list. */
export function indexDenied(auth: Authentication, action: string, names?: readonly string[]): EsError {
  const clause = names ? indicesClause([...new Set(names)]) : '';
  return forbidden(
    `action [${action}] is unauthorized for ${auth.subject}${clause}, this action is granted by the index privileges [${indexPrivilegesGranting(action).join(',')}]`,
  );
}

/** The 403 for a cluster action; `ownership` says whether manage_own_api_key's check held (§2). */
export function clusterDenied(auth: Authentication, action: string, ownership = true): EsError {
  return forbidden(
    `action [${action}] is unauthorized for ${auth.subject}, this action is granted by the cluster privileges [${clusterPrivilegesGranting(action, ownership).join(',')}]`,
  );
}

/** Requires a cluster action (manage_own_api_key's ownership via `ownedByCaller`). */
export function requireCluster(auth: Authentication, action: string, ownedByCaller = false): void {
  if (!auth.permission.checkCluster(action, { ownedByCaller }))
    throw clusterDenied(auth, action, ownedByCaller);
}

/**
 * Step 1 of §3a: the action must be granted on some index. `requested` is the index expression
 * list as sent, for IndicesRequests; omit it for name-only requests like top-level `_bulk`.
 */
export function requireIndexActionOnAny(
  auth: Authentication,
  action: string,
  requested?: readonly string[],
): void {
  if (!auth.permission.checkIndexActionOnAny(action)) throw indexDenied(auth, action, requested);
}

/** Step 3 of §3a: every name must be granted; 403 listing the denied ones. */
export function requireIndices(auth: Authentication, action: string, names: readonly string[]): void {
  const denied = names.filter((n) => !auth.permission.checkIndex(action, n));
  if (denied.length > 0) throw indexDenied(auth, action, denied);
}

/**
 * APIs whose request carries a single concrete name checked in full here (steps 1 and 3 of §3a);
 * other index APIs get step 1 here and their wildcard expansion in the data layer.
 */
const SINGLE_NAME_APIS = new Set([
  'indices.create',
  'get',
  'exists',
  'get_source',
  'exists_source',
  'update',
]);

/** Composite requests: step 1 is name-only (no indices clause); items are authorized per item. */
const COMPOSITE_APIS = new Set(['bulk', 'mget', 'msearch', 'msearch_template']);

/**
 * The one authorization step the server runs before any handler, from the resolved request.
 * Security APIs with an emulated handler keep their own checks (ownership of API keys, self
 * service) until those move here; an API without a handler whose authorization is not modelled
 * exactly answers the not-emulated 400 without guessing.
 */
export function authorizeRequest(auth: Authentication, r: Resolution, emulated: boolean): void {
  if (emulated && r.api.startsWith('security.')) return;
  if (r.action === undefined || r.scope === undefined || r.scope === 'special') {
    if (emulated) return;
    throw notEmulated(r.api);
  }
  if (r.scope === 'cluster') {
    requireCluster(auth, r.action);
    return;
  }
  if (COMPOSITE_APIS.has(r.api)) {
    requireIndexActionOnAny(auth, r.action);
    return;
  }
  requireIndexActionOnAny(auth, r.action, r.indices);
  if (SINGLE_NAME_APIS.has(r.api) && r.indices) requireIndices(auth, r.action, r.indices);
}
