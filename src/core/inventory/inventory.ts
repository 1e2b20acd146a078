import { type ApiKeyInfo, type ClusterPort, MANAGED_BY } from '../cluster-port.js';
import { AuthorizationError, clusterAnswerOf } from '../errors.js';
import { parseManagedKey, parseManagedKeys } from '../rotation/key-metadata.js';
import { describeKey, type KeyStatus } from '../rotation/key-state.js';
import {
  type Descriptors,
  descriptorsReported,
  hasNoDescriptors,
  type PrivilegeSummary,
  summarizePrivileges,
} from './descriptors.js';
import {
  type FindingContext,
  groupOf,
  type InventoryFinding,
  type InventoryRuleId,
  isValid,
  keyFindings,
  ruleOrder,
  ruleText,
  SnapshotCache,
  type TemplateIndex,
} from './findings.js';
import { INVENTORY_SEVERITIES, type InventorySeverity, inventorySeverityRank, worse } from './severity.js';

/**
 * `eskeys inventory`: every API key the admin identity can see, page by page through the query
 * API (search_after), so memory stays flat however many keys the cluster holds; only the
 * managed keys (few) are read up front, to count valid keys per template and environment.
 */

/** Which keys to list. */
export interface InventoryFilter {
  /** Include invalidated and expired keys. @defaultValue false */
  readonly all?: boolean;
  /** Only keys owned by this username. */
  readonly owner?: string;
  /** Only keys owned in this realm. */
  readonly realm?: string;
  /** Only managed (`managed`) or unmanaged (`unmanaged`) keys. */
  readonly managed?: 'managed' | 'unmanaged';
  /** Only managed keys of this template (implies managed). */
  readonly template?: string;
}

/**
 * Where a key's privileges come from: `own` its role descriptors; `owner` none, so the owner's
 * snapshot; `unknown` none and no snapshot returned; `unreported` the cluster (before 8.5) did
 * not return the key's descriptors at all.
 */
export type PrivilegeSource = 'own' | 'owner' | 'unknown' | 'unreported';

/** One key of the inventory, ready to render. */
export interface InventoryEntry {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly owner: { readonly username: string; readonly realm: string; readonly realmType?: string };
  readonly created: Date;
  readonly ageMs: number;
  readonly expiration?: Date;
  readonly invalidation?: Date;
  readonly status: 'valid' | 'expired' | 'invalidated';
  /** eskeys identity and state; undefined for keys eskeys does not manage. */
  readonly managed?: {
    readonly template: string;
    readonly environment: string;
    readonly generation: number;
    readonly state: KeyStatus;
    /** `template@environment#generation`. */
    readonly label: string;
  };
  /** See PrivilegeSource. */
  readonly privilegeSource: PrivilegeSource;
  readonly privileges: PrivilegeSummary;
  /** Role names of the owner's snapshot (limited_by), when returned. */
  readonly ownerRoles?: readonly string[];
  /** Top-level metadata field names (values are never shown: they may hold anything). */
  readonly metadataKeys: readonly string[];
  readonly findings: readonly InventoryFinding[];
}

/** Builds one entry (pure). */
export function inventoryEntry(key: ApiKeyInfo, ctx: FindingContext): InventoryEntry {
  const now = ctx.now;
  const mk = parseManagedKey(key);
  const view = mk ? describeKey(mk, now) : undefined;
  const status = key.invalidated ? 'invalidated' : isValid(key, now.getTime()) ? 'valid' : 'expired';
  const reported = descriptorsReported(key.roleDescriptors);
  const inherits = hasNoDescriptors(key.roleDescriptors);
  const source: PrivilegeSource = !reported
    ? 'unreported'
    : !inherits
      ? 'own'
      : key.limitedBy
        ? 'owner'
        : 'unknown';
  const shown: Descriptors =
    source === 'own' ? key.roleDescriptors! : source === 'owner' ? key.limitedBy! : {};
  return {
    id: key.id,
    name: key.name,
    type: key.type ?? 'rest',
    owner: {
      username: key.username,
      realm: key.realm,
      ...(key.realmType ? { realmType: key.realmType } : {}),
    },
    created: key.creation,
    ageMs: now.getTime() - key.creation.getTime(),
    ...(key.expiration ? { expiration: key.expiration } : {}),
    ...(key.invalidation ? { invalidation: key.invalidation } : {}),
    status,
    ...(mk && view
      ? {
          managed: {
            template: mk.meta.template,
            environment: mk.meta.environment,
            generation: mk.meta.generation,
            state: view.status,
            label: `${mk.meta.template}@${mk.meta.environment}#${mk.meta.generation}`,
          },
        }
      : {}),
    privilegeSource: source,
    privileges: summarizePrivileges(shown),
    ...(key.limitedBy ? { ownerRoles: Object.keys(key.limitedBy) } : {}),
    metadataKeys: Object.keys(key.metadata),
    findings: keyFindings(key, mk && view ? { key: mk, view } : undefined, ctx),
  };
}

/** The query API body's `query` for a filter at `now` (reference §4.4 query fields). */
export function inventoryQuery(filter: InventoryFilter, now: Date): Record<string, unknown> {
  const must: Record<string, unknown>[] = [];
  const mustNot: Record<string, unknown>[] = [];
  if (!filter.all) {
    must.push({ term: { invalidated: false } });
    // Valid = no expiration, or one still ahead. The cutoff is our clock, like every other
    // "now" eskeys decides, rather than the server's `now`.
    must.push({
      bool: {
        should: [
          { range: { expiration: { gt: now.getTime() } } },
          { bool: { must_not: [{ exists: { field: 'expiration' } }] } },
        ],
        minimum_should_match: 1,
      },
    });
  }
  if (filter.owner) must.push({ term: { username: filter.owner } });
  if (filter.realm) must.push({ term: { realm_name: filter.realm } });
  if (filter.template) must.push({ term: { 'metadata.template': filter.template } });
  if (filter.managed === 'managed' || filter.template)
    must.push({ term: { 'metadata.managed_by': MANAGED_BY } });
  if (filter.managed === 'unmanaged') mustNot.push({ term: { 'metadata.managed_by': MANAGED_BY } });
  if (must.length === 0 && mustNot.length === 0) return { match_all: {} };
  return { bool: { filter: must, ...(mustNot.length ? { must_not: mustNot } : {}) } };
}

/**
 * Sort for paging: creation, then name, then `_doc` so keys created in the same millisecond
 * with the same name are neither skipped nor repeated by search_after.
 */
export const INVENTORY_SORT: readonly unknown[] = [{ creation: 'asc' }, { name: 'asc' }, '_doc'];

/** How the scan went, known at the end. */
export interface ScanInfo {
  /** Keys matching the filter when the first page was read (the query API's exact total). */
  total: number;
  /** False when the admin may not read owner snapshots (an API-key admin without manage_api_key) or the cluster predates them. */
  limitedByReturned: boolean;
  /** True when the cluster does not know `with_limited_by` (before 8.5): no snapshots, no key descriptors. */
  limitedByUnsupported?: boolean;
}

/** The 400 of a cluster before 8.5 for the `with_limited_by` parameter (reference §4.4). */
export function rejectsWithLimitedBy(error: unknown): boolean {
  return clusterAnswerOf(error)?.unrecognizedParameters?.includes('with_limited_by') === true;
}

/** Keys per query-API page unless the caller says otherwise. */
export const INVENTORY_PAGE_SIZE = 1000;

/**
 * Every key matching the filter, page by page (search_after), with its owner snapshot when the
 * admin may read it. Yields keys as pages arrive; holds one page at a time.
 */
export async function* scanApiKeys(
  cluster: ClusterPort,
  filter: InventoryFilter,
  now: Date,
  info: ScanInfo,
  pageSize = INVENTORY_PAGE_SIZE,
): AsyncGenerator<ApiKeyInfo> {
  const query = inventoryQuery(filter, now);
  let after: readonly unknown[] | undefined;
  let seen = 0;
  let first = true;
  do {
    const req = { query, sort: INVENTORY_SORT, size: pageSize, after, withLimitedBy: info.limitedByReturned };
    let page: Awaited<ReturnType<ClusterPort['queryApiKeys']>>;
    try {
      page = await cluster.queryApiKeys(req);
    } catch (error) {
      // An API-key admin needs manage_api_key to read limited_by (reference §4.4), and clusters
      // before 8.5 do not know the parameter (400): list the keys anyway, without snapshots, and
      // do not ask again for the rest of the run.
      const unsupported = rejectsWithLimitedBy(error);
      if (!(error instanceof AuthorizationError || unsupported) || !first || !info.limitedByReturned)
        throw error;
      info.limitedByReturned = false;
      if (unsupported) info.limitedByUnsupported = true;
      page = await cluster.queryApiKeys({ ...req, withLimitedBy: false });
    }
    if (first) info.total = page.total;
    first = false;
    for (const k of page.keys) yield k;
    seen += page.keys.length;
    after = page.after && page.keys.length > 0 && seen < page.total ? page.after : undefined;
  } while (after);
}

/** Valid managed keys per `template@environment`, across the cluster. */
export async function countValidManagedKeys(cluster: ClusterPort, now: Date): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const k of parseManagedKeys(await cluster.findManagedKeys())) {
    if (!isValid(k.info, now.getTime())) continue;
    const g = groupOf(k.meta.template, k.meta.environment);
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/** Per-rule totals for the findings summary. */
export interface RuleSummary {
  readonly rule: InventoryRuleId;
  readonly severity: InventorySeverity;
  /** Keys with this finding at this severity. */
  keys: number;
  readonly title: string;
  readonly explanation: string;
  readonly alternative: string;
  /** The first few keys with it (`name (…id)`), for the report. */
  readonly examples: { name: string; id: string }[];
}

/** Totals of an inventory; constant memory in the number of keys. */
export class InventorySummary {
  keys = 0;
  valid = 0;
  expired = 0;
  invalidated = 0;
  managed = 0;
  unmanaged = 0;
  /** Keys without role descriptors of their own. */
  inheriting = 0;
  /** Keys whose role descriptors the cluster did not return (before 8.5). */
  unreported = 0;
  /** Keys whose worst finding is this severity. */
  readonly keysByWorst: Record<InventorySeverity, number> = { critical: 0, high: 0, medium: 0, info: 0 };
  /** Findings per severity. */
  readonly findings: Record<InventorySeverity, number> = { critical: 0, high: 0, medium: 0, info: 0 };
  /** By `severity:rule`. */
  readonly #rules = new Map<string, RuleSummary>();
  readonly #examples: number;

  constructor(examples = 3) {
    this.#examples = examples;
  }

  /** Counts one entry. */
  add(e: InventoryEntry): void {
    this.keys++;
    this[e.status]++;
    if (e.managed) this.managed++;
    else this.unmanaged++;
    if (e.privilegeSource === 'owner' || e.privilegeSource === 'unknown') this.inheriting++;
    if (e.privilegeSource === 'unreported') this.unreported++;
    let worst: InventorySeverity | undefined;
    for (const f of e.findings) {
      this.findings[f.severity]++;
      worst = worst ? worse(worst, f.severity) : f.severity;
    }
    if (worst) this.keysByWorst[worst]++;
    // One count per key per (rule, severity): a rule can be critical on one key and medium on another.
    const seen = new Set<string>();
    for (const f of e.findings) {
      const k = `${f.severity}:${f.rule}`;
      if (seen.has(k)) continue;
      seen.add(k);
      let r = this.#rules.get(k);
      if (!r) {
        r = { rule: f.rule, severity: f.severity, keys: 0, ...ruleText(f.rule), examples: [] };
        this.#rules.set(k, r);
      }
      r.keys++;
      if (r.examples.length < this.#examples) r.examples.push({ name: e.name, id: e.id });
    }
  }

  /** (rule, severity) pairs that fired, worst first, then in report order (RULE_ORDER). */
  rules(): RuleSummary[] {
    return [...this.#rules.values()].sort(
      (a, b) =>
        inventorySeverityRank(b.severity) - inventorySeverityRank(a.severity) ||
        ruleOrder(a.rule) - ruleOrder(b.rule),
    );
  }

  /** Number of findings at or above `threshold`. */
  countAtOrAbove(threshold: InventorySeverity): number {
    return INVENTORY_SEVERITIES.filter(
      (s) => inventorySeverityRank(s) >= inventorySeverityRank(threshold),
    ).reduce((n, s) => n + this.findings[s], 0);
  }
}

/** Options of a full inventory run. */
export interface InventoryRun {
  readonly cluster: ClusterPort;
  readonly filter: InventoryFilter;
  readonly now: Date;
  /** Current templates (undefined: skip template checks). */
  readonly templates?: TemplateIndex;
  readonly pageSize?: number;
  /** Verdicts on owner snapshots, shared by the keys of the scan. @defaultValue a new SnapshotCache */
  readonly snapshots?: SnapshotCache;
}

/** What the admin identity can see, checked before the scan. */
export interface Visibility {
  /** True when the admin may list every owner's keys (read_security, manage_api_key or more). */
  readonly allOwners: boolean;
}

/**
 * Whether the query API will show every owner's keys. With only manage_own_api_key it silently
 * filters to the caller's own keys (reference §4.4), so an inventory must say it is partial.
 */
export async function checkVisibility(cluster: ClusterPort): Promise<Visibility> {
  const r = await cluster.hasPrivileges({ cluster: ['read_security', 'manage_api_key'] });
  return { allOwners: r.cluster.read_security === true || r.cluster.manage_api_key === true };
}

/** Runs the scan: yields entries; `summary` and `info` are complete when the generator ends. */
export async function* runInventoryScan(
  run: InventoryRun,
  summary: InventorySummary,
  info: ScanInfo,
): AsyncGenerator<InventoryEntry> {
  const needsGroups = run.filter.managed !== 'unmanaged';
  const validPerGroup = needsGroups
    ? await countValidManagedKeys(run.cluster, run.now)
    : new Map<string, number>();
  const ctx: FindingContext = {
    now: run.now,
    validPerGroup,
    snapshots: run.snapshots ?? new SnapshotCache(),
    ...(run.templates ? { templates: run.templates } : {}),
  };
  for await (const key of scanApiKeys(run.cluster, run.filter, run.now, info, run.pageSize)) {
    const entry = inventoryEntry(key, ctx);
    summary.add(entry);
    yield entry;
  }
}
