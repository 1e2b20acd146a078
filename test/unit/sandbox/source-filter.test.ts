/**
 * `_source` filtering as XContentMapValues.filter applies it (its Javadoc and code): includes and
 * excludes are simple wildcards on dotted paths; a pattern naming an object names its inner
 * fields; excludes win; an object only partly included is dropped when nothing inside is left.
 */
import { describe, expect, it } from 'vitest';
import {
  filterSource,
  sourceFilterFromBody,
  sourceFilterFromParams,
} from '../../../src/sandbox/data/source-filter.js';

const doc = {
  title: 'Dune',
  author: { first: 'Frank', last: 'Herbert', born: { year: 1920 } },
  tags: ['sf', 'classic'],
  editions: [{ year: 1965, isbn: 'a' }, { year: 2005 }],
  'dotted.name': 1,
};

describe('filterSource', () => {
  it.each([
    ['no includes, no excludes: the whole source', [], [], doc],
    ['a leaf', ['title'], [], { title: 'Dune' }],
    ['an object keeps its inner fields', ['author'], [], { author: doc.author }],
    ['a dotted path reaches inside', ['author.born.year'], [], { author: { born: { year: 1920 } } }],
    ['a wildcard inside an object', ['author.*'], [], { author: doc.author }],
    ['a prefix wildcard', ['ti*'], [], { title: 'Dune' }],
    ['an include that matches nothing inside drops the object', ['author.middle'], [], {}],
    ['arrays of values follow their key', ['tags'], [], { tags: ['sf', 'classic'] }],
    [
      'arrays of objects are filtered per element; empty elements drop',
      ['editions.isbn'],
      [],
      { editions: [{ isbn: 'a' }] },
    ],
    ['a field whose name has a dot matches the dotted pattern', ['dotted.name'], [], { 'dotted.name': 1 }],
    [
      'excludes win over includes',
      ['author'],
      ['author.last'],
      { author: { first: 'Frank', born: { year: 1920 } } },
    ],
    [
      'excludes alone remove paths (a dotted key is matched as its path) and keep the rest',
      [],
      ['author', 'editions', 'dotted.*'],
      { title: 'Dune', tags: ['sf', 'classic'] },
    ],
    [
      'an object emptied by excludes stays (it was included)',
      ['author.born'],
      ['author.born.year'],
      { author: { born: {} } },
    ],
  ])('%s', (_name, includes, excludes, expected) => {
    expect(filterSource(doc, includes, excludes)).toEqual(expected);
  });
});

describe('reading the filter (FetchSourceContext)', () => {
  it('from URL parameters: _source as a boolean or an include list; includes/excludes imply fetching', () => {
    expect(sourceFilterFromParams(new URLSearchParams(''))).toBeUndefined();
    expect(sourceFilterFromParams(new URLSearchParams('_source=false'))).toEqual({
      fetch: false,
      includes: [],
      excludes: [],
    });
    expect(sourceFilterFromParams(new URLSearchParams('_source=a,b.c'))).toEqual({
      fetch: true,
      includes: ['a', 'b.c'],
      excludes: [],
    });
    expect(sourceFilterFromParams(new URLSearchParams('_source_excludes=x'))).toEqual({
      fetch: true,
      includes: [],
      excludes: ['x'],
    });
  });

  it('from an mget document: boolean, string, list, or {includes, excludes}', () => {
    expect(sourceFilterFromBody(false)).toEqual({ fetch: false, includes: [], excludes: [] });
    expect(sourceFilterFromBody('a')).toEqual({ fetch: true, includes: ['a'], excludes: [] });
    expect(sourceFilterFromBody(['a', 'b'])).toEqual({ fetch: true, includes: ['a', 'b'], excludes: [] });
    expect(sourceFilterFromBody({ include: 'a', excludes: ['b'] })).toEqual({
      fetch: true,
      includes: ['a'],
      excludes: ['b'],
    });
  });
});
