/** Index admin APIs: create, delete, get/exists, settings, mappings, refresh. */
import { EsError, illegalArgument, indexNotFound } from '../errors.js';
import {
  authorizedIndices,
  boolParam,
  type Handler,
  jsonBody,
  ok,
  type RequestContext,
} from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withValidation } from '../http/validation.js';
import { base64Uuid, type IndexRecord, type SandboxState } from '../state.js';
import { isObject, wildcardRegex } from '../util.js';
import { mergeMappings } from './mappings.js';
import { concreteIndices, parentDataStream } from './resolve.js';

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
  /** The template to apply instead of the best match of the name (a data stream's backing index). */
  explicitTemplate?: Record<string, unknown>,
): IndexRecord {
  validateIndexName(name);
  const match = explicitTemplate ? undefined : matchingIndexTemplate(state, name);
  if (match && isObject(match[1].data_stream)) {
    throw illegalArgument(
      `cannot create index with name [${name}], because it matches with template [${match[0]}] that creates data streams only, use create data stream api instead`,
    );
  }
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
  const best = explicitTemplate ?? match?.[1];
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

/** The composable template that applies to a new name: the highest priority match (legacy ones are only stored). */
export function matchingIndexTemplate(
  state: SandboxState,
  name: string,
): [string, Record<string, unknown>] | undefined {
  let best: [string, Record<string, unknown>] | undefined;
  let bestPriority = -1;
  for (const [templateName, t] of state.indexTemplates) {
    const patterns = (Array.isArray(t.index_patterns) ? t.index_patterns : [t.index_patterns]).map(String);
    const hit = patterns.some((p) => wildcardRegex(p).test(name));
    const priority = Number(t.priority ?? 0);
    if (hit && priority > bestPriority) {
      best = [templateName, t];
      bestPriority = priority;
    }
  }
  return best;
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

/** The create-index body; RestCreateIndexAction parses it before the action is authorized. */
function createIndexBody(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx) ?? {};
  if (!isObject(body)) throw new EsError(400, 'parse_exception', 'request body is required');
  for (const k of Object.keys(body)) {
    if (!['settings', 'mappings', 'aliases'].includes(k)) {
      throw new EsError(400, 'parse_exception', `unknown key [${k}] for create index`);
    }
  }
  return body;
}

const createIndex: Handler = (ctx) => {
  const name = ctx.params.index!;
  // The alias names in the body were authorized (indices:admin/aliases) by the server's step.
  const body = createIndexBody(ctx);
  const existing = ctx.state.indices.get(name);
  if (existing) throw alreadyExists(existing);
  createIndexRecord(ctx.state, name, body as Parameters<typeof createIndexRecord>[2]);
  return ok({ acknowledged: true, shards_acknowledged: true, index: name });
};

const deleteIndex: Handler = (ctx) => {
  // Wildcards were refused (action.destructive_requires_name) before authorization, in the
  // server's security step (http/destructive-operations.ts).
  const ignoreUnavailable = boolParam(ctx, 'ignore_unavailable');
  const names = authorizedIndices(ctx);
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
  // MetadataDeleteIndexService: a stream's write index stays; other backing indices leave the stream.
  for (const t of targets) {
    const stream = parentDataStream(ctx.state, t.name);
    if (stream && stream.indices.at(-1) === t.name) {
      throw illegalArgument(
        `index [${t.name}] is the write index for data stream [${stream.name}] and cannot be deleted`,
      );
    }
  }
  for (const t of targets) {
    const stream = parentDataStream(ctx.state, t.name);
    if (stream) stream.indices = stream.indices.filter((n) => n !== t.name);
    ctx.state.indices.delete(t.name);
  }
  return ok({ acknowledged: true });
};

function renderSettings(idx: IndexRecord, flat: boolean): Record<string, unknown> {
  return flat ? { ...idx.settings } : nestSettings(idx.settings);
}

function renderAliases(idx: IndexRecord): Record<string, unknown> {
  return Object.fromEntries([...idx.aliases.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The concrete indices behind the names the authorization step resolved; missing names 404 unless ignored. */
export function resolveForRead(ctx: RequestContext): IndexRecord[] {
  const ignoreUnavailable = boolParam(ctx, 'ignore_unavailable');
  return concreteIndices(ctx.state, authorizedIndices(ctx), ignoreUnavailable).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
}

const getIndex: Handler = (ctx) => {
  const indices = resolveForRead(ctx);
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
    const indices = resolveForRead(ctx);
    return { status: indices.length > 0 ? 200 : 404 };
  } catch (e) {
    if (e instanceof EsError) return { status: e.status };
    throw e;
  }
};

const getSettings: Handler = (ctx) => {
  const indices = resolveForRead(ctx);
  const flat = boolParam(ctx, 'flat_settings');
  const filter = ctx.params.name?.split(',');
  const out: Record<string, unknown> = {};
  for (const idx of indices) {
    let settings = idx.settings;
    if (filter) {
      settings = Object.fromEntries(
        Object.entries(settings).filter(([k]) => filter.some((f) => wildcardRegex(f).test(k))),
      );
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

/** The flattened settings of an update; UpdateSettingsRequest.validate runs before authorization. */
function settingsUpdate(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx);
  if (!isObject(body)) throw validationRequestBodyMissing();
  const inner = isObject(body.settings) ? body.settings : body;
  const flat = flattenSettings(inner);
  if (Object.keys(flat).length === 0) throw validationRequestBodyMissing();
  return flat;
}

const putSettings: Handler = (ctx) => {
  const flat = settingsUpdate(ctx);
  const indices = resolveForRead(ctx);
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
  const indices = resolveForRead(ctx);
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
  const indices = resolveForRead(ctx);
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
  const indices = resolveForRead(ctx);
  for (const idx of indices) refreshIndex(idx, ctx.state.now());
  const shards = indices.length;
  return ok({ _shards: { total: shards * 2, successful: shards, failed: 0 } });
};

const IDX = ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable'];
const TIMEOUTS = ['master_timeout', 'timeout'];

/** Registers index admin routes. */
export function registerIndexRoutes(r: Router<Handler>): void {
  const getSettingsP = withParams(
    [...IDX, 'flat_settings', 'include_defaults', 'local', 'master_timeout'],
    getSettings,
  );
  const getMappingP = withParams([...IDX, 'local', 'master_timeout'], getMapping);
  const refreshP = withParams(IDX, refresh);
  r.add(
    'PUT',
    '/{index}',
    withParams(['wait_for_active_shards', ...TIMEOUTS], withValidation(createIndexBody, createIndex)),
  )
    .add('DELETE', '/{index}', withParams([...IDX, ...TIMEOUTS], deleteIndex))
    .add(
      'GET',
      '/{index}',
      withParams(
        [...IDX, 'flat_settings', 'include_defaults', 'local', 'master_timeout', 'features'],
        getIndex,
      ),
    )
    .add('HEAD', '/{index}', withParams([...IDX, 'flat_settings', 'include_defaults', 'local'], indexExists))
    .add('GET', '/_settings', getSettingsP)
    .add('GET', '/{index}/_settings', getSettingsP)
    .add('GET', '/{index}/_settings/{name}', getSettingsP)
    .add(
      ['PUT'],
      '/_settings',
      withParams(
        [...IDX, 'flat_settings', 'preserve_existing', 'reopen', ...TIMEOUTS],
        withValidation(settingsUpdate, putSettings),
      ),
    )
    .add(
      ['PUT'],
      '/{index}/_settings',
      withParams(
        [...IDX, 'flat_settings', 'preserve_existing', 'reopen', ...TIMEOUTS],
        withValidation(settingsUpdate, putSettings),
      ),
    )
    .add('GET', '/_mapping', getMappingP)
    .add('GET', '/{index}/_mapping', getMappingP)
    .add(
      ['PUT', 'POST'],
      '/{index}/_mapping',
      withParams([...IDX, 'write_index_only', ...TIMEOUTS], putMapping),
    )
    .add(['POST', 'GET'], '/_refresh', refreshP)
    .add(['POST', 'GET'], '/{index}/_refresh', refreshP);
}
