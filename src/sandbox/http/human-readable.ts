/**
 * `human=true`: Elasticsearch's XContentBuilder then writes a readable twin before some raw
 * fields (`humanReadableField`, `timeField`, `percentageField`): `task_max_waiting_in_queue: "0s"`
 * before `task_max_waiting_in_queue_millis`, `store_size: "0b"` before `store_size_bytes`. Which
 * fields have twins is decided per response class, so the sandbox keeps a table per API: the
 * APIs whose answers it renders have their twins listed (or none), every other API refuses the
 * flag with a 400 naming it rather than answer without the twins.
 */
import { illegalArgument } from '../errors.js';
import { RawNumber, type Tree } from './response-tree.js';

/** How a raw value reads for people. */
type Render = (raw: number) => string;

/** One twin: in each object reached by `at` (`*` = every element or member), `human` goes before `raw`. */
export interface Twin {
  readonly at: readonly string[];
  readonly raw: string;
  readonly human: string;
  readonly render: Render;
}

/**
 * Strings.format1Decimals: one decimal, cut (not rounded), dropped when it is 0 — what
 * TimeValue.toString and ByteSizeValue.toString print.
 */
function oneDecimal(value: number, suffix: string): string {
  const [whole, fraction = '0'] = String(value).split('.');
  return fraction[0] === '0' ? `${whole}${suffix}` : `${whole}.${fraction[0]}${suffix}`;
}

const MS_UNITS: readonly [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1_000, 's'],
  [1, 'ms'],
];

/** TimeValue.toString of a millisecond count: "0s", "250ms", "1.5s", "2m". */
export function timeValueString(millis: number): string {
  if (millis < 0) return String(millis);
  if (millis === 0) return '0s';
  const [unit, suffix] = MS_UNITS.find(([u]) => millis >= u) ?? [1, 'ms'];
  return oneDecimal(millis / unit, suffix);
}

const BYTE_UNITS: readonly [number, string][] = [
  [1024 ** 5, 'pb'],
  [1024 ** 4, 'tb'],
  [1024 ** 3, 'gb'],
  [1024 ** 2, 'mb'],
  [1024, 'kb'],
];

/** ByteSizeValue.toString: "0b", "208b", "1.2kb", "137.1gb". */
export function byteSizeString(bytes: number): string {
  const hit = BYTE_UNITS.find(([u]) => bytes >= u);
  return hit ? oneDecimal(bytes / hit[0], hit[1]) : `${bytes}b`;
}

/** percentageField: `String.format("%1.1f%%")`, Java's half-up rounding of the decimal digits. */
export function percentString(value: number): string {
  const scaled = Math.round(Number(`${value}e1`));
  return `${(Number.isFinite(scaled) ? scaled / 10 : value).toFixed(1)}%`;
}

/** timeField: epoch millis as strict_date_optional_time_nanos (millisecond values print 3 digits). */
export function dateString(millis: number): string {
  return new Date(millis).toISOString();
}

const time = (at: string[], raw: string, human: string): Twin => ({
  at,
  raw,
  human,
  render: timeValueString,
});
const bytes = (at: string[], raw: string, human: string): Twin => ({
  at,
  raw,
  human,
  render: byteSizeString,
});
const node = (...path: string[]) => ['nodes', '*', ...path];

/** Every `BulkByScrollTask.Status`: `throttled` and `throttled_until` (TimeValue). */
const BY_SCROLL: readonly Twin[] = [
  time([], 'throttled_millis', 'throttled'),
  time([], 'throttled_until_millis', 'throttled_until'),
];

/** APIs whose emulated answers have readable twins, and where (response classes in comments). */
const TWINS: Record<string, readonly Twin[]> = {
  // ClusterHealthResponse: humanReadableField + percentageField.
  'cluster.health': [
    time([], 'task_max_waiting_in_queue_millis', 'task_max_waiting_in_queue'),
    { at: [], raw: 'active_shards_percent_as_number', human: 'active_shards_percent', render: percentString },
  ],
  // XPackInfoResponse.LicenseInfo: timeField.
  'xpack.info': [{ at: ['license'], raw: 'expiry_date_in_millis', human: 'expiry_date', render: dateString }],
  // ProcessStats, JvmStats and FsInfo (humanReadableField), for the sections the sandbox builds.
  'nodes.stats': [
    time(node('process', 'cpu'), 'total_in_millis', 'total'),
    bytes(node('process', 'mem'), 'total_virtual_in_bytes', 'total_virtual'),
    time(node('jvm'), 'uptime_in_millis', 'uptime'),
    bytes(node('jvm', 'mem'), 'heap_used_in_bytes', 'heap_used'),
    bytes(node('jvm', 'mem'), 'heap_committed_in_bytes', 'heap_committed'),
    bytes(node('jvm', 'mem'), 'heap_max_in_bytes', 'heap_max'),
    bytes(node('fs', 'total'), 'total_in_bytes', 'total'),
    bytes(node('fs', 'total'), 'free_in_bytes', 'free'),
    bytes(node('fs', 'total'), 'available_in_bytes', 'available'),
  ],
  // ClusterStatsNodes.JvmStats and FsInfo.Path (humanReadableField), for the fields the sandbox builds.
  'cluster.stats': [
    time(['nodes', 'jvm'], 'max_uptime_in_millis', 'max_uptime'),
    bytes(['nodes', 'jvm', 'mem'], 'heap_used_in_bytes', 'heap_used'),
    bytes(['nodes', 'jvm', 'mem'], 'heap_max_in_bytes', 'heap_max'),
    bytes(['nodes', 'fs'], 'total_in_bytes', 'total'),
    bytes(['nodes', 'fs'], 'free_in_bytes', 'free'),
    bytes(['nodes', 'fs'], 'available_in_bytes', 'available'),
  ],
  update_by_query: BY_SCROLL,
  delete_by_query: BY_SCROLL,
  // DataStreamsStatsAction.Response and DataStreamStats: humanReadableField of ByteSizeValue.
  'indices.data_streams_stats': [
    bytes([], 'total_store_size_bytes', 'total_store_size'),
    bytes(['data_streams', '*'], 'store_size_bytes', 'store_size'),
  ],
};

/**
 * APIs whose emulated answers hold no field with a readable twin, so `human=true` changes
 * nothing. `license.get` is one: RestGetLicenseAction renders in REST view mode, which turns the
 * readable dates on whatever the flag says. `_cat` tables take `bytes`/`time`, not `human`.
 */
const NO_TWINS = new Set([
  'bulk',
  'cat.health',
  'cat.indices',
  'clear_scroll',
  'close_point_in_time',
  'cluster.delete_component_template',
  'cluster.get_component_template',
  'cluster.get_settings',
  'cluster.put_component_template',
  'cluster.put_settings',
  'count',
  'create',
  'delete',
  'exists',
  'exists_source',
  'features.reset_features',
  'field_caps',
  'get',
  'get_source',
  'ilm.delete_lifecycle',
  'ilm.get_lifecycle',
  'ilm.put_lifecycle',
  'index',
  'indices.close',
  'indices.create',
  'indices.create_data_stream',
  'indices.delete',
  'indices.delete_alias',
  'indices.delete_data_stream',
  'indices.delete_index_template',
  'indices.delete_template',
  'indices.exists',
  'indices.exists_alias',
  'indices.exists_index_template',
  'indices.exists_template',
  'indices.get_alias',
  'indices.get_data_stream',
  'indices.get_index_template',
  'indices.get_mapping',
  'indices.get_template',
  'indices.open',
  'indices.put_alias',
  'indices.put_index_template',
  'indices.put_mapping',
  'indices.put_settings',
  'indices.put_template',
  'indices.refresh',
  'indices.resolve_index',
  'indices.rollover',
  'indices.update_aliases',
  'info',
  'ingest.delete_pipeline',
  'ingest.get_pipeline',
  'ingest.put_pipeline',
  'license.get',
  'mget',
  'msearch',
  'open_point_in_time',
  'ping',
  'scroll',
  'search',
  'security.authenticate',
  'security.bulk_update_api_keys',
  'security.change_password',
  'security.clear_api_key_cache',
  'security.create_api_key',
  'security.create_cross_cluster_api_key',
  'security.delete_privileges',
  'security.delete_role',
  'security.delete_user',
  'security.disable_user',
  'security.enable_user',
  'security.get_api_key',
  'security.get_builtin_privileges',
  'security.get_privileges',
  'security.get_role',
  'security.get_user',
  'security.get_user_privileges',
  'security.grant_api_key',
  'security.has_privileges',
  'security.invalidate_api_key',
  'security.put_privileges',
  'security.put_role',
  'security.put_user',
  'security.query_api_keys',
  'security.update_api_key',
  'security.update_cross_cluster_api_key',
  'update',
]);

/** Why an emulated API still refuses the flag: twins the sandbox cannot render exactly. */
const CANNOT_RENDER: Record<string, string> = {
  // IndexMetadata.addHumanReadableSettings adds index.version.created_string, the release
  // version of the index version id, which the sandbox's made-up id has none of.
  'indices.get': 'index.creation_date_string, index.version.created_string',
  'indices.get_settings': 'index.creation_date_string, index.version.created_string',
};

/**
 * The twins `human=true` adds to an answer of `api`, or a 400 naming the API when the sandbox
 * cannot render them (or does not know which fields would have them).
 */
export function humanTwins(api: string | undefined): readonly Twin[] {
  if (api !== undefined) {
    const twins = TWINS[api];
    if (twins) return twins;
    if (NO_TWINS.has(api)) return [];
  }
  const what = api === undefined ? '' : ` on [${api}]`;
  const why = api === undefined ? undefined : CANNOT_RENDER[api];
  throw illegalArgument(
    `the eskeys sandbox does not emulate [human=true]${what} (human-readable response fields${why ? `: ${why}` : ''})`,
  );
}

/** Inserts each twin before its raw field, wherever the raw field is a number. */
export function addHumanTwins(tree: Tree, twins: readonly Twin[]): Tree {
  let out = tree;
  for (const twin of twins) out = visit(out, twin.at, twin);
  return out;
}

function visit(node: Tree, path: readonly string[], twin: Twin): Tree {
  if (path.length === 0) return node instanceof Map ? withTwin(node, twin) : node;
  const [head, ...rest] = path;
  if (head === '*') {
    if (Array.isArray(node)) return node.map((n) => visit(n, rest, twin));
    if (node instanceof Map) return new Map([...node].map(([k, v]) => [k, visit(v, rest, twin)]));
    return node;
  }
  if (!(node instanceof Map) || !node.has(head!)) return node;
  const copy = new Map(node);
  copy.set(head!, visit(node.get(head!)!, rest, twin));
  return copy;
}

function withTwin(obj: Map<string, Tree>, twin: Twin): Map<string, Tree> {
  const raw = obj.get(twin.raw);
  if (!(raw instanceof RawNumber) || obj.has(twin.human)) return obj;
  const out = new Map<string, Tree>();
  for (const [k, v] of obj) {
    if (k === twin.raw) out.set(twin.human, twin.render(Number(raw.text)));
    out.set(k, v);
  }
  return out;
}
