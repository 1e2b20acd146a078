/**
 * `GET /_security/user/_privileges` as Elasticsearch builds it: the caller's role descriptors are
 * merged the way CompositeRolesStore builds one Role (index entries collated by their exact set of
 * names, apart for restricted-index entries; application entries by application and resources), then
 * rendered as RBACEngine.buildUserPrivilegesResponseObject and RestGetUserPrivilegesAction do.
 */
import type { RoleDescriptor } from '../../core/privileges/index.js';
import { isObject } from '../util.js';

type IndexEntry = NonNullable<RoleDescriptor['indices']>[number];

interface FieldGroup {
  grant?: string[];
  except?: string[];
}

interface MergedIndices {
  names: string[];
  privileges: Set<string>;
  fieldGroups: FieldGroup[];
  /** `null` once any merged entry had no query: the merged group then reads every document. */
  queries: Set<string> | null;
  allowRestricted: boolean;
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
const namesOf = (e: { names: string | string[] }): string[] => (Array.isArray(e.names) ? e.names : [e.names]);

/** Role queries are stored as their JSON text; the response lists them as strings. */
const queryText = (q: unknown): string => (typeof q === 'string' ? q : JSON.stringify(q));

function fieldGroupOf(e: IndexEntry): FieldGroup {
  const fs = e.field_security as { grant?: unknown; except?: unknown } | undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  return { grant: list(fs?.grant), except: list(fs?.except) };
}

/** A group without a grant list, or granting `*` with no exceptions, leaves every field visible. */
function grantsAllFields(g: FieldGroup): boolean {
  return (g.grant === undefined || g.grant.includes('*')) && (g.except ?? []).length === 0;
}

/** CompositeRolesStore: a descriptor whose only index entry is `none` grants nothing (explicit denial). */
function isExplicitDenial(entries: readonly IndexEntry[]): boolean {
  return entries.length === 1 && entries[0]!.privileges[0]?.toLowerCase() === 'none';
}

function collateIndices(descriptors: readonly RoleDescriptor[]): MergedIndices[] {
  const plain = new Map<string, MergedIndices>();
  const restricted = new Map<string, MergedIndices>();
  for (const d of descriptors) {
    const entries = d.indices ?? [];
    if (isExplicitDenial(entries)) continue;
    for (const e of entries) {
      const allowRestricted = e.allow_restricted_indices === true;
      const map = allowRestricted ? restricted : plain;
      const names = sorted(namesOf(e));
      const key = JSON.stringify(names);
      const query = e.query !== undefined ? new Set([queryText(e.query)]) : null;
      const found = map.get(key);
      if (!found) {
        map.set(key, {
          names,
          privileges: new Set(e.privileges),
          fieldGroups: [fieldGroupOf(e)],
          queries: query,
          allowRestricted,
        });
        continue;
      }
      for (const p of e.privileges) found.privileges.add(p);
      found.fieldGroups.push(fieldGroupOf(e));
      if (found.queries === null || query === null) found.queries = null;
      else for (const q of query) found.queries.add(q);
    }
  }
  // The role builder adds the unrestricted groups first, then the restricted ones.
  return [...plain.values(), ...restricted.values()];
}

function renderFieldSecurity(groups: readonly FieldGroup[]): Record<string, string[]>[] | undefined {
  if (groups.some(grantsAllFields)) return undefined;
  const rendered = groups.map((g) => ({
    ...((g.grant ?? []).length > 0 ? { grant: g.grant! } : {}),
    ...((g.except ?? []).length > 0 ? { except: g.except! } : {}),
  }));
  const unique = [...new Map(rendered.map((r) => [JSON.stringify(r), r])).values()];
  return unique.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function renderIndices(m: MergedIndices): Record<string, unknown> {
  const fieldSecurity = renderFieldSecurity(m.fieldGroups);
  return {
    names: m.names,
    privileges: sorted(m.privileges),
    ...(fieldSecurity ? { field_security: fieldSecurity } : {}),
    ...(m.queries && m.queries.size > 0 ? { query: [...m.queries] } : {}),
    allow_restricted_indices: m.allowRestricted,
  };
}

/** Each configurable (global) privilege on its own, as `{category: {verb: {...}}}`, duplicates dropped. */
function globalPrivileges(descriptors: readonly RoleDescriptor[]): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  for (const d of descriptors) {
    if (!isObject(d.global)) continue;
    for (const [category, verbs] of Object.entries(d.global)) {
      if (!isObject(verbs)) continue;
      for (const [verb, value] of Object.entries(verbs)) {
        const entry = { [category]: { [verb]: value } };
        out.set(JSON.stringify(entry), entry);
      }
    }
  }
  return [...out.values()];
}

function applicationPrivileges(descriptors: readonly RoleDescriptor[]): Record<string, unknown>[] {
  const merged = new Map<string, { application: string; privileges: Set<string>; resources: string[] }>();
  for (const d of descriptors) {
    for (const a of d.applications ?? []) {
      const resources = sorted(a.resources);
      const key = JSON.stringify([a.application, resources]);
      const found = merged.get(key);
      if (found) for (const p of a.privileges) found.privileges.add(p);
      else merged.set(key, { application: a.application, privileges: new Set(a.privileges), resources });
    }
  }
  return [...merged.values()].map((m) => ({
    application: m.application,
    privileges: sorted(m.privileges),
    resources: m.resources,
  }));
}

function remoteIndices(descriptors: readonly RoleDescriptor[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const d of descriptors) {
    for (const raw of d.remote_indices ?? []) {
      if (!isObject(raw)) continue;
      const e = raw as unknown as IndexEntry & { clusters?: string[] };
      if (e.privileges[0]?.toLowerCase() === 'none' && (d.remote_indices ?? []).length === 1) continue;
      const fieldSecurity = renderFieldSecurity([fieldGroupOf(e)]);
      out.push({
        names: sorted(namesOf(e)),
        privileges: sorted(e.privileges),
        ...(fieldSecurity ? { field_security: fieldSecurity } : {}),
        ...(e.query !== undefined ? { query: [queryText(e.query)] } : {}),
        allow_restricted_indices: e.allow_restricted_indices === true,
        clusters: sorted(e.clusters ?? []),
      });
    }
  }
  return out;
}

/** The get-user-privileges body for a principal holding `descriptors`. */
export function userPrivilegesBody(descriptors: readonly RoleDescriptor[]): Record<string, unknown> {
  const remote = remoteIndices(descriptors);
  const remoteCluster = descriptors.flatMap((d) => d.remote_cluster ?? []);
  return {
    cluster: sorted(descriptors.flatMap((d) => d.cluster ?? [])),
    global: globalPrivileges(descriptors),
    indices: collateIndices(descriptors).map(renderIndices),
    applications: applicationPrivileges(descriptors),
    run_as: sorted(descriptors.flatMap((d) => d.run_as ?? [])),
    // RestGetUserPrivilegesAction writes the remote sections only when there are some.
    ...(remote.length > 0 ? { remote_indices: remote } : {}),
    ...(remoteCluster.length > 0 ? { remote_cluster: remoteCluster } : {}),
  };
}
