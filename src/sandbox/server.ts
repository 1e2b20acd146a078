import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DateMathNameError,
  paramsByPosition,
  resolveRoute,
  resolverReadsBody,
} from '../core/resolver/index.js';
import type { RequestCounter } from './counters.js';
import { multiGetItemNames } from './data/multi-get.js';
import { multiSearchItemOptions } from './data/multi-search.js';
import { pointInTimeSearchNames } from './data/point-in-time.js';
import { EsError, errorBody, SimpleError } from './errors.js';
import { type FaultInjector, faultBody } from './faults.js';
import { withCompatV7Types } from './http/compat-v7-types.js';
import { decodeRequestBody } from './http/content-encoding.js';
import { boolParam, type Handler, type HandlerResult, type RequestContext } from './http/context.js';
import { DESTRUCTIVE_APIS, failDestructive } from './http/destructive-operations.js';
import { humanTwins, type Twin } from './http/human-readable.js';
import { requestCompatibility } from './http/media-type.js';
import { isNotEmulated } from './http/not-emulated.js';
import { checkParams } from './http/params.js';
import {
  applyResponseParams,
  type ResponseParams,
  responseContentType,
  responseParams,
  sourceParamBody,
} from './http/response-params.js';
import { apiRouteOf } from './http/route-resolution.js';
import type { RouteLookup, Router } from './http/router.js';
import { validateRequest } from './http/validation.js';
import { authorizeRequest } from './security/authorize.js';
import { renderLongSentinels } from './security/query-paging.js';
import type { SandboxState } from './state.js';

/** What the HTTP layer needs besides the routes. */
export interface ServerDeps {
  state: SandboxState;
  router: Router<Handler>;
  /** Private `/_sandbox/...` routes: not counted, not faulted, own authentication. */
  adminRouter: Router<Handler>;
  faults: FaultInjector;
  counters: RequestCounter;
  authenticate: (ctx: RequestContext) => Promise<RequestContext['auth']>;
  tls?: { key: string; cert: string };
}

const PRODUCT_HEADER = 'X-elastic-product';

function send(
  res: ServerResponse,
  method: string,
  status: number,
  json: string | undefined,
  compatVersion: number | undefined,
  headers: Record<string, string | string[]> = {},
  opaqueId?: string,
): void {
  const contentType =
    compatVersion !== undefined
      ? `application/vnd.elasticsearch+json;compatible-with=${compatVersion}`
      : 'application/json';
  const out: Record<string, string | string[] | number> = {
    [PRODUCT_HEADER]: 'Elasticsearch',
    ...(opaqueId ? { 'X-Opaque-Id': opaqueId } : {}),
    'content-type': contentType,
    ...headers,
  };
  // The body goes out as the string it is: Node writes it with the headers in one chunk, where a
  // Buffer would cost a copy of every answer and a second chunk in the socket write.
  out['content-length'] = json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
  res.writeHead(status, out);
  if (method === 'HEAD' || json === undefined) res.end();
  else res.end(json, 'utf8');
}

/** A header's value, the first one when it was sent more than once. */
function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function renderError(e: unknown): {
  status: number;
  json: string;
  headers: Record<string, string | string[]>;
} {
  if (e instanceof EsError) {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(e.headers ?? {})) headers[k] = v;
    return { status: e.status, json: JSON.stringify(errorBody(e)), headers };
  }
  if (e instanceof SimpleError) {
    return {
      status: e.status,
      json: JSON.stringify({ error: e.message, status: e.status }),
      headers: e.headers,
    };
  }
  const reason = e instanceof Error ? e.message : String(e);
  const cause = { type: 'exception', reason };
  return {
    status: 500,
    json: JSON.stringify({ error: { root_cause: [cause], ...cause }, status: 500 }),
    headers: {},
  };
}

/** What one request carries into routing, kept apart from its socket so a held request can run later. */
interface Incoming {
  /** The router's answer for (method, path), looked up once per request. */
  lookup: RouteLookup<Handler>;
  method: string;
  uri: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  secure: boolean;
}

/** An answer ready to send (or to discard, for a request whose client is gone). */
interface Answer {
  status: number;
  json: string | undefined;
  compat: number | undefined;
  headers: Record<string, string | string[]> | undefined;
}

/** The items of composite requests, as their handlers parsed them before authorization. */
const BODY_ITEMS = new Map([
  ['mget', multiGetItemNames],
  ['msearch', multiSearchItemOptions],
]);

/**
 * The one authorization step: the route's API resolved to (action, names) — date math resolved
 * first, so handlers see the concrete names — and checked before any handler runs.
 */
function authorize(ctx: RequestContext, endpoint: string, handler: Handler): void {
  const route = apiRouteOf(endpoint);
  if (!route) return;
  let resolution: ReturnType<typeof resolveRoute>;
  try {
    resolution = resolveRoute(route, paramsByPosition(route, Object.values(ctx.params)), {
      now: ctx.state.now(),
      query: ctx.query,
      // Connector actions differ between 8.x and 9.x: resolve for the major impersonated.
      major: ctx.state.version.major,
      ...(resolverReadsBody(route.api.name) ? { body: ctx.rawBody.toString('utf8') } : {}),
    });
  } catch (e) {
    if (e instanceof DateMathNameError) throw new EsError(400, 'parse_exception', e.message);
    throw e;
  }
  // A search with a point in time is authorized on the indices its id names (preparePointInTime).
  const pitNames = pointInTimeSearchNames(ctx);
  if (pitNames) resolution = { ...resolution, indices: [...pitNames] };
  if (resolution.indices && ctx.params.index?.includes('<')) {
    (ctx.params as Record<string, string>).index = resolution.indices.join(',');
  }
  // The security action filter refuses destructive wildcards before it authorizes.
  if (DESTRUCTIVE_APIS.has(resolution.api)) failDestructive(ctx.state, resolution.indices?.join(',') ?? '');
  ctx.authorized = authorizeRequest(
    ctx.auth,
    ctx.state,
    resolution,
    !isNotEmulated(handler),
    ctx.params,
    () => ({
      ignoreUnavailable: boolParam(ctx, 'ignore_unavailable'),
      expandWildcards: ctx.query.get('expand_wildcards') ?? undefined,
    }),
    // Each item of a multi get / multi search is authorized on its own names (and options).
    BODY_ITEMS.get(resolution.api)?.bind(null, ctx),
  );
}

/** Media types → routing → authentication → authorization → handler; errors rendered as ES renders them. */
async function answer(deps: ServerDeps, inc: Incoming): Promise<Answer> {
  let compat: number | undefined;
  let params: ResponseParams | undefined;
  try {
    params = responseParams(inc.query, inc.headers);
    const lookup = inc.lookup;
    const compatibility = requestCompatibility(
      deps.state.version.major,
      inc.headers.accept,
      inc.headers['content-type'],
      inc.rawBody.length > 0,
    );
    compat = compatibility.responseVersion;
    const rawBody =
      inc.rawBody.length === 0 && inc.query.size > 0
        ? (sourceParamBody(inc.query) ?? inc.rawBody)
        : inc.rawBody;
    if (lookup.kind === 'none') {
      throw new SimpleError(400, `no handler found for uri [${inc.uri}] and method [${inc.method}]`);
    }
    if (lookup.kind === 'method-not-allowed') {
      throw new SimpleError(
        405,
        `Incorrect HTTP method for uri [${inc.uri}] and method [${inc.method}], allowed: [${lookup.allowed.join(', ')}]`,
        { Allow: lookup.allowed.join(',') },
      );
    }
    const ctx: RequestContext = {
      method: inc.method,
      path: inc.path,
      uri: inc.uri,
      query: inc.query,
      params: lookup.match.params,
      headers: inc.headers,
      rawBody,
      state: deps.state,
      secure: inc.secure,
      auth: undefined as unknown as RequestContext['auth'],
    };
    ctx.auth = await deps.authenticate(ctx);
    checkParams(ctx, lookup.match.handler);
    validateRequest(ctx, lookup.match.handler);
    authorize(ctx, lookup.match.endpoint, lookup.match.handler);
    // After authorization, like the 400 of an API the sandbox does not emulate (which keeps its own message).
    const twins: readonly Twin[] =
      params?.human && !isNotEmulated(lookup.match.handler)
        ? humanTwins(apiRouteOf(lookup.match.endpoint)?.api.name)
        : [];
    const result: HandlerResult = await lookup.match.handler(ctx);
    const body =
      compatibility.restApiMajor === 7 && result.body !== undefined
        ? withCompatV7Types(apiRouteOf(lookup.match.endpoint)?.api.name ?? '', result.body)
        : result.body;
    const json =
      result.rawJson ?? (body === undefined ? undefined : renderLongSentinels(JSON.stringify(body)));
    if (!params || json === undefined)
      return { status: result.status, json, compat, headers: result.headers };
    return withParams(params, { status: result.status, json, compat, headers: result.headers }, false, twins);
  } catch (e) {
    const r = renderError(e);
    const a = { status: r.status, json: r.json, compat, headers: r.headers };
    return params ? withParams(params, a, true) : a;
  }
}

/** The answer rewritten as its response parameters ask (filtering, pretty, YAML, error traces). */
function withParams(
  params: ResponseParams,
  a: Answer,
  isError: boolean,
  twins: readonly Twin[] = [],
): Answer {
  if (a.json === undefined) return a;
  // A handler that renders its own format (text, as _cat does) keeps it: only JSON is rewritten.
  const own = a.headers?.['content-type'];
  if (own !== undefined && !/json/i.test(String(own))) return a;
  let json: string;
  try {
    json = applyResponseParams(a.json, params, isError, twins);
  } catch (e) {
    // A YAML form the sandbox does not emulate: refused in JSON, like any error.
    const r = renderError(e);
    return { status: r.status, json: r.json, compat: a.compat, headers: r.headers };
  }
  const contentType = responseContentType(params, a.compat);
  const headers = contentType ? { ...a.headers, 'content-type': contentType } : a.headers;
  return { status: a.status, json, compat: a.compat, headers };
}

/** Builds the request handler: faults → counting → media types → routing → authentication → handler. */
export function requestListener(deps: ServerDeps, secure: boolean) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const uri = req.url ?? '/';
    const q = uri.indexOf('?');
    const path = q >= 0 ? uri.slice(0, q) : uri;
    const query = new URLSearchParams(q >= 0 ? uri.slice(q + 1) : '');
    // ES echoes X-Opaque-Id so callers can correlate requests.
    const opaqueHeader = req.headers['x-opaque-id'];
    const opaque = Array.isArray(opaqueHeader) ? opaqueHeader[0] : opaqueHeader;
    try {
      const isAdmin = path === '/_sandbox' || path.startsWith('/_sandbox/');
      const lookup = (isAdmin ? deps.adminRouter : deps.router).lookup(method, path);
      if (!isAdmin) {
        // Faulted requests are counted too, so retry counts can be asserted.
        deps.counters.record(lookup.kind === 'match' ? lookup.match.endpoint : `${method} (unmatched)`);
        const fault = deps.faults.take(method, path, req.headers.authorization);
        if (fault) {
          if (fault.latencyMs) await sleep(fault.latencyMs);
          if (fault.executeLate) {
            // The client sees its connection drop with no answer; the cluster runs the request
            // anyway, later, when the test releases it: a create executed after its client gave up.
            const rawBody = decodeRequestBody(
              await readBody(req),
              headerValue(req.headers['content-encoding']),
            );
            req.socket.destroy();
            const inc: Incoming = { lookup, method, uri, path, query, headers: req.headers, rawBody, secure };
            deps.faults.hold(async () => (await answer(deps, inc)).status);
            return;
          }
          if (fault.drop) {
            req.socket.destroy();
            return;
          }
          if (fault.body !== undefined) {
            await readBody(req);
            // A body that is not what Elasticsearch would send; the product header stays, as
            // behind a proxy that rewrites bodies but passes headers through.
            send(res, method, fault.status ?? 200, fault.body, undefined, {
              'content-type': fault.contentType ?? 'application/json',
            });
            return;
          }
          if (fault.status) {
            await readBody(req);
            send(res, method, fault.status, JSON.stringify(faultBody(fault.status)), undefined);
            return;
          }
        }
      }
      const rawBody = decodeRequestBody(await readBody(req), headerValue(req.headers['content-encoding']));
      const a = await answer(deps, {
        lookup,
        method,
        uri,
        path,
        query,
        headers: req.headers,
        rawBody,
        secure,
      });
      if (res.headersSent || req.socket.destroyed) return;
      send(res, method, a.status, a.json, a.compat, a.headers, opaque);
    } catch (e) {
      if (res.headersSent || req.socket.destroyed) return;
      const r = renderError(e);
      send(res, method, r.status, r.json, undefined, r.headers, opaque);
    }
  };
}

/** Starts listening; resolves with the bound URL. */
export async function listen(
  deps: ServerDeps,
  host: string,
  port: number,
): Promise<{ server: http.Server | https.Server; url: string }> {
  const secure = deps.tls !== undefined;
  const listener = requestListener(deps, secure);
  const server = secure
    ? https.createServer({ key: deps.tls!.key, cert: deps.tls!.cert }, (req, res) => void listener(req, res))
    : http.createServer((req, res) => void listener(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { server, url: `${secure ? 'https' : 'http'}://${shownHost}:${addr.port}` };
}
