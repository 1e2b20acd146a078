/** Root info, cluster health and cluster settings. */
import { illegalArgument, validationError } from '../errors.js';
import { boolParam, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withValidation } from '../http/validation.js';
import type { SandboxState } from '../state.js';
import { isObject } from '../util.js';
import { nestSettings } from './indices.js';
import { concreteIndices } from './resolve.js';

/** The cluster name every response reports. */
export const CLUSTER_NAME = 'eskeys-sandbox';

/** `GET /` body (§9). */
export function rootInfo(state: SandboxState): Record<string, unknown> {
  const v = state.version;
  return {
    name: 'sandbox-node',
    cluster_name: CLUSTER_NAME,
    cluster_uuid: state.clusterUuid,
    version: {
      number: v.number,
      build_flavor: 'default',
      build_type: 'docker',
      build_hash: v.buildHash,
      build_date: v.buildDate,
      build_snapshot: false,
      lucene_version: v.luceneVersion,
      minimum_wire_compatibility_version: v.minimumWireCompatibilityVersion,
      minimum_index_compatibility_version: v.minimumIndexCompatibilityVersion,
    },
    tagline: 'You Know, for Search',
  };
}

const root: Handler = (ctx) => {
  return ok(rootInfo(ctx.state));
};

/** The cluster health answer (`_cluster/health`, also read by `_cat/health`), over all indices or some. */
export function healthBody(
  state: SandboxState,
  indices: string[] | undefined,
): { status: number; body: Record<string, unknown> } {
  let missing = false;
  let targets = [...state.indices.values()];
  if (indices) {
    try {
      targets = concreteIndices(state, indices);
    } catch {
      missing = true;
      targets = [];
    }
  }
  const primaries = targets.reduce((n, i) => n + Number(i.settings['index.number_of_shards'] ?? 1), 0);
  const replicas = targets.reduce(
    (n, i) =>
      n +
      Number(i.settings['index.number_of_shards'] ?? 1) * Number(i.settings['index.number_of_replicas'] ?? 1),
    0,
  );
  // One node: replicas cannot be assigned, so any index with replicas makes the cluster yellow.
  const status = missing ? 'red' : replicas > 0 ? 'yellow' : 'green';
  const total = primaries + replicas;
  return {
    status: missing ? 408 : 200,
    body: {
      cluster_name: CLUSTER_NAME,
      status,
      timed_out: missing,
      number_of_nodes: 1,
      number_of_data_nodes: 1,
      active_primary_shards: primaries,
      active_shards: primaries,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: replicas,
      unassigned_primary_shards: 0,
      delayed_unassigned_shards: 0,
      number_of_pending_tasks: 0,
      number_of_in_flight_fetch: 0,
      task_max_waiting_in_queue_millis: 0,
      active_shards_percent_as_number: total === 0 ? 100.0 : (primaries / total) * 100,
    },
  };
}

const health: Handler = (ctx) => {
  // Cluster health is a cluster action even when it names indices (§3).
  const { status, body } = healthBody(ctx.state, ctx.params.index?.split(','));
  const wanted = ctx.query.get('wait_for_status');
  const rank: Record<string, number> = { green: 0, yellow: 1, red: 2 };
  if (wanted !== null && !(wanted in rank)) {
    throw illegalArgument(`unknown cluster health status [${wanted}]`);
  }
  // Nothing changes while a request waits here, so an unmet wait ends as ES's timeout would (408).
  if (wanted !== null && (rank[String(body.status)] ?? 2) > rank[wanted]!) {
    return { status: 408, body: { ...body, timed_out: true } };
  }
  return { status, body };
};

const KNOWN_CLUSTER_SETTINGS = [
  /^action\.destructive_requires_name$/,
  /^action\.auto_create_index$/,
  /^cluster\.routing\.allocation\..+$/,
  /^cluster\.routing\.rebalance\.enable$/,
  /^cluster\.max_shards_per_node$/,
  /^cluster\.info\.update\.interval$/,
  /^indices\.recovery\..+$/,
  /^indices\.lifecycle\.poll_interval$/,
  /^search\..+$/,
  /^logger\..+$/,
  /^xpack\.security\.authc\.api_key\.delete\.(retention_period|interval)$/,
  /^ingest\.geoip\.downloader\.enabled$/,
  /^cluster\.persistent_tasks\.allocation\.enable$/,
];

function flattenClusterSettings(v: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObject(x)) Object.assign(out, flattenClusterSettings(x, key));
    else out[key] = x === null ? null : String(x);
  }
  return out;
}

const getClusterSettings: Handler = (ctx) => {
  const flat = boolParam(ctx, 'flat_settings');
  const render = (s: Record<string, unknown>) => (flat ? { ...s } : nestSettings(s));
  const out: Record<string, unknown> = {
    persistent: render(ctx.state.clusterSettings.persistent),
    transient: render(ctx.state.clusterSettings.transient),
  };
  if (boolParam(ctx, 'include_defaults'))
    out.defaults = render({ 'action.destructive_requires_name': 'true' });
  return ok(out);
};

/** The settings of a cluster update, per scope, flattened; 400 for an empty or malformed body. */
function clusterSettingsUpdate(
  ctx: RequestContext,
): Partial<Record<'persistent' | 'transient', Record<string, unknown>>> {
  const body = jsonBody(ctx);
  const b = isObject(body) ? body : {};
  const scopes: Partial<Record<'persistent' | 'transient', Record<string, unknown>>> = {};
  for (const scope of ['persistent', 'transient'] as const) {
    const raw = b[scope];
    if (raw === undefined || raw === null) continue;
    if (!isObject(raw)) throw illegalArgument(`[${scope}] must be an object`);
    scopes[scope] = flattenClusterSettings(raw);
  }
  // ClusterUpdateSettingsRequest.validate runs before authorization (TransportAction); the
  // route declares this function as its validation.
  if (Object.values(scopes).every((s) => Object.keys(s).length === 0))
    throw validationError(['no settings to update']);
  return scopes;
}

const putClusterSettings: Handler = (ctx) => {
  const scopes = clusterSettingsUpdate(ctx);
  const applied: Record<string, Record<string, unknown>> = { persistent: {}, transient: {} };
  for (const [scope, flat] of Object.entries(scopes) as [
    'persistent' | 'transient',
    Record<string, unknown>,
  ][]) {
    for (const [key, value] of Object.entries(flat)) {
      // Archived settings (left behind by upgrades) are exempt from validation so that they
      // can be removed by setting them to null, the documented clean-up (`"archived.*": null`);
      // removing one that is not there is a no-op.
      if (key.startsWith('archived.') && value === null) continue;
      if (!KNOWN_CLUSTER_SETTINGS.some((r) => r.test(key)))
        throw illegalArgument(`${scope} setting [${key}], not recognized`);
    }
    for (const [k, v] of Object.entries(flat)) {
      if (v === null) delete ctx.state.clusterSettings[scope][k];
      else {
        ctx.state.clusterSettings[scope][k] = v;
        applied[scope]![k] = v;
      }
    }
  }
  return ok({
    acknowledged: true,
    persistent: nestSettings(applied.persistent!),
    transient: nestSettings(applied.transient!),
  });
};

const HEALTH_PARAMS = [
  'level',
  'local',
  'master_timeout',
  'timeout',
  'wait_for_active_shards',
  'wait_for_events',
  'wait_for_nodes',
  'wait_for_no_initializing_shards',
  'wait_for_no_relocating_shards',
  'wait_for_status',
  'expand_wildcards',
];

/** Registers root info, health and cluster settings. */
export function registerClusterRoutes(r: Router<Handler>): void {
  const healthP = withParams(HEALTH_PARAMS, health);
  r.add('GET', '/', withParams([], root))
    .add('HEAD', '/', withParams([], root))
    .add('GET', '/_cluster/health', healthP)
    .add('GET', '/_cluster/health/{index}', healthP)
    .add(
      'GET',
      '/_cluster/settings',
      withParams(
        ['flat_settings', 'include_defaults', 'master_timeout', 'timeout', 'local'],
        getClusterSettings,
      ),
    )
    .add(
      'PUT',
      '/_cluster/settings',
      withParams(
        ['flat_settings', 'master_timeout', 'timeout'],
        withValidation(clusterSettingsUpdate, putClusterSettings),
      ),
    );
}
