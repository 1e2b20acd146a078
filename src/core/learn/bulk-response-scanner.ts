/**
 * Reads the per-item statuses of a `_bulk` answer as it streams to the client, without keeping
 * it: a byte-level scan that tracks nesting and picks out the top-level `errors` flag and each
 * item's `status` (`{"errors":true,"items":[{"create":{…,"status":403,…}}]}`). A bulk answered
 * 200 can still hold items the cluster refused; without this they would count as allowed.
 *
 * It also reads the concrete index each write landed in (an item's `_index`, or the top-level
 * `_index` of a single-document write answer): a write to a data stream is answered with the
 * backing index (`.ds-logs-app-default-2026.12.06-000001`), the only sign on the wire that
 * Elasticsearch updated a data stream's mappings, which `create_doc` does not grant there.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
// Byte tests by comparison rather than Set lookups: the scan runs once per answer byte read.
const isOpen = (c: number) => c === 0x7b || c === 0x5b;
const isClose = (c: number) => c === 0x7d || c === 0x5d;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Depth of the top-level keys (inside the root object) and of an item's operation object. */
const ROOT_DEPTH = 1;
const ITEM_OP_DEPTH = 4;
const MAX_KEY = 16;

/** Longest index name Elasticsearch accepts (MetadataCreateIndexService: 255 bytes). */
const MAX_INDEX_NAME_BYTES = 255;

/** Decodes a whole name at once (stateless: no stream option), so one instance serves every scanner. */
const DECODER = new TextDecoder();

/** The prefix of every data stream backing index name (DataStream.BACKING_INDEX_PREFIX). */
const BACKING_PREFIX = [0x2e, 0x64, 0x73, 0x2d]; // ".ds-"

/** Receives the concrete index each item of the answer landed in. */
export interface LandedIndexSink {
  /**
   * Item `item` (0-based, answer order) names `_index`: `backingIndex` is that name when it is a
   * data stream backing index (`.ds-` prefix), undefined for any other index.
   */
  landed(item: number, backingIndex: string | undefined): void;
  /** Whether no later item's index is needed (the scan may stop once the statuses allow it). */
  readonly complete: boolean;
}

/** Which answer is scanned: a `_bulk` answer (items), or a single-document write answer. */
export type WriteAnswerShape = 'bulk' | 'document';

/** Incremental scanner over the byte chunks of a bulk (or single-document write) answer. */
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
  private expecting: 'errors' | 'status' | 'index' | undefined;
  private literal = '';
  /** Items opened so far (bulk): the current item is `items - 1`. */
  private items = 0;
  /** Whether the single-document answer's `_index` was read. */
  private documentIndexSeen = false;
  /**
   * Bytes of the `_index` value being read, allocated once a value starts with `.ds-` (a plain
   * index costs no allocation) and reused for later items.
   */
  private name: Uint8Array | undefined;
  private nameLength = 0;
  /**
   * The value is not a backing index name Elasticsearch writes: another prefix, an escape (index
   * names never need one), or longer than any index name.
   */
  private nameUnusable = false;

  /**
   * @param shape - `bulk` (default) or `document` (`_doc`/`_create` answers: `_index` at the top level).
   * @param sink - receives each item's landed index; without one, `_index` values are skipped.
   */
  constructor(
    private readonly shape: WriteAnswerShape = 'bulk',
    private readonly sink?: LandedIndexSink,
  ) {}

  /** Whether the rest of the answer can be skipped. */
  get settled(): boolean {
    if (this.shape === 'document') return this.sink === undefined || this.documentIndexSeen;
    // `errors: false`: every item succeeded; the landed indices may still be wanted.
    return this.errors === false && (this.sink === undefined || this.sink.complete);
  }

  /** Feeds the next chunk of the answer. */
  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length && !this.settled; i++) this.byte(chunk[i]!);
  }

  private byte(c: number): void {
    if (this.inString) {
      if (this.expecting === 'index') this.indexByte(c);
      else if (this.escape) this.escape = false;
      else if (c === BACKSLASH) this.escape = true;
      else if (c === QUOTE) {
        this.inString = false;
        this.stringJustEnded = true;
      } else if (this.key.length < MAX_KEY) this.key += String.fromCharCode(c);
      return;
    }
    if (isSpace(c)) {
      this.endLiteral();
      return;
    }
    if (c === QUOTE) {
      this.inString = true;
      this.key = '';
      if (this.expecting === 'index') {
        this.nameLength = 0;
        this.nameUnusable = false;
      }
      return;
    }
    if (c === COLON) {
      if (this.stringJustEnded) {
        if (this.depth === ROOT_DEPTH && this.key === 'errors') this.expecting = 'errors';
        else if (this.depth === this.indexDepth() && this.key === '_index' && this.sink !== undefined)
          this.expecting = 'index';
        else if (this.depth === ITEM_OP_DEPTH && this.key === 'status') this.expecting = 'status';
      }
      this.stringJustEnded = false;
      return;
    }
    this.stringJustEnded = false;
    if (isOpen(c)) {
      this.endLiteral();
      this.depth++;
      if (this.depth === ITEM_OP_DEPTH && this.shape === 'bulk') this.items++;
    } else if (isClose(c)) {
      this.endLiteral();
      this.depth--;
    } else if (c === COMMA) {
      this.endLiteral();
    } else if (this.expecting !== undefined && this.literal.length < 8) {
      this.literal += String.fromCharCode(c);
    }
  }

  private indexDepth(): number {
    return this.shape === 'bulk' ? ITEM_OP_DEPTH : ROOT_DEPTH;
  }

  /** One byte of an `_index` string value. */
  private indexByte(c: number): void {
    if (this.escape) {
      this.escape = false;
      return;
    }
    if (c === BACKSLASH) {
      // Index names never need escaping in JSON: a value that has one is not a name to trust.
      this.escape = true;
      this.nameUnusable = true;
      return;
    }
    if (c === QUOTE) {
      this.inString = false;
      this.expecting = undefined;
      this.landed();
      return;
    }
    if (this.nameUnusable) return;
    const at = this.nameLength++;
    if (at < BACKING_PREFIX.length) {
      // Only a backing index name is kept: anything else is settled at its first differing byte.
      if (c !== BACKING_PREFIX[at]) this.nameUnusable = true;
      return;
    }
    if (at >= MAX_INDEX_NAME_BYTES) {
      this.nameUnusable = true;
      return;
    }
    if (this.name === undefined) {
      this.name = new Uint8Array(MAX_INDEX_NAME_BYTES);
      this.name.set(BACKING_PREFIX);
    }
    this.name[at] = c;
  }

  private landed(): void {
    const item = this.shape === 'bulk' ? this.items - 1 : 0;
    if (this.shape === 'document') this.documentIndexSeen = true;
    if (item < 0 || this.sink === undefined) return;
    const backing = !this.nameUnusable && this.nameLength > BACKING_PREFIX.length && this.name !== undefined;
    this.sink.landed(item, backing ? DECODER.decode(this.name!.subarray(0, this.nameLength)) : undefined);
  }

  private endLiteral(): void {
    if (this.expecting === undefined || this.literal === '') return;
    if (this.expecting === 'errors') this.errors = this.literal === 'true';
    else if (this.expecting === 'status' && this.errors !== false) this.statuses.push(Number(this.literal));
    // A non-string `_index` (null) names no index.
    this.expecting = undefined;
    this.literal = '';
  }
}
