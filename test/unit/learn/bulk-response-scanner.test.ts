import { describe, expect, it } from 'vitest';
import { BulkResponseScanner, type LandedIndexSink } from '../../../src/core/learn/bulk-response-scanner.js';

/** Collects every (item, backing index) the scanner reports; never complete, so it reads on. */
class Landings implements LandedIndexSink {
  readonly seen: [number, string | undefined][] = [];
  complete = false;
  landed(item: number, backingIndex: string | undefined): void {
    this.seen.push([item, backingIndex]);
  }
}

/** Feeds `answer` in chunks of `size` bytes (so tokens straddle chunk boundaries). */
function scan(answer: string, shape: 'bulk' | 'document', size: number, sink = new Landings()) {
  const scanner = new BulkResponseScanner(shape, sink);
  const bytes = new TextEncoder().encode(answer);
  for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
  return { scanner, sink };
}

// A bulk answer as Elasticsearch writes it for creates into a data stream and a plain index: each
// item names the concrete index it was written to, a backing index `.ds-<stream>-<yyyy.MM.dd>-<gen>`
// for a stream (DataStream.getDefaultBackingIndexName; docs "Use a data stream" show such answers).
const BULK = JSON.stringify({
  errors: false,
  took: 3,
  items: [
    { create: { _index: '.ds-logs-app-default-2026.12.06-000001', _id: 'a', status: 201 } },
    { create: { _index: 'books', _id: 'b', status: 201 } },
    { create: { _index: '.ds-logs-app-default-2026.12.06-000001', _id: 'c', status: 201 } },
  ],
});

describe('BulkResponseScanner: where writes landed', () => {
  it.each([1, 2, 3, 7, 64, 100_000])('each bulk item names its landed index (chunks of %i bytes)', (size) => {
    const { sink, scanner } = scan(BULK, 'bulk', size);
    expect(sink.seen).toEqual([
      [0, '.ds-logs-app-default-2026.12.06-000001'],
      [1, undefined],
      [2, '.ds-logs-app-default-2026.12.06-000001'],
    ]);
    expect(scanner.errors).toBe(false);
    // errors:false: no statuses are kept (every item succeeded).
    expect(scanner.statuses).toEqual([]);
  });

  it('a `.ds-` name in an _id, a document field or an error reason is not a landed index', () => {
    const answer = JSON.stringify({
      errors: true,
      items: [
        {
          update: {
            _index: 'books',
            _id: '.ds-looks-like-a-stream',
            status: 200,
            get: { _index: '.ds-nested', _source: { text: '"_index":".ds-in-text-000001"' } },
          },
        },
        {
          create: {
            _index: 'logs-app-default',
            _id: null,
            status: 403,
            error: { type: 'security_exception', index: '.ds-logs-app-default-2026.12.06-000001' },
          },
        },
      ],
    });
    for (const size of [1, 5, 4096]) {
      const { sink, scanner } = scan(answer, 'bulk', size);
      expect(sink.seen).toEqual([
        [0, undefined],
        [1, undefined],
      ]);
      expect(scanner.statuses).toEqual([200, 403]);
    }
  });

  it('an escaped quote inside a value does not end the string early', () => {
    // JSON escapes `"` inside the _id; a naive scanner would read `_index` from inside it.
    const answer =
      '{"errors":false,"items":[{"create":{"_id":"x\\",\\"_index\\":\\".ds-fake-000001","_index":"plain","status":201}}]}';
    for (const size of [1, 3, 4096]) expect(scan(answer, 'bulk', size).sink.seen).toEqual([[0, undefined]]);
  });

  it('an _index value with an escape is not trusted as a name (Elasticsearch never escapes one)', () => {
    const answer = '{"errors":false,"items":[{"create":{"_index":".ds-a\\u0041-000001","status":201}}]}';
    expect(scan(answer, 'bulk', 2).sink.seen).toEqual([[0, undefined]]);
  });

  it('a name longer than any index name (255 bytes) is not reported', () => {
    const answer = `{"errors":false,"items":[{"create":{"_index":".ds-${'x'.repeat(300)}","status":201}}]}`;
    expect(scan(answer, 'bulk', 16).sink.seen).toEqual([[0, undefined]]);
  });

  it('multi-byte names are decoded whole across chunk boundaries', () => {
    const answer =
      '{"errors":false,"items":[{"create":{"_index":".ds-журнал-2026.12.06-000001","status":201}}]}';
    expect(scan(answer, 'bulk', 1).sink.seen).toEqual([[0, '.ds-журнал-2026.12.06-000001']]);
  });

  it('a bulk without item errors stops once the sink needs nothing more', () => {
    const sink = new Landings();
    const scanner = new BulkResponseScanner('bulk', sink);
    const bytes = new TextEncoder().encode(BULK);
    const firstItemEnd = BULK.indexOf('},{') + 1;
    scanner.push(bytes.subarray(0, firstItemEnd));
    expect(scanner.settled).toBe(false);
    sink.complete = true;
    expect(scanner.settled).toBe(true);
    scanner.push(bytes.subarray(firstItemEnd));
    expect(sink.seen).toEqual([[0, '.ds-logs-app-default-2026.12.06-000001']]);
  });

  it('without a sink a bulk without item errors settles at the errors flag, as before', () => {
    const scanner = new BulkResponseScanner();
    scanner.push(new TextEncoder().encode('{"errors":false,"took":1,'));
    expect(scanner.settled).toBe(true);
  });

  it.each([1, 4, 4096])(
    'a single-document answer names its landed index at the top level (chunks of %i)',
    (size) => {
      // Index API answer for a data stream (docs "Use a data stream": `_index` is the backing index).
      const answer =
        '{"_index":".ds-logs-app-default-2026.12.06-000001","_id":"q","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}';
      const { sink, scanner } = scan(answer, 'document', size);
      expect(sink.seen).toEqual([[0, '.ds-logs-app-default-2026.12.06-000001']]);
      expect(scanner.settled).toBe(true);
    },
  );

  it('a single-document error answer names no landed index', () => {
    const answer =
      '{"error":{"root_cause":[],"type":"security_exception","reason":"action [indices:admin/mapping/auto_put] is unauthorized","index":".ds-logs-x-000001"},"status":403}';
    expect(scan(answer, 'document', 3).sink.seen).toEqual([]);
  });
});
