import { EsError, illegalArgument, indexNotFound } from '../errors.js';
import { boolParam, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { requireIndexActionOnAny, requireIndices } from '../security/authorize.js';
import { base64Uuid, type IndexRecord, type SandboxState } from '../state.js';
import { atLeast } from '../version.js';
import { mergeMappings } from './mappings.js';
import { authorizeIndexExpression, concreteIndices } from './resolve.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Flattens `{index: {number_of_shards: 1}}` / `{number_of_shards: 1}` into `index.*` string settings. */
export function flattenSettings(input: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObject(v)) Object.assign(out, flattenSettings(v, key));
    else if (v !== null && v !== undefined) out[key] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  if (prefix) return out;
  const normalised: Record<string, string> = {};
  for (const [k, v] of Object.entries(out)) normalised[k.startsWith('index.') ? k : `index.${k}`] = v;
  return normalised;
}

/** Nests flat settings for output (`flat_settings=false`, the default). */
export function nestSettings(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      node[p] ??= {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts.at(-1)!] = v;
  }
  return out;
}

const INVALID_CHARS = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

function invalidName(name: string, why: string): EsError {
  return new EsError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${why}`, {
    metadata: { index_uuid: '_na_', index: name },
  });
}

/** MetadataCreateIndexService.validateIndexOrAliasName rules. */
export function validateIndexName(name: string): void {
  if (name !== name.toLowerCase()) throw invalidName(name, 'must be lowercase');
  const bad = INVALID_CHARS.find((c) => name.includes(c));
  if (bad) {
    throw invalidName(
      name,
      `must not contain the following characters [${INVALID_CHARS.filter((c) => c !== ':').join(', ')}]`,
    );
  }
  if (/^[_\-+]/.test(name)) throw invalidName(name, "must not start with '_', '-', or '+'");
  if (name === '.' || name === '..') throw invalidName(name, "must not be '.' or '..'");
  if (Buffer.byteLength(name) > 255)
    throw invalidName(name, 'index name is too long, (' + Buffer.byteLength(name) + ' > 255)');
}

function indexVersionCreated(state: SandboxState): string {
  return state.version.major >= 9 ? '9009000' : '8536000';
}

/** Creates an index record (PUT /{index} or auto-create), applying matching index templates. */
export function createIndexRecord(
  state: SandboxState,
  name: string,
  body: {
    settings?: Record<string, unknown>;
    mappings?: Record<string, unknown>;
    aliases?: Record<string, unknown>;
  },
): IndexRecord {
  validateIndexName(name);
  const uuid = base64Uuid().slice(0, 22);
  const now = state.now();
  const settings: Record<string, unknown> = {
    'index.routing.allocation.include._tier_preference': 'data_content',
    'index.number_of_shards': '1',
    'index.provided_name': name,
    'index.creation_date': String(now),
    'index.number_of_replicas': '1',
    'index.uuid': uuid,
    'index.version.created': indexVersionCreated(state),
  };
  const mappings: Record<string, unknown> = {};
  const aliases = new Map<string, Record<string, unknown>>();
  // Composable templates: highest priority match wins (legacy templates are only stored).
  let best: Record<string, unknown> | undefined;
  let bestPriority = -1;
  for (const t of state.indexTemplates.values()) {
    const patterns = (Array.isArray(t.index_patterns) ? t.index_patterns : [t.index_patterns]).map(String);
    const hit = patterns.some((p) =>
      new RegExp(
        `^${p
          .split('*')
          .map((s) => s.replace(/[\\^$.+?()[\]{}|/-]/g, '\\$&'))
          .join('.*')}$`,
      ).test(name),
    );
    const priority = Number(t.priority ?? 0);
    if (hit && priority > bestPriority) {
      best = t;
      bestPriority = priority;
    }
  }
  const template = isObject(best?.template) ? best.template : undefined;
  for (const source of [template, body]) {
    if (!source) continue;
    if (isObject(source.settings)) Object.assign(settings, flattenSettings(source.settings));
    if (isObject(source.mappings)) mergeMappings(mappings, source.mappings);
    if (isObject(source.aliases))
      for (const [a, def] of Object.entries(source.aliases)) aliases.set(a, isObject(def) ? def : {});
  }
  settings['index.provided_name'] = name;
  settings['index.uuid'] = uuid;
  // One node: auto_expand_replicas "a-b" settles on max(a, min(b, 0)) replicas.
  const autoExpand = /^(\d+)-(\d+|all)$/.exec(String(settings['index.auto_expand_replicas'] ?? ''));
  if (autoExpand) settings['index.number_of_replicas'] = autoExpand[1]!;
  const record: IndexRecord = {
    name,
    uuid,
    creationDate: now,
    settings,
    mappings,
    aliases,
    docs: new Map(),
    searchable: new Map(),
    lastRefresh: now,
    seqNo: 0,
  };
  state.indices.set(name, record);
  return record;
}

function alreadyExists(idx: IndexRecord): EsError {
  return new EsError(
    400,
    'resource_already_exists_exception',
    `index [${idx.name}/${idx.uuid}] already exists`,
    {
      metadata: { index_uuid: idx.uuid, index: idx.name },
    },
  );
}

const createIndex: Handler = (ctx) => {
  const name = ctx.params.index!;
  const body = jsonBody(ctx) ?? {};
  if (!isObject(body)) throw new EsError(400, 'parse_exception', 'request body is required');
  for (const k of Object.keys(body)) {
    if (!['settings', 'mappings', 'aliases'].includes(k)) {
      throw new EsError(400, 'parse_exception', `unknown key [${k}] for create index`);
    }
  }
  requireIndexActionOnAny(ctx.auth, 'indices:admin/create', [name]);
  requireIndices(ctx.auth, 'indices:admin/create', [name]);
  const aliasNames = isObject(body.aliases) ? Object.keys(body.aliases) : [];
  // Aliases in a create-index body need the aliases privilege on the alias names too.
  if (aliasNames.length > 0) requireIndices(ctx.auth, 'indices:admin/aliases', aliasNames);
  const existing = ctx.state.indices.get(name);
  if (existing) throw alreadyExists(existing);
  createIndexRecord(ctx.state, name, body as Parameters<typeof createIndexRecord>[2]);
  return ok({ acknowledged: true, shards_acknowledged: true, index: name });
};

function destructiveRequiresName(state: SandboxState): boolean {
  const v =
    state.clusterSettings.transient['action.destructive_requires_name'] ??
    state.clusterSettings.persistent['action.destructive_requires_name'];
  return v === undefined || v === null ? true : String(v) === 'true';
}

const deleteIndex: Handler = (ctx) => {
  const expression = ctx.params.index!;
  const parts = expression.split(',');
  const matchNone = parts.length === 2 && parts[0] === '*' && parts[1] === '-*';
  if (
    destructiveRequiresName(ctx.state) &&
    !matchNone &&
    parts.some((p) => !p.startsWith('-') && (p.includes('*') || p === '_all'))
  ) {
    throw illegalArgument('Wildcard expressions or all indices are not allowed');
  }
  const ignoreUnavailable = boolParam(ctx, 'ignore_unavailable');
  const names = authorizeIndexExpression(ctx, 'indices:admin/delete', expression, { ignoreUnavailable });
  const targets: IndexRecord[] = [];
  for (const n of names) {
    const idx = ctx.state.indices.get(n);
    if (idx) targets.push(idx);
    else if ([...ctx.state.indices.values()].some((i) => i.aliases.has(n))) {
      throw illegalArgument(
        `The provided expression [${n}] matches an alias, specify the corresponding concrete indices instead.`,
      );
    } else if (!ignoreUnavailable) throw indexNotFound(n);
  }
  for (const t of targets) ctx.state.indices.delete(t.name);
  return ok({ acknowledged: true });
};

function renderSettings(idx: IndexRecord, flat: boolean): Record<string, unknown> {
  return flat ? { ...idx.settings } : nestSettings(idx.settings);
}

function renderAliases(idx: IndexRecord): Record<string, unknown> {
  return Object.fromEntries([...idx.aliases.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Authorizes and resolves an expression honouring ignore_unavailable and expand_wildcards. */
export function resolveForRead(ctx: RequestContext, action: string, expression: string): IndexRecord[] {
  const ignoreUnavailable = boolParam(ctx, 'ignore_unavailable');
  const expandWildcardsParam = ctx.query.get('expand_wildcards') ?? undefined;
  const names = authorizeIndexExpression(ctx, action, expression, {
    ignoreUnavailable,
    ...(expandWildcardsParam ? { expandWildcardsParam } : {}),
  });
  return concreteIndices(ctx.state, names, ignoreUnavailable).sort((a, b) => (a.name < b.name ? -1 : 1));
}

const getIndex: Handler = (ctx) => {
  const indices = resolveForRead(ctx, 'indices:admin/get', ctx.params.index!);
  const flat = boolParam(ctx, 'flat_settings');
  const out: Record<string, unknown> = {};
  for (const idx of indices) {
    out[idx.name] = {
      aliases: renderAliases(idx),
      mappings: idx.mappings,
      settings: renderSettings(idx, flat),
    };
  }
  return ok(out);
};

const indexExists: Handler = (ctx) => {
  try {
    const indices = resolveForRead(ctx, 'indices:admin/get', ctx.params.index!);
    return { status: indices.length > 0 ? 200 : 404 };
  } catch (e) {
    if (e instanceof EsError) return { status: e.status };
    throw e;
  }
};

const getSettings: Handler = (ctx) => {
  const indices = resolveForRead(ctx, 'indices:monitor/settings/get', ctx.params.index ?? '');
  const flat = boolParam(ctx, 'flat_settings');
  const filter = ctx.params.name?.split(',');
  const out: Record<string, unknown> = {};
  for (const idx of indices) {
    let settings = idx.settings;
    if (filter) {
      const res = filter.map(
        (f) =>
          new RegExp(
            `^${f
              .split('*')
              .map((s) => s.replace(/[\\^$.+?()[\]{}|/-]/g, '\\$&'))
              .join('.*')}$`,
          ),
      );
      settings = Object.fromEntries(Object.entries(settings).filter(([k]) => res.some((r) => r.test(k))));
    }
    out[idx.name] = { settings: flat ? { ...settings } : nestSettings(settings) };
  }
  return ok(out);
};

const DYNAMIC_SETTINGS = [
  /^index\.number_of_replicas$/,
  /^index\.auto_expand_replicas$/,
  /^index\.refresh_interval$/,
  /^index\.max_result_window$/,
  /^index\.blocks\.(read_only|read_only_allow_delete|read|write|metadata)$/,
  /^index\.lifecycle\.(name|rollover_alias|indexing_complete|origination_date|parse_origination_date)$/,
  /^index\.default_pipeline$/,
  /^index\.final_pipeline$/,
  /^index\.mapping\.total_fields\.limit$/,
  /^index\.hidden$/,
  /^index\.priority$/,
  /^index\.routing\.allocation\..+$/,
  /^index\.search\.slowlog\..+$/,
  /^index\.indexing\.slowlog\..+$/,
  /^index\.translog\.durability$/,
  /^index\.max_inner_result_window$/,
];
const STATIC_SETTINGS = [
  /^index\.number_of_shards$/,
  /^index\.codec$/,
  /^index\.analysis\..+$/,
  /^index\.sort\..+$/,
];

const putSettings: Handler = (ctx) => {
  const body = jsonBody(ctx);
  if (!isObject(body)) throw validationRequestBodyMissing();
  const inner = isObject(body.settings) ? body.settings : body;
  const flat = flattenSettings(inner);
  // UpdateSettingsRequest.validate runs before authorization (TransportAction).
  if (Object.keys(flat).length === 0) throw validationRequestBodyMissing();
  const indices = resolveForRead(ctx, 'indices:admin/settings/update', ctx.params.index ?? '');
  for (const key of Object.keys(flat)) {
    if (DYNAMIC_SETTINGS.some((r) => r.test(key))) continue;
    if (STATIC_SETTINGS.some((r) => r.test(key))) {
      throw illegalArgument(
        `Can't update non dynamic settings [[${key}]] for open indices [${indices.map((i) => `[${i.name}/${i.uuid}]`).join(', ')}]`,
      );
    }
    throw illegalArgument(
      `unknown setting [${key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings`,
    );
  }
  for (const idx of indices) {
    for (const [k, v] of Object.entries(flat)) {
      if (v === 'null') delete idx.settings[k];
      else idx.settings[k] = v;
    }
  }
  return ok({ acknowledged: true });
};

function validationRequestBodyMissing(): EsError {
  return new EsError(
    400,
    'action_request_validation_exception',
    'Validation Failed: 1: no settings to update;',
  );
}

const getMapping: Handler = (ctx) => {
  const indices = resolveForRead(ctx, 'indices:admin/mappings/get', ctx.params.index ?? '');
  return ok(Object.fromEntries(indices.map((i) => [i.name, { mappings: i.mappings }])));
};

const putMapping: Handler = (ctx) => {
  const body = jsonBody(ctx);
  if (!isObject(body))
    throw new EsError(
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: mapping source is missing;',
    );
  const indices = resolveForRead(ctx, 'indices:admin/mapping/put', ctx.params.index!);
  for (const idx of indices) {
    const copy = structuredClone(idx.mappings);
    mergeMappings(copy, body);
  }
  for (const idx of indices) mergeMappings(idx.mappings, body);
  return ok({ acknowledged: true });
};

/** Makes pending writes searchable (refresh). */
export function refreshIndex(idx: IndexRecord, now: number): void {
  idx.searchable = new Map(idx.docs);
  idx.lastRefresh = now;
}

const refresh: Handler = (ctx) => {
  const indices = resolveForRead(ctx, 'indices:admin/refresh', ctx.params.index ?? '');
  for (const idx of indices) refreshIndex(idx, ctx.state.now());
  const shards = indices.length;
  return ok({ _shards: { total: shards * 2, successful: shards, failed: 0 } });
};

// --- aliases ---------------------------------------------------------------

function aliasesNotFound(names: string[]): EsError {
  const joined = names.join(',');
  return new EsError(404, 'aliases_not_found_exception', `aliases [${joined}] missing`, {
    metadata: { 'resource.type': 'aliases', 'resource.id': joined },
  });
}

interface AliasAction {
  kind: 'add' | 'remove' | 'remove_index';
  indices: string[];
  aliases: string[];
  def: Record<string, unknown>;
  mustExist?: boolean;
}

function listOf(spec: Record<string, unknown>, one: string, many: string): string[] {
  const out: string[] = [];
  if (typeof spec[one] === 'string') out.push(spec[one] as string);
  if (Array.isArray(spec[many])) out.push(...(spec[many] as unknown[]).map(String));
  return out;
}

const updateAliases: Handler = (ctx) => {
  const body = jsonBody(ctx);
  if (!isObject(body) || !Array.isArray(body.actions)) {
    throw new EsError(
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: no actions specified;',
    );
  }
  const actions: AliasAction[] = [];
  for (const a of body.actions) {
    if (!isObject(a)) continue;
    const [kind, spec] = Object.entries(a)[0] ?? [];
    if ((kind !== 'add' && kind !== 'remove' && kind !== 'remove_index') || !isObject(spec)) {
      throw new EsError(400, 'x_content_parse_exception', `[1:1] [alias_action] unknown field [${kind}]`);
    }
    const def: Record<string, unknown> = {};
    for (const k of ['filter', 'routing', 'index_routing', 'search_routing', 'is_write_index', 'is_hidden']) {
      if (spec[k] !== undefined) def[k] = spec[k];
    }
    actions.push({
      kind,
      indices: listOf(spec, 'index', 'indices'),
      aliases: listOf(spec, 'alias', 'aliases'),
      def,
      ...(spec.must_exist === true ? { mustExist: true } : {}),
    });
  }
  const errors: string[] = [];
  actions.forEach((a) => {
    if (a.indices.length === 0) errors.push('One of [index] or [indices] is required');
    if (a.kind !== 'remove_index' && a.aliases.length === 0)
      errors.push('One of [alias] or [aliases] is required');
  });
  if (errors.length > 0)
    throw new EsError(
      400,
      'action_request_validation_exception',
      'Validation Failed: ' + errors.map((m, i) => `${i + 1}: ${m};`).join(''),
    );
  // Authorized per index, and per alias name for add (§3).
  const action = 'indices:admin/aliases';
  requireIndexActionOnAny(
    ctx.auth,
    action,
    actions.flatMap((a) => a.indices),
  );
  const resolved = actions.map((a) => {
    const names = a.indices.flatMap((i) => authorizeIndexExpression(ctx, action, i));
    if (a.kind === 'add') requireIndices(ctx.auth, action, a.aliases);
    return { a, targets: concreteIndices(ctx.state, names) };
  });
  for (const { a, targets } of resolved) {
    if (a.kind === 'remove') {
      const missing = a.aliases.filter((al) => !targets.some((t) => t.aliases.has(al)));
      if (missing.length > 0 && a.mustExist !== false) throw aliasesNotFound(missing);
    }
  }
  for (const { a, targets } of resolved) {
    for (const t of targets) {
      if (a.kind === 'add')
        for (const al of a.aliases) {
          if (ctx.state.indices.has(al)) {
            throw new EsError(
              400,
              'invalid_alias_name_exception',
              `Invalid alias name [${al}]: an index or data stream exists with the same name as the alias`,
              {
                metadata: { index_uuid: '_na_', index: al },
              },
            );
          }
          t.aliases.set(al, { ...a.def });
        }
      else if (a.kind === 'remove') for (const al of a.aliases) t.aliases.delete(al);
      else ctx.state.indices.delete(t.name);
    }
  }
  return ok(
    atLeast(ctx.state.version, 8, 14) ? { acknowledged: true, errors: false } : { acknowledged: true },
  );
};

const putAlias: Handler = (ctx) => {
  const action = 'indices:admin/aliases';
  const alias = ctx.params.name!;
  const names = authorizeIndexExpression(ctx, action, ctx.params.index!);
  requireIndices(ctx.auth, action, [alias]);
  const body = jsonBody(ctx);
  for (const t of concreteIndices(ctx.state, names)) t.aliases.set(alias, isObject(body) ? { ...body } : {});
  return ok({ acknowledged: true, ...(atLeast(ctx.state.version, 8, 14) ? { errors: false } : {}) });
};

const deleteAlias: Handler = (ctx) => {
  const action = 'indices:admin/aliases';
  const aliases = ctx.params.name!.split(',');
  const names = authorizeIndexExpression(ctx, action, ctx.params.index!);
  const targets = concreteIndices(ctx.state, names);
  const missing = aliases.filter((a) => !targets.some((t) => t.aliases.has(a)));
  if (missing.length > 0) throw aliasesNotFound(missing);
  for (const t of targets) for (const a of aliases) t.aliases.delete(a);
  return ok({ acknowledged: true, ...(atLeast(ctx.state.version, 8, 14) ? { errors: false } : {}) });
};

const getAliases: Handler = (ctx) => {
  const action = 'indices:admin/aliases/get';
  const names = authorizeIndexExpression(ctx, action, ctx.params.index ?? '');
  const targets = concreteIndices(ctx.state, names, true);
  const wanted = ctx.params.name?.split(',');
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const t of targets.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const aliases = Object.fromEntries(
      [...t.aliases.entries()].filter(([a]) => {
        if (!wanted) return true;
        const hit = wanted.some(
          (w) => w === a || (w.includes('*') && new RegExp(`^${w.split('*').join('.*')}$`).test(a)),
        );
        if (hit) seen.add(a);
        return hit;
      }),
    );
    if (!wanted || Object.keys(aliases).length > 0) out[t.name] = { aliases };
  }
  if (wanted) {
    const missing = wanted.filter((w) => !w.includes('*') && !seen.has(w));
    if (missing.length > 0) {
      const error =
        missing.length === 1 ? `alias [${missing[0]}] missing` : `aliases [${missing.join(',')}] missing`;
      return { status: 404, body: { error, status: 404, ...out } };
    }
  }
  return ok(out);
};

const aliasExists: Handler = (ctx) => {
  const r = getAliases(ctx) as { status: number; body: Record<string, unknown> };
  return { status: r.status === 200 && Object.keys(r.body).length > 0 ? 200 : 404 };
};

/** Registers index admin routes. */
export function registerIndexRoutes(r: Router<Handler>): void {
  r.add('PUT', '/{index}', withParams(['wait_for_active_shards', 'master_timeout', 'timeout'], createIndex))
    .add(
      'DELETE',
      '/{index}',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'master_timeout', 'timeout'],
        deleteIndex,
      ),
    )
    .add(
      'GET',
      '/{index}',
      withParams(
        [
          'allow_no_indices',
          'expand_wildcards',
          'ignore_unavailable',
          'flat_settings',
          'include_defaults',
          'local',
          'master_timeout',
          'features',
        ],
        getIndex,
      ),
    )
    .add(
      'HEAD',
      '/{index}',
      withParams(
        [
          'allow_no_indices',
          'expand_wildcards',
          'ignore_unavailable',
          'flat_settings',
          'include_defaults',
          'local',
        ],
        indexExists,
      ),
    )
    .add(
      'GET',
      '/_settings',
      withParams(
        [
          'allow_no_indices',
          'expand_wildcards',
          'ignore_unavailable',
          'flat_settings',
          'include_defaults',
          'local',
          'master_timeout',
        ],
        getSettings,
      ),
    )
    .add(
      'GET',
      '/{index}/_settings',
      withParams(
        [
          'allow_no_indices',
          'expand_wildcards',
          'ignore_unavailable',
          'flat_settings',
          'include_defaults',
          'local',
          'master_timeout',
        ],
        getSettings,
      ),
    )
    .add(
      'GET',
      '/{index}/_settings/{name}',
      withParams(
        [
          'allow_no_indices',
          'expand_wildcards',
          'ignore_unavailable',
          'flat_settings',
          'include_defaults',
          'local',
          'master_timeout',
        ],
        getSettings,
      ),
    )
    .add(
      'PUT',
      '/_settings',
      withParams(
        [
          'allow_no_indices',
          'expand_wildcards',
          'ignore_unavailable',
          'flat_settings',
          'preserve_existing',
          'reopen',
          'master_timeout',
          'timeout',
        ],
        putSettings,
      ),
    )
    .add(
      'PUT',
      '/{index}/_settings',
      withParams(
        [
          'allow_no_indices',
          'expand_wildcards',
          'ignore_unavailable',
          'flat_settings',
          'preserve_existing',
          'reopen',
          'master_timeout',
          'timeout',
        ],
        putSettings,
      ),
    )
    .add(
      'GET',
      '/_mapping',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'],
        getMapping,
      ),
    )
    .add(
      'GET',
      '/{index}/_mapping',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'],
        getMapping,
      ),
    )
    .add(
      ['PUT', 'POST'],
      '/{index}/_mapping',
      withParams(
        [
          'allow_no_indices',
          'expand_wildcards',
          'ignore_unavailable',
          'write_index_only',
          'master_timeout',
          'timeout',
        ],
        putMapping,
      ),
    )
    .add(
      ['POST', 'GET'],
      '/_refresh',
      withParams(['allow_no_indices', 'expand_wildcards', 'ignore_unavailable'], refresh),
    )
    .add(
      ['POST', 'GET'],
      '/{index}/_refresh',
      withParams(['allow_no_indices', 'expand_wildcards', 'ignore_unavailable'], refresh),
    )
    .add('POST', '/_aliases', withParams(['master_timeout', 'timeout'], updateAliases))
    .add(['PUT', 'POST'], '/{index}/_alias/{name}', withParams(['master_timeout', 'timeout'], putAlias))
    .add(['PUT', 'POST'], '/{index}/_aliases/{name}', withParams(['master_timeout', 'timeout'], putAlias))
    .add('DELETE', '/{index}/_alias/{name}', withParams(['master_timeout', 'timeout'], deleteAlias))
    .add('DELETE', '/{index}/_aliases/{name}', withParams(['master_timeout', 'timeout'], deleteAlias))
    .add(
      'GET',
      '/_alias',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'],
        getAliases,
      ),
    )
    .add(
      'GET',
      '/_alias/{name}',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'],
        getAliases,
      ),
    )
    .add(
      'GET',
      '/{index}/_alias',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'],
        getAliases,
      ),
    )
    .add(
      'GET',
      '/{index}/_alias/{name}',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'],
        getAliases,
      ),
    )
    .add(
      'HEAD',
      '/_alias/{name}',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'],
        aliasExists,
      ),
    )
    .add(
      'HEAD',
      '/{index}/_alias/{name}',
      withParams(
        ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'],
        aliasExists,
      ),
    );
}
