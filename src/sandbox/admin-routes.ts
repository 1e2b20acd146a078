import type { RequestCounter } from './counters.js';
import { EsError } from './errors.js';
import type { FaultInjector, FaultSpec } from './faults.js';
import { type Handler, jsonBody, ok, type RequestContext } from './http/context.js';
import { Router } from './http/router.js';
import { isObject } from './util.js';

/** Only the bootstrap `elastic` superuser may drive the private routes. */
function requireElastic(ctx: RequestContext): void {
  if (ctx.auth.kind !== 'user' || ctx.auth.username !== 'elastic') {
    throw new EsError(403, 'security_exception', 'the /_sandbox routes require the elastic user');
  }
}

function parseFault(body: unknown): FaultSpec {
  if (!isObject(body) || typeof body.path !== 'string') {
    throw new EsError(
      400,
      'illegal_argument_exception',
      'a fault needs [path] (a string; prefix with ~ for a regular expression)',
    );
  }
  const path = body.path.startsWith('~') ? new RegExp(body.path.slice(1)) : body.path;
  const spec: FaultSpec = { path };
  if (typeof body.method === 'string') spec.method = body.method;
  if (typeof body.times === 'number') spec.times = body.times;
  if (typeof body.latencyMs === 'number') spec.latencyMs = body.latencyMs;
  if (typeof body.status === 'number') spec.status = body.status;
  if (body.drop === true) spec.drop = true;
  if (typeof body.body === 'string') spec.body = body.body;
  if (typeof body.contentType === 'string') spec.contentType = body.contentType;
  if (body.auth === 'api_key' || body.auth === 'basic') spec.auth = body.auth;
  if (body.executeLate === true) spec.executeLate = true;
  return spec;
}

/** The private `/_sandbox/...` routes (faults, counters, seeding); not counted, not faulted. */
export function adminRouter(faults: FaultInjector, counters: RequestCounter): Router<Handler> {
  const guard =
    (h: Handler): Handler =>
    (ctx) => {
      requireElastic(ctx);
      return h(ctx);
    };
  return new Router<Handler>()
    .add(
      'POST',
      '/_sandbox/faults',
      guard((ctx) => {
        faults.inject(parseFault(jsonBody(ctx)));
        return ok({ acknowledged: true, pending: faults.pending() });
      }),
    )
    .add(
      'GET',
      '/_sandbox/faults',
      guard(() => ok({ pending: faults.pending(), held: faults.heldCount() })),
    )
    .add(
      'POST',
      '/_sandbox/faults/_release_held',
      guard(async () => ok({ statuses: await faults.releaseHeld() })),
    )
    .add(
      'DELETE',
      '/_sandbox/faults',
      guard(() => {
        faults.clear();
        return ok({ acknowledged: true });
      }),
    )
    .add(
      'GET',
      '/_sandbox/counters',
      guard(() => ok({ total: counters.total(), by_endpoint: counters.byEndpoint() })),
    )
    .add(
      'POST',
      '/_sandbox/counters/_reset',
      guard(() => {
        counters.reset();
        return ok({ acknowledged: true });
      }),
    )
    .add(
      'POST',
      '/_sandbox/reset',
      // Isolation between test cases without a restart: the security feature's reset plus every
      // index, template, pipeline, ILM policy and cluster setting (more than Elasticsearch's
      // feature reset, which leaves ordinary data alone).
      guard((ctx) => {
        ctx.state.resetSecurityFeature();
        ctx.state.resetData();
        return ok({ acknowledged: true });
      }),
    )
    .add(
      'POST',
      '/_sandbox/seed/api_keys',
      guard(async (ctx) => {
        const body = jsonBody(ctx);
        const b = isObject(body) ? body : {};
        const count = Number(b.count ?? 0);
        if (!Number.isInteger(count) || count < 0 || count > 1_000_000) {
          throw new EsError(
            400,
            'illegal_argument_exception',
            '[count] must be an integer between 0 and 1000000',
          );
        }
        const { ids, secret } = await ctx.state.seedApiKeys({
          count,
          ...(typeof b.owner === 'string' ? { owner: b.owner } : {}),
          ...(isObject(b.metadata) ? { metadata: b.metadata } : {}),
          ...(typeof b.name_prefix === 'string' ? { namePrefix: b.name_prefix } : {}),
        });
        // Seeded keys share one throwaway secret; ids are returned, the secret only on request.
        return ok({
          count: ids.length,
          ids: ids.slice(0, 1000),
          ...(b.return_secret === true ? { secret } : {}),
        });
      }),
    );
}
