import {
  Role,
  type RoleDescriptor,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
} from '../privileges/index.js';
import { templateHash } from '../rotation/template-hash.js';

/**
 * A key's role descriptors as the get/query API returns them, reduced to what grants access,
 * so that the cluster's rendering (defaults such as `run_as: []`, `transient_metadata`,
 * `allow_restricted_indices: false`, a DLS query sent back as a string) compares equal to the
 * template it came from. Reference §4.3 (ApiKey fields), docs/es-facts.md.
 */
export type Descriptors = Readonly<Record<string, RoleDescriptor>>;

/** One merged `indices` line of a privilege summary. */
export interface IndexLine {
  readonly names: readonly string[];
  readonly privileges: readonly string[];
  readonly allowRestricted: boolean;
  /** Document-level security (a `query`) narrows the line. */
  readonly dls: boolean;
  /** Field-level security narrows the line. */
  readonly fls: boolean;
}

/** What a set of role descriptors grants, flattened for people: their union (reference §5). */
export interface PrivilegeSummary {
  /** Descriptor (role) names, in order. */
  readonly roles: readonly string[];
  readonly cluster: readonly string[];
  readonly indices: readonly IndexLine[];
  readonly runAs: readonly string[];
  /** Number of application privilege entries (Kibana and the like). */
  readonly applications: number;
  /** Remote (cross-cluster) index or cluster entries. */
  readonly remote: number;
}

/**
 * True when the cluster reported a key's descriptors as empty (`{}`): it inherits its owner's
 * snapshot (reference §5). Absent descriptors are not empty ones: clusters before 8.5 never
 * return the field, so what such a key may do is unknown (see `descriptorsReported`).
 */
export function hasNoDescriptors(d: Descriptors | undefined): boolean {
  return d !== undefined && Object.keys(d).length === 0;
}

/** False when the answer carried no `role_descriptors` at all (clusters before 8.5, reference §4.3). */
export function descriptorsReported(d: Descriptors | undefined): d is Descriptors {
  return d !== undefined;
}

const asArray = (v: string[] | string | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

function parsedQuery(q: unknown): unknown {
  if (typeof q !== 'string') return q;
  try {
    return JSON.parse(q);
  } catch {
    return q;
  }
}

/** Descriptors without the defaults the cluster adds on the way back; index `names` always arrays. */
export function normalizeDescriptors(d: Descriptors): Record<string, RoleDescriptor> {
  const out: Record<string, RoleDescriptor> = {};
  for (const [name, rd] of Object.entries(d)) {
    const n: RoleDescriptor = {};
    if (rd.cluster && rd.cluster.length > 0) n.cluster = [...rd.cluster];
    if (rd.indices && rd.indices.length > 0) {
      n.indices = rd.indices.map((i) => ({
        names: asArray(i.names),
        privileges: [...i.privileges],
        ...(i.field_security ? { field_security: i.field_security } : {}),
        ...(i.query !== undefined ? { query: parsedQuery(i.query) as Record<string, unknown> } : {}),
        ...(i.allow_restricted_indices === true ? { allow_restricted_indices: true } : {}),
      }));
    }
    if (rd.applications && rd.applications.length > 0) n.applications = rd.applications;
    if (rd.run_as && rd.run_as.length > 0) n.run_as = [...rd.run_as];
    if (rd.metadata && Object.keys(rd.metadata).length > 0) n.metadata = rd.metadata;
    if (rd.remote_indices && rd.remote_indices.length > 0) n.remote_indices = rd.remote_indices;
    if (rd.remote_cluster && rd.remote_cluster.length > 0) n.remote_cluster = rd.remote_cluster;
    out[name] = n;
  }
  return out;
}

/** Hash of normalized descriptors: equal when they grant the same thing written the same way. */
export function descriptorsHash(d: Descriptors): string {
  return templateHash(normalizeDescriptors(d));
}

const unique = (items: Iterable<string>): string[] => [...new Set(items)];

/** The union of the descriptors, index entries with the same names merged. */
export function summarizePrivileges(d: Descriptors): PrivilegeSummary {
  const cluster: string[] = [];
  const lines = new Map<
    string,
    { names: string[]; privileges: string[]; restricted: boolean; dls: boolean; fls: boolean }
  >();
  const runAs: string[] = [];
  let applications = 0;
  let remote = 0;
  for (const rd of Object.values(d)) {
    cluster.push(...(rd.cluster ?? []));
    for (const i of rd.indices ?? []) {
      const names = asArray(i.names);
      const restricted = i.allow_restricted_indices === true;
      const dls = i.query !== undefined;
      const fls = i.field_security !== undefined;
      // Entries narrowed by DLS/FLS or reaching restricted indices stay apart: merging would overstate them.
      const k = `${names.join('\u0000')}\u0001${restricted}\u0001${dls}\u0001${fls}`;
      const line = lines.get(k);
      if (line) line.privileges.push(...i.privileges);
      else lines.set(k, { names, privileges: [...i.privileges], restricted, dls, fls });
    }
    runAs.push(...(rd.run_as ?? []));
    applications += rd.applications?.length ?? 0;
    remote += (rd.remote_indices?.length ?? 0) + (rd.remote_cluster?.length ?? 0);
  }
  return {
    roles: Object.keys(d),
    cluster: unique(cluster),
    indices: [...lines.values()].map((l) => ({
      names: l.names,
      privileges: unique(l.privileges),
      allowRestricted: l.restricted,
      dls: l.dls,
      fls: l.fls,
    })),
    runAs: unique(runAs),
    applications,
    remote,
  };
}

/** One line for a table: `cluster: monitor; logs-*: read,index; run_as: *`. */
export function formatPrivileges(s: PrivilegeSummary): string {
  const parts: string[] = [];
  if (s.cluster.length > 0) parts.push(`cluster: ${s.cluster.join(',')}`);
  for (const l of s.indices) {
    const notes = [l.allowRestricted && 'restricted', l.dls && 'dls', l.fls && 'fls'].filter(Boolean);
    parts.push(
      `${l.names.join(',')}: ${l.privileges.join(',')}${notes.length ? ` (${notes.join(',')})` : ''}`,
    );
  }
  if (s.runAs.length > 0) parts.push(`run_as: ${s.runAs.join(',')}`);
  if (s.applications > 0) parts.push(`applications: ${s.applications}`);
  if (s.remote > 0) parts.push(`remote: ${s.remote}`);
  return parts.length > 0 ? parts.join('; ') : 'no privileges';
}

/**
 * True when the descriptors allow every cluster action and every action on every
 * (non-restricted) index — the `superuser` shape. Judged by the privilege model; names it does
 * not know (newer Elasticsearch privileges) are ignored rather than guessed.
 */
export function canDoEverything(d: Descriptors): boolean {
  const known = Object.values(normalizeDescriptors(d)).map((rd) => ({
    cluster: (rd.cluster ?? []).filter((n) => resolveClusterPrivilege(n) !== undefined),
    indices: (rd.indices ?? [])
      .map((i) => ({ ...i, privileges: i.privileges.filter((n) => resolveIndexPrivilege(n) !== undefined) }))
      .filter((i) => i.privileges.length > 0),
  }));
  try {
    const role = Role.fromDescriptors(known);
    return role.hasClusterPrivilege('all') && role.hasIndexPrivilege('*', 'all');
  } catch {
    return false; // a malformed index pattern: not the superuser shape
  }
}
