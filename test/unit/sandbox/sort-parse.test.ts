/**
 * The request forms of `sort` and `search_after` (SortBuilder.fromXContent, FieldSortBuilder's
 * parser, RestSearchAction's `sort=` loop, SearchSourceBuilder.validate), read without a cluster.
 */
import { describe, expect, it } from 'vitest';
import { effectiveSort, withPointInTimeTiebreaker } from '../../../src/sandbox/data/sort.js';
import {
  locateParseError,
  parseSearchAfter,
  parseSort,
  parseSortParam,
  sortValidationErrors,
} from '../../../src/sandbox/data/sort-parse.js';
import { EsError } from '../../../src/sandbox/errors.js';

const field = (name: string, desc = false, extra: Record<string, unknown> = {}) => ({
  kind: 'field',
  field: name,
  desc,
  missing: '_last',
  ...extra,
});

describe('parseSort', () => {
  it.each([
    // Default order: ascending, except `_score` (ScoreSortBuilder: descending).
    ['a string', 'age', [field('age')]],
    // SearchSourceBuilder.parseXContent: any scalar is sort(parser.text()).
    ['a number, as its text', 5, [field('5')]],
    ['_score', '_score', [{ kind: 'score', desc: true }]],
    ['_doc', ['_doc'], [{ kind: 'doc', desc: false }]],
    ['an order shorthand, any case', { age: 'DESC' }, [field('age', true)]],
    [
      'options',
      [{ age: { order: 'desc', missing: '_first', unmapped_type: 'long', mode: 'AVG' } }],
      [field('age', true, { missing: '_first', unmappedType: 'long', mode: 'avg' })],
    ],
    ['a missing value', [{ age: { missing: 0 } }], [field('age', false, { missing: { value: 0 } })]],
    [
      '_score ascending',
      [{ _score: { order: 'asc' } }, 'name'],
      [{ kind: 'score', desc: false }, field('name')],
    ],
    ['several keys in one object', { a: 'asc', b: 'desc' }, [field('a'), field('b', true)]],
  ])('reads %s', (_name, raw, expected) => {
    expect(parseSort(raw)).toEqual(expected);
  });

  it.each([
    [
      [{ age: 'up' }],
      'illegal_argument_exception',
      'No enum constant org.elasticsearch.search.sort.SortOrder.UP',
    ],
    [[{ age: { order: 'up' } }], 'x_content_parse_exception', '[field_sort] failed to parse field [order]'],
    [[{ age: { mode: 'middle' } }], 'x_content_parse_exception', '[field_sort] failed to parse field [mode]'],
    [[{ age: { x: 1 } }], 'x_content_parse_exception', '[field_sort] unknown field [x]'],
    [[{ _score: { mode: 'max' } }], 'x_content_parse_exception', '[_score] unknown field [mode]'],
    [null, 'parsing_exception', 'Unknown key for a VALUE_NULL in [sort].'],
    [
      [null],
      'illegal_argument_exception',
      'malformed sort format, within the sort array, an object, or an actual string are allowed',
    ],
    [
      [{ _script: { type: 'number' } }],
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [search.sort._script]',
    ],
  ])('refuses %j', (raw, type, reason) => {
    let err: unknown;
    try {
      parseSort(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EsError);
    expect({ type: (err as EsError).type, reason: (err as EsError).reason }).toEqual({ type, reason });
  });
});

describe('locateParseError', () => {
  it("prefixes Jackson's [line:col] of the failing value, or of an unknown field's name", () => {
    const text = '{\n  "sort": [\n    "a",\n    { "age": { "mode": "middle", "x": 1 } }\n  ]\n}';
    const body = JSON.parse(text);
    const reasonOf = (raw: unknown) => {
      try {
        parseSort(raw);
      } catch (e) {
        return locateParseError(e as never, text).reason;
      }
      throw new Error('expected a parse error');
    };
    expect(reasonOf(body.sort)).toBe('[4:24] [field_sort] failed to parse field [mode]');
    delete body.sort[1].age.mode;
    expect(reasonOf(body.sort)).toBe('[4:34] [field_sort] unknown field [x]');
  });
});

describe('parseSortParam (RestSearchAction)', () => {
  it.each([
    ['age', [field('age')]],
    ['age:desc,name', [field('age', true), field('name')]],
    // Split at the last colon; a suffix other than asc/desc drops the entry.
    ['a:b:asc', [field('a:b')]],
    ['age:up,name:asc', [field('name')]],
    ['_score:asc', [{ kind: 'score', desc: false }]],
  ])('%s', (param, expected) => {
    expect(parseSortParam(param)).toEqual(expected);
  });
});

describe('effectiveSort (SortBuilder.buildSort)', () => {
  it('drops a sort that is only _score descending, keeps every other', () => {
    expect(effectiveSort(parseSort(['_score']))).toEqual([]);
    expect(effectiveSort(parseSort([{ _score: 'asc' }]))).toEqual([{ kind: 'score', desc: false }]);
    expect(effectiveSort(parseSort(['_score', '_doc']))).toHaveLength(2);
    expect(effectiveSort(undefined)).toEqual([]);
  });
});

describe('withPointInTimeTiebreaker (SearchRequest.rewrite with a point in time)', () => {
  const shardDoc = { kind: 'shard_doc', desc: false };
  it('appends _shard_doc ascending to any non-empty sort, _score alone included', () => {
    expect(withPointInTimeTiebreaker(parseSort([{ n: 'desc' }]), undefined)).toEqual([
      field('n', true),
      shardDoc,
    ]);
    const byScore = withPointInTimeTiebreaker(parseSort(['_score']), undefined);
    expect(byScore).toEqual([{ kind: 'score', desc: true }, shardDoc]);
    // With the tiebreaker the _score-alone shortcut no longer applies: the search sorts.
    expect(effectiveSort(byScore)).toHaveLength(2);
  });
  it('adds nothing without a sort, after an explicit _shard_doc, or when search_after has no value for it', () => {
    expect(withPointInTimeTiebreaker(undefined, undefined)).toBeUndefined();
    expect(withPointInTimeTiebreaker([], [1])).toEqual([]);
    expect(withPointInTimeTiebreaker(parseSort([{ _shard_doc: 'desc' }]), undefined)).toEqual([
      { kind: 'shard_doc', desc: true },
    ]);
    expect(withPointInTimeTiebreaker(parseSort(['n']), [3])).toEqual([field('n')]);
    expect(withPointInTimeTiebreaker(parseSort(['n']), [3, 7])).toEqual([field('n'), shardDoc]);
  });
});

describe('search_after parsing and validation', () => {
  it('takes scalars and null; refuses objects, non-arrays and an empty array', () => {
    expect(parseSearchAfter([1, 'a', true, null])).toEqual([1, 'a', true, null]);
    expect(() => parseSearchAfter([{}])).toThrow(
      'Expected [VALUE_STRING] or [VALUE_NUMBER] or [VALUE_BOOLEAN] or [VALUE_NULL] but found [START_OBJECT] inside search_after.',
    );
    // SearchSourceBuilder.parseXContent reads search_after only from an array.
    expect(() => parseSearchAfter('x')).toThrow('Unknown key for a VALUE_STRING in [search_after].');
    expect(() => parseSearchAfter([])).toThrow('Values must contains at least one value.');
  });

  it('lists from > 0 with search_after, then _shard_doc without a point in time', () => {
    expect(sortValidationErrors(parseSort(['_shard_doc']), [1], 3, false)).toEqual([
      '[from] parameter must be set to 0 when [search_after] is used',
      '[_shard_doc] sort field cannot be used without [point in time]',
    ]);
    expect(sortValidationErrors(parseSort(['_shard_doc']), [1], 0, true)).toEqual([]);
  });
});
