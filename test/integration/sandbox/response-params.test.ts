/**
 * Response parameters every Elasticsearch endpoint accepts (issue 14, item 4): filter_path,
 * pretty, format/Accept (JSON, YAML), error_trace, human, and the source query parameter.
 * Expectations are Elasticsearch's behaviour written out; sources in docs/es-facts.md,
 * "Response parameters on every endpoint (issue 14, item 4)".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
  await tc.admin.index({
    index: 'resp',
    id: '1',
    refresh: true,
    document: { title: 'Hello world', tags: ['a', 'b'], n: 3, owner: { name: 'ann', id: 7 } },
  });
});
afterAll(() => tc.close());

/** A raw request through the official client's transport, answering headers and body as sent. */
async function raw(
  path: string,
  querystring: Record<string, string>,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown; text?: boolean } = {},
): Promise<{ status: number; contentType: string; body: Json }> {
  const res = await tc.admin.transport.request(
    {
      method: opts.method ?? 'GET',
      path,
      querystring,
      ...(opts.body !== undefined ? { body: opts.body as Record<string, unknown> } : {}),
    },
    {
      meta: true,
      ignore: [400, 404, 500],
      ...(opts.text ? { asStream: true } : {}),
      ...(opts.headers ? { headers: opts.headers } : {}),
    },
  );
  let body: Json = res.body;
  if (opts.text) {
    // The bytes as sent: the client would otherwise parse a JSON answer.
    const chunks: Buffer[] = [];
    for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
    body = Buffer.concat(chunks).toString('utf8');
  }
  return { status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body };
}

describe('filter_path', () => {
  it('keeps the named paths and their parents, through arrays (client common parameter)', async () => {
    const res = await tc.admin.search({ index: 'resp', filter_path: 'hits.hits._id,hits.total.value' });
    // FilterPath + INCLUDE_ALL_AND_PATH: only the matched fields and the objects leading to them.
    expect(res).toEqual({ hits: { total: { value: 1 }, hits: [{ _id: '1' }] } });
  });

  it('`*` globs within one name, `**` spans any depth', async () => {
    expect(await tc.admin.search({ index: 'resp', filter_path: 'hits.hits._sou*.owner.n*' })).toEqual({
      hits: { hits: [{ _source: { owner: { name: 'ann' } } }] },
    });
    expect(await tc.admin.search({ index: 'resp', filter_path: '**.id' })).toEqual({
      hits: { hits: [{ _source: { owner: { id: 7 } } }] },
    });
  });

  it('a leading `-` excludes; inclusions and exclusions combine', async () => {
    const res = await tc.admin.get({
      index: 'resp',
      id: '1',
      filter_path: '-_source,-_seq_no,-_primary_term',
    });
    expect(res).toEqual({ _index: 'resp', _id: '1', _version: 1, found: true });
    const both = await tc.admin.get({
      index: 'resp',
      id: '1',
      filter_path: '_source,-_source.owner,-**.tags',
    });
    expect(both).toEqual({ _source: { title: 'Hello world', n: 3 } });
  });

  it('a filter that matches nothing leaves an empty object', async () => {
    // The root object is always written (JsonXContentGenerator writes it through the filter).
    expect(await tc.admin.search({ index: 'resp', filter_path: 'nothing.here' })).toEqual({});
  });

  it('is not applied to errors', async () => {
    const r = await esError(() => tc.admin.search({ index: 'missing', filter_path: 'status' }));
    // AbstractRestChannel.newErrorBuilder builds error answers with filtering off.
    expect(r.status).toBe(404);
    expect(r.body.error.type).toBe('index_not_found_exception');
    expect(r.body.status).toBe(404);
  });

  it('applies to every endpoint, security APIs included', async () => {
    const r = await raw('/_security/_authenticate', { filter_path: 'username,authentication_realm.name' });
    expect(r.body).toEqual({ username: 'elastic', authentication_realm: { name: 'reserved' } });
  });
});

describe('pretty', () => {
  it('indents by two spaces with " : " and ends with a line feed', async () => {
    const r = await raw(
      '/resp/_doc/1',
      { pretty: 'true', filter_path: '_id,found,_source.tags,_source.owner' },
      { text: true },
    );
    // Jackson's DefaultPrettyPrinter as Elasticsearch sets it up (arrays indented like objects),
    // plus lfAtEnd().
    expect(r.body).toBe(
      [
        '{',
        '  "_id" : "1",',
        '  "found" : true,',
        '  "_source" : {',
        '    "tags" : [',
        '      "a",',
        '      "b"',
        '    ],',
        '    "owner" : {',
        '      "name" : "ann",',
        '      "id" : 7',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes empty objects and arrays as `{ }` and `[ ]`, errors too', async () => {
    const r = await raw('/missing-index/_search', { pretty: '' }, { text: true });
    expect(r.status).toBe(404);
    expect(r.body.startsWith('{\n  "error" : {\n    "root_cause" : [\n      {\n')).toBe(true);
    const empty = await raw('/resp/_search', { pretty: 'true', filter_path: 'nothing' }, { text: true });
    expect(empty.body).toBe('{ }\n');
  });

  it('refuses a value that is not a boolean', async () => {
    const r = await raw('/resp/_doc/1', { pretty: 'yes' });
    expect(r.status).toBe(400);
    expect(r.body.error.reason).toBe('Failed to parse value [yes] as only [true] or [false] are allowed.');
  });
});

describe('format and Accept', () => {
  const yamlDoc = [
    '---',
    '_index: "resp"',
    '_id: "1"',
    '_version: 1',
    '_seq_no: 0',
    '_primary_term: 1',
    'found: true',
    '_source:',
    '  title: "Hello world"',
    '  tags:',
    '  - "a"',
    '  - "b"',
    '  n: 3',
    '  owner:',
    '    name: "ann"',
    '    id: 7',
    '',
  ].join('\n');

  it('format=yaml answers YAML as Jackson writes it, with application/yaml', async () => {
    const r = await raw('/resp/_doc/1', { format: 'yaml' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/yaml');
    expect(r.body).toBe(yamlDoc);
  });

  it('Accept: application/yaml does the same; format wins over Accept', async () => {
    const r = await raw('/resp/_doc/1', {}, { headers: { accept: 'application/yaml' } });
    expect(r.contentType).toBe('application/yaml');
    expect(r.body).toBe(yamlDoc);
    const json = await raw('/resp/_doc/1', { format: 'json' }, { headers: { accept: 'application/yaml' } });
    expect(json.contentType).toBe('application/json');
    expect(json.body._id).toBe('1');
  });

  it('YAML errors, and filter_path with YAML', async () => {
    const r = await raw('/resp/_doc/1', { format: 'yaml', filter_path: '_source.tags' });
    expect(r.body).toBe('---\n_source:\n  tags:\n  - "a"\n  - "b"\n');
    const e = await raw('/missing/_doc/1', { format: 'yaml' });
    expect(e.status).toBe(404);
    expect(e.contentType).toBe('application/yaml');
    expect(e.body.startsWith('---\nerror:\n  root_cause:\n  - type: "index_not_found_exception"\n')).toBe(
      true,
    );
  });

  it('an unknown format falls back to JSON, as XContentType.fromFormat returns no type', async () => {
    const r = await raw('/resp/_doc/1', { format: 'xml', filter_path: '_id' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    expect(r.body).toEqual({ _id: '1' });
  });

  it('binary formats are refused loudly', async () => {
    const r = await raw('/resp/_doc/1', { format: 'cbor' });
    expect(r.status).toBe(400);
    expect(r.body.error.reason).toBe('the eskeys sandbox does not emulate [format=cbor] (binary responses)');
  });
});

describe('error_trace, human', () => {
  it('error_trace adds stack_trace to the error and each root cause', async () => {
    const r = await raw('/missing/_search', { error_trace: 'true' });
    expect(r.status).toBe(404);
    expect(Object.keys(r.body.error).at(-1)).toBe('stack_trace');
    expect(r.body.error.stack_trace).toMatch(/^index_not_found_exception: no such index \[missing\]\n\tat /);
    expect(r.body.error.root_cause[0].stack_trace).toMatch(/^index_not_found_exception: /);
    const plain = await raw('/missing/_search', {});
    expect(plain.body.error.stack_trace).toBeUndefined();
  });

  it('human=true adds nothing where Elasticsearch has no readable twin (search); human=false is accepted', async () => {
    // SearchResponse writes `took` as a plain number: no readable twin.
    const human = await raw('/resp/_search', { human: 'true' });
    const plain = await raw('/resp/_search', {});
    expect(human.status).toBe(200);
    expect({ ...human.body, took: 0 }).toEqual({ ...plain.body, took: 0 });
    const ok = await tc.admin.search({ index: 'resp', human: false, filter_path: 'hits.total.value' });
    expect(ok).toEqual({ hits: { total: { value: 1 } } });
  });
});

describe('human=true: readable twins, written before their raw field', () => {
  it('cluster health: task_max_waiting_in_queue (TimeValue) and active_shards_percent (%1.1f%%)', async () => {
    // ClusterHealthResponse.toXContent: humanReadableField(task_max_waiting_in_queue_millis,
    // task_max_waiting_in_queue, TimeValue) then percentageField(active_shards_percent_as_number,
    // active_shards_percent); XContentBuilder writes the readable field first. TimeValue of 0
    // prints "0s". One node: `resp` has 1 primary and 1 unassigned replica, so 50%.
    const r = await raw('/_cluster/health/resp', { human: 'true' });
    expect(r.status).toBe(200);
    const keys = Object.keys(r.body);
    expect(keys.slice(keys.indexOf('number_of_in_flight_fetch'))).toEqual([
      'number_of_in_flight_fetch',
      'task_max_waiting_in_queue',
      'task_max_waiting_in_queue_millis',
      'active_shards_percent',
      'active_shards_percent_as_number',
    ]);
    expect(r.body.task_max_waiting_in_queue).toBe('0s');
    expect(r.body.active_shards_percent).toBe('50.0%');
    expect(r.body.active_shards_percent_as_number).toBe(50);
    // filter_path sees the twins: Elasticsearch filters while it writes them.
    const filtered = await raw('/_cluster/health/resp', {
      human: 'true',
      filter_path: 'active_shards_percent',
    });
    expect(filtered.body).toEqual({ active_shards_percent: '50.0%' });
    const without = await raw('/_cluster/health/resp', {});
    expect(without.body.active_shards_percent).toBeUndefined();
  });

  it('_xpack license: expiry_date (timeField, strict_date_optional_time_nanos) before expiry_date_in_millis', async () => {
    // XPackInfoResponse.LicenseInfo: timeField("expiry_date_in_millis", "expiry_date", ...). The
    // sandbox's trial license is issued when first asked for and lasts 30 days.
    tc.clock.now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const r = await raw('/_xpack', { categories: 'license', human: 'true' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.license)).toEqual([
      'uid',
      'type',
      'mode',
      'status',
      'expiry_date',
      'expiry_date_in_millis',
    ]);
    expect(r.body.license.expiry_date).toBe('2026-02-01T03:04:05.000Z');
    expect(r.body.license.expiry_date_in_millis).toBe(1769915045000);
  });

  it('update and delete by query: throttled and throttled_until (BulkByScrollTask.Status)', async () => {
    // BulkByScrollTask.Status.innerXContent: humanReadableField(throttled_millis, throttled, ...)
    // and humanReadableField(throttled_until_millis, throttled_until, ...), TimeValues.
    await tc.admin.index({ index: 'resp-human', id: '1', refresh: true, document: { n: 1 } });
    for (const [path, method] of [
      ['/resp-human/_update_by_query', 'POST'],
      ['/resp-human/_delete_by_query', 'POST'],
    ] as const) {
      const r = await raw(
        path,
        { human: 'true', refresh: 'true' },
        { method, body: { query: { match_all: {} } } },
      );
      expect(r.status).toBe(200);
      const keys = Object.keys(r.body);
      expect(keys.slice(keys.indexOf('retries') + 1, keys.indexOf('failures'))).toEqual([
        'throttled',
        'throttled_millis',
        'requests_per_second',
        'throttled_until',
        'throttled_until_millis',
      ]);
      expect([r.body.throttled, r.body.throttled_until]).toEqual(['0s', '0s']);
    }
  });

  it('data stream stats: store sizes as ByteSizeValue ("0b")', async () => {
    // DataStreamsStatsAction: humanReadableField(total_store_size_bytes, total_store_size, ByteSizeValue)
    // and per stream (store_size_bytes, store_size); ByteSizeValue of 0 prints "0b".
    await tc.admin.indices.putIndexTemplate({
      name: 'human-ds',
      index_patterns: ['human-ds*'],
      data_stream: {},
    });
    await tc.admin.indices.createDataStream({ name: 'human-ds' });
    const r = await raw('/_data_stream/human-ds/_stats', { human: 'true' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual([
      '_shards',
      'data_stream_count',
      'backing_indices',
      'total_store_size',
      'total_store_size_bytes',
      'data_streams',
    ]);
    expect(r.body.total_store_size).toBe('0b');
    expect(Object.keys(r.body.data_streams[0])).toEqual([
      'data_stream',
      'backing_indices',
      'store_size',
      'store_size_bytes',
      'maximum_timestamp',
    ]);
    expect(r.body.data_streams[0].store_size).toBe('0b');
  });

  it('an answer whose twins the sandbox cannot render exactly refuses the flag, naming the API', async () => {
    // IndexMetadata.addHumanReadableSettings adds index.creation_date_string and
    // index.version.created_string (a release version the sandbox's index version has none of).
    await expectError(
      () => tc.admin.indices.getSettings({ index: 'resp', human: true }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [human=true] on [indices.get_settings] (human-readable response fields: index.creation_date_string, index.version.created_string)',
    );
    // An API the sandbox does not emulate keeps its own refusal.
    const tasks = await raw('/_tasks', { human: 'true' });
    expect(tasks.status).toBe(400);
    expect(tasks.body.error.reason).toBe('the eskeys sandbox does not emulate [tasks.list]');
  });
});

describe('source and source_content_type', () => {
  it('a body in the query string, as RestRequest.contentOrSourceParam reads it', async () => {
    const r = await raw('/resp/_search', {
      source: JSON.stringify({ query: { term: { 'tags.keyword': 'b' } } }),
      source_content_type: 'application/json',
      filter_path: 'hits.hits._id',
    });
    expect(r.body).toEqual({ hits: { hits: [{ _id: '1' }] } });
    const none = await raw('/resp/_search', {
      source: JSON.stringify({ query: { term: { 'tags.keyword': 'zzz' } } }),
      source_content_type: 'application/json',
      filter_path: 'hits.total.value',
    });
    expect(none.body).toEqual({ hits: { total: { value: 0 } } });
  });

  it('source needs source_content_type (a validation exception)', async () => {
    const r = await raw('/resp/_search', { source: '{}' });
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe('validation_exception');
    expect(r.body.error.reason).toBe(
      'Validation Failed: 1: source and source_content_type parameters are required;',
    );
    const bad = await raw('/resp/_search', { source: '{}', source_content_type: 'text/plain' });
    expect(bad.body.error.reason).toBe(
      'Validation Failed: 1: Unknown value for source_content_type [text/plain];',
    );
  });
});
