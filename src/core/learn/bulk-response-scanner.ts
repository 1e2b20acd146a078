/**
 * Reads the per-item statuses of a `_bulk` answer as it streams to the client, without keeping
 * it: a byte-level scan that tracks nesting and picks out the top-level `errors` flag and each
 * item's `status` (`{"errors":true,"items":[{"create":{…,"status":403,…}}]}`). A bulk answered
 * 200 can still hold items the cluster refused; without this they would count as allowed.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = new Set([0x7b, 0x5b]);
const CLOSE = new Set([0x7d, 0x5d]);
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Depth of the top-level keys (inside the root object) and of an item's operation object. */
const ROOT_DEPTH = 1;
const ITEM_OP_DEPTH = 4;
const MAX_KEY = 16;

/** Incremental scanner over the byte chunks of a bulk answer. */
export class BulkResponseScanner {
  /** The `errors` flag, once seen. */
  errors: boolean | undefined;
  /** Item statuses in answer order (collected only while `errors` is not false). */
  readonly statuses: number[] = [];
  private depth = 0;
  private inString = false;
  private escape = false;
  private key = '';
  private stringJustEnded = false;
  private expecting: 'errors' | 'status' | undefined;
  private literal = '';

  /** Whether the rest of the answer can be skipped (`errors: false`: every item succeeded). */
  get settled(): boolean {
    return this.errors === false;
  }

  /** Feeds the next chunk of the answer. */
  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length && !this.settled; i++) this.byte(chunk[i]!);
  }

  private byte(c: number): void {
    if (this.inString) {
      if (this.escape) this.escape = false;
      else if (c === BACKSLASH) this.escape = true;
      else if (c === QUOTE) {
        this.inString = false;
        this.stringJustEnded = true;
      } else if (this.key.length < MAX_KEY) this.key += String.fromCharCode(c);
      return;
    }
    if (SPACE.has(c)) {
      this.endLiteral();
      return;
    }
    if (c === QUOTE) {
      this.inString = true;
      this.key = '';
      return;
    }
    if (c === COLON) {
      if (this.stringJustEnded) {
        if (this.depth === ROOT_DEPTH && this.key === 'errors') this.expecting = 'errors';
        else if (this.depth === ITEM_OP_DEPTH && this.key === 'status') this.expecting = 'status';
      }
      this.stringJustEnded = false;
      return;
    }
    this.stringJustEnded = false;
    if (OPEN.has(c)) {
      this.endLiteral();
      this.depth++;
    } else if (CLOSE.has(c)) {
      this.endLiteral();
      this.depth--;
    } else if (c === COMMA) {
      this.endLiteral();
    } else if (this.expecting !== undefined && this.literal.length < 8) {
      this.literal += String.fromCharCode(c);
    }
  }

  private endLiteral(): void {
    if (this.expecting === undefined || this.literal === '') return;
    if (this.expecting === 'errors') this.errors = this.literal === 'true';
    else this.statuses.push(Number(this.literal));
    this.expecting = undefined;
    this.literal = '';
  }
}
