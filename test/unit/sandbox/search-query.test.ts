import { describe, expect, it } from 'vitest';
import { roundingOf } from '../../../src/sandbox/data/aggregations/date-interval.js';
import { compileQuery, minimumShouldMatch } from '../../../src/sandbox/data/query/compile.js';
import type { Hit } from '../../../src/sandbox/data/query/fields.js';
import { EsError } from '../../../src/sandbox/errors.js';
import type { IndexRecord } from '../../../src/sandbox/state.js';

const idx: IndexRecord = {
  name: 'i',
  uuid: 'u',
  creationDate: 0,
  settings: {},
  mappings: { properties: { title: { type: 'text' }, tag: { type: 'keyword' }, n: { type: 'long' } } },
  aliases: new Map(),
  docs: new Map(),
  searchable: new Map(),
  lastRefresh: 0,
  seqNo: 0,
};
const hit = (id: string, source: Record<string, unknown>): Hit => ({
  idx,
  id,
  doc: { source, version: 1, seqNo: 0, primaryTerm: 1 },
});
const docs = [
  hit('a', { title: 'The Quick brown fox', tag: 'x', n: 1 }),
  hit('b', { title: 'lazy dog', tag: 'y', n: 2 }),
  hit('c', { title: 'quick dog', tag: 'X' }),
];
const ids = (q: unknown) =>
  docs
    .filter(compileQuery(q, idx, 0))
    .map((h) => h.id)
    .join(',');

describe('minimum_should_match (Queries.calculateMinShouldMatch)', () => {
  it('integers, negatives, percentages and conditional specs', () => {
    expect(minimumShouldMatch(2, 3)).toBe(2);
    expect(minimumShouldMatch(-1, 3)).toBe(2);
    // (int)(3 * 66 / 100) = 1; (int)(3 * -40 / 100) = -1 → 3 - 1 = 2
    expect(minimumShouldMatch('66%', 3)).toBe(1);
    expect(minimumShouldMatch('-40%', 3)).toBe(2);
    // "2<-25% 9<-3": 2 or fewer optional → all; 3..9 → all but 25%; more than 9 → all but 3
    expect(minimumShouldMatch('2<-25% 9<-3', 2)).toBe(2);
    expect(minimumShouldMatch('2<-25% 9<-3', 8)).toBe(6);
    expect(minimumShouldMatch('2<-25% 9<-3', 12)).toBe(9);
    expect(minimumShouldMatch(-5, 3)).toBe(0);
  });
});

describe('query_string (Lucene classic QueryParser subset)', () => {
  it('terms, fields, operators, modifiers, groups, phrases and wildcards', () => {
    expect(ids({ query_string: { query: 'quick' } })).toBe('a,c');
    expect(ids({ query_string: { query: 'quick AND dog' } })).toBe('c');
    expect(ids({ query_string: { query: 'quick dog', default_operator: 'AND' } })).toBe('c');
    expect(ids({ query_string: { query: 'quick -tag:x' } })).toBe('c');
    expect(ids({ query_string: { query: '+dog !tag:y' } })).toBe('c');
    // "a AND b OR c" in the classic parser: AND makes a and b required, c stays optional.
    expect(ids({ query_string: { query: 'title:quick AND title:fox OR tag:y' } })).toBe('a');
    expect(ids({ query_string: { query: 'tag:(x OR y)' } })).toBe('a,b');
    expect(ids({ query_string: { query: 'title:"brown fox"' } })).toBe('a');
    expect(ids({ query_string: { query: 'title:"fox brown"' } })).toBe('');
    expect(ids({ query_string: { query: 'title:qu*' } })).toBe('a,c');
    expect(ids({ query_string: { query: 'n:*' } })).toBe('a,b');
    expect(ids({ query_string: { query: '*:*' } })).toBe('a,b,c');
  });

  it('refuses syntax the sandbox does not emulate and malformed queries', () => {
    expect(() => ids({ query_string: { query: 'n:[1 TO 2]' } })).toThrow(/does not emulate/);
    expect(() => ids({ query_string: { query: 'quick~2' } })).toThrow(/does not emulate/);
    const err = (() => {
      try {
        ids({ query_string: { query: 'quick)' } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EsError);
    expect((err as EsError).type).toBe('query_shard_exception');
  });
});

describe('exact-value queries are not analysed', () => {
  it('term on a text field matches a token, not the text; case_insensitive folds', () => {
    expect(ids({ term: { title: 'Quick' } })).toBe('');
    expect(ids({ term: { title: 'quick' } })).toBe('a,c');
    expect(ids({ term: { tag: 'x' } })).toBe('a');
    expect(ids({ term: { tag: { value: 'x', case_insensitive: true } } })).toBe('a,c');
    expect(ids({ term: { n: '2' } })).toBe('b');
  });
});

describe('date_histogram rounding (UTC)', () => {
  const at = (s: string) => Date.parse(s);
  it('calendar weeks start on Monday; months and quarters on their first day', () => {
    // 2024-01-03 was a Wednesday; its ISO week starts Monday 2024-01-01.
    expect(roundingOf({ calendar_interval: 'week' }).floor(at('2024-01-03T10:00:00Z'))).toBe(
      at('2024-01-01T00:00:00Z'),
    );
    expect(roundingOf({ calendar_interval: '1M' }).floor(at('2024-02-29T23:59:59Z'))).toBe(
      at('2024-02-01T00:00:00Z'),
    );
    expect(roundingOf({ calendar_interval: 'quarter' }).floor(at('2024-05-10T00:00:00Z'))).toBe(
      at('2024-04-01T00:00:00Z'),
    );
    expect(roundingOf({ calendar_interval: '1M' }).next(at('2024-01-01T00:00:00Z'))).toBe(
      at('2024-02-01T00:00:00Z'),
    );
    expect(roundingOf({ fixed_interval: '90m' }).floor(at('2024-01-01T02:00:00Z'))).toBe(
      at('2024-01-01T01:30:00Z'),
    );
  });

  it('refuses a calendar interval that is not one unit and a fixed interval in months', () => {
    expect(() => roundingOf({ calendar_interval: '2d' })).toThrow(
      'The supplied interval [2d] could not be parsed as a calendar interval.',
    );
    expect(() => roundingOf({ fixed_interval: '1M' })).toThrow(/unit is missing or unrecognized/);
  });
});
