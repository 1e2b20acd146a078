/** Request → (API, transport action, index names): the REST surface of Elasticsearch as data. */
export { type ActionScope, API_ACTIONS, type ApiAction, apiActionFor, NEWEST_MAJOR } from './api-actions.js';
export {
  AUTHORIZATION_NOT_ESTABLISHED,
  CAT_REQUESTS,
  CHILD_REQUESTS,
  NAME_ONLY_INDEX_ACTIONS,
  NAME_PARAM_BY_API,
  QUERY_INDEX_APIS,
  REQUESTS_WITH_PARAM,
  type RequestNames,
  type TransportRequest,
  UNPRIVILEGED_INDEX_ACTIONS,
} from './authorization-rules.js';
export { DateMathNameError, isDateMathName, resolveDateMathName } from './date-math-index.js';
export { PathTrie, type RouteLookup, type RouteMatch } from './path-trie.js';
export {
  type AliasActionNames,
  type ApiRoute,
  apiForPattern,
  paramsByPosition,
  type Resolution,
  type ResolvedTransportRequest,
  type RestRequest,
  resolveRequest,
  resolveRoute,
  resolverReadsBody,
  restRouteTrie,
} from './resolve-request.js';
export type { RestApiSpec, RestUrl } from './rest-api-spec.js';
export { REST_APIS, REST_SPEC_COMMIT } from './rest-routes.generated.js';
export {
  APIS_FROM_RELEASE,
  APIS_WITHOUT_STATEFUL_HANDLER,
  hasStatefulHandler,
  type Release,
} from './stateful-surface.js';
