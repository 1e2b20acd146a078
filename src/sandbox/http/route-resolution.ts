import { type ApiRoute, apiForPattern } from '../../core/resolver/index.js';

const byEndpoint = new Map<string, ApiRoute | null>();

/** The specification API behind a router endpoint key (`GET /{index}/_doc/{id}`), memoised. */
export function apiRouteOf(endpoint: string): ApiRoute | undefined {
  let hit = byEndpoint.get(endpoint);
  if (hit === undefined) {
    const space = endpoint.indexOf(' ');
    hit = apiForPattern(endpoint.slice(0, space), endpoint.slice(space + 1)) ?? null;
    byEndpoint.set(endpoint, hit);
  }
  return hit ?? undefined;
}
