/**
 * Just enough HTTP/1.1 (RFC 9112) to relay messages as bytes: an incremental parser that finds
 * where each message head ends and where its body ends (Content-Length, chunked, or the
 * connection's close), whatever the packet boundaries. The relay forwards the bytes themselves;
 * this only tells it what they are. The decoded body (chunk framing removed) is handed out too,
 * for the recorder's reading of bulk and other bodies.
 */

/** Node's default `--max-http-header-size`: a longer head is refused (431 for a request). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** Longest chunk-size line (size, extensions) or trailer line accepted. */
const MAX_CHUNK_LINE_BYTES = 4096;

/**
 * A message the proxy will not relay: answered with `status` and the connection closed. 400 and
 * 431 for broken framing or an oversize head; 501 and 505 for what the proxy does not relay.
 */
export class FramingError extends Error {
  constructor(
    readonly status: 400 | 431 | 501 | 505,
    message: string,
  ) {
    super(message);
    this.name = 'FramingError';
  }
}

/** One header line as sent: the name's case kept, the value without surrounding whitespace. */
export interface HeaderLine {
  readonly name: string;
  /** Lower-cased name, for lookups. */
  readonly key: string;
  readonly value: string;
}

/** A parsed message head: its start line split in three, and its headers in order. */
export interface MessageHead {
  /** Request: method, target, version. Response: version, status code, reason. */
  readonly start: readonly [string, string, string];
  readonly headers: readonly HeaderLine[];
}

/** How the body after a head is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' }
  /** Until the connection closes (a response only). */
  | { readonly kind: 'close' };

/** What the parser reports, in stream order. */
export interface FramingEvents {
  /** A complete head; returns how its body is delimited (the caller knows about HEAD and 1xx). */
  head(head: MessageHead): BodyFraming;
  /** Body bytes as they were on the wire (chunk framing included). */
  raw(bytes: Buffer): void;
  /** Body payload with chunk framing removed. */
  data(bytes: Buffer): void;
  /** The message (head and body) is complete. */
  end(): void;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const CR = 13;
const LF = 10;

/**
 * Whether each byte may appear in a token (RFC 9110 §5.6.2 tchar): a table, because this runs
 * for every header name of every message the proxy relays.
 */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TCHAR[c.charCodeAt(0)] = 1;

/** Whether `text` from `start` to `end` is a non-empty token. */
function isTokenRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** Whether `text` is a token (a method, a header name). */
export function isToken(text: string): boolean {
  return isTokenRange(text, 0, text.length);
}

/** Splits a complete head (without its final empty line) into start line and headers. */
export function parseHead(text: string): MessageHead {
  // Lines are found with indexOf rather than split: no array of line strings per message.
  const firstEnd = text.indexOf('\r\n');
  const startEnd = firstEnd === -1 ? text.length : firstEnd;
  const sp1 = text.indexOf(' ');
  if (sp1 <= 0 || sp1 >= startEnd) throw new FramingError(400, 'malformed start line');
  const sp2 = text.indexOf(' ', sp1 + 1);
  const start: [string, string, string] =
    sp2 === -1 || sp2 >= startEnd
      ? [text.slice(0, sp1), text.slice(sp1 + 1, startEnd), '']
      : [text.slice(0, sp1), text.slice(sp1 + 1, sp2), text.slice(sp2 + 1, startEnd)];
  const headers: HeaderLine[] = [];
  let at = startEnd + 2;
  while (at <= text.length && firstEnd !== -1) {
    const next = text.indexOf('\r\n', at);
    const end = next === -1 ? text.length : next;
    const colon = text.indexOf(':', at);
    // A line folded onto the previous one (obs-fold) or without a name is refused, as
    // RFC 9112 §5.2 allows a server to; a bare CR or LF inside a line is not a line end.
    if (colon <= at || colon >= end) throw new FramingError(400, 'malformed header line');
    if (!isTokenRange(text, at, colon)) throw new FramingError(400, 'malformed header name');
    const name = text.slice(at, colon);
    const value = fieldValue(text, colon + 1, end);
    headers.push({ name, key: name.toLowerCase(), value });
    if (next === -1) break;
    at = next + 2;
  }
  return { start, headers };
}

/**
 * The field value of a header line between `from` and `end`, without the optional whitespace
 * (SP, HTAB) around it (RFC 9110 §5.5); not String#trim, which would also strip bytes such as
 * 0xA0 that belong to the value. A bare CR or LF in it is refused.
 */
function fieldValue(text: string, from: number, end: number): string {
  let start = from;
  let stop = end;
  while (start < stop && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  while (stop > start && (text.charCodeAt(stop - 1) === 32 || text.charCodeAt(stop - 1) === 9)) stop--;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 || c === 10) throw new FramingError(400, 'malformed header value');
  }
  return text.slice(start, stop);
}

/** A shared answer for a header the message does not carry (most lookups): nothing allocated. */
const NONE: readonly string[] = Object.freeze([]);

/** The values of every header with this lower-cased name. */
export function headerValues(head: MessageHead, key: string): readonly string[] {
  let out: string[] | undefined;
  for (const h of head.headers)
    if (h.key === key) {
      out ??= [];
      out.push(h.value);
    }
  return out ?? NONE;
}

/** Comma-separated list elements of every header with this name, lower-cased. */
export function headerTokens(head: MessageHead, key: string): readonly string[] {
  const values = headerValues(head, key);
  if (values.length === 0) return NONE;
  if (values.length === 1 && !values[0]!.includes(',')) {
    // One value naming one token (`Connection: keep-alive`): no split.
    const token = values[0]!.trim().toLowerCase();
    return token === '' ? NONE : [token];
  }
  const out: string[] = [];
  for (const v of values)
    for (const t of v.split(',')) {
      const token = t.trim().toLowerCase();
      if (token !== '') out.push(token);
    }
  return out;
}

/**
 * The body framing a request head declares (RFC 9112 §6.3). Ambiguous framing, the classic
 * request-smuggling shapes, is refused rather than guessed: Transfer-Encoding with
 * Content-Length, a Transfer-Encoding whose last coding is not chunked, conflicting lengths.
 */
export function requestBodyFraming(head: MessageHead): BodyFraming {
  const te = headerTokens(head, 'transfer-encoding');
  const lengths = headerValues(head, 'content-length');
  if (te.length > 0) {
    if (lengths.length > 0) throw new FramingError(400, 'both Transfer-Encoding and Content-Length');
    if (te[te.length - 1] !== 'chunked')
      throw new FramingError(400, 'Transfer-Encoding not ending in chunked');
    return { kind: 'chunked' };
  }
  if (lengths.length === 0) return { kind: 'none' };
  const length = contentLength(lengths);
  return length === 0 ? { kind: 'none' } : { kind: 'length', length };
}

/**
 * The body framing of a response (RFC 9112 §6.3): none for an answer to HEAD and for 1xx, 204
 * and 304; chunked; a Content-Length; otherwise until the connection closes.
 */
export function responseBodyFraming(head: MessageHead, requestMethod: string): BodyFraming {
  const status = Number(head.start[1]);
  if (requestMethod === 'HEAD' || status < 200 || status === 204 || status === 304) return { kind: 'none' };
  const te = headerTokens(head, 'transfer-encoding');
  if (te.length > 0) return te[te.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
  const lengths = headerValues(head, 'content-length');
  if (lengths.length === 0) return { kind: 'close' };
  const length = contentLength(lengths);
  return length === 0 ? { kind: 'none' } : { kind: 'length', length };
}

/** One Content-Length from its header values (a list of equal values counts as one, RFC 9110 §8.6). */
function contentLength(values: readonly string[]): number {
  // The usual case, one plain decimal value, without splitting or a regular expression.
  if (values.length === 1) {
    const v = values[0]!;
    if (v.length >= 1 && v.length <= 15 && isDigits(v)) return Number(v);
  }
  let length: number | undefined;
  for (const v of values)
    for (const part of v.split(',')) {
      const t = part.trim();
      if (!/^\d{1,15}$/.test(t)) throw new FramingError(400, 'malformed Content-Length');
      const n = Number(t);
      if (length !== undefined && n !== length) throw new FramingError(400, 'conflicting Content-Length');
      length = n;
    }
  if (length === undefined) throw new FramingError(400, 'malformed Content-Length');
  return length;
}

/** Whether every character of `text` is an ASCII digit. */
function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailer' | 'close';

/**
 * An incremental parser of a stream of HTTP/1.1 messages in one direction. Feed it the bytes as
 * they arrive; it reports heads, body bytes and message ends through `events`, and throws a
 * FramingError on a stream it cannot frame (the caller answers and closes).
 */
export class MessageStreamParser {
  private state: State = 'head';
  /** Bytes of an incomplete head or chunk/trailer line, kept across packets. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Body bytes still expected: of a Content-Length body, or of the current chunk. */
  private remaining = 0;

  constructor(
    private readonly events: FramingEvents,
    /** Whether CR LF before a request line is skipped (RFC 9112 §2.2; requests only). */
    private readonly skipLeadingEmptyLines = false,
  ) {}

  /** Whether the parser is between messages (nothing of a next message seen yet). */
  get idle(): boolean {
    return this.state === 'head' && this.partialBytes === 0;
  }

  /** Whether the current message's body runs until the connection closes. */
  get closeDelimited(): boolean {
    return this.state === 'close';
  }

  /** Feeds the next bytes of the stream. */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case 'head':
          at = this.readHead(chunk, at);
          break;
        case 'length': {
          const n = Math.min(this.remaining, chunk.length - at);
          const body = chunk.subarray(at, at + n);
          at += n;
          this.remaining -= n;
          this.events.raw(body);
          this.events.data(body);
          if (this.remaining === 0) this.finish();
          break;
        }
        case 'chunk-size':
        case 'chunk-data-end':
        case 'trailer':
          at = this.readLine(chunk, at);
          break;
        case 'chunk-data': {
          const n = Math.min(this.remaining, chunk.length - at);
          const body = chunk.subarray(at, at + n);
          at += n;
          this.remaining -= n;
          this.events.raw(body);
          this.events.data(body);
          if (this.remaining === 0) this.state = 'chunk-data-end';
          break;
        }
        case 'close': {
          const body = at === 0 ? chunk : chunk.subarray(at);
          at = chunk.length;
          this.events.raw(body);
          this.events.data(body);
          break;
        }
      }
    }
  }

  /** The stream ended: completes a close-delimited body; false when a message was cut short. */
  close(): boolean {
    if (this.state === 'close') {
      this.finish();
      return true;
    }
    return this.idle;
  }

  private finish(): void {
    this.state = 'head';
    this.events.end();
  }

  private readHead(chunk: Buffer, from: number): number {
    let at = from;
    if (this.partialBytes === 0 && this.skipLeadingEmptyLines)
      while (at + 1 < chunk.length && chunk[at] === CR && chunk[at + 1] === LF) at += 2;
    if (at >= chunk.length) return at;
    let buf: Buffer;
    let searchFrom: number;
    let base: number;
    if (this.partialBytes === 0) {
      buf = chunk;
      searchFrom = at;
      base = at;
    } else {
      // Only the packet boundary needs re-searching: the end may straddle it.
      const kept = this.partialBytes;
      buf = Buffer.concat([...this.partial, chunk.subarray(at)]);
      searchFrom = Math.max(0, kept - 3);
      base = 0;
      this.partial = [];
      this.partialBytes = 0;
      at = at - kept;
    }
    const end = buf.indexOf(CRLF_CRLF, searchFrom);
    if (end === -1) {
      const rest = buf.subarray(base);
      if (rest.length > MAX_HEAD_BYTES) throw new FramingError(431, 'message head too large');
      // A head ended by bare LFs would never reach CRLF CRLF: refuse it instead of waiting.
      if (rest.includes('\n\n') || rest.includes('\n\r\n')) throw new FramingError(400, 'bare LF line ends');
      this.partial = [Buffer.from(rest)];
      this.partialBytes = rest.length;
      return chunk.length;
    }
    if (end - base > MAX_HEAD_BYTES) throw new FramingError(431, 'message head too large');
    const head = parseHead(buf.toString('latin1', base, end));
    // Positions in `buf` map back to `chunk` by the offset of the part taken from it.
    const consumedInBuf = end + 4;
    const next = buf === chunk ? consumedInBuf : at + consumedInBuf;
    const framing = this.events.head(head);
    switch (framing.kind) {
      case 'none':
        this.events.end();
        break;
      case 'length':
        this.state = 'length';
        this.remaining = framing.length;
        break;
      case 'chunked':
        this.state = 'chunk-size';
        break;
      case 'close':
        this.state = 'close';
        break;
    }
    return next;
  }

  /** Reads one CRLF-ended line of chunk framing (size line, data end, trailer). */
  private readLine(chunk: Buffer, from: number): number {
    const lf = chunk.indexOf(LF, from);
    const stop = lf === -1 ? chunk.length : lf + 1;
    const piece = chunk.subarray(from, stop);
    this.events.raw(piece);
    if (this.partialBytes + piece.length > MAX_CHUNK_LINE_BYTES)
      throw new FramingError(400, 'chunk line too long');
    if (lf === -1) {
      this.partial.push(Buffer.from(piece));
      this.partialBytes += piece.length;
      return stop;
    }
    const line = (this.partialBytes === 0 ? piece : Buffer.concat([...this.partial, piece])).toString(
      'latin1',
    );
    this.partial = [];
    this.partialBytes = 0;
    if (!line.endsWith('\r\n')) throw new FramingError(400, 'bare LF in chunk framing');
    const text = line.slice(0, -2);
    switch (this.state) {
      case 'chunk-size': {
        // chunk-size [; extensions]: extensions are relayed and otherwise ignored (RFC 9112 §7.1.1).
        const semi = text.indexOf(';');
        const size = (semi === -1 ? text : text.slice(0, semi)).trim();
        if (!/^[0-9A-Fa-f]{1,12}$/.test(size)) throw new FramingError(400, 'malformed chunk size');
        const n = Number.parseInt(size, 16);
        if (n === 0) this.state = 'trailer';
        else {
          this.state = 'chunk-data';
          this.remaining = n;
        }
        break;
      }
      case 'chunk-data-end':
        if (text !== '') throw new FramingError(400, 'chunk data longer than its size');
        this.state = 'chunk-size';
        break;
      case 'trailer':
        if (text === '') this.finish();
        else if (text.indexOf(':') <= 0) throw new FramingError(400, 'malformed trailer line');
        break;
    }
    return stop;
  }
}
