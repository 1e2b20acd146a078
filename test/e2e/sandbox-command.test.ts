import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { startSandboxProcess } from './sandbox-process.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

describe('eskeys sandbox', () => {
  it('serves the official client until SIGINT', async () => {
    const { child, ready, stopped } = startSandboxProcess([]);
    const { url, password } = await ready;
    const client = new Client({ node: url, auth: { username: 'elastic', password } });
    const health = await client.cluster.health();
    expect(health.status).toBeTypeOf('string');
    const me = await client.security.authenticate();
    expect(me.username).toBe('elastic');
    await client.close();
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });

  it('answers response parameters and dynamic mappings as Elasticsearch does (issue 14 items 4, 5)', async () => {
    const { child, ready, stopped } = startSandboxProcess([]);
    const { url, password } = await ready;
    const client = new Client({ node: url, auth: { username: 'elastic', password } });
    await client.index({
      index: 'e2e-dyn',
      id: '1',
      document: { day: '2015/09/02', name: 'x' },
      refresh: true,
    });
    // filter_path through the client's common parameter; the second default dynamic date
    // format keeps its pattern as the field's format.
    const mapping = await client.indices.getMapping({
      index: 'e2e-dyn',
      filter_path: '*.mappings.properties.day',
    });
    expect(mapping).toEqual({
      'e2e-dyn': {
        mappings: {
          properties: { day: { type: 'date', format: 'yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis' } },
        },
      },
    });
    const yaml = await client.transport.request(
      { method: 'GET', path: '/e2e-dyn/_mapping', querystring: { format: 'yaml', filter_path: '**.name' } },
      { meta: true },
    );
    expect(yaml.headers['content-type']).toBe('application/yaml');
    expect(yaml.body).toBe(
      [
        '---',
        'e2e-dyn:',
        '  mappings:',
        '    properties:',
        '      name:',
        '        type: "text"',
        '        fields:',
        '          keyword:',
        '            type: "keyword"',
        '            ignore_above: 256',
        '',
      ].join('\n'),
    );
    await client.close();
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });

  it('answers mget, msearch and update by query as Elasticsearch does (issue 14 item 3)', async () => {
    const { child, ready, stopped } = startSandboxProcess([]);
    const { url, password } = await ready;
    const client = new Client({ node: url, auth: { username: 'elastic', password } });
    await client.index({ index: 'e2e-docs', id: '1', document: { name: 'a', n: 1 } });
    await client.index({ index: 'e2e-docs', id: '2', document: { name: 'b', n: 2 }, refresh: true });
    // MultiGetResponse: request order, found:false for a missing id, the item error for a missing
    // index; _source_includes filters each document.
    const got = await client.mget({
      docs: [
        { _index: 'e2e-docs', _id: '2' },
        { _index: 'e2e-docs', _id: '9' },
        { _index: 'e2e-none', _id: '1' },
      ],
      _source_includes: ['name'],
    });
    expect(got.docs[0]).toMatchObject({ _id: '2', found: true, _source: { name: 'b' } });
    expect(got.docs[1]).toEqual({ _index: 'e2e-docs', _id: '9', found: false });
    expect((got.docs[2] as { error: { type: string } }).error.type).toBe('index_not_found_exception');
    // MultiSearchResponse: one item per search with its status, failures as items.
    const found = await client.msearch({
      searches: [{ index: 'e2e-docs' }, { query: { ids: { values: ['1'] } } }, { index: 'e2e-none' }, {}],
    });
    expect(found.responses.map((r) => r.status)).toEqual([200, 404]);
    // Update by query re-indexes each hit in place: its version moves to 2.
    const updated = await client.updateByQuery({ index: 'e2e-docs', refresh: true });
    expect(updated).toMatchObject({ total: 2, updated: 2, version_conflicts: 0, failures: [] });
    expect((await client.get({ index: 'e2e-docs', id: '1' }))._version).toBe(2);
    await client.close();
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });

  it('answers human=true, node stats, data streams in _resolve/index and API key composites (issue 14 items 2, 4, 6, 7)', async () => {
    const { child, ready, stopped } = startSandboxProcess([]);
    const { url, password } = await ready;
    const client = new Client({ node: url, auth: { username: 'elastic', password } });
    // ClusterHealthResponse with human=true: the readable twin first (TimeValue 0 reads "0s").
    const health = await client.transport.request(
      { method: 'GET', path: '/_cluster/health', querystring: { human: 'true', filter_path: 'task_max*' } },
      { meta: true },
    );
    expect(health.body).toEqual({ task_max_waiting_in_queue: '0s', task_max_waiting_in_queue_millis: 0 });
    // One node, the documents it holds.
    await client.index({ index: 'e2e-stats', document: { n: 1 }, refresh: true });
    const stats = await client.nodes.stats({ metric: 'indices', index_metric: 'docs' });
    expect(stats._nodes).toEqual({ total: 1, successful: 1, failed: 0 });
    expect(Object.values(stats.nodes)[0]?.indices?.docs).toEqual({ count: 1, deleted: 0 });
    // ResolveIndexAction lists a data stream with its backing indices and timestamp field.
    await client.indices.putIndexTemplate({
      name: 'e2e-logs',
      index_patterns: ['e2e-logs*'],
      data_stream: {},
    });
    await client.indices.createDataStream({ name: 'e2e-logs' });
    const resolved = await client.indices.resolveIndex({ name: 'e2e-logs' });
    expect(resolved.data_streams).toHaveLength(1);
    expect(resolved.data_streams[0]).toMatchObject({ name: 'e2e-logs', timestamp_field: '@timestamp' });
    expect(resolved.data_streams[0]?.backing_indices[0]).toMatch(
      /^\.ds-e2e-logs-\d{4}\.\d{2}\.\d{2}-000001$/,
    );
    // Composite with terms sources in the API key query API (ApiKeyAggregationsBuilder).
    await client.security.createApiKey({ name: 'e2e-a', metadata: { env: 'prod' } });
    await client.security.createApiKey({ name: 'e2e-b', metadata: { env: 'prod' } });
    const keys = await client.security.queryApiKeys({
      size: 0,
      aggs: { envs: { composite: { sources: [{ env: { terms: { field: 'metadata.env' } } }] } } },
    } as never);
    expect(keys.aggregations).toEqual({
      envs: { after_key: { env: 'prod' }, buckets: [{ key: { env: 'prod' }, doc_count: 2 }] },
    });
    await client.close();
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });

  it('answers _cluster/stats fields selected with filter_path, refuses the others, and words API key agg refusals as Elasticsearch (issue 14 item 6)', async () => {
    const { child, ready, stopped } = startSandboxProcess([]);
    const { url, password } = await ready;
    const client = new Client({ node: url, auth: { username: 'elastic', password } });
    await client.indices.create({
      index: 'e2e-cs',
      settings: { number_of_shards: 2, number_of_replicas: 0 },
    });
    await client.index({ index: 'e2e-cs', document: { n: 1 }, refresh: true });
    // ClusterStatsIndices: one index, its 2 primaries on the node, the primaries' documents;
    // the status is the cluster health's (no replica asked for: green).
    const stats = await client.cluster.stats({
      filter_path: [
        'status',
        'indices.count',
        'indices.shards.total',
        'indices.docs',
        '-indices.docs.total_size_in_bytes',
      ],
    });
    expect(stats).toEqual({
      status: 'green',
      indices: { count: 1, shards: { total: 2 }, docs: { count: 1, deleted: 0 } },
    });
    // Without filter_path: a 400 naming what is not emulated.
    const refused = await client.cluster.stats().catch((e: unknown) => e as errors.ResponseError);
    expect(refused).toBeInstanceOf(errors.ResponseError);
    expect((refused as errors.ResponseError).statusCode).toBe(400);
    expect((refused as errors.ResponseError).body).toMatchObject({
      error: { type: 'illegal_argument_exception' },
    });
    expect(String((refused as errors.ResponseError).body.error.reason)).toMatch(
      /^the eskeys sandbox does not emulate \[cluster\.stats\] fields \[indices\.docs\.total_size_in_bytes, indices\.store, .*\]; select the emulated fields with filter_path$/,
    );
    // ApiKeyAggregationsBuilder: "Unsupported API Keys agg [<name>] of type [<type>]".
    const agg = await client.security
      .queryApiKeys({ aggs: { newest: { max: { field: 'creation' } } } } as never)
      .catch((e: unknown) => e as errors.ResponseError);
    expect((agg as errors.ResponseError).statusCode).toBe(400);
    expect((agg as errors.ResponseError).body.error.reason).toBe(
      'Unsupported API Keys agg [newest] of type [max]',
    );
    await client.close();
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });

  it('serves HTTPS that verifies against the printed CA fingerprint', async () => {
    const { child, ready, stopped } = startSandboxProcess(['--tls', '--es-version', '9']);
    const { url, password, fingerprint } = await ready;
    expect(url.startsWith('https://')).toBe(true);
    expect(fingerprint).toBeDefined();
    const hex = fingerprint!.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
    const client = new Client({
      node: url,
      auth: { username: 'elastic', password },
      caFingerprint: hex.match(/../g)!.join(':'),
      tls: { rejectUnauthorized: false },
    });
    const info = await client.info();
    expect(info.version.number.startsWith('9.')).toBe(true);
    await client.close();
    child.kill('SIGINT');
    await stopped;
  });

  it('rejects a bad port with exit 2 and a one-line message', async () => {
    const child = spawn(process.execPath, [CLI, 'sandbox', '--port', 'http'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('--port');
  });
});
