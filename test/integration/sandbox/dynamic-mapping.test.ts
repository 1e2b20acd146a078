/**
 * Dynamic mapping as Elasticsearch does it (issue 14, item 5), read back through GET _mapping and
 * a term query on the `.keyword` sub-field. Facts and sources: docs/es-facts.md, "Dynamic mapping
 * (issue 14, item 5)".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

// TextFieldMapper with a KeywordFieldMapper multi-field `keyword`, ignore_above 256.
const TEXT = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };

async function mappedAs(index: string, document: Record<string, unknown>) {
  await tc.admin.index({ index, id: '1', document, refresh: true });
  const m = await tc.admin.indices.getMapping({ index });
  return m[index]!.mappings.properties;
}

describe('dynamic mapping', () => {
  it('detects dates in the default dynamic_date_formats, in order', async () => {
    const props = await mappedAs('dyn-dates', {
      iso_ms: '2024-01-02T03:04:05.123Z',
      iso_offset: '2024-01-02T10:00:00+01:00',
      iso_month: '2024-01',
      slash_day: '2015/09/02',
      slash_time: '2015/09/02 10:11:12',
    });
    expect(props).toEqual({
      // strict_date_optional_time is the default date format: no `format` shown.
      iso_ms: { type: 'date' },
      iso_offset: { type: 'date' },
      iso_month: { type: 'date' },
      // The second default keeps its pattern as the field's format.
      slash_day: { type: 'date', format: 'yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis' },
      slash_time: { type: 'date', format: 'yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis' },
    });
  });

  it('leaves strings that no default format parses as text with a keyword sub-field', async () => {
    const props = await mappedAs('dyn-strings', {
      // strict_date_optional_time needs the `T`.
      spaced: '2017-07-05 07:48:50',
      // Pure numbers are never dates (DocumentParser refuses them before trying formats).
      year: '2024',
      // Not a calendar date.
      feb30: '2024-02-30',
      word: 'hello',
    });
    expect(props).toEqual({ spaced: TEXT, year: TEXT, feb30: TEXT, word: TEXT });
  });

  it('numbers, booleans and objects', async () => {
    const props = await mappedAs('dyn-kinds', { n: 5, f: 2.5, b: false, o: { inner: 'x', d: '2024-05-06' } });
    expect(props).toEqual({
      n: { type: 'long' },
      f: { type: 'float' },
      b: { type: 'boolean' },
      o: { properties: { inner: TEXT, d: { type: 'date' } } },
    });
  });

  it('date_detection: false maps date-like strings as text', async () => {
    await tc.admin.indices.create({ index: 'dyn-nodates', mappings: { date_detection: false } });
    const props = await mappedAs('dyn-nodates', { when: '2024-01-02', slash: '2015/09/02' });
    expect(props).toEqual({ when: TEXT, slash: TEXT });
  });

  it('a term query on the .keyword sub-field matches the whole string; on the text field it does not', async () => {
    await tc.admin.index({ index: 'dyn-term', id: '1', document: { color: 'Dark Red' }, refresh: true });
    await tc.admin.index({ index: 'dyn-term', id: '2', document: { color: 'red' }, refresh: true });
    const kw = await tc.admin.search({ index: 'dyn-term', query: { term: { 'color.keyword': 'Dark Red' } } });
    expect(kw.hits.hits.map((h) => h._id)).toEqual(['1']);
    // The text field holds the analysed tokens `dark` and `red`: the whole string is no term of it.
    const text = await tc.admin.search({ index: 'dyn-term', query: { term: { color: 'Dark Red' } } });
    expect(text.hits.hits).toEqual([]);
  });
});
