/** Index templates: composable, legacy and component (cluster actions, §2/§3). */
import { EsError, illegalArgument, resourceNotFound, validationError } from '../errors.js';
import { boolParam, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { SandboxState } from '../state.js';
import { isObject, matchesAnyWildcard } from '../util.js';
import { flattenSettings, nestSettings } from './indices.js';

/** Turns a GET handler into its HEAD twin (status only). */
export function exists(get: Handler): Handler {
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

function namesMatcher(expr: string | undefined): (n: string) => boolean {
  return (n) => matchesAnyWildcard(expr, n);
}

const patternsOf = (t: Record<string, unknown>) =>
  (Array.isArray(t.index_patterns) ? t.index_patterns : [t.index_patterns]).map(String);

/**
 * `data_stream: {}` makes matching names data streams (data/data-streams.ts). Its options change
 * what the stream is (`hidden`, `allow_custom_routing`, failure store): the sandbox emulates the
 * defaults only and refuses the rest loudly rather than store an option it would not honour.
 */
function refuseDataStreamOptions(dataStream: unknown): void {
  if (dataStream === undefined) return;
  if (!isObject(dataStream)) throw illegalArgument('[data_stream] must be an object');
  for (const [k, v] of Object.entries(dataStream)) {
    if (v !== false)
      throw illegalArgument(`the eskeys sandbox does not emulate index template [data_stream.${k}]`);
  }
}

const putIndexTemplate: Handler = (ctx) => {
  const name = ctx.params.name!;
  const body = jsonBody(ctx);
  // The template body is parsed in the REST layer, before authorization.
  if (!isObject(body)) throw validationError(['index template is missing']);
  if (body.index_patterns === undefined) throw illegalArgument('Required [index_patterns]');
  refuseDataStreamOptions(body.data_stream);
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
  const match = namesMatcher(ctx.params.name);
  const list = [...ctx.state.indexTemplates]
    .filter(([n]) => match(n))
    .map(([n, t]) => ({ name: n, index_template: t }));
  if (ctx.params.name && !ctx.params.name.includes('*') && list.length === 0) {
    throw resourceNotFound(`index template matching [${ctx.params.name}] not found`);
  }
  return ok({ index_templates: list });
};

/**
 * MetadataIndexTemplateService: a template cannot go while a data stream relies on it alone (its
 * rollovers read it again); streams another data-stream template would match do not count.
 */
function streamsOnlyUsing(state: SandboxState, name: string): string[] {
  return [...state.dataStreams.values()]
    .filter((ds) => ds.template === name)
    .filter((ds) =>
      [...state.indexTemplates].every(
        ([other, t]) =>
          other === name || !isObject(t.data_stream) || !patternsOf(t).some((p) => namesMatcher(p)(ds.name)),
      ),
    )
    .map((ds) => ds.name)
    .sort();
}

const deleteIndexTemplate: Handler = (ctx) => {
  const name = ctx.params.name!;
  const inUse = streamsOnlyUsing(ctx.state, name);
  if (inUse.length > 0) {
    throw illegalArgument(
      `unable to remove composable templates [${name}] as they are in use by a data streams [${inUse.join(', ')}]`,
    );
  }
  if (!ctx.state.indexTemplates.delete(name))
    throw resourceNotFound(`index_template matching [${name}] not found`);
  return ok({ acknowledged: true });
};

const LEGACY_WARNING = 'Legacy index templates are deprecated in favor of composable templates.';

function deprecation(state: SandboxState, text: string): Record<string, string> {
  return { Warning: `299 Elasticsearch-${state.version.number}-${state.version.buildHash} "${text}"` };
}

const putLegacyTemplate: Handler = (ctx) => {
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
  const match = namesMatcher(ctx.params.name);
  const out = Object.fromEntries([...ctx.state.legacyTemplates].filter(([n]) => match(n)));
  if (ctx.params.name && Object.keys(out).length === 0) return { status: 404, body: {} };
  return ok(out);
};

const deleteLegacyTemplate: Handler = (ctx) => {
  const name = ctx.params.name!;
  if (!ctx.state.legacyTemplates.delete(name)) {
    throw new EsError(404, 'index_template_missing_exception', `index_template [${name}] missing`);
  }
  return ok({ acknowledged: true });
};

const putComponentTemplate: Handler = (ctx) => {
  const body = jsonBody(ctx);
  if (!isObject(body) || !isObject(body.template)) throw illegalArgument('Required [template]');
  ctx.state.componentTemplates.set(ctx.params.name!, body);
  return ok({ acknowledged: true });
};

const getComponentTemplates: Handler = (ctx) => {
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
  const name = ctx.params.name!;
  if (!ctx.state.componentTemplates.delete(name))
    throw resourceNotFound(`component template matching [${name}] not found`);
  return ok({ acknowledged: true });
};

const TIMEOUTS = ['master_timeout', 'timeout'];
const PUT_PARAMS = ['create', 'cause', ...TIMEOUTS];
const GET_PARAMS = ['flat_settings', 'local', 'master_timeout', 'include_defaults'];

/** Registers composable (`_index_template`), legacy (`_template`) and component templates. */
export function registerTemplateRoutes(r: Router<Handler>): void {
  const getIndex = withParams(GET_PARAMS, getIndexTemplates);
  const getLegacy = withParams(['flat_settings', 'local', 'master_timeout'], getLegacyTemplates);
  const getComponent = withParams(GET_PARAMS, getComponentTemplates);
  r.add(['PUT', 'POST'], '/_index_template/{name}', withParams(PUT_PARAMS, putIndexTemplate))
    .add('GET', '/_index_template', getIndex)
    .add('GET', '/_index_template/{name}', getIndex)
    .add('HEAD', '/_index_template/{name}', withParams(GET_PARAMS, exists(getIndexTemplates)))
    .add('DELETE', '/_index_template/{name}', withParams(TIMEOUTS, deleteIndexTemplate))
    .add(['PUT', 'POST'], '/_template/{name}', withParams([...PUT_PARAMS, 'order'], putLegacyTemplate))
    .add('GET', '/_template', getLegacy)
    .add('GET', '/_template/{name}', getLegacy)
    .add(
      'HEAD',
      '/_template/{name}',
      withParams(['flat_settings', 'local', 'master_timeout'], exists(getLegacyTemplates)),
    )
    .add('DELETE', '/_template/{name}', withParams(TIMEOUTS, deleteLegacyTemplate))
    .add(['PUT', 'POST'], '/_component_template/{name}', withParams(PUT_PARAMS, putComponentTemplate))
    .add('GET', '/_component_template', getComponent)
    .add('GET', '/_component_template/{name}', getComponent)
    .add('DELETE', '/_component_template/{name}', withParams(TIMEOUTS, deleteComponentTemplate));
}
