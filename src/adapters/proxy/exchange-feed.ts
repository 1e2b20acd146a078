/**
 * What the relay tells the recorder about one exchange: the request line, the request body's
 * payload when the recorder reads it (inflated when it was sent compressed), the answer's status
 * and, for bulk, the answer's payload. The exchange is recorded once both directions are done.
 */
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { ExchangeRequest, PendingExchange } from '../../core/learn/recorder.js';

/** What the proxy reports each exchange to. */
export interface ExchangeRecorder {
  begin(request: ExchangeRequest): PendingExchange;
}

/** How a body is read: as sent, through an inflater, or not at all (an unknown encoding). */
type BodyDecoding = 'identity' | Transform | undefined;

/** The decoding of a body sent with this Content-Encoding. */
function bodyDecoding(encoding: string | undefined): BodyDecoding {
  switch ((encoding ?? 'identity').trim().toLowerCase()) {
    case 'identity':
    case '':
      return 'identity';
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

/** The query of a request without one; the recorder only reads it. */
const EMPTY_QUERY = new URLSearchParams();

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

/** One exchange on its way through the proxy, as the recorder sees it. */
export class ExchangeFeed {
  private readonly pending: PendingExchange;
  private readonly request: BodyDecoding;
  private response: BodyDecoding;
  private status: number | undefined;
  private requestDone = false;
  private responseDone = false;
  private recorded = false;

  constructor(
    recorder: ExchangeRecorder,
    method: string,
    target: string,
    contentEncoding: string | undefined,
    private readonly now: () => number,
  ) {
    this.pending = recorder.begin(exchangeRequest(method, target));
    if (!this.pending.wantsBody) return;
    // A compressed body (the official client's `compression: true`) is inflated for reading
    // names only; the bytes forwarded stay the compressed ones.
    this.request = bodyDecoding(contentEncoding);
    if (this.request === undefined) this.pending.bodyUnreadable();
    else if (this.request !== 'identity') {
      const inflater = this.request;
      inflater.on('data', (chunk: Buffer) => {
        if (!this.recorded) this.pending.bodyChunk(chunk);
      });
      inflater.on('end', () => this.requestFinished());
      inflater.on('error', () => {
        if (!this.recorded) this.pending.bodyUnreadable();
        this.requestFinished();
      });
    }
  }

  /** Payload bytes of the request body (chunk framing removed). */
  requestData(bytes: Buffer): void {
    if (this.recorded || !this.pending.wantsBody) return;
    if (this.request === 'identity') this.pending.bodyChunk(bytes);
    else this.request?.write(bytes);
  }

  /** The request body is complete. */
  requestEnd(): void {
    if (this.request !== undefined && this.request !== 'identity' && this.pending.wantsBody)
      this.request.end();
    else this.requestFinished();
  }

  /** The final answer's head arrived. */
  responseHead(status: number, contentEncoding: string | undefined): void {
    this.status = status;
    if (!this.pending.wantsResponse) {
      this.responseDone = true;
      this.record();
      return;
    }
    // For bulk the recorder reads the answer too (per-item statuses): record after it ended.
    this.response = bodyDecoding(contentEncoding);
    if (this.response !== undefined && this.response !== 'identity') {
      const inflater = this.response;
      inflater.on('data', (chunk: Buffer) => {
        if (!this.recorded) this.pending.responseChunk(chunk);
      });
      inflater.on('end', () => this.responseFinished());
      inflater.on('error', () => this.responseFinished());
    }
  }

  /** Payload bytes of the answer (chunk framing removed). */
  responseData(bytes: Buffer): void {
    if (this.recorded || this.responseDone) return;
    if (this.response === 'identity') this.pending.responseChunk(bytes);
    else this.response?.write(bytes);
  }

  /** The answer is complete. */
  responseEnd(): void {
    if (this.responseDone) return;
    if (this.response !== undefined && this.response !== 'identity') this.response.end();
    else this.responseFinished();
  }

  /**
   * The exchange cannot complete: the upstream failed (502) or the client went away (499).
   * An answer whose status already arrived keeps it.
   */
  abort(status: number): void {
    this.status ??= status;
    this.requestDone = true;
    this.responseDone = true;
    this.record();
  }

  private requestFinished(): void {
    if (this.requestDone) return;
    if (!this.recorded) this.pending.bodyEnd();
    this.requestDone = true;
    this.record();
  }

  private responseFinished(): void {
    this.responseDone = true;
    this.record();
  }

  private record(): void {
    if (this.recorded || this.status === undefined || !this.requestDone || !this.responseDone) return;
    this.recorded = true;
    this.pending.finish(this.status, this.now());
  }
}
