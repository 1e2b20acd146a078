import { majorsWithPrivilege, privilegeExistsIn } from '../privileges/index.js';
import type { RoleTemplate } from '../templates/schema.js';

/** One `_has_privileges` request body (reference §7). */
export interface PrivilegeCheckRequest {
  readonly cluster: string[];
  readonly index: { names: string[]; privileges: string[]; allow_restricted_indices?: boolean }[];
}

/** What `_has_privileges` answered, in the ClusterPort's shape. */
export interface PrivilegeCheckResult {
  readonly hasAll: boolean;
  readonly cluster: Readonly<Record<string, boolean>>;
  readonly index: Readonly<Record<string, Readonly<Record<string, boolean>>>>;
}

/** A privilege a template delegates that the admin does not hold. */
export interface MissingPrivilege {
  readonly kind: 'cluster' | 'index';
  readonly privilege: string;
  /** The index pattern (index privileges only). */
  readonly pattern?: string;
  /** The template entry sets allow_restricted_indices. */
  readonly restricted?: boolean;
}

/**
 * The `_has_privileges` requests that ask whether the admin holds everything `template`
 * delegates: its cluster privileges, and each index pattern × privileges of every descriptor.
 * Entries with `allow_restricted_indices: true` go in a request of their own: the answer is
 * keyed by pattern only, and Elasticsearch ANDs the answers of entries that share a pattern
 * (ResourcePrivilegesMap), so mixing them would blur which flag was missing. Field and document
 * level security are left out: `_has_privileges` refuses them, and a key's FLS/DLS only narrows.
 */
export function delegationRequests(template: RoleTemplate): PrivilegeCheckRequest[] {
  return descriptorRequests(template.role_descriptors);
}

/** The shape of a role descriptor that `_has_privileges` can ask about (template or stored key). */
export interface CheckableDescriptor {
  readonly cluster?: readonly string[];
  readonly indices?: readonly {
    /** Elasticsearch accepts one name as a plain string. */
    readonly names: string | readonly string[];
    readonly privileges: readonly string[];
    readonly allow_restricted_indices?: boolean;
  }[];
}

/**
 * The `_has_privileges` requests that ask whether the admin holds every cluster and index
 * privilege of `descriptors` (a template's, or an existing key's as the cluster reports them).
 */
export function descriptorRequests(
  descriptors: Readonly<Record<string, CheckableDescriptor>>,
): PrivilegeCheckRequest[] {
  const cluster = new Set<string>();
  const plain: PrivilegeCheckRequest['index'] = [];
  const restricted: PrivilegeCheckRequest['index'] = [];
  for (const d of Object.values(descriptors)) {
    for (const c of d.cluster ?? []) cluster.add(c);
    for (const i of d.indices ?? []) {
      const names = typeof i.names === 'string' ? [i.names] : [...i.names];
      if (i.allow_restricted_indices === true) {
        restricted.push({
          names,
          privileges: [...i.privileges],
          allow_restricted_indices: true,
        });
      } else {
        plain.push({ names, privileges: [...i.privileges] });
      }
    }
  }
  const out: PrivilegeCheckRequest[] = [];
  if (cluster.size > 0 || plain.length > 0) out.push({ cluster: [...cluster], index: plain });
  if (restricted.length > 0) out.push({ cluster: [], index: restricted });
  return out;
}

/** Every requested privilege the answer marks false (or leaves out), in request order, once each. */
export function missingPrivileges(
  req: PrivilegeCheckRequest,
  result: PrivilegeCheckResult,
): MissingPrivilege[] {
  const out: MissingPrivilege[] = [];
  const seen = new Set<string>();
  for (const c of req.cluster) {
    if (result.cluster[c] === true || seen.has(`c\u0000${c}`)) continue;
    seen.add(`c\u0000${c}`);
    out.push({ kind: 'cluster', privilege: c });
  }
  for (const entry of req.index) {
    for (const pattern of entry.names) {
      for (const privilege of entry.privileges) {
        const k = `i\u0000${pattern}\u0000${privilege}`;
        if (result.index[pattern]?.[privilege] === true || seen.has(k)) continue;
        seen.add(k);
        out.push({
          kind: 'index',
          privilege,
          pattern,
          ...(entry.allow_restricted_indices ? { restricted: true } : {}),
        });
      }
    }
  }
  return out;
}

/** How many distinct privileges (cluster names, pattern × index privilege) the requests ask about. */
export function countRequested(reqs: readonly PrivilegeCheckRequest[]): number {
  const keys = new Set<string>();
  for (const r of reqs) {
    for (const c of r.cluster) keys.add(`c\u0000${c}`);
    for (const e of r.index)
      for (const n of e.names)
        for (const p of e.privileges)
          keys.add(`i\u0000${n}\u0000${p}\u0000${e.allow_restricted_indices === true}`);
  }
  return keys.size;
}

/** `cluster manage_ilm`, `write on gmail_emails-*`, `read on .security* (restricted indices)`. */
export function describeMissing(m: MissingPrivilege): string {
  if (m.kind === 'cluster') return `cluster ${m.privilege}`;
  return `${m.privilege} on ${m.pattern}${m.restricted ? ' (with allow_restricted_indices)' : ''}`;
}

/**
 * The named privileges of `descriptors` that Elasticsearch `major` does not have (each with the
 * majors that do), as `cluster monitor_esql (9.x only)`. The cluster refuses a key or role naming
 * one (400 unknown privilege), and `_has_privileges` refuses to check it.
 */
export function privilegesMissingInMajor(
  descriptors: Readonly<Record<string, CheckableDescriptor>>,
  major: number,
): string[] {
  const out = new Set<string>();
  const note = (kind: 'cluster' | 'index', name: string) => {
    // Raw action patterns and names no major knows are in every major's table by default, so
    // only the names listed as major-specific can be missing.
    if (privilegeExistsIn(kind, name, major)) return;
    const only = majorsWithPrivilege(kind, name).map((m) => `${m}.x`);
    out.add(`${kind} ${name} (${only.join(', ')} only)`);
  };
  for (const d of Object.values(descriptors)) {
    for (const c of d.cluster ?? []) note('cluster', c);
    for (const i of d.indices ?? []) for (const p of i.privileges) note('index', p);
  }
  return [...out];
}
