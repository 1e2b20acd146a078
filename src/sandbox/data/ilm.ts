/** ILM lifecycle policies. */
import { illegalArgument, resourceNotFound } from '../errors.js';
import { type Handler, jsonBody, ok } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { isObject } from '../util.js';

const putIlmPolicy: Handler = (ctx) => {
  const body = jsonBody(ctx);
  if (!isObject(body) || !isObject(body.policy)) throw illegalArgument('Required [policy]');
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
  const name = ctx.params.name!;
  if (!ctx.state.ilmPolicies.delete(name)) throw resourceNotFound(`Lifecycle policy not found: ${name}`);
  return ok({ acknowledged: true });
};

const TIMEOUTS = ['master_timeout', 'timeout'];

/** Registers ILM policy CRUD (`cluster:admin/ilm/*`). */
export function registerIlmRoutes(r: Router<Handler>): void {
  const get = withParams(TIMEOUTS, getIlmPolicies);
  r.add('PUT', '/_ilm/policy/{name}', withParams(TIMEOUTS, putIlmPolicy))
    .add('GET', '/_ilm/policy', get)
    .add('GET', '/_ilm/policy/{name}', get)
    .add('DELETE', '/_ilm/policy/{name}', withParams(TIMEOUTS, deleteIlmPolicy));
}
