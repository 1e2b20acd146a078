/**
 * The handler the routes registered for `POST /{index}/_search`, for APIs that run searches as
 * Elasticsearch's do (a multi search's items, the search of update by query): whatever the
 * search route emulates, validates and refuses applies to them too. Looked up on first use, after
 * every route is registered.
 */
import type { Handler } from '../http/context.js';
import type { Router } from '../http/router.js';

/** A getter for the search route's handler of `r`. */
export function searchRouteHandler(r: Router<Handler>): () => Handler {
  let search: Handler | undefined;
  return () => {
    if (!search) {
      const found = r.lookup('POST', '/index/_search');
      if (found.kind !== 'match') throw new Error('bug: no search route registered');
      search = found.match.handler;
    }
    return search;
  };
}
