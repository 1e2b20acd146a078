import { isBusyStatus } from './busy-retry.js';
import type { RawResponse } from './probe-transport.js';
import type { Expectation, Verdict } from './types.js';

/**
 * What a probe response says about authorization:
 * - `allowed`: 2xx, the action ran;
 * - `authorized`: Elasticsearch authorized the action and then refused it for a reason that is
 *   not security (a missing document, an existing index, a version conflict). Authorization runs
 *   before the action (docs/es-facts.md), so these prove the key holds the privilege;
 * - `denied`: 403 `security_exception`;
 * - `rejected`: 401, the key itself was not accepted;
 * - `busy`: 429/502/503/504, the cluster could not serve the request (says nothing about the key);
 * - `other`: anything else (400, 404 on something unexpected, 500, ...).
 */
export type OutcomeKind = 'allowed' | 'authorized' | 'denied' | 'rejected' | 'busy' | 'other';

/** Why an `authorized` outcome did not succeed. */
export type AuthorizedReason =
  | 'index_absent'
  | 'doc_absent'
  | 'doc_exists'
  | 'index_exists'
  | 'setting_unknown';

/** A classified probe response. */
export interface Outcome {
  readonly kind: OutcomeKind;
  readonly reason?: AuthorizedReason;
  /** Short description for the matrix: `201`, `403 security_exception`, `200, item 404 not_found`. */
  readonly got: string;
  /** Server-provided reason text (403/400/... reason), for explanations. */
  readonly detail?: string;
}

interface EsErrorBody {
  error?: { type?: string; reason?: string; additional_unsuccessful_credentials?: string } | string;
  found?: boolean;
  result?: string;
}

function errorOf(body: unknown): { type?: string; reason?: string; credentials?: string } {
  const e = (body as EsErrorBody | undefined)?.error;
  if (typeof e === 'string') return { reason: e };
  if (e && typeof e === 'object')
    return { type: e.type, reason: e.reason, credentials: e.additional_unsuccessful_credentials };
  return {};
}

/** Why the cluster rejected a key (the 401's `additional_unsuccessful_credentials`, else its reason). */
export function rejectionReason(body: unknown): string {
  const e = errorOf(body);
  const text = e.credentials ?? e.reason ?? 'authentication failed';
  return text.replace(/^API key: /, '');
}

function classifyStatus(status: number, body: unknown): Outcome {
  const e = errorOf(body);
  const label = (suffix?: string) => (suffix ? `${status} ${suffix}` : String(status));
  if (status >= 200 && status < 300) return { kind: 'allowed', got: label() };
  if (status === 401) return { kind: 'rejected', got: label(e.type), detail: rejectionReason(body) };
  if (isBusyStatus(status)) return { kind: 'busy', got: label(e.type), detail: e.reason };
  if (status === 403) {
    return e.type === 'security_exception'
      ? { kind: 'denied', got: label('security_exception'), detail: e.reason }
      : { kind: 'other', got: label(e.type), detail: e.reason };
  }
  if (status === 404) {
    const b = body as EsErrorBody | undefined;
    if (e.type === 'index_not_found_exception')
      return { kind: 'authorized', reason: 'index_absent', got: label(e.type), detail: e.reason };
    if (e.type === 'document_missing_exception')
      return { kind: 'authorized', reason: 'doc_absent', got: label(e.type), detail: e.reason };
    if (b?.found === false) return { kind: 'authorized', reason: 'doc_absent', got: label('found:false') };
    if (b?.result === 'not_found')
      return { kind: 'authorized', reason: 'doc_absent', got: label('not_found') };
    return { kind: 'other', got: label(e.type ?? 'not found'), detail: e.reason };
  }
  if (status === 409 && e.type === 'version_conflict_engine_exception')
    return { kind: 'authorized', reason: 'doc_exists', got: label(e.type), detail: e.reason };
  if (status === 400 && e.type === 'resource_already_exists_exception')
    return { kind: 'authorized', reason: 'index_exists', got: label(e.type), detail: e.reason };
  return { kind: 'other', got: label(e.type), detail: e.reason };
}

/**
 * Classifies a probe response. `_bulk` answers 200 even when its item was refused, so for
 * bulk probes the (single) item decides (docs/es-facts.md).
 */
export function classify(op: string, res: RawResponse): Outcome {
  if (op === 'bulk.delete' && res.status === 200) {
    const items = (
      res.body as { items?: Record<string, { status?: number; error?: unknown; result?: string }>[] }
    )?.items;
    const item = items?.[0] ? Object.values(items[0])[0] : undefined;
    if (!item || typeof item.status !== 'number') return { kind: 'other', got: '200, no bulk item' };
    const inner = classifyStatus(item.status, item);
    return { ...inner, got: `200, item ${inner.got}` };
  }
  if (op === 'cluster.put_settings' && res.status === 400) {
    // An unknown setting is refused by the settings updater, which runs after authorization.
    const e = errorOf(res.body);
    if (e.type === 'illegal_argument_exception' && /not recognized/.test(e.reason ?? ''))
      return { kind: 'authorized', reason: 'setting_unknown', got: `400 ${e.type}`, detail: e.reason };
  }
  if (op === 'rollover' && res.status === 404 && errorOf(res.body).type === 'resource_not_found_exception') {
    // MetadataRolloverService: a missing target is a ResourceNotFoundException, thrown after the
    // privilege check on the name.
    const e = errorOf(res.body);
    return { kind: 'authorized', reason: 'index_absent', got: `404 ${e.type}`, detail: e.reason };
  }
  return classifyStatus(res.status, res.body);
}

/**
 * Authorized-but-refused outcomes an `allow` probe accepts, each because the request reached the
 * action only after authorization passed:
 * - `doc.get`/`doc.update` on a probe document that is not there (yet): 404;
 * - `doc.delete`/`bulk.delete` of the fixed probe document when an earlier run already removed it: 404 not_found;
 * - `doc.create` on the fixed id an earlier run created: 409 version conflict (the id is fixed so
 *   repeated runs do not accumulate documents);
 * - `index.create` of the stable probe index that an earlier run created: 400 resource_already_exists;
 * - `cluster.put_settings` removing the probe's `archived.*` setting, where a cluster refuses to
 *   remove unregistered settings: 400 "not recognized" (Elasticsearch itself answers 200).
 */
const ALLOW_ACCEPTS: Readonly<Record<string, readonly AuthorizedReason[]>> = {
  'doc.get': ['doc_absent'],
  'doc.update': ['doc_absent'],
  'doc.delete': ['doc_absent'],
  'bulk.delete': ['doc_absent'],
  'doc.create': ['doc_exists'],
  'index.create': ['index_exists'],
  'cluster.put_settings': ['setting_unknown'],
};

/** The verdict of a live probe from its classified outcome. */
export function verdictOf(op: string, expected: Expectation, o: Outcome): Verdict {
  if (o.kind === 'busy') return 'inconclusive';
  if (expected === 'deny') {
    if (o.kind === 'denied') return 'pass';
    // A 2xx, or a 404/409 reached after authorization: the key holds the privilege.
    if (o.kind === 'allowed' || o.kind === 'authorized') return 'fail';
    return 'error';
  }
  if (o.kind === 'allowed') return 'pass';
  if (o.kind === 'authorized' && o.reason && (ALLOW_ACCEPTS[op] ?? []).includes(o.reason)) return 'pass';
  if (o.kind === 'denied') return 'fail';
  return 'error';
}
