/** Alias APIs, authorized per index and, for `add`, per alias name (§3). */
import { EsError } from '../errors.js';
import { authorizedIndices, type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withValidation } from '../http/validation.js';
import { isObject, wildcardRegex } from '../util.js';
import { atLeast } from '../version.js';
import { concreteIndices, refuseDataStreamAliases } from './resolve.js';

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

/** Parses and validates the actions (REST parsing and IndicesAliasesRequest.validate precede authorization). */
function aliasActions(ctx: RequestContext): AliasAction[] {
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
  return actions;
}

const updateAliases: Handler = (ctx) => {
  const actions = aliasActions(ctx);
  // The server's authorization step resolved each action's index expressions (§3).
  const perAction = ctx.authorized?.aliasActionIndices;
  if (!perAction || perAction.length !== actions.length) {
    throw new Error('bug: alias actions were not authorized');
  }
  for (const names of perAction) refuseDataStreamAliases(ctx.state, names);
  const resolved = actions.map((a, i) => ({ a, targets: concreteIndices(ctx.state, [...perAction[i]!]) }));
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
  const alias = ctx.params.name!;
  const names = authorizedIndices(ctx);
  refuseDataStreamAliases(ctx.state, names);
  const body = jsonBody(ctx);
  for (const t of concreteIndices(ctx.state, names)) t.aliases.set(alias, isObject(body) ? { ...body } : {});
  return ok({ acknowledged: true, ...(atLeast(ctx.state.version, 8, 14) ? { errors: false } : {}) });
};

const deleteAlias: Handler = (ctx) => {
  const aliases = ctx.params.name!.split(',');
  const names = authorizedIndices(ctx);
  refuseDataStreamAliases(ctx.state, names);
  const targets = concreteIndices(ctx.state, names);
  const missing = aliases.filter((a) => !targets.some((t) => t.aliases.has(a)));
  if (missing.length > 0) throw aliasesNotFound(missing);
  for (const t of targets) for (const a of aliases) t.aliases.delete(a);
  return ok({ acknowledged: true, ...(atLeast(ctx.state.version, 8, 14) ? { errors: false } : {}) });
};

const getAliases: Handler = (ctx) => {
  const names = authorizedIndices(ctx);
  const targets = concreteIndices(ctx.state, names, true);
  const wanted = ctx.params.name?.split(',');
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const t of targets.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const aliases = Object.fromEntries(
      [...t.aliases.entries()].filter(([a]) => {
        if (!wanted) return true;
        const hit = wanted.some((w) => w === a || (w.includes('*') && wildcardRegex(w).test(a)));
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

const IDX = ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout'];
const TIMEOUTS = ['master_timeout', 'timeout'];

/** Registers the alias APIs (`POST /_aliases`, `PUT|DELETE|GET|HEAD …/_alias/…`). */
export function registerAliasRoutes(r: Router<Handler>): void {
  const put = withParams(TIMEOUTS, putAlias);
  const del = withParams(TIMEOUTS, deleteAlias);
  const get = withParams(IDX, getAliases);
  const head = withParams(IDX, aliasExists);
  r.add('POST', '/_aliases', withParams(TIMEOUTS, withValidation(aliasActions, updateAliases)))
    .add(['PUT', 'POST'], '/{index}/_alias/{name}', put)
    .add(['PUT', 'POST'], '/{index}/_aliases/{name}', put)
    .add('DELETE', '/{index}/_alias/{name}', del)
    .add('DELETE', '/{index}/_aliases/{name}', del)
    .add('GET', '/_alias', get)
    .add('GET', '/_alias/{name}', get)
    .add('GET', '/{index}/_alias', get)
    .add('GET', '/{index}/_alias/{name}', get)
    .add('HEAD', '/_alias/{name}', head)
    .add('HEAD', '/{index}/_alias/{name}', head);
}
