/**
 * Issue 14 item 3 through the official client: `_source` parameters on get, `_mget`, `_msearch`
 * and `_update_by_query`, with expectations written as Elasticsearch answers (sources cited per
 * test; facts in docs/es-facts.md, "Documents: mget, msearch, update by query and _source
 * parameters (issue 14, item 3)").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

// IndexNotFoundException as Elasticsearch renders it for an item naming a missing index (the
// same body as the top-level 404 of GET /missing-index/_doc/1).
const MISSING_INDEX_CAUSE = {
  type: 'index_not_found_exception',
  reason: 'no such index [missing-index]',
  'resource.type': 'index_or_alias',
  'resource.id': 'missing-index',
  index_uuid: '_na_',
  index: 'missing-index',
};
const MISSING_INDEX_ERROR = { root_cause: [MISSING_INDEX_CAUSE], ...MISSING_INDEX_CAUSE };

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ elasticPassword: 'docs-multi-pw' });
  await tc.admin.index({
    index: 'books',
    id: '1',
    document: { title: 'Dune', author: { first: 'Frank', last: 'Herbert' }, tags: ['sf', 'classic'] },
  });
  await tc.admin.index({ index: 'books', id: '2', document: { title: 'Emma', author: { first: 'Jane' } } });
  await tc.admin.index({ index: 'secret', id: 's1', document: { code: 42 } });
  await tc.admin.indices.refresh({ index: 'books,secret' });
});
afterAll(() => tc.close());

const basic = `Basic ${Buffer.from('elastic:docs-multi-pw').toString('base64')}`;

/** A request the client does not shape (compat-7 headers, hand-written NDJSON). */
async function raw(path: string, method: string, body: string, contentType: string, accept = contentType) {
  const res = await fetch(`${tc.sandbox.url}${path}`, {
    method,
    body,
    headers: { authorization: basic, 'content-type': contentType, accept },
  });
  return { status: res.status, body: JSON.parse(await res.text()) as Json };
}

describe('_source parameters on get (FetchSourceContext.parseFromRestRequest, XContentMapValues.filter)', () => {
  it('_source_includes keeps the named paths, an object name keeps the whole object', async () => {
    const r = await tc.admin.get({ index: 'books', id: '1', _source_includes: ['title', 'author.last'] });
    expect(r._source).toEqual({ title: 'Dune', author: { last: 'Herbert' } });
    const whole = await tc.admin.get({ index: 'books', id: '1', _source_includes: ['author'] });
    expect(whole._source).toEqual({ author: { first: 'Frank', last: 'Herbert' } });
  });

  it('_source_excludes wins over includes; wildcards match paths', async () => {
    const r = await tc.admin.get({
      index: 'books',
      id: '1',
      _source_includes: ['author.*', 'title'],
      _source_excludes: ['author.first'],
    });
    expect(r._source).toEqual({ title: 'Dune', author: { last: 'Herbert' } });
  });

  it('_source as a list is the includes; _source=false drops the source', async () => {
    const r = await tc.admin.get({ index: 'books', id: '1', _source: 'tags' });
    expect(r._source).toEqual({ tags: ['sf', 'classic'] });
    const none = await tc.admin.get({ index: 'books', id: '1', _source: false });
    expect(none).toEqual({
      _index: 'books',
      _id: '1',
      _version: 1,
      _seq_no: 0,
      _primary_term: 1,
      found: true,
    });
  });

  it('stored_fields without _source turns the source off; fields that are not stored have no value', async () => {
    // ShardGetService.normalizeFetchSourceContent: stored fields given, `_source` not among them.
    const r = (await tc.admin.get({ index: 'books', id: '1', stored_fields: ['title'] })) as Json;
    expect(r._source).toBeUndefined();
    expect(r.fields).toBeUndefined();
    expect(r.found).toBe(true);
    const withSource = await tc.admin.get({ index: 'books', id: '1', stored_fields: ['_source'] });
    expect(withSource._source).toEqual({
      title: 'Dune',
      author: { first: 'Frank', last: 'Herbert' },
      tags: ['sf', 'classic'],
    });
  });

  it('GET /{index}/_source/{id} filters too and refuses a disabled source', async () => {
    const r = await tc.admin.getSource({ index: 'books', id: '1', _source_excludes: ['tags', 'author'] });
    expect(r).toEqual({ title: 'Dune' });
    // RestGetSourceAction: "fetching source can not be disabled", a validation error.
    await expectError(
      () => tc.admin.getSource({ index: 'books', id: '1', _source: false }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: fetching source can not be disabled;',
    );
  });
});

describe('HEAD /{index}/_source/{id} (exists_source, RestGetSourceAction)', () => {
  it('answers 200 for a document, 404 for a missing one, 400 for a disabled source', async () => {
    expect(await tc.admin.existsSource({ index: 'books', id: '1' })).toBe(true);
    expect(await tc.admin.existsSource({ index: 'books', id: 'nope' })).toBe(false);
    const disabled = await esError(() => tc.admin.existsSource({ index: 'books', id: '1', _source: false }));
    expect(disabled.status).toBe(400);
  });
});

describe('_mget (MultiGetRequest, TransportMultiGetAction, MultiGetResponse)', () => {
  it('docs with _index/_id answer in order; a missing document is found:false; a missing index is the item error', async () => {
    const r = await tc.admin.mget({
      docs: [
        { _index: 'books', _id: '2' },
        { _index: 'books', _id: 'nope' },
        { _index: 'missing-index', _id: '1' },
      ],
    });
    expect(r.docs).toEqual([
      {
        _index: 'books',
        _id: '2',
        _version: 1,
        _seq_no: 1,
        _primary_term: 1,
        found: true,
        _source: { title: 'Emma', author: { first: 'Jane' } },
      },
      { _index: 'books', _id: 'nope', found: false },
      {
        _index: 'missing-index',
        _id: '1',
        error: MISSING_INDEX_ERROR,
      },
    ]);
  });

  it('ids take the path index and the URL _source filter; a doc _source overrides it', async () => {
    const r = await tc.admin.mget({ index: 'books', ids: ['1', '2'], _source_includes: ['title'] });
    expect(r.docs.map((d: Json) => d._source)).toEqual([{ title: 'Dune' }, { title: 'Emma' }]);
    const perDoc = await tc.admin.mget({
      index: 'books',
      docs: [
        { _id: '1', _source: false },
        { _id: '1', _source: ['author.first'] },
        { _id: '1', _source: { includes: ['author'], excludes: ['author.last'] } },
      ],
    });
    expect(perDoc.docs.map((d: Json) => d._source)).toEqual([
      undefined,
      { author: { first: 'Frank' } },
      { author: { first: 'Frank' } },
    ]);
  });

  it('a body that cannot be parsed or validated fails the request', async () => {
    // MultiGetRequest.validate(): "index is missing for doc N", "id is missing for doc N".
    await expectError(
      () => tc.admin.mget({ docs: [{ _id: '1' }, { _index: 'books' }] } as never),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: index is missing for doc 0;2: id is missing for doc 1;',
    );
    await expectError(
      () => tc.admin.mget({ index: 'books', docs: [] }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: no documents to get;',
    );
    await expectError(
      () => tc.admin.mget({ index: 'books', docs: ['1'] } as never),
      400,
      'illegal_argument_exception',
      'docs array element should include an object',
    );
    await expectError(
      () => tc.admin.mget({ index: 'books', docs: [{ _id: '1', colour: 'red' }] } as never),
      400,
      'parse_exception',
      'failed to parse multi get request. unknown field [colour]',
    );
  });

  it('an item on an index the caller may not read answers the shard-level 403 as its error', async () => {
    // MultiGetShardRequest.indices() are the items' names; the security filter authorizes
    // indices:data/read/mget[shard] on them and the shard's items fail with the denial.
    const key = await tc.apiKey({ indices: [{ names: ['books'], privileges: ['read'] }] });
    const r = await key.client.mget({
      docs: [
        { _index: 'books', _id: '1', _source: ['title'] },
        { _index: 'secret', _id: 's1' },
      ],
    });
    expect(r.docs[0]).toMatchObject({ _index: 'books', _id: '1', found: true, _source: { title: 'Dune' } });
    const reason = `action [indices:data/read/mget[shard]] is unauthorized for API key id [${key.id}] of user [elastic] on indices [secret], this action is granted by the index privileges [read,all]`;
    expect(r.docs[1]).toEqual({
      _index: 'secret',
      _id: 's1',
      error: {
        root_cause: [{ type: 'security_exception', reason }],
        type: 'security_exception',
        reason,
      },
    });
  });

  it('ids and docs in one body make items in body order, each authorized on its own name', async () => {
    // MultiGetRequest.add reads the body's arrays in order, `ids` taking the path index.
    const key = await tc.apiKey({ indices: [{ names: ['books'], privileges: ['read'] }] });
    const r = await key.client.transport.request<Json>({
      method: 'POST',
      path: '/books/_mget',
      body: { ids: ['1'], docs: [{ _index: 'secret', _id: 's1' }] },
    });
    expect(r.docs[0]).toMatchObject({ _index: 'books', _id: '1', found: true });
    expect(r.docs[1]).toMatchObject({ _index: 'secret', _id: 's1', error: { type: 'security_exception' } });
  });

  it('a caller with no read privilege anywhere is refused the whole request (name-only mget check)', async () => {
    const key = await tc.apiKey({ indices: [{ names: ['books'], privileges: ['write'] }] });
    await expectError(
      () => key.client.mget({ docs: [{ _index: 'books', _id: '1' }] }),
      403,
      'security_exception',
      `action [indices:data/read/mget] is unauthorized for API key id [${key.id}] of user [elastic], this action is granted by the index privileges [read,all]`,
    );
  });

  it('REST API version 7 adds _type: _doc after _index in every item (GetResult, MultiGetResponse.Failure)', async () => {
    const seven = 'application/vnd.elasticsearch+json; compatible-with=7';
    const r = await raw(
      '/_mget',
      'POST',
      JSON.stringify({
        docs: [
          { _index: 'books', _id: '2', _source: false },
          { _index: 'gone', _id: 'x' },
        ],
      }),
      seven,
    );
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.docs[0])).toEqual([
      '_index',
      '_type',
      '_id',
      '_version',
      '_seq_no',
      '_primary_term',
      'found',
    ]);
    expect(r.body.docs[0]._type).toBe('_doc');
    expect(Object.keys(r.body.docs[1])).toEqual(['_index', '_type', '_id', 'error']);
  });
});

describe('_msearch (MultiSearchRequest.readMultiLineFormat, MultiSearchResponse)', () => {
  it('answers one response per search, in order, each with its status; failures are items', async () => {
    const r = await tc.admin.msearch({
      searches: [
        { index: 'books' },
        { query: { ids: { values: ['2'] } } },
        { index: 'missing-index' },
        { query: { match_all: {} } },
        {},
        { query: { ids: { values: ['s1'] } } },
      ],
    });
    expect(r.responses).toHaveLength(3);
    const [books, missing, all] = r.responses as Json[];
    expect(books.status).toBe(200);
    expect(books.hits.hits.map((h: Json) => h._id)).toEqual(['2']);
    expect(missing).toEqual({
      error: MISSING_INDEX_ERROR,
      status: 404,
    });
    expect(all.status).toBe(200);
    expect(all.hits.hits.map((h: Json) => `${h._index}/${h._id}`)).toEqual(['secret/s1']);
  });

  it('the path index is the default of every header; header options apply per search', async () => {
    const r = await tc.admin.msearch({
      index: 'books',
      searches: [{}, { query: { ids: { values: ['1'] } } }, { index: 'nope', ignore_unavailable: true }, {}],
    });
    expect(r.responses.map((x: Json) => x.status)).toEqual([200, 200]);
    expect((r.responses[0] as Json).hits.hits.map((h: Json) => h._id)).toEqual(['1']);
    expect((r.responses[1] as Json).hits.total).toEqual({ value: 0, relation: 'eq' });
  });

  it('a search on names the caller may not read is a 403 item; the others run', async () => {
    const key = await tc.apiKey({ indices: [{ names: ['books'], privileges: ['read'] }] });
    const r = await key.client.msearch({ searches: [{ index: 'secret' }, {}, { index: 'books' }, {}] });
    const reason = `action [indices:data/read/search] is unauthorized for API key id [${key.id}] of user [elastic] on indices [secret], this action is granted by the index privileges [read,all]`;
    expect(r.responses[0]).toEqual({
      error: { root_cause: [{ type: 'security_exception', reason }], type: 'security_exception', reason },
      status: 403,
    });
    expect((r.responses[1] as Json).hits.total.value).toBe(2);
  });

  it('refuses header keys it does not know and a body without a final newline', async () => {
    const nd = 'application/x-ndjson';
    const bad = await raw(
      '/_msearch',
      'POST',
      '{"index":"books","colour":"red"}\n{}\n',
      nd,
      'application/json',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('illegal_argument_exception');
    expect(bad.body.error.reason).toBe('key [colour] is not supported in the metadata section');
    const unterminated = await raw('/_msearch', 'POST', '{"index":"books"}\n{}', nd, 'application/json');
    expect(unterminated.status).toBe(400);
    expect(unterminated.body.error.reason).toBe('The msearch request must be terminated by a newline [\n]');
    const empty = await esError(() => tc.admin.msearch({ searches: [] }));
    expect(empty.status).toBe(400);
    expect(empty.body.error.reason).toBe('Validation Failed: 1: no requests added;');
  });

  it('REST API version 7 adds _type: _doc to the hits of each response (SearchHit)', async () => {
    const seven = 'application/vnd.elasticsearch+x-ndjson; compatible-with=7';
    const r = await raw(
      '/books/_msearch',
      'POST',
      '{}\n{"query":{"ids":{"values":["1"]}}}\n',
      seven,
      'application/vnd.elasticsearch+json; compatible-with=7',
    );
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.responses[0].hits.hits[0]).slice(0, 3)).toEqual(['_index', '_type', '_id']);
  });
});

describe('_update_by_query (AbstractAsyncBulkByScrollAction, BulkByScrollResponse)', () => {
  it('re-indexes the matching documents in place: versions move, the answer counts them', async () => {
    await tc.admin.index({ index: 'ubq', id: 'a', document: { state: 'new' } });
    await tc.admin.index({ index: 'ubq', id: 'b', document: { state: 'old' } });
    await tc.admin.index({ index: 'ubq', id: 'c', document: { state: 'new' } });
    await tc.admin.indices.refresh({ index: 'ubq' });
    const r = await tc.admin.updateByQuery({
      index: 'ubq',
      query: { term: { 'state.keyword': 'new' } },
      refresh: true,
    });
    expect(r).toMatchObject({
      timed_out: false,
      total: 2,
      updated: 2,
      deleted: 0,
      batches: 1,
      version_conflicts: 0,
      noops: 0,
      retries: { bulk: 0, search: 0 },
      throttled_millis: 0,
      requests_per_second: -1,
      throttled_until_millis: 0,
      failures: [],
    });
    expect((await tc.admin.get({ index: 'ubq', id: 'a' }))._version).toBe(2);
    expect((await tc.admin.get({ index: 'ubq', id: 'b' }))._version).toBe(1);
  });

  it('a document changed since the last refresh is a version conflict: abort answers 409, proceed counts it', async () => {
    await tc.admin.index({ index: 'ubq-c', id: '1', document: { n: 1 } });
    await tc.admin.index({ index: 'ubq-c', id: '2', document: { n: 2 } });
    await tc.admin.indices.refresh({ index: 'ubq-c' });
    await tc.admin.index({ index: 'ubq-c', id: '1', document: { n: 10 } });
    const abort = await esError(() => tc.admin.updateByQuery({ index: 'ubq-c' }));
    expect(abort.status).toBe(409);
    expect(abort.body.version_conflicts).toBe(1);
    expect(abort.body.updated).toBe(1);
    expect(abort.body.failures).toHaveLength(1);
    expect(abort.body.failures[0]).toMatchObject({
      index: 'ubq-c',
      id: '1',
      status: 409,
      cause: { type: 'version_conflict_engine_exception', index: 'ubq-c', shard: '0' },
    });
    await tc.admin.indices.refresh({ index: 'ubq-c' });
    await tc.admin.index({ index: 'ubq-c', id: '2', document: { n: 20 } });
    const proceed = await tc.admin.updateByQuery({ index: 'ubq-c', conflicts: 'proceed' });
    expect(proceed).toMatchObject({ total: 2, updated: 1, version_conflicts: 1, failures: [] });
    // The newer write is kept, not overwritten by the stale copy the search saw.
    expect((await tc.admin.get({ index: 'ubq-c', id: '2' }))._source).toEqual({ n: 20 });
  });

  it('max_docs limits the documents processed; 0 is a validation error', async () => {
    const r = await tc.admin.updateByQuery({ index: 'ubq', max_docs: 1 });
    expect(r).toMatchObject({ total: 1, updated: 1, batches: 1 });
    // AbstractBulkByScrollRequest.validate()
    await expectError(
      () => tc.admin.updateByQuery({ index: 'ubq', max_docs: 0 }),
      400,
      'action_request_validation_exception',
      "Validation Failed: 1: maxDocs should be greater than 0 if the request is limited to some number of documents or -1 if it isn't but it was [0];",
    );
  });

  it('refuses scripts and what it does not emulate with a 400 naming it', async () => {
    await expectError(
      () => tc.admin.updateByQuery({ index: 'ubq', script: { source: 'ctx._source.x = 1' } }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [script] in [update_by_query]',
    );
    await expectError(
      () => tc.admin.updateByQuery({ index: 'ubq', pipeline: 'p' }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [pipeline] in [update_by_query]',
    );
    await expectError(
      () => tc.admin.transport.request({ method: 'POST', path: '/ubq/_update_by_query', body: { size: 5 } }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [size] in [update_by_query]',
    );
    await expectError(
      () => tc.admin.updateByQuery({ index: 'ubq', conflicts: 'maybe' as never }),
      400,
      'illegal_argument_exception',
      'conflicts may only be "proceed" or "abort" but was [maybe]',
    );
  });

  it('is authorized per index: the parent action, then its search', async () => {
    const key = await tc.apiKey({ indices: [{ names: ['ubq'], privileges: ['read'] }] });
    await expectError(
      () => key.client.updateByQuery({ index: 'ubq' }),
      403,
      'security_exception',
      `action [indices:data/write/update/byquery] is unauthorized for API key id [${key.id}] of user [elastic] on indices [ubq], this action is granted by the index privileges [index,write,all]`,
    );
  });
});
