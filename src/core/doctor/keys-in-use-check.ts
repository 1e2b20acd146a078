import type { ApiKeyInfo, ClusterPort } from '../cluster-port.js';
import { MANAGED_BY } from '../cluster-port.js';
import { clusterAnswerOf, isEskeysError } from '../errors.js';
import { check, type DoctorCheck } from './check.js';
import {
  type CheckableDescriptor,
  describeMissing,
  descriptorRequests,
  missingPrivileges,
} from './delegation.js';

/** How many keys in use the check looks at (one `_has_privileges` round per distinct descriptor set). */
const SAMPLE = 100;

interface KeyInUse {
  readonly id: string;
  readonly name: string;
  readonly descriptors?: Readonly<Record<string, CheckableDescriptor>>;
}

/**
 * Would the next rotation narrow a key consumers use today? Retire updates the old key, and
 * Elasticsearch re-snapshots the owner's current privileges into a key on every update
 * (docs/es-facts.md), so a key whose own descriptors grant something the admin no longer holds
 * loses it at retire, for the whole grace. Looks at the valid `active` managed keys the admin
 * owns (only their owner can retire them) and asks `_has_privileges` for each key's descriptors.
 * A warning, not a failure: nothing is broken yet, and `rotate --strict` refuses to narrow.
 */
export async function keysInUseCheck(cluster: ClusterPort, adminUser: string): Promise<DoctorCheck> {
  let keys: KeyInUse[] | undefined;
  try {
    keys = await keysInUse(cluster, adminUser);
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    return check(
      'delegation',
      'keys_in_use',
      'warn',
      `cannot list the managed keys in use: ${error.message}`,
      {
        fix: 'the admin needs manage_api_key (or manage_own_api_key) to query its keys',
      },
    );
  }
  if (keys === undefined) {
    return check('delegation', 'keys_in_use', 'skip', 'the admin may not query API keys (see delegation)');
  }
  const narrowed: string[] = [];
  const unknown: string[] = [];
  const verdicts = new Map<string, string[] | undefined>();
  for (const k of keys) {
    if (k.descriptors === undefined) {
      unknown.push(k.name);
      continue;
    }
    const sig = JSON.stringify(k.descriptors);
    if (!verdicts.has(sig)) {
      try {
        const missing: string[] = [];
        for (const req of descriptorRequests(k.descriptors)) {
          missing.push(...missingPrivileges(req, await cluster.hasPrivileges(req)).map(describeMissing));
        }
        verdicts.set(sig, missing);
      } catch (error) {
        if (!isEskeysError(error)) throw error;
        verdicts.set(sig, undefined);
      }
    }
    const missing = verdicts.get(sig);
    if (missing === undefined) unknown.push(k.name);
    else if (missing.length > 0) narrowed.push(`${k.name} (id ${k.id}): ${missing.join(', ')}`);
  }
  if (narrowed.length > 0) {
    return check(
      'delegation',
      'keys_in_use',
      'warn',
      `the admin no longer holds every privilege of ${narrowed.length} managed key${narrowed.length === 1 ? '' : 's'} in use: retiring ${narrowed.length === 1 ? 'it' : 'them'} at the next rotation narrows ${narrowed.length === 1 ? 'it' : 'them'} for the whole grace (Elasticsearch re-snapshots the owner's privileges on every key update)`,
      {
        details: narrowed,
        fix: "grant the admin's role those privileges again before rotating, or rotate with --strict to leave the old key untouched",
      },
    );
  }
  const n = keys.length;
  const sampled = n >= SAMPLE ? ` (the first ${SAMPLE})` : '';
  const skippedNote = unknown.length > 0 ? `; could not check ${unknown.join(', ')}` : '';
  return check(
    'delegation',
    'keys_in_use',
    unknown.length > 0 ? 'warn' : 'ok',
    n === 0
      ? 'no managed key of the admin is in use'
      : `the admin holds every privilege of the ${n} managed key${n === 1 ? '' : 's'} in use${sampled}: retiring ${n === 1 ? 'it' : 'them'} narrows nothing${skippedNote}`,
    unknown.length > 0
      ? { fix: 'the cluster did not report their role descriptors, or _has_privileges failed' }
      : {},
  );
}

/**
 * The valid `active` managed keys `adminUser` owns, by the cluster's clock; undefined when the
 * admin may not query keys (403: the api_keys check says so), none when the query API answered
 * another error status (the api_keys check reports it).
 */
async function keysInUse(cluster: ClusterPort, adminUser: string): Promise<KeyInUse[] | undefined> {
  let keys: readonly ApiKeyInfo[];
  try {
    const page = await cluster.queryApiKeys({
      size: SAMPLE,
      query: {
        bool: {
          filter: [
            { term: { 'metadata.managed_by': MANAGED_BY } },
            { term: { 'metadata.state': 'active' } },
            { term: { invalidated: false } },
            { term: { username: adminUser } },
          ],
          should: [
            { range: { expiration: { gt: 'now' } } },
            { bool: { must_not: [{ exists: { field: 'expiration' } }] } },
          ],
          minimum_should_match: 1,
        },
      },
    });
    keys = page.keys;
  } catch (error) {
    const answer = clusterAnswerOf(error);
    if (answer?.status === 403) return undefined;
    if (answer) return [];
    throw error;
  }
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    ...(k.roleDescriptors ? { descriptors: k.roleDescriptors as Record<string, CheckableDescriptor> } : {}),
  }));
}
