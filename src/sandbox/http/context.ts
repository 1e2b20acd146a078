import type { IncomingHttpHeaders } from 'node:http';
import { illegalArgument } from '../errors.js';
import type { Authentication } from '../security/authenticate.js';
import type { AuthorizedRequest } from '../security/authorize.js';
import type { SandboxState } from '../state.js';
import { parseJson } from './json.js';

/** One HTTP request as handlers see it. */
export interface RequestContext {
  readonly method: string;
  /** Path without the query string, still percent-encoded. */
  readonly path: string;
  /** The request URI as received (path + query), used in 401/400 messages. */
  readonly uri: string;
  readonly query: URLSearchParams;
  readonly params: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  readonly state: SandboxState;
  readonly secure: boolean;
  /** The authenticated principal (set before any authenticated handler runs). */
  auth: Authentication;
  /** What the server's authorization step resolved (set before the handler runs). */
  authorized?: AuthorizedRequest;
}

/**
 * The index names the authorization step resolved for this request (wildcards expanded to the
 * existing names the caller may use). Handlers read them; they never authorize.
 */
export function authorizedIndices(ctx: RequestContext): string[] {
  const names = ctx.authorized?.indices;
  if (!names) throw new Error(`bug: no authorized index names for ${ctx.method} ${ctx.path}`);
  return [...names];
}

/** What a handler returns; the server adds product and content-type headers. */
export interface HandlerResult {
  status: number;
  body?: unknown;
  /** Pre-serialised JSON (used when a value needs Long precision). */
  rawJson?: string;
  headers?: Record<string, string | string[]>;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

/** Whether the route needs authentication (everything does in ES, except the private /_sandbox routes use their own). */
export interface RouteDef {
  readonly handler: Handler;
}

/** The body as text ('' when absent). */
export function bodyText(ctx: RequestContext): string {
  return ctx.rawBody.toString('utf8');
}

/** The JSON body, or undefined when the request has none. */
export function jsonBody(ctx: RequestContext): unknown {
  const text = bodyText(ctx);
  if (text.trim() === '') return undefined;
  return parseJson(text);
}

/** A boolean query parameter the way ES parses them (`?flag` and `?flag=true` are true). */
export function boolParam(ctx: RequestContext, name: string, fallback = false): boolean {
  const v = ctx.query.get(name);
  if (v === null) return fallback;
  if (v === '' || v === 'true') return true;
  if (v === 'false') return false;
  throw illegalArgument(`Failed to parse value [${v}] as only [true] or [false] are allowed.`);
}

/** 200 JSON result shorthand. */
export function ok(body: unknown, status = 200): HandlerResult {
  return { status, body };
}
