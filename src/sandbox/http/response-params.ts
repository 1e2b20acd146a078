/**
 * The response parameters every REST endpoint of Elasticsearch accepts (AbstractRestChannel):
 * `filter_path`, `pretty`, `human`, `format` / `Accept` (JSON or YAML) and `error_trace`, plus
 * the `source` / `source_content_type` body-in-the-query-string of RestRequest. Applied to the
 * rendered answer by the server, only when the request asks for one of them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { EsError, illegalArgument } from '../errors.js';
import { applyFilterPath, type FilterPaths, parseFilterPath } from './filter-path.js';
import { addHumanTwins, type Twin } from './human-readable.js';
import { parseTree, type Tree, toJson, toPrettyJson } from './response-tree.js';
import { toYaml } from './yaml.js';

/** What the request asked of its answer. */
export interface ResponseParams {
  readonly filter?: FilterPaths;
  readonly pretty: boolean;
  readonly human: boolean;
  readonly yaml: boolean;
  readonly errorTrace: boolean;
}

const YAML_TYPE = /^application\/(?:vnd\.elasticsearch\+)?yaml\s*(?:;|$)/i;

/** RestRequest.paramAsBoolean: absent → false, `?p` and `true` → true, anything else refused. */
function flag(query: URLSearchParams, key: string): boolean {
  const v = query.get(key);
  if (v === null || v === 'false') return false;
  if (v === '' || v === 'true') return true;
  throw illegalArgument(`Failed to parse value [${v}] as only [true] or [false] are allowed.`);
}

/**
 * XContentType.fromFormat: `json`, `yaml`, `cbor`, `smile` (case-insensitive). Any other value
 * names no type, and Elasticsearch falls back to the Accept header, then the request's content
 * type, then JSON — it does not refuse it.
 */
function formatType(format: string | null): 'json' | 'yaml' | undefined {
  if (!format) return undefined;
  const f = format.toLowerCase();
  if (f === 'json' || f === 'yaml') return f;
  if (f === 'cbor' || f === 'smile') {
    throw illegalArgument(`the eskeys sandbox does not emulate [format=${f}] (binary responses)`);
  }
  return undefined;
}

function acceptType(accept: string | undefined): 'json' | 'yaml' | undefined {
  if (!accept) return undefined;
  if (YAML_TYPE.test(accept.trim())) return 'yaml';
  if (/^application\/(?:vnd\.elasticsearch\+)?(?:cbor|smile)\s*(?:;|$)/i.test(accept.trim())) {
    throw illegalArgument(`the eskeys sandbox does not emulate [Accept: ${accept}] (binary responses)`);
  }
  return undefined;
}

/**
 * The response parameters of a request, or undefined when it asks for none (the fast path: a
 * request without a query string and without YAML headers costs two header reads).
 */
export function responseParams(
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
): ResponseParams | undefined {
  const accept = headers.accept;
  const contentType = headers['content-type'];
  const yamlHeader =
    (accept !== undefined && /yaml|cbor|smile/i.test(accept)) ||
    (contentType !== undefined && YAML_TYPE.test(contentType.trim()));
  if (query.size === 0 && !yamlHeader) return undefined;
  const filterPath = query.get('filter_path');
  // The format parameter wins over Accept, which wins over the request's own content type.
  const type =
    formatType(query.get('format')) ??
    acceptType(accept) ??
    (contentType !== undefined && YAML_TYPE.test(contentType.trim()) ? 'yaml' : 'json');
  const filter = filterPath ? parseFilterPath(filterPath) : undefined;
  // The spread goes last: a literal opening with one is slow on Node 20's V8, and this runs for
  // every request with a query string.
  const params: ResponseParams = {
    pretty: flag(query, 'pretty'),
    human: flag(query, 'human'),
    yaml: type === 'yaml',
    errorTrace: flag(query, 'error_trace'),
    ...(filter ? { filter } : {}),
  };
  const noop = !params.filter && !params.pretty && !params.human && !params.yaml && !params.errorTrace;
  return noop ? undefined : params;
}

/** The content type of an answer written with these parameters (undefined: the server's JSON default). */
export function responseContentType(params: ResponseParams | undefined, compat: number | undefined) {
  if (!params?.yaml) return undefined;
  return compat !== undefined
    ? `application/vnd.elasticsearch+yaml;compatible-with=${compat}`
    : 'application/yaml';
}

/**
 * Rewrites a rendered answer. Error answers are never filtered (Elasticsearch builds them with
 * filtering off); with `error_trace` each exception object gains its `stack_trace`. `twins` are
 * the human-readable fields `human=true` adds (written while the answer is generated in
 * Elasticsearch, so filter_path can select them).
 */
export function applyResponseParams(
  json: string,
  params: ResponseParams,
  isError: boolean,
  twins: readonly Twin[] = [],
): string {
  let tree: Tree = parseTree(json);
  if (isError) {
    if (params.errorTrace) addStackTraces(tree);
  } else {
    if (twins.length > 0) tree = addHumanTwins(tree, twins);
    if (params.filter) tree = applyFilterPath(tree, params.filter);
  }
  if (params.yaml) return toYaml(tree);
  return params.pretty ? toPrettyJson(tree) : toJson(tree);
}

/**
 * ElasticsearchException.toXContent writes `stack_trace` last in each exception object (after
 * `caused_by` and `header`) when error_trace is on: the top-level error, each root cause and
 * each cause. The sandbox has no Java stack: it names the exception and says so.
 */
function addStackTraces(body: Tree): void {
  const error = body instanceof Map ? body.get('error') : undefined;
  if (!(error instanceof Map)) return; // a plain string error (no handler) has no trace
  const visit = (cause: Tree | undefined) => {
    if (!(cause instanceof Map)) return;
    const roots = cause.get('root_cause');
    if (Array.isArray(roots)) roots.forEach(visit);
    visit(cause.get('caused_by'));
    cause.set(
      'stack_trace',
      `${String(cause.get('type'))}: ${String(cause.get('reason'))}\n\tat (the eskeys sandbox has no Java stack trace)`,
    );
  };
  visit(error);
}

/**
 * RestRequest.contentOrSourceParam: a request without a body may carry it in `source`, with its
 * media type in `source_content_type` (both required). The sandbox reads JSON bodies only.
 */
export function sourceParamBody(query: URLSearchParams): Buffer | undefined {
  const source = query.get('source');
  if (source === null) return undefined;
  const type = query.get('source_content_type');
  if (type === null) throw sourceError('source and source_content_type parameters are required');
  const t = type.trim().toLowerCase();
  if (/^application\/(?:vnd\.elasticsearch\+)?json\s*(?:;|$)/.test(t)) return Buffer.from(source, 'utf8');
  if (/^application\/(?:vnd\.elasticsearch\+)?(?:yaml|cbor|smile)\s*(?:;|$)/.test(t)) {
    throw new EsError(
      400,
      'illegal_argument_exception',
      `the eskeys sandbox does not emulate [source_content_type=${type}] (JSON bodies only)`,
    );
  }
  throw sourceError(`Unknown value for source_content_type [${type}]`);
}

/** RestRequest.throwValidationException: a ValidationException (an IllegalArgumentException, 400). */
function sourceError(message: string): EsError {
  return new EsError(400, 'validation_exception', `Validation Failed: 1: ${message};`);
}
