import { describe, expect, it } from 'vitest';
import { NdjsonMetaScanner } from '../../../src/core/learn/ndjson-scanner.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const isBulkPayloadFollowing = (line: string) => !line.startsWith('{"delete"');

function scan(chunks: string[], maxLine?: number) {
  const lines: string[] = [];
  const s = new NdjsonMetaScanner((l) => lines.push(l), isBulkPayloadFollowing, maxLine);
  for (const c of chunks) s.push(bytes(c));
  s.end();
  return { lines, incomplete: s.incomplete };
}

describe('NDJSON metadata scanner', () => {
  it('returns action lines and skips sources, whatever the chunk boundaries', () => {
    const body =
      '{"index":{"_index":"a"}}\n{"f":"x\\ny"}\n{"delete":{"_index":"b","_id":"1"}}\n{"create":{}}\n{"g":1}\n';
    const expected = ['{"index":{"_index":"a"}}', '{"delete":{"_index":"b","_id":"1"}}', '{"create":{}}'];
    for (let size = 1; size <= body.length; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < body.length; i += size) chunks.push(body.slice(i, i + size));
      expect(scan(chunks).lines).toEqual(expected);
    }
  });

  it('a source line far longer than the cap is skipped without being kept', () => {
    const big = 'x'.repeat(10_000);
    const { lines, incomplete } = scan(['{"index":{}}\n{"f":"', big, '"}\n{"create":{}}\n{}\n'], 100);
    expect(lines).toEqual(['{"index":{}}', '{"create":{}}']);
    expect(incomplete).toBe(false);
  });

  it('a metadata line over the cap marks the scan incomplete and stops reading names', () => {
    const { lines, incomplete } = scan(
      [`{"index":{"_index":"${'a'.repeat(200)}"}}\n{}\n{"create":{}}\n{}\n`],
      100,
    );
    expect(lines).toEqual([]);
    expect(incomplete).toBe(true);
  });

  it('a last line without a newline still counts', () => {
    expect(scan(['{"delete":{"_id":"1"}}']).lines).toEqual(['{"delete":{"_id":"1"}}']);
  });
});

describe('NDJSON metadata scanner: payloads asked for', () => {
  /** msearch-like: headers `{}` ask for their payload, others skip it. */
  function scanReading(chunks: string[], maxLine?: number) {
    const events: string[] = [];
    const s = new NdjsonMetaScanner(
      (l) => events.push(`meta ${l}`),
      (l) => (l === '{}' ? 'read' : true),
      maxLine,
      (p) => events.push(p === undefined ? 'payload over the cap' : `payload ${p}`),
    );
    for (const c of chunks) s.push(bytes(c));
    s.end();
    return { events, incomplete: s.incomplete };
  }

  it('hands over the payload lines asked for, whatever the chunk boundaries, and skips the others', () => {
    const body = '{}\n{"pit":{"id":"a"}}\n{"index":"b"}\n{"size":1}\n{}\n{"q":2}';
    const expected = [
      'meta {}',
      'payload {"pit":{"id":"a"}}',
      'meta {"index":"b"}',
      'meta {}',
      'payload {"q":2}',
    ];
    for (let size = 1; size <= body.length; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < body.length; i += size) chunks.push(body.slice(i, i + size));
      expect(scanReading(chunks).events).toEqual(expected);
    }
  });

  it('a payload asked for but over the cap is reported unknown, and the next header is still read', () => {
    const { events, incomplete } = scanReading([`{}\n{"q":"${'x'.repeat(500)}"}\n{"index":"c"}\n{}\n`], 100);
    expect(events).toEqual(['meta {}', 'payload over the cap', 'meta {"index":"c"}']);
    expect(incomplete).toBe(false);
  });

  it('a header asking for a payload at the end of the body gets an empty one', () => {
    expect(scanReading(['{"index":"d"}\n{}\n{}']).events).toEqual([
      'meta {"index":"d"}',
      'meta {}',
      'payload ',
    ]);
  });
});
