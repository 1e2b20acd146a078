/**
 * Compatibility headers as Elasticsearch 8.x and 9.x judge them. Sources (elastic/elasticsearch):
 * - libs/x-content/.../ParsedMediaType.java `parseMediaType`: a header containing a comma is a media
 *   range and is treated as not provided (returns null), as is `*` + `/` + `*`; a type that is not
 *   `tchar/tchar` is "invalid media-type [..]"; a parameter that is not `name=value` is
 *   "invalid parameters for header [..]"; `toString()` is the original header value.
 * - server/.../rest/RestRequest.java: a parse failure of Accept or Content-Type becomes a
 *   MediaTypeHeaderException naming that header; a failed version check names both headers.
 * - server/.../rest/RestCompatibleVersionHelper.java `getCompatibleVersion`: the Accept version is
 *   checked first; with content, the Content-Type version range, then "versions must match", then
 *   "both or none"; a missing header prints as `null`.
 * - `_type: _doc` for REST API version 7: DocWriteResponse/BulkItemResponse, GetResult.toXContent,
 *   SearchHit.toInnerXContent add `MapperService.TYPE_FIELD_NAME` = SINGLE_MAPPING_NAME after `_index`
 *   when `builder.getRestApiVersion() == RestApiVersion.V_7`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster({ elasticPassword: 'compat-elastic-pw' });
  await tc.admin.index({ index: 'compat-docs', id: '1', document: { a: 1 }, refresh: true });
});
afterAll(() => tc.close());

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function raw(
  url: string,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  password = 'compat-elastic-pw',
): Promise<{ status: number; contentType: string | null; body: Json }> {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    ...(init.body !== undefined ? { body: init.body } : {}),
    headers: { authorization: basic('elastic', password), ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
}

// What @elastic/elasticsearch 9.x sends (its vendoredHeaders, as the 8.x client does with 8):
// bodiless requests carry the Accept media range, requests with a JSON body carry the versioned pair.
const NINE_ACCEPT_RANGE = 'application/vnd.elasticsearch+json; compatible-with=9,text/plain';
const NINE_JSON = 'application/vnd.elasticsearch+json; compatible-with=9';
const SEVEN_JSON = 'application/vnd.elasticsearch+json; compatible-with=7';
const SEVEN_NDJSON = 'application/vnd.elasticsearch+x-ndjson; compatible-with=7';

describe('the 9.x client against the 8.x profile', () => {
  it('bodiless requests are answered: the Accept media range is ignored', async () => {
    const r = await raw(tc.sandbox.url, '/compat-docs/_doc/1', { headers: { accept: NINE_ACCEPT_RANGE } });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    expect(r.body._id).toBe('1');
    expect(r.body._type).toBeUndefined();
  });

  it('requests with a body are refused on the Accept version ("listing indices works, search fails")', async () => {
    const r = await raw(tc.sandbox.url, '/compat-docs/_search', {
      method: 'POST',
      body: '{"query":{"match_all":{}}}',
      headers: { accept: NINE_JSON, 'content-type': NINE_JSON },
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: {
        root_cause: [
          {
            type: 'media_type_header_exception',
            reason: 'Invalid media-type value on headers [Accept, Content-Type]',
          },
        ],
        type: 'media_type_header_exception',
        reason: 'Invalid media-type value on headers [Accept, Content-Type]',
        caused_by: {
          type: 'status_exception',
          reason:
            'Accept version must be either version 8 or 7, but found 9. Accept=application/vnd.elasticsearch+json; compatible-with=9',
        },
      },
      status: 400,
    });
  });
});

describe('the order and wording of the version checks', () => {
  it('an unversioned Content-Type with Accept=7 fails "must match" before "both or none"', async () => {
    const r = await raw(tc.sandbox.url, '/compat-docs/_search', {
      method: 'POST',
      body: '{}',
      headers: { accept: SEVEN_JSON, 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.caused_by.reason).toBe(
      'A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=application/vnd.elasticsearch+json; compatible-with=7, Content-Type=application/json',
    );
  });

  it('a versioned Content-Type without Accept names the missing header as null', async () => {
    const r = await raw(tc.sandbox.url, '/compat-docs/_search', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/vnd.elasticsearch+json; compatible-with=8' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.caused_by.reason).toBe(
      'A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version. Accept=null, Content-Type=application/vnd.elasticsearch+json; compatible-with=8',
    );
  });

  it('a malformed Accept is refused naming only that header', async () => {
    const r = await raw(tc.sandbox.url, '/', { headers: { accept: 'json' } });
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe('media_type_header_exception');
    expect(r.body.error.reason).toBe('Invalid media-type value on headers [Accept]');
    expect(r.body.error.caused_by).toEqual({
      type: 'illegal_argument_exception',
      reason: 'invalid media-type [json]',
    });
    const params = await raw(tc.sandbox.url, '/', {
      headers: { accept: 'application/json; charset = utf-8' },
    });
    expect(params.status).toBe(400);
    expect(params.body.error.caused_by.reason).toBe(
      'invalid parameters for header [application/json; charset = utf-8]',
    );
  });
});

describe('REST API version 7 on the 8.x profile: `_type: _doc` in document responses', () => {
  const v7 = { accept: SEVEN_JSON, 'content-type': SEVEN_JSON };

  it('index, get, delete, search hits and bulk items carry _type', async () => {
    const put = await raw(tc.sandbox.url, '/compat-docs/_doc/2?refresh=true', {
      method: 'PUT',
      body: '{"b":2}',
      headers: v7,
    });
    expect(put.status).toBe(201);
    expect(put.contentType).toBe('application/vnd.elasticsearch+json;compatible-with=7');
    expect(Object.keys(put.body).slice(0, 3)).toEqual(['_index', '_type', '_id']);
    expect(put.body._type).toBe('_doc');

    const got = await raw(tc.sandbox.url, '/compat-docs/_doc/2', { headers: { accept: SEVEN_JSON } });
    expect(got.body).toMatchObject({ _index: 'compat-docs', _type: '_doc', _id: '2', found: true });
    const missing = await raw(tc.sandbox.url, '/compat-docs/_doc/none', { headers: { accept: SEVEN_JSON } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ _index: 'compat-docs', _type: '_doc', _id: 'none', found: false });

    const search = await raw(tc.sandbox.url, '/compat-docs/_search', {
      method: 'POST',
      body: '{"query":{"match_all":{}}}',
      headers: v7,
    });
    expect(search.status).toBe(200);
    expect(search.body.hits.hits.length).toBe(2);
    for (const hit of search.body.hits.hits) expect(hit._type).toBe('_doc');

    const bulk = await raw(tc.sandbox.url, '/_bulk', {
      method: 'POST',
      body: '{"index":{"_index":"compat-docs","_id":"3"}}\n{"c":3}\n',
      headers: { accept: SEVEN_JSON, 'content-type': SEVEN_NDJSON },
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.items[0].index).toMatchObject({ _index: 'compat-docs', _type: '_doc', _id: '3' });

    const del = await raw(tc.sandbox.url, '/compat-docs/_doc/3', {
      method: 'DELETE',
      headers: { accept: SEVEN_JSON },
    });
    expect(del.body).toMatchObject({ _index: 'compat-docs', _type: '_doc', _id: '3', result: 'deleted' });
  });

  it('version 8 (current) answers without _type', async () => {
    const got = await raw(tc.sandbox.url, '/compat-docs/_doc/1', {
      headers: { accept: 'application/vnd.elasticsearch+json; compatible-with=8' },
    });
    expect(got.body._type).toBeUndefined();
  });

  it('the 9.x profile with compatible-with=8 answers without _type', async () => {
    const nine = await startTestCluster({ version: '9', elasticPassword: 'nine-pw' });
    try {
      await nine.admin.index({ index: 'n', id: '1', document: { a: 1 } });
      const got = await raw(
        nine.sandbox.url,
        '/n/_doc/1',
        { headers: { accept: 'application/vnd.elasticsearch+json; compatible-with=8' } },
        'nine-pw',
      );
      expect(got.status).toBe(200);
      expect(got.body._type).toBeUndefined();
    } finally {
      await nine.close();
    }
  });
});
