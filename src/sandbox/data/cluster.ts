import { EsError, illegalArgument, resourceNotFound, validationError } from '../errors.js';
import { boolParam, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { requireCluster } from '../security/authorize.js';
import type { SandboxState } from '../state.js';
import { matchesAnyWildcard } from '../util.js';
import { flattenSettings, nestSettings } from './indices.js';
import { concreteIndices } from './resolve.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

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
  requireCluster(ctx.auth, 'cluster:monitor/main');
  return ok(rootInfo(ctx.state));
};

function healthBody(
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
  requireCluster(ctx.auth, 'cluster:monitor/health');
  const { status, body } = healthBody(ctx.state, ctx.params.index?.split(','));
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
  requireCluster(ctx.auth, 'cluster:monitor/settings');
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

const putClusterSettings: Handler = (ctx) => {
  const body = jsonBody(ctx);
  const b = isObject(body) ? body : {};
  const scopes: Partial<Record<'persistent' | 'transient', Record<string, unknown>>> = {};
  for (const scope of ['persistent', 'transient'] as const) {
    const raw = b[scope];
    if (raw === undefined || raw === null) continue;
    if (!isObject(raw)) throw illegalArgument(`[${scope}] must be an object`);
    scopes[scope] = flattenClusterSettings(raw);
  }
  // ClusterUpdateSettingsRequest.validate runs before authorization (TransportAction).
  if (Object.values(scopes).every((s) => Object.keys(s).length === 0))
    throw validationError(['no settings to update']);
  requireCluster(ctx.auth, 'cluster:admin/settings/update');
  const applied: Record<string, Record<string, unknown>> = { persistent: {}, transient: {} };
  for (const [scope, flat] of Object.entries(scopes) as [
    'persistent' | 'transient',
    Record<string, unknown>,
  ][]) {
    for (const key of Object.keys(flat)) {
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

// --- templates --------------------------------------------------------------

function namesMatcher(expr: string | undefined): (n: string) => boolean {
  return (n) => matchesAnyWildcard(expr, n);
}

const patternsOf = (t: Record<string, unknown>) =>
  (Array.isArray(t.index_patterns) ? t.index_patterns : [t.index_patterns]).map(String);

const putIndexTemplate: Handler = (ctx) => {
  requireCluster(ctx.auth, 'indices:admin/index_template/put');
  const name = ctx.params.name!;
  const body = jsonBody(ctx);
  if (!isObject(body)) throw validationError(['index template is missing']);
  if (body.index_patterns === undefined) throw illegalArgument('Required [index_patterns]');
  const create = boolParam(ctx, 'create');
  if (create && ctx.state.indexTemplates.has(name))
    throw illegalArgument(`index template [${name}] already exists`);
  const priority = Number(body.priority ?? 0);
  for (const [other, t] of ctx.state.indexTemplates) {
    if (other === name || Number(t.priority ?? 0) !== priority) continue;
    const overlap = patternsOf(body).filter((p) =>
      patternsOf(t).some((q) => namesMatcher(q)(p) || namesMatcher(p)(q)),
    );
    if (overlap.length > 0) {
      throw illegalArgument(
        `index template [${name}] has index patterns [${patternsOf(body).join(', ')}] matching patterns from existing templates [${other}] with patterns (${other} => [${patternsOf(t).join(', ')}]) that have the same priority [${priority}], multiple index templates may not match during index creation, please use a different priority`,
      );
    }
  }
  ctx.state.indexTemplates.set(name, body);
  return ok({ acknowledged: true });
};

const getIndexTemplates: Handler = (ctx) => {
  requireCluster(ctx.auth, 'indices:admin/index_template/get');
  const match = namesMatcher(ctx.params.name);
  const list = [...ctx.state.indexTemplates]
    .filter(([n]) => match(n))
    .map(([n, t]) => ({ name: n, index_template: t }));
  if (ctx.params.name && !ctx.params.name.includes('*') && list.length === 0) {
    throw resourceNotFound(`index template matching [${ctx.params.name}] not found`);
  }
  return ok({ index_templates: list });
};

const deleteIndexTemplate: Handler = (ctx) => {
  requireCluster(ctx.auth, 'indices:admin/index_template/delete');
  const name = ctx.params.name!;
  if (!ctx.state.indexTemplates.delete(name))
    throw resourceNotFound(`index_template matching [${name}] not found`);
  return ok({ acknowledged: true });
};

const LEGACY_WARNING = 'Legacy index templates are deprecated in favor of composable templates.';

function deprecation(state: SandboxState, text: string): Record<string, string> {
  return { Warning: `299 Elasticsearch-${state.version.number}-${state.version.buildHash} "${text}"` };
}

const putLegacyTemplate: Handler = (ctx) => {
  requireCluster(ctx.auth, 'indices:admin/template/put');
  const body = jsonBody(ctx);
  if (!isObject(body) || (body.index_patterns === undefined && body.template === undefined)) {
    throw validationError(['index patterns are missing']);
  }
  ctx.state.legacyTemplates.set(ctx.params.name!, {
    order: Number(body.order ?? 0),
    ...(body.version !== undefined ? { version: body.version } : {}),
    index_patterns: patternsOf(body),
    settings: isObject(body.settings) ? nestSettings(flattenSettings(body.settings)) : {},
    mappings: isObject(body.mappings) ? body.mappings : {},
    aliases: isObject(body.aliases) ? body.aliases : {},
  });
  return { status: 200, body: { acknowledged: true }, headers: deprecation(ctx.state, LEGACY_WARNING) };
};

const getLegacyTemplates: Handler = (ctx) => {
  requireCluster(ctx.auth, 'indices:admin/template/get');
  const match = namesMatcher(ctx.params.name);
  const out = Object.fromEntries([...ctx.state.legacyTemplates].filter(([n]) => match(n)));
  if (ctx.params.name && Object.keys(out).length === 0) return { status: 404, body: {} };
  return ok(out);
};

const deleteLegacyTemplate: Handler = (ctx) => {
  requireCluster(ctx.auth, 'indices:admin/template/delete');
  const name = ctx.params.name!;
  if (!ctx.state.legacyTemplates.delete(name)) {
    throw new EsError(404, 'index_template_missing_exception', `index_template [${name}] missing`);
  }
  return ok({ acknowledged: true });
};

const putComponentTemplate: Handler = (ctx) => {
  requireCluster(ctx.auth, 'cluster:admin/component_template/put');
  const body = jsonBody(ctx);
  if (!isObject(body) || !isObject(body.template)) throw illegalArgument('Required [template]');
  ctx.state.componentTemplates.set(ctx.params.name!, body);
  return ok({ acknowledged: true });
};

const getComponentTemplates: Handler = (ctx) => {
  requireCluster(ctx.auth, 'cluster:admin/component_template/get');
  const match = namesMatcher(ctx.params.name);
  const list = [...ctx.state.componentTemplates]
    .filter(([n]) => match(n))
    .map(([n, t]) => ({ name: n, component_template: t }));
  if (ctx.params.name && !ctx.params.name.includes('*') && list.length === 0) {
    throw resourceNotFound(`component template matching [${ctx.params.name}] not found`);
  }
  return ok({ component_templates: list });
};

const deleteComponentTemplate: Handler = (ctx) => {
  requireCluster(ctx.auth, 'cluster:admin/component_template/delete');
  const name = ctx.params.name!;
  if (!ctx.state.componentTemplates.delete(name))
    throw resourceNotFound(`component template matching [${name}] not found`);
  return ok({ acknowledged: true });
};

// --- ILM ---------------------------------------------------------------------

const putIlmPolicy: Handler = (ctx) => {
  const body = jsonBody(ctx);
  if (!isObject(body) || !isObject(body.policy)) throw illegalArgument('Required [policy]');
  requireCluster(ctx.auth, 'cluster:admin/ilm/put');
  const name = ctx.params.name!;
  const prev = ctx.state.ilmPolicies.get(name);
  ctx.state.ilmPolicies.set(name, {
    policy: body.policy,
    version: (prev?.version ?? 0) + 1,
    modified: ctx.state.now(),
  });
  return ok({ acknowledged: true });
};

const getIlmPolicies: Handler = (ctx) => {
  requireCluster(ctx.auth, 'cluster:admin/ilm/get');
  const names = ctx.params.name?.split(',');
  const out: Record<string, unknown> = {};
  for (const [n, p] of ctx.state.ilmPolicies) {
    if (names && !names.includes(n)) continue;
    const inUse = [...ctx.state.indices.values()]
      .filter((i) => i.settings['index.lifecycle.name'] === n)
      .map((i) => i.name);
    out[n] = {
      version: p.version,
      modified_date: new Date(p.modified).toISOString(),
      policy: p.policy,
      in_use_by: { indices: inUse, data_streams: [], composable_templates: [] },
    };
  }
  if (names) {
    const missing = names.filter((n) => !(n in out));
    if (missing.length > 0) throw resourceNotFound(`Lifecycle policy not found: [${missing.join(', ')}]`);
  }
  return ok(out);
};

const deleteIlmPolicy: Handler = (ctx) => {
  requireCluster(ctx.auth, 'cluster:admin/ilm/delete');
  const name = ctx.params.name!;
  if (!ctx.state.ilmPolicies.delete(name)) throw resourceNotFound(`Lifecycle policy not found: ${name}`);
  return ok({ acknowledged: true });
};

// --- ingest pipelines ----------------------------------------------------------

const putPipeline: Handler = (ctx) => {
  const body = jsonBody(ctx);
  requireCluster(ctx.auth, 'cluster:admin/ingest/pipeline/put');
  if (!isObject(body) || body.processors === undefined) {
    throw new EsError(400, 'parse_exception', '[processors] required property is missing', {
      metadata: { property_name: 'processors' },
    });
  }
  ctx.state.pipelines.set(ctx.params.id!, body);
  return ok({ acknowledged: true });
};

const getPipelines: Handler = (ctx) => {
  requireCluster(ctx.auth, 'cluster:admin/ingest/pipeline/get');
  const match = namesMatcher(ctx.params.id);
  const out = Object.fromEntries([...ctx.state.pipelines].filter(([n]) => match(n)));
  if (ctx.params.id && Object.keys(out).length === 0) return { status: 404, body: {} };
  return ok(out);
};

const deletePipeline: Handler = (ctx) => {
  requireCluster(ctx.auth, 'cluster:admin/ingest/pipeline/delete');
  const id = ctx.params.id!;
  if (!ctx.state.pipelines.delete(id)) throw resourceNotFound(`pipeline [${id}] is missing`);
  return ok({ acknowledged: true });
};

function exists(get: Handler): Handler {
  return async (ctx: RequestContext) => {
    try {
      const r = await get(ctx);
      return { status: r.status };
    } catch (e) {
      if (e instanceof EsError) return { status: e.status };
      throw e;
    }
  };
}

/** Registers root info, health, cluster settings, templates, ILM and pipelines. */
export function registerClusterRoutes(r: Router<Handler>): void {
  r.add('GET', '/', withParams([], root))
    .add('HEAD', '/', withParams([], root))
    .add(
      'GET',
      '/_cluster/health',
      withParams(
        [
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
        ],
        health,
      ),
    )
    .add(
      'GET',
      '/_cluster/health/{index}',
      withParams(
        [
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
        ],
        health,
      ),
    )
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
      withParams(['flat_settings', 'master_timeout', 'timeout'], putClusterSettings),
    )
    .add(
      ['PUT', 'POST'],
      '/_index_template/{name}',
      withParams(['create', 'cause', 'master_timeout', 'timeout'], putIndexTemplate),
    )
    .add(
      'GET',
      '/_index_template',
      withParams(['flat_settings', 'local', 'master_timeout', 'include_defaults'], getIndexTemplates),
    )
    .add(
      'GET',
      '/_index_template/{name}',
      withParams(['flat_settings', 'local', 'master_timeout', 'include_defaults'], getIndexTemplates),
    )
    .add(
      'HEAD',
      '/_index_template/{name}',
      withParams(['flat_settings', 'local', 'master_timeout'], exists(getIndexTemplates)),
    )
    .add('DELETE', '/_index_template/{name}', withParams(['master_timeout', 'timeout'], deleteIndexTemplate))
    .add(
      ['PUT', 'POST'],
      '/_template/{name}',
      withParams(['create', 'order', 'cause', 'master_timeout', 'timeout'], putLegacyTemplate),
    )
    .add('GET', '/_template', withParams(['flat_settings', 'local', 'master_timeout'], getLegacyTemplates))
    .add(
      'GET',
      '/_template/{name}',
      withParams(['flat_settings', 'local', 'master_timeout'], getLegacyTemplates),
    )
    .add(
      'HEAD',
      '/_template/{name}',
      withParams(['flat_settings', 'local', 'master_timeout'], exists(getLegacyTemplates)),
    )
    .add('DELETE', '/_template/{name}', withParams(['master_timeout', 'timeout'], deleteLegacyTemplate))
    .add(
      ['PUT', 'POST'],
      '/_component_template/{name}',
      withParams(['create', 'cause', 'master_timeout', 'timeout'], putComponentTemplate),
    )
    .add(
      'GET',
      '/_component_template',
      withParams(['flat_settings', 'local', 'master_timeout', 'include_defaults'], getComponentTemplates),
    )
    .add(
      'GET',
      '/_component_template/{name}',
      withParams(['flat_settings', 'local', 'master_timeout', 'include_defaults'], getComponentTemplates),
    )
    .add(
      'DELETE',
      '/_component_template/{name}',
      withParams(['master_timeout', 'timeout'], deleteComponentTemplate),
    )
    .add('PUT', '/_ilm/policy/{name}', withParams(['master_timeout', 'timeout'], putIlmPolicy))
    .add('GET', '/_ilm/policy', withParams(['master_timeout', 'timeout'], getIlmPolicies))
    .add('GET', '/_ilm/policy/{name}', withParams(['master_timeout', 'timeout'], getIlmPolicies))
    .add('DELETE', '/_ilm/policy/{name}', withParams(['master_timeout', 'timeout'], deleteIlmPolicy))
    .add(
      'PUT',
      '/_ingest/pipeline/{id}',
      withParams(['master_timeout', 'timeout', 'if_version'], putPipeline),
    )
    .add('GET', '/_ingest/pipeline', withParams(['master_timeout', 'summary'], getPipelines))
    .add('GET', '/_ingest/pipeline/{id}', withParams(['master_timeout', 'summary'], getPipelines))
    .add('DELETE', '/_ingest/pipeline/{id}', withParams(['master_timeout', 'timeout'], deletePipeline));
}
