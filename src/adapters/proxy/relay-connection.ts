/**
 * One client connection of the learn proxy and the upstream connection that serves it (1:1,
 * so answers come back in request order without a pool). Bytes are relayed as they arrive; the
 * framing parser only marks where each request and answer begins and ends, so the recorder
 * learns every exchange while nothing is buffered whole. The request head is the one thing
 * rewritten: `Host` names the upstream, the upstream's path prefix is added, and headers meant
 * for this hop only are dropped.
 */
import type { Socket } from 'node:net';
import { type ExchangeFeed, type ExchangeRecorder, ExchangeFeed as Feed } from './exchange-feed.js';
import {
  type BodyFraming,
  FramingError,
  headerTokens,
  headerValues,
  isToken,
  type MessageHead,
  MessageStreamParser,
  requestBodyFraming,
  responseBodyFraming,
} from './http1-framing.js';
import type { UpstreamTls } from './upstream-socket.js';
import { connectUpstream } from './upstream-socket.js';

/** What every connection of one proxy shares. */
export interface RelaySettings {
  readonly upstream: URL;
  readonly tls: UpstreamTls;
  readonly recorder: ExchangeRecorder;
  readonly now: () => number;
}

/** Requests read ahead of their answers (pipelining) before the client is paused. */
const MAX_QUEUED_EXCHANGES = 64;
/** Pieces of one client packet up to this size are copied into one buffer and written at once. */
const COALESCE_BYTES = 16 * 1024;
/** Request bytes held while the upstream connection opens before the client is paused. */
const MAX_PENDING_BYTES = 64 * 1024;

/**
 * Request headers never forwarded: the proxy's own credentials and connection, and `Upgrade`
 * (the proxy relays HTTP/1.1 only; the cluster answers the request as a plain one).
 */
const DROPPED = new Set(['proxy-authorization', 'proxy-connection', 'upgrade']);
/** Headers that frame or route the message: never dropped, even when `Connection` names them. */
const FRAMING = new Set(['host', 'content-length', 'transfer-encoding']);

const VERSION = /^HTTP\/1\.[01]$/;

/** One request on its way: its method (answers to HEAD have no body) and its recorder feed. */
interface Exchange {
  readonly method: string;
  readonly feed: ExchangeFeed;
  /** The answer ends the connection (Connection: close, HTTP/1.0, or a close-delimited body). */
  closeAfter: boolean;
}

/** Reasons the client's reading is paused; it resumes when none is left. */
const HOLD_UPSTREAM_FULL = 1;
const HOLD_CONNECTING = 2;
const HOLD_QUEUE_FULL = 4;

/** The request head as forwarded: upstream prefix and Host, hop-only headers dropped. */
export function forwardedRequestHead(head: MessageHead, prefix: string, upstreamHost: string): string {
  const named = headerTokens(head, 'connection');
  let out = `${head.start[0]} ${prefix}${head.start[1]} ${head.start[2]}\r\n`;
  let host = false;
  for (const h of head.headers) {
    if (h.key === 'host') {
      // Hosted clusters route on Host: the upstream's own name goes out, as a reverse proxy does.
      if (!host) out += `${h.name}: ${upstreamHost}\r\n`;
      host = true;
    } else if (!DROPPED.has(h.key) && !(named.includes(h.key) && !FRAMING.has(h.key)))
      out += `${h.name}: ${h.value}\r\n`;
  }
  if (!host) out += `Host: ${upstreamHost}\r\n`;
  return `${out}\r\n`;
}

/** An answer of the proxy itself, shaped like an Elasticsearch error; the connection closes after it. */
export function proxyErrorResponse(status: number, reason: string, method: string | undefined): string {
  const cause = { type: 'eskeys_learn_proxy_exception', reason };
  const body = JSON.stringify({ error: { root_cause: [cause], ...cause }, status });
  const text = STATUS_TEXT[status] ?? 'Error';
  const head =
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  return method === 'HEAD' ? head : head + body;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  505: 'HTTP Version Not Supported',
};

/** Why the upstream could not be reached, without secrets (no URL userinfo is ever accepted). */
function upstreamReason(upstream: URL, error: Error & { code?: string }): string {
  const what = error.code ?? error.name;
  return `eskeys learn: the upstream cluster ${upstream.origin} could not be reached (${what}): ${error.message}`;
}

/** Relays one client connection; `onClosed` runs once it is gone. */
export class RelayConnection {
  private readonly requests: MessageStreamParser;
  private upstream: Socket | undefined;
  private connecting = false;
  /** Request bytes waiting for the upstream connection to open. */
  private pendingOut: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes for the upstream produced by one client packet, written together. */
  private out: Buffer[] = [];
  private outBytes = 0;
  /** The request whose body is being read. */
  private current: Exchange | undefined;
  /** Requests sent upstream, oldest first, whose answers have not ended. */
  private readonly queue: Exchange[] = [];
  /** Whether bytes of queue[0]'s answer (beyond any 1xx) reached the client. */
  private answering = false;
  private interim = false;
  private holds = 0;
  private clientEnded = false;
  /** No more requests are read: the connection ends after what is owed. */
  private stopped = false;
  /** The client connection is being ended (said once). */
  private ending = false;
  private draining = false;
  private closed = false;
  /** A refusal to send once the answers before it are out. */
  private refusal: { status: number; reason: string; method: string | undefined } | undefined;
  private readonly prefix: string;

  constructor(
    private readonly client: Socket,
    private readonly settings: RelaySettings,
    private readonly onClosed: () => void,
  ) {
    this.prefix = settings.upstream.pathname.replace(/\/+$/, '');
    this.requests = new MessageStreamParser(
      {
        head: (head) => this.requestHead(head),
        raw: (bytes) => this.queueOut(bytes),
        data: (bytes) => this.current?.feed.requestData(bytes),
        end: () => {
          this.current?.feed.requestEnd();
          this.current = undefined;
        },
      },
      true,
    );
    client.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.clientData(chunk));
    client.on('end', () => this.clientEnd());
    client.on('drain', () => this.upstream?.resume());
    client.on('error', () => client.destroy());
    client.on('close', () => this.clientClosed());
  }

  /** The proxy stops: an idle connection closes now, a busy one after its answers. */
  drain(): void {
    this.draining = true;
    this.closeIfDone();
  }

  private clientData(chunk: Buffer): void {
    // Read and dropped: a paused client would never see the end of the connection.
    if (this.stopped || this.closed) return;
    try {
      this.requests.push(chunk);
    } catch (error) {
      if (!(error instanceof FramingError)) throw error;
      // What came before the refused request is relayed: earlier requests are owed their answers.
      this.flush();
      this.refuse(error.status, `eskeys learn: request refused: ${error.message}`, this.current?.method);
      return;
    }
    this.flush();
  }

  private requestHead(head: MessageHead): BodyFraming {
    const [method, target, version] = head.start;
    if (!VERSION.test(version))
      throw new FramingError(/^HTTP\/\d/.test(version) ? 505 : 400, 'not an HTTP/1.x request');
    if (!isToken(method) || target === '' || target.includes(' '))
      throw new FramingError(400, 'malformed request line');
    // CONNECT would turn the proxy into a tunnel to any address; no Elasticsearch API is called
    // with it (the official client sends GET, HEAD, POST, PUT and DELETE).
    if (method === 'CONNECT') throw new FramingError(501, 'CONNECT is not relayed');
    const framing = requestBodyFraming(head);
    const encoding = headerValues(head, 'content-encoding')[0];
    const exchange: Exchange = {
      method,
      feed: new Feed(this.settings.recorder, method, target, encoding, this.settings.now),
      closeAfter: false,
    };
    this.current = exchange;
    this.queue.push(exchange);
    if (this.queue.length >= MAX_QUEUED_EXCHANGES) this.hold(HOLD_QUEUE_FULL);
    this.queueOut(
      Buffer.from(forwardedRequestHead(head, this.prefix, this.settings.upstream.host), 'latin1'),
    );
    if (!this.upstream && !this.connecting) this.connect();
    return framing;
  }

  private queueOut(bytes: Buffer): void {
    this.out.push(bytes);
    this.outBytes += bytes.length;
  }

  /** Writes what the last client packet produced to the upstream (or keeps it until connected). */
  private flush(): void {
    const out = this.out;
    if (out.length === 0) return;
    const bytes = this.outBytes;
    this.out = [];
    this.outBytes = 0;
    const up = this.upstream;
    if (!up) {
      for (const b of out) {
        this.pendingOut.push(b);
        this.pendingBytes += b.length;
      }
      if (this.pendingBytes > MAX_PENDING_BYTES) this.hold(HOLD_CONNECTING);
      return;
    }
    let ok = true;
    if (out.length === 1) ok = up.write(out[0]!);
    // A request head and the small body after it (a search) go out as one buffer: one copy of a
    // few hundred bytes costs less than a gathered write (writev) of the pieces.
    else if (bytes <= COALESCE_BYTES) ok = up.write(Buffer.concat(out, bytes));
    else {
      up.cork();
      for (const b of out) ok = up.write(b);
      up.uncork();
    }
    if (!ok) this.holdUntilDrained(up);
  }

  private holdUntilDrained(up: Socket): void {
    if (this.holds & HOLD_UPSTREAM_FULL) return;
    this.hold(HOLD_UPSTREAM_FULL);
    up.once('drain', () => this.release(HOLD_UPSTREAM_FULL));
  }

  private connect(): void {
    this.connecting = true;
    connectUpstream(this.settings.upstream, this.settings.tls).then(
      (socket) => {
        this.connecting = false;
        // A refused request still lets the earlier ones on the connection get their answers.
        if (this.closed || (this.refusal && this.queue.length === 0)) {
          socket.destroy();
          return;
        }
        this.attach(socket);
        this.out = this.pendingOut;
        this.outBytes = this.pendingBytes;
        this.pendingOut = [];
        this.pendingBytes = 0;
        this.flush();
        this.release(HOLD_CONNECTING);
        if (this.clientEnded) socket.end();
      },
      (error: Error) => {
        this.connecting = false;
        this.pendingOut = [];
        this.pendingBytes = 0;
        this.upstreamFailed(error);
      },
    );
  }

  private attach(socket: Socket): void {
    this.upstream = socket;
    const parser = new MessageStreamParser({
      head: (head) => this.responseHead(head),
      raw: () => {},
      data: (bytes) => {
        if (!this.interim) this.queue[0]?.feed.responseData(bytes);
      },
      end: () => this.responseEnd(),
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      if (!this.client.write(chunk)) socket.pause();
      try {
        parser.push(chunk);
      } catch (error) {
        if (!(error instanceof FramingError)) throw error;
        this.upstreamBroken(socket);
      }
    });
    socket.on('end', () => this.upstreamEnd(socket, parser));
    socket.on('error', (error) => {
      if (this.upstream === socket) this.upstreamFailed(error);
    });
    socket.on('close', () => {
      if (this.upstream === socket) this.upstreamFailed(new Error('connection closed'));
    });
  }

  private responseHead(head: MessageHead): BodyFraming {
    const exchange = this.queue[0];
    const [version, code] = head.start;
    const status = Number(code);
    // An answer nobody asked for, a switch of protocols (the proxy never forwards Upgrade) or a
    // broken status line: the upstream's stream cannot be trusted any more.
    if (!exchange || !VERSION.test(version) || !/^\d{3}$/.test(code) || status === 101)
      throw new FramingError(400, 'unexpected answer from the upstream');
    this.answering = true;
    if (status < 200) {
      // 100 Continue and other interim answers are relayed; the final answer follows.
      this.interim = true;
      return { kind: 'none' };
    }
    this.interim = false;
    const framing = responseBodyFraming(head, exchange.method);
    const connection = headerTokens(head, 'connection');
    exchange.closeAfter =
      framing.kind === 'close' ||
      connection.includes('close') ||
      (version === 'HTTP/1.0' && !connection.includes('keep-alive'));
    exchange.feed.responseHead(status, headerValues(head, 'content-encoding')[0]);
    return framing;
  }

  private responseEnd(): void {
    if (this.interim) {
      this.interim = false;
      return;
    }
    const exchange = this.queue.shift();
    this.answering = false;
    exchange?.feed.responseEnd();
    if (this.queue.length < MAX_QUEUED_EXCHANGES) this.release(HOLD_QUEUE_FULL);
    if (exchange?.closeAfter) {
      this.endClient();
      return;
    }
    this.closeIfDone();
  }

  /** The upstream ended its side: the end of a close-delimited answer, an idle close, or a failure. */
  private upstreamEnd(socket: Socket, parser: MessageStreamParser): void {
    if (this.upstream !== socket) return;
    if (parser.closeDelimited) {
      parser.close();
      return;
    }
    if (parser.idle && this.queue.length === 0) {
      // An idle keep-alive connection the upstream let go: the next request opens a new one.
      this.upstream = undefined;
      socket.destroy();
      if (this.clientEnded) this.endClient();
      return;
    }
    this.upstreamFailed(new Error('the upstream closed the connection before answering'));
  }

  private upstreamBroken(socket: Socket): void {
    this.upstream = undefined;
    socket.destroy();
    this.abortAll(502);
    this.client.destroy();
  }

  /** The upstream cannot answer: 502 to the oldest request if its answer has not begun, then close. */
  private upstreamFailed(error: Error & { code?: string }): void {
    if (this.closed) return;
    const socket = this.upstream;
    this.upstream = undefined;
    socket?.destroy();
    if (this.queue.length === 0 && !this.connecting) {
      if (this.clientEnded || this.draining) this.endClient();
      return;
    }
    if (this.answering) {
      this.abortAll(502);
      this.client.destroy();
      return;
    }
    const method = this.queue[0]?.method;
    this.abortAll(502);
    this.endClient(proxyErrorResponse(502, upstreamReason(this.settings.upstream, error), method));
  }

  /** Answers a request the proxy will not relay, after the answers owed before it; then closes. */
  private refuse(status: number, reason: string, method: string | undefined): void {
    this.stopReading();
    // The refused request itself (when its head was read) gets no upstream answer.
    if (this.current) {
      const i = this.queue.indexOf(this.current);
      if (i !== -1) this.queue.splice(i, 1);
      this.current.feed.abort(status);
      this.current = undefined;
    }
    this.refusal = { status, reason, method };
    if (this.queue.length === 0) this.sendRefusal();
  }

  private sendRefusal(): void {
    const r = this.refusal!;
    this.endClient(proxyErrorResponse(r.status, r.reason, r.method));
  }

  private clientEnd(): void {
    this.clientEnded = true;
    if (this.stopped) return;
    if (!this.requests.idle) {
      // The client stopped in the middle of a request: nothing sensible can be forwarded.
      this.abortAll(499);
      this.client.destroy();
      return;
    }
    if (this.upstream) this.upstream.end();
    else if (!this.connecting) this.endClient();
  }

  private clientClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.abortAll(499);
    this.upstream?.destroy();
    this.upstream = undefined;
    this.onClosed();
  }

  /** Closes the client connection when nothing is in flight and it should close. */
  private closeIfDone(): void {
    if (this.refusal && this.queue.length === 0) {
      this.sendRefusal();
      return;
    }
    if (this.draining && this.queue.length === 0 && this.requests.idle) this.endClient();
  }

  /** Ends the client connection (after `last`, an answer of the proxy's own) and its upstream. */
  private endClient(last?: string): void {
    if (this.ending) return;
    this.ending = true;
    this.stopReading();
    this.upstream?.destroy();
    this.upstream = undefined;
    if (last === undefined) this.client.end();
    else this.client.end(last);
    // A client that never closes its side would keep the proxy from stopping.
    setTimeout(() => this.client.destroy(), 2000).unref();
  }

  private abortAll(status: number): void {
    for (const exchange of this.queue.splice(0)) exchange.feed.abort(status);
    this.current?.feed.abort(status);
    this.current = undefined;
  }

  private stopReading(): void {
    this.stopped = true;
    this.holds = 0;
    this.client.resume();
  }

  private hold(reason: number): void {
    if (this.stopped) return;
    if (this.holds === 0) this.client.pause();
    this.holds |= reason;
  }

  private release(reason: number): void {
    if ((this.holds & reason) === 0) return;
    this.holds &= ~reason;
    if (this.holds === 0) this.client.resume();
  }
}
