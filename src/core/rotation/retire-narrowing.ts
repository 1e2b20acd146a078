import type { ClusterPort } from '../cluster-port.js';
import {
  describeMissing,
  descriptorRequests,
  type MissingPrivilege,
  missingPrivileges,
} from '../doctor/delegation.js';
import { isEskeysError } from '../errors.js';
import type { ManagedKey } from './key-metadata.js';

/**
 * Would updating `key` as the admin narrow it? Elasticsearch replaces a key's `limited_by`
 * with its owner's privileges of the moment on every update, an expiration-only or
 * metadata-only update included (docs/es-facts.md "Every API key update re-snapshots the
 * owner"). Retire is such an update, so when the admin has since lost a privilege the old
 * key's descriptors grant, retiring silently takes that privilege from the key consumers
 * still use during the grace.
 */
export type NarrowingVerdict =
  | { readonly kind: 'holds' }
  | { readonly kind: 'narrows'; readonly missing: readonly MissingPrivilege[] }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * Asks `_has_privileges`, as the admin, for every privilege of the key's own role descriptors
 * (not the template's: the key may predate a template change). A key whose descriptors the
 * cluster did not return (before 8.5) cannot be judged: `unknown`.
 */
export async function checkRetireNarrowing(cluster: ClusterPort, key: ManagedKey): Promise<NarrowingVerdict> {
  const descriptors = key.info.roleDescriptors;
  if (descriptors === undefined) {
    return { kind: 'unknown', reason: 'the cluster did not report its role descriptors' };
  }
  const missing: MissingPrivilege[] = [];
  try {
    for (const req of descriptorRequests(descriptors)) {
      missing.push(...missingPrivileges(req, await cluster.hasPrivileges(req)));
    }
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    return { kind: 'unknown', reason: `_has_privileges failed: ${error.message}` };
  }
  return missing.length === 0 ? { kind: 'holds' } : { kind: 'narrows', missing };
}

/** `write on logs-*, cluster monitor`: the privileges a narrowing verdict names. */
export function describeNarrowing(missing: readonly MissingPrivilege[]): string {
  return missing.map(describeMissing).join(', ');
}
