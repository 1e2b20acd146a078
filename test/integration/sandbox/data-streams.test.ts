/**
 * Data streams and rollover through the official client (issue 14, item 7). Facts and their
 * sources: docs/es-facts.md "Data streams (issue 14, item 7)".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, type Json, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
// 2099-03-07T10:00:00Z: the backing index names carry the UTC day of their creation.
const DAY_ONE = Date.UTC(2099, 2, 7, 10);
const DAY = 86_400_000;

beforeAll(async () => {
  tc = await startTestCluster();
  tc.clock.now = DAY_ONE;
  await tc.admin.indices.putIndexTemplate({
    name: 'logs-template',
    index_patterns: ['logs-*'],
    data_stream: {},
    priority: 200,
    template: { mappings: { properties: { message: { type: 'text' } } } },
  });
});
afterAll(() => tc.close());

/** An ingest key as Elastic Agent/Beats get them: create_doc + auto_configure on the stream pattern. */
async function ingestKey() {
  return tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['create_doc', 'auto_configure'] }] });
}

describe('writes to a data stream', () => {
  it('a create by an ingest key auto-creates the stream and lands in its .ds- backing index', async () => {
    const { client } = await ingestKey();
    const res = await client.bulk({
      operations: [
        { create: { _index: 'logs-app' } },
        { '@timestamp': '2099-03-07T09:00:00Z', message: 'one' },
        { create: { _index: 'logs-app' } },
        { '@timestamp': '2099-03-07T09:30:00Z', message: 'two' },
      ],
      refresh: true,
    });
    expect(res.errors).toBe(false);
    // DataStream.getDefaultBackingIndexName: ".ds-" + stream + "-" + uuuu.MM.dd + "-" + %06d generation.
    expect(res.items.map((i: Json) => [i.create._index, i.create.status])).toEqual([
      ['.ds-logs-app-2099.03.07-000001', 201],
      ['.ds-logs-app-2099.03.07-000001', 201],
    ]);
    const got: Json = await tc.admin.indices.getDataStream({ name: 'logs-app' });
    expect(got.data_streams).toHaveLength(1);
    expect(got.data_streams[0]).toMatchObject({
      name: 'logs-app',
      timestamp_field: { name: '@timestamp' },
      indices: [{ index_name: '.ds-logs-app-2099.03.07-000001' }],
      generation: 1,
      template: 'logs-template',
      hidden: false,
    });
  });

  it('the single-document create API works; an index op is refused as Elasticsearch refuses it', async () => {
    const { client } = await ingestKey();
    const created = await client.create({
      index: 'logs-app',
      id: 'doc-3',
      document: { '@timestamp': '2099-03-07T09:45:00Z', message: 'three' },
      refresh: true,
    });
    expect(created._index).toBe('.ds-logs-app-2099.03.07-000001');
    // TransportBulkAction: "only write ops with an op_type of create are allowed in data streams".
    // With an id, PUT /{index}/_doc/{id} is op_type index (only POST without an id defaults to create).
    await expectError(
      () =>
        tc.admin.index({
          index: 'logs-app',
          id: 'replace-me',
          document: { '@timestamp': '2099-03-07T09:00:00Z' },
        }),
      400,
      'illegal_argument_exception',
      'only write ops with an op_type of create are allowed in data streams',
    );
    const bulk: Json = await tc.admin.bulk({
      operations: [{ index: { _index: 'logs-app' } }, { '@timestamp': '2099-03-07T09:00:00Z' }],
    });
    expect(bulk.items[0].index.status).toBe(400);
    expect(bulk.items[0].index.error.reason).toBe(
      'only write ops with an op_type of create are allowed in data streams',
    );
  });

  it('a document without @timestamp fails to parse (DataStreamTimestampFieldMapper)', async () => {
    const { client } = await ingestKey();
    const err = await expectError(
      () => client.create({ index: 'logs-app', id: 'no-ts', document: { message: 'x' } }),
      400,
      'document_parsing_exception',
      // {"message":"x"} is 15 characters: the parser stands on its closing brace.
      '[1:15] failed to parse: data stream timestamp field [@timestamp] is missing',
    );
    expect(err.caused_by).toEqual({
      type: 'illegal_argument_exception',
      reason: 'data stream timestamp field [@timestamp] is missing',
    });
  });

  it('create_doc alone may not add fields to a stream: the BWC mapping-update rule skips data streams', async () => {
    // IndicesPermission: create/create_doc/index/write update mappings of indices and aliases,
    // "but not on data streams" (nor their backing indices).
    await tc.admin.indices.createDataStream({ name: 'logs-mapping' });
    const { client } = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['create_doc'] }] });
    const known = await client.create({
      index: 'logs-mapping',
      id: 'known-fields',
      document: { '@timestamp': '2099-03-07T09:50:00Z', message: 'mapped already' },
    });
    expect(known.result).toBe('created');
    const err = await expectError(
      () =>
        client.create({
          index: 'logs-mapping',
          id: 'new-field',
          document: { '@timestamp': '2099-03-07T09:51:00Z', brand_new_field: 1 },
        }),
      403,
      'security_exception',
    );
    expect(err.reason).toMatch(/^action \[indices:admin\/mapping\/auto_put\] is unauthorized/);
    // The same privilege on a plain index keeps the BWC rule.
    await tc.admin.indices.create({ index: 'plain-ingest' });
    const { client: plain } = await tc.apiKey({
      indices: [{ names: ['plain-ingest'], privileges: ['create_doc'] }],
    });
    const ok = await plain.create({ index: 'plain-ingest', id: '1', document: { brand_new_field: 1 } });
    expect(ok.result).toBe('created');
    await tc.admin.indices.deleteDataStream({ name: 'logs-mapping' });
  });

  it('without auto_configure (or create_index) the stream cannot be auto-created: 403', async () => {
    const { client } = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['create_doc'] }] });
    const res: Json = await client.bulk({
      operations: [{ create: { _index: 'logs-new' } }, { '@timestamp': '2099-03-07T09:00:00Z' }],
    });
    expect(res.items[0].create.status).toBe(403);
    expect(res.items[0].create.error.reason).toMatch(
      /^action \[indices:admin\/auto_create\] is unauthorized/,
    );
    expect((await esError(() => tc.admin.indices.getDataStream({ name: 'logs-new' }))).status).toBe(404);
  });
});

describe('reading through a stream', () => {
  it('a search on the stream hits its backing indices; a role on logs-* reaches them by name too', async () => {
    const reader = await tc.userWithRole('ds_reader', {
      indices: [{ names: ['logs-*'], privileges: ['read', 'view_index_metadata'] }],
    });
    const res: Json = await reader.search({ index: 'logs-app' });
    expect(res.hits.total).toEqual({ value: 3, relation: 'eq' });
    expect(new Set(res.hits.hits.map((h: Json) => h._index))).toEqual(
      new Set(['.ds-logs-app-2099.03.07-000001']),
    );
    // RBACEngine checks the parent data stream of a backing index before the index name itself.
    const direct: Json = await reader.search({ index: '.ds-logs-app-2099.03.07-000001' });
    expect(direct.hits.total.value).toBe(3);
    // A wildcard expands to the stream (visible), not to its hidden backing index.
    const wild: Json = await reader.search({ index: 'logs-*' });
    expect(wild.hits.total.value).toBe(3);
  });

  it('a document read by id through the stream is refused loudly; its backing index answers', async () => {
    await expectError(
      () => tc.admin.get({ index: 'logs-app', id: 'doc-3' }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate reading a document by id through data stream [logs-app]; address its backing index',
    );
    const got: Json = await tc.admin.get({ index: '.ds-logs-app-2099.03.07-000001', id: 'doc-3' });
    expect(got._source.message).toBe('three');
  });

  it('a document is deleted through its backing index by a role on the stream pattern; never through the stream name', async () => {
    const writer = await tc.userWithRole('ds_writer', {
      indices: [{ names: ['logs-*'], privileges: ['write'] }],
    });
    // DataStreamIT.testOtherWriteOps: a delete by id through the stream fails its op-type check
    // ("only write ops with an op_type of create are allowed in data streams"), for every caller.
    await expectError(
      () => writer.delete({ index: 'logs-app', id: 'no-such-doc' }),
      400,
      'illegal_argument_exception',
      'only write ops with an op_type of create are allowed in data streams',
    );
    // Non-create ops against backing indices are allowed, authorized through the parent stream.
    const missing = await writer
      .delete({ index: '.ds-logs-app-2099.03.07-000001', id: 'no-such-doc' })
      .catch((e: Json) => e.meta);
    expect([missing.statusCode, missing.body.result]).toEqual([404, 'not_found']);
    const bulk: Json = await writer.bulk({
      operations: [{ delete: { _index: '.ds-logs-app-2099.03.07-000001', _id: 'no-such-doc' } }],
    });
    expect([bulk.items[0].delete.status, bulk.items[0].delete.result]).toEqual([404, 'not_found']);
    // create_doc does not grant delete, on the backing index either.
    const { client: ingest } = await ingestKey();
    await expectError(
      () => ingest.delete({ index: '.ds-logs-app-2099.03.07-000001', id: 'no-such-doc' }),
      403,
      'security_exception',
      /^action \[indices:data\/write\/delete\] is unauthorized .* on indices \[\.ds-logs-app-2099\.03\.07-000001\]/,
    );
  });

  it('a role on other names is refused the stream and its backing index', async () => {
    const other = await tc.userWithRole('ds_other', {
      indices: [{ names: ['metrics-*'], privileges: ['read', 'view_index_metadata', 'monitor'] }],
    });
    await expectError(
      () => other.search({ index: 'logs-app' }),
      403,
      'security_exception',
      /^action \[indices:data\/read\/search\] is unauthorized for user \[ds_other\].* on indices \[logs-app\]/,
    );
    await expectError(
      () => other.search({ index: '.ds-logs-app-2099.03.07-000001' }),
      403,
      'security_exception',
      /on indices \[\.ds-logs-app-2099\.03\.07-000001\]/,
    );
    await expectError(
      () => other.indices.getDataStream({ name: 'logs-app' }),
      403,
      'security_exception',
      /^action \[indices:admin\/data_stream\/get\] is unauthorized .* on indices \[logs-app\]/,
    );
  });
});

describe('_data_stream APIs', () => {
  it('a template data_stream option the sandbox does not honour is refused, not stored', async () => {
    await expectError(
      () =>
        tc.admin.indices.putIndexTemplate({
          name: 'hidden-streams',
          index_patterns: ['hidden-*'],
          data_stream: { hidden: true },
        }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate index template [data_stream.hidden]',
    );
    expect((await esError(() => tc.admin.indices.getIndexTemplate({ name: 'hidden-streams' }))).status).toBe(
      404,
    );
  });

  it('create needs a template with data_stream', async () => {
    await expectError(
      () => tc.admin.indices.createDataStream({ name: 'plain-stream' }),
      400,
      'illegal_argument_exception',
      'no matching index template found for data stream [plain-stream]',
    );
    expect(await tc.admin.indices.createDataStream({ name: 'logs-made' })).toEqual({ acknowledged: true });
    const backing: Json = await tc.admin.indices.get({
      index: '.ds-logs-made-2099.03.07-000001',
    });
    const settings = backing['.ds-logs-made-2099.03.07-000001'].settings.index;
    expect(settings.hidden).toBe('true');
    expect(backing['.ds-logs-made-2099.03.07-000001'].mappings.properties['@timestamp']).toEqual({
      type: 'date',
    });
  });

  it('get and stats list only the streams the caller may see', async () => {
    await tc.admin.indices.putIndexTemplate({
      name: 'metrics-template',
      index_patterns: ['metrics-*'],
      data_stream: {},
      priority: 200,
    });
    await tc.admin.indices.createDataStream({ name: 'metrics-host' });
    const metricsOnly = await tc.userWithRole('ds_metrics', {
      indices: [{ names: ['metrics-*'], privileges: ['view_index_metadata', 'monitor'] }],
    });
    const all: Json = await metricsOnly.indices.getDataStream();
    expect(all.data_streams.map((d: Json) => d.name)).toEqual(['metrics-host']);
    const adminAll: Json = await tc.admin.indices.getDataStream({ name: '*' });
    expect(adminAll.data_streams.map((d: Json) => d.name)).toEqual(['logs-app', 'logs-made', 'metrics-host']);
    const stats: Json = await metricsOnly.indices.dataStreamsStats();
    expect(stats.data_stream_count).toBe(1);
    expect(stats.data_streams.map((d: Json) => [d.data_stream, d.backing_indices])).toEqual([
      ['metrics-host', 1],
    ]);
    const logsStats: Json = await tc.admin.indices.dataStreamsStats({ name: 'logs-app' });
    // maximum_timestamp: the highest @timestamp, in epoch millis (2099-03-07T09:45:00Z).
    expect(logsStats.data_streams[0]).toMatchObject({
      data_stream: 'logs-app',
      backing_indices: 1,
      maximum_timestamp: Date.UTC(2099, 2, 7, 9, 45),
    });
    await expectError(
      () => tc.admin.indices.getDataStream({ name: 'nope-stream' }),
      404,
      'index_not_found_exception',
      'no such index [nope-stream]',
    );
  });

  it('an index whose name matches a data-stream template cannot be created as a plain index', async () => {
    await expectError(
      () => tc.admin.indices.create({ index: 'logs-plain' }),
      400,
      'illegal_argument_exception',
      'cannot create index with name [logs-plain], because it matches with template [logs-template] that creates data streams only, use create data stream api instead',
    );
  });

  it('aliases on a stream are refused loudly, not applied to its backing indices', async () => {
    await expectError(
      () => tc.admin.indices.putAlias({ index: 'logs-made', name: 'made-alias' }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate data stream aliases [logs-made]',
    );
    await expectError(
      () =>
        tc.admin.indices.updateAliases({ actions: [{ add: { index: 'logs-made', alias: 'made-alias' } }] }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate data stream aliases [logs-made]',
    );
  });

  it('the template of a live stream cannot be deleted (MetadataIndexTemplateService)', async () => {
    await expectError(
      () => tc.admin.indices.deleteIndexTemplate({ name: 'logs-template' }),
      400,
      'illegal_argument_exception',
      'unable to remove composable templates [logs-template] as they are in use by a data streams [logs-app, logs-made]',
    );
  });

  it('delete removes the stream and its backing indices', async () => {
    expect(await tc.admin.indices.deleteDataStream({ name: 'logs-made' })).toEqual({ acknowledged: true });
    expect(await tc.admin.indices.exists({ index: '.ds-logs-made-2099.03.07-000001' })).toBe(false);
    expect((await esError(() => tc.admin.indices.getDataStream({ name: 'logs-made' }))).status).toBe(404);
  });
});

describe('rollover', () => {
  it('a stream rolls over to a new backing index of the next generation, which takes the writes', async () => {
    tc.clock.now = DAY_ONE + DAY;
    const res = await tc.admin.indices.rollover({ alias: 'logs-app' });
    // RolloverResponse fields, in the order Elasticsearch writes them.
    expect(JSON.stringify(res)).toBe(
      JSON.stringify({
        acknowledged: true,
        shards_acknowledged: true,
        old_index: '.ds-logs-app-2099.03.07-000001',
        new_index: '.ds-logs-app-2099.03.08-000002',
        rolled_over: true,
        dry_run: false,
        lazy: false,
        conditions: {},
      }),
    );
    const { client } = await ingestKey();
    const created = await client.create({
      index: 'logs-app',
      id: 'after-rollover',
      document: { '@timestamp': '2099-03-08T10:00:00Z' },
      refresh: true,
    });
    expect(created._index).toBe('.ds-logs-app-2099.03.08-000002');
    const got: Json = await tc.admin.indices.getDataStream({ name: 'logs-app' });
    expect(got.data_streams[0].generation).toBe(2);
    expect(got.data_streams[0].indices.map((i: Json) => i.index_name)).toEqual([
      '.ds-logs-app-2099.03.07-000001',
      '.ds-logs-app-2099.03.08-000002',
    ]);
    const all: Json = await tc.admin.search({ index: 'logs-app' });
    expect(all.hits.total.value).toBe(4);
  });

  it('the write index of a stream cannot be deleted; an older backing index leaves the stream', async () => {
    // MetadataDeleteIndexService.
    await expectError(
      () => tc.admin.indices.delete({ index: '.ds-logs-app-2099.03.08-000002' }),
      400,
      'illegal_argument_exception',
      'index [.ds-logs-app-2099.03.08-000002] is the write index for data stream [logs-app] and cannot be deleted',
    );
    await tc.admin.indices.delete({ index: '.ds-logs-app-2099.03.07-000001' });
    const got: Json = await tc.admin.indices.getDataStream({ name: 'logs-app' });
    expect(got.data_streams[0].indices.map((i: Json) => i.index_name)).toEqual([
      '.ds-logs-app-2099.03.08-000002',
    ]);
    expect(got.data_streams[0].generation).toBe(2);
    const left: Json = await tc.admin.search({ index: 'logs-app' });
    expect(left.hits.total.value).toBe(1);
  });

  it('an alias with a write index rolls over to the next numbered index', async () => {
    await tc.admin.indices.create({
      index: 'app-000001',
      aliases: { app: { is_write_index: true } },
    });
    const res = await tc.admin.indices.rollover({ alias: 'app' });
    expect(res).toMatchObject({ old_index: 'app-000001', new_index: 'app-000002', rolled_over: true });
    const aliases: Json = await tc.admin.indices.getAlias({ name: 'app' });
    expect(aliases).toEqual({
      'app-000001': { aliases: { app: { is_write_index: false } } },
      'app-000002': { aliases: { app: { is_write_index: true } } },
    });
    const written = await tc.admin.index({ index: 'app', document: { n: 1 } });
    expect(written._index).toBe('app-000002');
  });

  it('rollover targets that are not a stream or an alias with a write index are refused', async () => {
    // MetadataRolloverService.validate.
    await expectError(
      () => tc.admin.indices.rollover({ alias: 'app-000002' }),
      400,
      'illegal_argument_exception',
      'rollover target is a [concrete index] but one of [alias,data_stream] was expected',
    );
    await expectError(
      () => tc.admin.indices.rollover({ alias: 'no-such-alias' }),
      404,
      'resource_not_found_exception',
      'rollover target [no-such-alias] does not exist',
    );
    await tc.admin.indices.create({ index: 'two-a', aliases: { both: {} } });
    await tc.admin.indices.create({ index: 'two-b', aliases: { both: {} } });
    await expectError(
      () => tc.admin.indices.rollover({ alias: 'both' }),
      400,
      'illegal_argument_exception',
      'rollover target [both] does not point to a write index',
    );
    await tc.admin.indices.create({ index: 'unnumbered', aliases: { solo: { is_write_index: true } } });
    await expectError(
      () => tc.admin.indices.rollover({ alias: 'solo' }),
      400,
      'illegal_argument_exception',
      "index name [unnumbered] does not match pattern '^.*-\\d+$'",
    );
  });

  it('conditions and dry runs are refused loudly, not ignored', async () => {
    await expectError(
      () => tc.admin.indices.rollover({ alias: 'app', conditions: { max_docs: 1 } }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate rollover [conditions]',
    );
    await expectError(
      () => tc.admin.indices.rollover({ alias: 'app', dry_run: true }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate rollover [dry_run]',
    );
  });

  it('rollover needs the manage privilege on the target', async () => {
    const { client } = await ingestKey();
    await expectError(
      () => client.indices.rollover({ alias: 'logs-app' }),
      403,
      'security_exception',
      /^action \[indices:admin\/rollover\] is unauthorized .* on indices \[logs-app\]/,
    );
  });
});

describe('data streams in listings (_resolve/index, _cat/indices)', () => {
  // 2099-04-01: the backing index of a stream created that day is .ds-<stream>-2099.04.01-000001.
  const LIST_DAY = Date.UTC(2099, 3, 1, 12);
  const LIST_BACKING = '.ds-logs-listed-2099.04.01-000001';
  const SECRET_BACKING = '.ds-logs-unlisted-2099.04.01-000001';

  beforeAll(async () => {
    tc.clock.now = LIST_DAY;
    await tc.admin.indices.createDataStream({ name: 'logs-listed' });
    await tc.admin.indices.createDataStream({ name: 'logs-unlisted' });
    await tc.admin.index({
      index: 'logs-listed',
      op_type: 'create',
      document: { '@timestamp': '2099-04-01T11:00:00Z', message: 'one' },
      refresh: true,
    });
  });

  /** A user who may see (view_index_metadata, monitor) the logs-listed stream only. */
  const lister = () =>
    tc.userWithRole(`lister${Math.random().toString(36).slice(2, 8)}`, {
      cluster: ['monitor'],
      indices: [{ names: ['logs-listed'], privileges: ['view_index_metadata', 'monitor'] }],
    });

  it('_resolve/index lists data streams; their hidden backing indices only when hidden ones are expanded', async () => {
    // ResolveIndexAction: a data stream is {name, backing_indices (generation order),
    // timestamp_field}; a backing index is {name, attributes, data_stream}. Backing indices are
    // hidden, so a wildcard reaches them only with expand_wildcards including hidden, or when
    // the pattern itself starts with "." (IndexAbstractionResolver.isVisibleDueToImplicitHidden).
    const stream = { name: 'logs-listed', backing_indices: [LIST_BACKING], timestamp_field: '@timestamp' };
    const backing = { name: LIST_BACKING, attributes: ['hidden', 'open'], data_stream: 'logs-listed' };
    expect(await tc.admin.indices.resolveIndex({ name: '*-listed*' })).toEqual({
      indices: [],
      aliases: [],
      data_streams: [stream],
    });
    expect(await tc.admin.indices.resolveIndex({ name: '*-listed*', expand_wildcards: 'all' })).toEqual({
      indices: [backing],
      aliases: [],
      data_streams: [stream],
    });
    expect(await tc.admin.indices.resolveIndex({ name: '.ds-logs-listed-*' })).toEqual({
      indices: [backing],
      aliases: [],
      data_streams: [],
    });
    // A concrete stream name resolves to the stream alone.
    expect(await tc.admin.indices.resolveIndex({ name: 'logs-listed' })).toEqual({
      indices: [],
      aliases: [],
      data_streams: [stream],
    });
  });

  it('_resolve/index lists only the streams and backing indices the caller is authorized for', async () => {
    const client = await lister();
    expect(await client.indices.resolveIndex({ name: 'logs-*listed', expand_wildcards: 'all' })).toEqual({
      indices: [],
      aliases: [],
      data_streams: [{ name: 'logs-listed', backing_indices: [LIST_BACKING], timestamp_field: '@timestamp' }],
    });
    // A role on the stream's name reaches its backing indices (the parent data stream authorizes them).
    expect(await client.indices.resolveIndex({ name: '*', expand_wildcards: 'all' })).toEqual({
      indices: [{ name: LIST_BACKING, attributes: ['hidden', 'open'], data_stream: 'logs-listed' }],
      aliases: [],
      data_streams: [{ name: 'logs-listed', backing_indices: [LIST_BACKING], timestamp_field: '@timestamp' }],
    });
  });

  it('_cat/indices shows the backing indices of the authorized streams a name or wildcard reaches', async () => {
    // RestIndicesAction resolves names through a get-settings request, which includes data
    // streams: a visible (not hidden) stream matched by a wildcard expands to its backing indices,
    // so they are listed by default although hidden; a .ds- pattern reaches them directly.
    const client = await lister();
    const h = 'index,status,docs.count';
    expect(await client.cat.indices({ format: 'json', h })).toEqual([
      { index: LIST_BACKING, status: 'open', 'docs.count': '1' },
    ]);
    expect(await client.cat.indices({ index: 'logs-listed', format: 'json', h })).toEqual([
      { index: LIST_BACKING, status: 'open', 'docs.count': '1' },
    ]);
    expect(await tc.admin.cat.indices({ index: '*listed*', format: 'json', h, s: 'index' })).toEqual([
      { index: LIST_BACKING, status: 'open', 'docs.count': '1' },
      { index: SECRET_BACKING, status: 'open', 'docs.count': '0' },
    ]);
    expect(await tc.admin.cat.indices({ index: '.ds-logs-un*', format: 'json', h })).toEqual([
      { index: SECRET_BACKING, status: 'open', 'docs.count': '0' },
    ]);
  });
});
