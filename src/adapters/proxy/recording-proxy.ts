/**
 * The reverse proxy of `eskeys learn`: forwards every request unchanged (method, path, query,
 * headers including Authorization, body) to the upstream cluster and streams the answer back,
 * both ways without buffering. It tells the recorder the request line, the body chunks the
 * recorder asks for and the answer's status; it keeps nothing else.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { PassThrough, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { UsageError } from '../../core/errors.js';
import type { ExchangeRequest, PendingExchange } from '../../core/learn/recorder.js';
import { type UpstreamTls, upstreamAgent } from './upstream-agent.js';

/** What the proxy reports each exchange to. */
export interface ExchangeRecorder {
  begin(request: ExchangeRequest): PendingExchange;
}

/** Options of the recording proxy. */
export interface RecordingProxyOptions {
  readonly upstream: URL;
  readonly tls: UpstreamTls;
  /** @defaultValue '127.0.0.1' */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly recorder: ExchangeRecorder;
  /** Epoch millis, for date-math names. */
  readonly now: () => number;
}

/** A running proxy. */
export interface RunningProxy {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets in-flight exchanges finish, closes idle connections. */
  close(): Promise<void>;
}

/** Headers that describe one hop (RFC 9110 §7.6.1), not the message: never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Raw header pairs minus hop-by-hop ones (and those the Connection header names), names as sent. */
function forwardable(raw: readonly string[], replaceHost?: string): string[] {
  // Per request: a Connection header rarely names anything but keep-alive/close, so the set of
  // names it lists is only built when one is present.
  let named: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection') {
      named ??= new Set<string>();
      for (const t of raw[i + 1]!.split(',')) named.add(t.trim().toLowerCase());
    }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || named?.has(name)) continue;
    // Hosted clusters route on Host: the upstream's own name goes out, as a reverse proxy does.
    if (name === 'host' && replaceHost !== undefined) out.push(raw[i]!, replaceHost);
    else out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** A stream that yields a body (request or answer) as the recorder reads it: identity or inflated. */
function bodyReader(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return new PassThrough();
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * The request line as the recorder reads it. The query string is parsed only when the recorder
 * asks (most exchanges resolve from method and path alone).
 */
function exchangeRequest(method: string, target: string): ExchangeRequest {
  const q = target.indexOf('?');
  if (q === -1) return { method, path: target, query: EMPTY_QUERY };
  let query: URLSearchParams | undefined;
  return {
    method,
    path: target.slice(0, q),
    get query() {
      query ??= new URLSearchParams(target.slice(q + 1));
      return query;
    },
  };
}

/** The query of a request without one; the recorder only reads it. */
const EMPTY_QUERY = new URLSearchParams();

/** An answer shaped like an Elasticsearch error, for failures of the proxy itself. */
function sendProxyError(res: ServerResponse, status: number, reason: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const cause = { type: 'eskeys_learn_proxy_exception', reason };
  const body = JSON.stringify({ error: { root_cause: [cause], ...cause }, status });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Why the upstream could not be reached, without secrets (no URL userinfo is ever accepted). */
function upstreamReason(upstream: URL, error: Error & { code?: string }): string {
  const what = error.code ?? error.name;
  return `eskeys learn: the upstream cluster ${upstream.origin} could not be reached (${what}): ${error.message}`;
}

/** Starts the proxy; `--port` busy or not allowed → UsageError (exit 2). */
export async function startRecordingProxy(opts: RecordingProxyOptions): Promise<RunningProxy> {
  const { upstream } = opts;
  const agent = upstreamAgent(upstream, opts.tls);
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const prefix = upstream.pathname.replace(/\/+$/, '');
  const upstreamHost = upstream.host;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? '/';
    const method = req.method ?? 'GET';
    const pending = opts.recorder.begin(exchangeRequest(method, target));
    let status: number | undefined;
    let requestDone = false;
    // For bulk the recorder reads the answer too (per-item statuses): record after it ended.
    let responseDone = !pending.wantsResponse;
    let recorded = false;
    const record = () => {
      if (recorded || status === undefined || !requestDone || !responseDone) return;
      recorded = true;
      pending.finish(status, opts.now());
    };
    const bodyDone = () => {
      pending.bodyEnd();
      requestDone = true;
      record();
    };
    const reader = pending.wantsBody ? bodyReader(req.headers['content-encoding']) : undefined;
    if (reader) {
      // A compressed body (the official client's `compression: true`) is inflated for reading
      // names only; the bytes forwarded stay the compressed ones.
      req.on('data', (chunk: Buffer) => reader.write(chunk));
      req.on('end', () => reader.end());
      reader.on('data', (chunk: Buffer) => pending.bodyChunk(chunk));
      reader.on('end', bodyDone);
      reader.on('error', () => {
        pending.bodyUnreadable();
        bodyDone();
      });
    } else {
      if (pending.wantsBody) pending.bodyUnreadable();
      req.on('end', bodyDone);
    }
    // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3):
    // the upstream request is ended at once instead of piping an empty stream into it.
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

    const up = send({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method,
      path: prefix + target,
      headers: forwardable(req.rawHeaders, upstreamHost) as unknown as OutgoingHttpHeaders,
      agent,
    });
    up.on('response', (upRes) => {
      status = upRes.statusCode ?? 502;
      if (pending.wantsResponse) {
        const answer = bodyReader(upRes.headers['content-encoding']);
        const answerDone = () => {
          responseDone = true;
          record();
        };
        if (answer) {
          upRes.on('data', (chunk: Buffer) => answer.write(chunk));
          upRes.on('end', () => answer.end());
          answer.on('data', (chunk: Buffer) => pending.responseChunk(chunk));
          answer.on('end', answerDone);
          answer.on('error', answerDone);
        } else {
          upRes.on('end', answerDone);
        }
      }
      record();
      res.writeHead(
        status,
        upRes.statusMessage,
        forwardable(upRes.rawHeaders) as unknown as OutgoingHttpHeaders,
      );
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    up.on('error', (error: Error & { code?: string }) => {
      status = 502;
      requestDone = true;
      responseDone = true;
      record();
      sendProxyError(res, 502, upstreamReason(upstream, error));
      req.resume();
    });
    res.on('close', () => {
      // A normal end is recorded by the request and answer callbacks (the answer's inflater may
      // still be running). A client that went away first: stop the upstream request and count
      // the exchange as failed.
      if (res.writableFinished) return;
      up.destroy();
      status ??= 499;
      requestDone = true;
      responseDone = true;
      record();
    });
    if (hasBody) req.pipe(up);
    else {
      up.end();
      if (!reader) req.resume();
    }
  };

  const server: Server = createServer({ keepAlive: true }, handle);
  // No whole-request deadline: a 50 MB bulk or a long search may take its time.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error & { code?: string }) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE')
        reject(
          new UsageError(`--port ${opts.port}: the address ${opts.host}:${opts.port} is already in use`),
        );
      else if (error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL')
        reject(
          new UsageError(`--host ${opts.host} --port ${opts.port}: cannot listen there (${error.code})`),
        );
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, opts.host);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      agent.destroy();
    },
  };
}
