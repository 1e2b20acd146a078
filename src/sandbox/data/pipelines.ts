/** Ingest pipelines. */
import { EsError, resourceNotFound } from '../errors.js';
import { type Handler, jsonBody, ok } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { isObject, matchesAnyWildcard } from '../util.js';

const putPipeline: Handler = (ctx) => {
  const body = jsonBody(ctx);
  if (!isObject(body) || body.processors === undefined) {
    throw new EsError(400, 'parse_exception', '[processors] required property is missing', {
      metadata: { property_name: 'processors' },
    });
  }
  ctx.state.pipelines.set(ctx.params.id!, body);
  return ok({ acknowledged: true });
};

const getPipelines: Handler = (ctx) => {
  const wanted = ctx.params.id;
  const out = Object.fromEntries([...ctx.state.pipelines].filter(([n]) => matchesAnyWildcard(wanted, n)));
  if (ctx.params.id && Object.keys(out).length === 0) return { status: 404, body: {} };
  return ok(out);
};

const deletePipeline: Handler = (ctx) => {
  const id = ctx.params.id!;
  if (!ctx.state.pipelines.delete(id)) throw resourceNotFound(`pipeline [${id}] is missing`);
  return ok({ acknowledged: true });
};

const TIMEOUTS = ['master_timeout', 'timeout'];

/** Registers ingest pipeline CRUD (`cluster:admin/ingest/pipeline/*`). */
export function registerPipelineRoutes(r: Router<Handler>): void {
  const get = withParams(['master_timeout', 'summary'], getPipelines);
  r.add('PUT', '/_ingest/pipeline/{id}', withParams([...TIMEOUTS, 'if_version'], putPipeline))
    .add('GET', '/_ingest/pipeline', get)
    .add('GET', '/_ingest/pipeline/{id}', get)
    .add('DELETE', '/_ingest/pipeline/{id}', withParams(TIMEOUTS, deletePipeline));
}
