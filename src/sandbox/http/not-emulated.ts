import { hasStatefulHandler, REST_APIS, type Release } from '../../core/resolver/index.js';
import { illegalArgument } from '../errors.js';
import type { Handler } from './context.js';
import { filterReaches, parseFilterPath } from './filter-path.js';
import type { Router } from './router.js';

const notEmulatedHandlers = new WeakSet<Handler>();

/** Whether `handler` is the placeholder of an API the sandbox does not emulate. */
export function isNotEmulated(handler: Handler): boolean {
  return notEmulatedHandlers.has(handler);
}

/** The answer for an API of Elasticsearch the sandbox has no handler for (after authorization). */
export function notEmulated(api: string) {
  return illegalArgument(`the eskeys sandbox does not emulate [${api}]`);
}

/**
 * Registers every API of the specification that no emulated route serves, so `GET /_license`
 * reaches the license API (literal segments beat `{index}`, as in Elasticsearch's PathTrie)
 * instead of being taken for an index name. The server authorizes these like any route; the
 * handler then refuses loudly. APIs a stateful build of `release` has no handler for are left
 * out, so their paths route as in Elasticsearch: 400 no handler, 405, or the `{index}` API they
 * match.
 */
export function registerNotEmulated(r: Router<Handler>, release: Release): void {
  for (const api of REST_APIS) {
    if (!hasStatefulHandler(api.name, release)) continue;
    const handler: Handler = () => {
      throw notEmulated(api.name);
    };
    notEmulatedHandlers.add(handler);
    for (const url of api.urls) r.addMissing(url.methods, url.path, handler);
  }
}

/**
 * For an answer the sandbox builds only in part: refuses the request with a 400 naming the
 * fields it does not emulate that the request's `filter_path` would select (all of them without
 * a filter), and saying that filter_path can select the emulated ones. `fields` are dot paths
 * in the answer (`indices.store`); `why`, when given, says why they are not emulated now.
 */
export function refuseFieldsNotEmulated(
  api: string,
  query: URLSearchParams,
  fields: readonly string[],
  why?: string,
): void {
  const filter = query.get('filter_path');
  const paths = filter ? parseFilterPath(filter) : undefined;
  const reached = fields.filter((f) => !paths || filterReaches(paths, f.split('.')));
  if (reached.length === 0) return;
  throw illegalArgument(
    `the eskeys sandbox does not emulate [${api}] fields [${reached.join(', ')}]${why ? ` (${why})` : ''}; select the emulated fields with filter_path`,
  );
}
