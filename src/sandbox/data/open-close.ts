/**
 * `POST /{index}/_close` and `POST /{index}/_open`. A closed index keeps its metadata (settings,
 * mappings, aliases, `_cat/indices` row) but refuses document reads and writes with
 * `index_closed_exception` (resolve.ts `refuseClosed`), and wildcards skip it unless
 * `expand_wildcards` includes `closed`. Wildcards themselves were refused before authorization
 * while `action.destructive_requires_name` holds (http/destructive-operations.ts).
 */
import { indexNotFound } from '../errors.js';
import { authorizedIndices, boolParam, type Handler, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { IndexRecord } from '../state.js';

/** The concrete indices named (aliases expand); a missing name 404s unless `ignore_unavailable`. */
function targets(ctx: RequestContext): IndexRecord[] {
  const ignoreUnavailable = boolParam(ctx, 'ignore_unavailable');
  const out = new Map<string, IndexRecord>();
  for (const n of authorizedIndices(ctx)) {
    const direct = ctx.state.indices.get(n);
    if (direct) {
      out.set(direct.name, direct);
      continue;
    }
    const holders = [...ctx.state.indices.values()].filter((i) => i.aliases.has(n));
    if (holders.length === 0 && !ignoreUnavailable) throw indexNotFound(n);
    for (const h of holders) out.set(h.name, h);
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

const closeIndex: Handler = (ctx) => {
  const indices = targets(ctx);
  for (const idx of indices) idx.closed = true;
  return ok({
    acknowledged: true,
    shards_acknowledged: true,
    indices: Object.fromEntries(indices.map((i) => [i.name, { closed: true }])),
  });
};

const openIndex: Handler = (ctx) => {
  for (const idx of targets(ctx)) idx.closed = false;
  return ok({ acknowledged: true, shards_acknowledged: true });
};

const OPEN_CLOSE_PARAMS = [
  'allow_no_indices',
  'expand_wildcards',
  'ignore_unavailable',
  'master_timeout',
  'timeout',
  'wait_for_active_shards',
];

/** Registers close and open index. */
export function registerOpenCloseRoutes(r: Router<Handler>): void {
  r.add('POST', '/{index}/_close', withParams(OPEN_CLOSE_PARAMS, closeIndex)).add(
    'POST',
    '/{index}/_open',
    withParams(OPEN_CLOSE_PARAMS, openIndex),
  );
}
