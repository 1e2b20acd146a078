/**
 * Reads the metadata lines of an NDJSON body (`_bulk` action lines, `_msearch` headers) as the
 * body streams past, without keeping the body: a metadata line is collected (up to a cap), the
 * payload line after it is skipped byte by byte. Memory stays bounded by the cap whatever the
 * body size, which is what lets `eskeys learn` forward a 50 MB bulk without buffering it.
 */

/** Longest metadata line kept; a longer one marks the scan as incomplete (names unknown). */
export const MAX_META_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

/**
 * What follows a metadata line: a payload to skip (`true`), none (`false`), or a payload to read
 * (`'read'`: handed to `onPayload`, up to the same cap).
 */
export type PayloadFollowing = boolean | 'read';

/** Incremental scanner over the byte chunks of an NDJSON request body. */
export class NdjsonMetaScanner {
  private readonly pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private skippingPayload = false;
  private readingPayload = false;
  private overflowing = false;
  private readonly decoder = new TextDecoder();
  /** A metadata line exceeded the cap: some item names are unknown. */
  incomplete = false;

  /**
   * @param onMeta called with each metadata line (trimmed, non-empty)
   * @param hasPayload whether the line after this metadata line is a payload to skip (or read)
   * @param onPayload called with each payload line `hasPayload` asked to read (trimmed), or
   *   undefined when it was longer than the cap
   */
  constructor(
    private readonly onMeta: (line: string) => void,
    private readonly hasPayload: (line: string) => PayloadFollowing,
    private readonly maxLineBytes = MAX_META_LINE_BYTES,
    private readonly onPayload: (line: string | undefined) => void = () => {},
  ) {}

  /** Feeds the next chunk of the body. */
  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!this.skippingPayload) this.collect(chunk.subarray(start, end));
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  }

  /** The body ended: a last line without a newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 || this.overflowing) this.endLine();
    // A metadata line asked for its payload and the body ended first: the payload is empty.
    if (this.readingPayload) this.endLine();
  }

  private collect(part: Uint8Array): void {
    if (this.incomplete || this.overflowing || part.length === 0) return;
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      this.overflowing = true;
      this.pending.length = 0;
      this.pendingBytes = 0;
      return;
    }
    // Copy: the chunk's buffer may be reused by the stream after this call.
    this.pending.push(part.slice());
    this.pendingBytes += part.length;
  }

  private endLine(): void {
    if (this.skippingPayload) {
      this.skippingPayload = false;
      return;
    }
    if (this.incomplete) return;
    if (this.readingPayload) {
      // A payload over the cap is unknown, but the line after it is metadata again: keep going.
      this.readingPayload = false;
      const overflowed = this.overflowing;
      this.overflowing = false;
      const line = overflowed ? undefined : this.decodePending().trim();
      this.onPayload(line);
      return;
    }
    if (this.overflowing) {
      // The metadata line is unknown, so is whether a payload follows: stop reading names.
      this.overflowing = false;
      this.incomplete = true;
      return;
    }
    const line = this.decodePending().trim();
    if (line === '') return;
    this.onMeta(line);
    const following = this.hasPayload(line);
    this.skippingPayload = following === true;
    this.readingPayload = following === 'read';
  }

  private decodePending(): string {
    let text = '';
    for (const p of this.pending) text += this.decoder.decode(p, { stream: true });
    text += this.decoder.decode();
    this.pending.length = 0;
    this.pendingBytes = 0;
    return text;
  }
}
