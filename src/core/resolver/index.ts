/** Request → (API, transport action, index names): the REST surface of Elasticsearch as data. */
export { type ActionScope, API_ACTIONS, type ApiAction } from './api-actions.js';
export { DateMathNameError, isDateMathName, resolveDateMathName } from './date-math-index.js';
export { PathTrie, type RouteLookup, type RouteMatch } from './path-trie.js';
export {
  type AliasActionNames,
  type ApiRoute,
  apiForPattern,
  paramsByPosition,
  type Resolution,
  type RestRequest,
  resolveRequest,
  resolveRoute,
  resolverReadsBody,
  restRouteTrie,
} from './resolve-request.js';
export type { RestApiSpec, RestUrl } from './rest-api-spec.js';
export { REST_APIS, REST_SPEC_COMMIT } from './rest-routes.generated.js';
