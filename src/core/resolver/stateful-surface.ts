import { atLeast, type Release } from '../es-version.js';

/**
 * APIs of the specification that a stateful Elasticsearch release build has no REST handler for.
 * Their paths reach RestController's no-handler path there: another route of the path with a
 * different method answers 405, a route of the same method (`PUT /_project_routing` is
 * `PUT /{index}`) serves the request as that API, and a path no route matches answers 400
 * "no handler found for uri [...] and method [...]", before authentication. The resolver keeps
 * them (`eskeys learn` may front a serverless project); the sandbox, which impersonates a
 * stateful release, routes as if they did not exist. docs/es-facts.md ("Transport actions,
 * batch 4") records the evidence.
 */

const SERVERLESS_ONLY =
  'serverless only: no handler in elastic/elasticsearch (RestGetProjectTagsAction is in the serverless repository)';
const EXTERNAL_DATASOURCES_FLAG =
  'EsqlPlugin registers the handler only when DatasetMetadata.ESQL_EXTERNAL_DATASOURCES_FEATURE_FLAG is on, which release builds leave off';

/** API → why a stateful release build has no handler for it. */
export const APIS_WITHOUT_STATEFUL_HANDLER: ReadonlyMap<string, string> = new Map([
  ['project.tags', SERVERLESS_ONLY],
  ['project.create_many_routing', SERVERLESS_ONLY],
  ['project.create_routing', SERVERLESS_ONLY],
  ['project.delete_routing', SERVERLESS_ONLY],
  ['project.get_many_routing', SERVERLESS_ONLY],
  ['project.get_routing', SERVERLESS_ONLY],
  ['esql.put_data_source', EXTERNAL_DATASOURCES_FLAG],
  ['esql.get_data_source', EXTERNAL_DATASOURCES_FLAG],
  ['esql.delete_data_source', EXTERNAL_DATASOURCES_FLAG],
  ['esql.put_dataset', EXTERNAL_DATASOURCES_FLAG],
  ['esql.get_dataset', EXTERNAL_DATASOURCES_FLAG],
  ['esql.delete_dataset', EXTERNAL_DATASOURCES_FLAG],
]);

export type { Release };

const ESQL_VIEWS_RELEASED =
  'the ES|QL view handlers ship in release builds from 9.4.0 (tech preview, elastic/elasticsearch#146559); before that they were snapshot or feature-flag only (#137818, specification since 9.3.0 behind a feature flag)';

/**
 * APIs a stateful release build has a handler for only from a given release on (`since`); older
 * releases route their paths as if the API did not exist, like APIS_WITHOUT_STATEFUL_HANDLER.
 * docs/es-facts.md ("Transport actions, batch 5") records the evidence.
 */
export const APIS_FROM_RELEASE: ReadonlyMap<string, { readonly since: Release; readonly why: string }> =
  new Map([
    ['esql.put_view', { since: { major: 9, minor: 4 }, why: ESQL_VIEWS_RELEASED }],
    ['esql.get_view', { since: { major: 9, minor: 4 }, why: ESQL_VIEWS_RELEASED }],
    ['esql.delete_view', { since: { major: 9, minor: 4 }, why: ESQL_VIEWS_RELEASED }],
  ]);

/** Whether a stateful release build of `release` has a REST handler for `api`. */
export function hasStatefulHandler(api: string, release: Release): boolean {
  if (APIS_WITHOUT_STATEFUL_HANDLER.has(api)) return false;
  const since = APIS_FROM_RELEASE.get(api)?.since;
  if (!since) return true;
  return atLeast(release, since.major, since.minor);
}
