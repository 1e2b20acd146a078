/**
 * `eskeys sandbox` as an ingest pipeline meets it (issue 14, item 7): the built CLI's sandbox,
 * driven with the official client, creates a data stream on an ingest key's first write and
 * rolls it over. Facts: docs/es-facts.md "Data streams (issue 14, item 7)".
 */
import { Client, errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { startSandboxProcess } from './sandbox-process.js';

/** The UTC day as Elasticsearch's backing index names write it (uuuu.MM.dd). */
function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '.');
}

describe('eskeys sandbox: data streams', () => {
  it('an ingest key creates the stream on its first create; rollover adds generation 2', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    await admin.indices.putIndexTemplate({
      name: 'logs',
      index_patterns: ['logs-*'],
      data_stream: {},
      priority: 200,
    });
    const key = await admin.security.createApiKey({
      name: 'ingest',
      role_descriptors: {
        ingest: { indices: [{ names: ['logs-*'], privileges: ['create_doc', 'auto_configure'] }] },
      },
    });
    const ingest = new Client({ node: url, auth: { apiKey: key.encoded } });
    const before = Date.now();
    const res = await ingest.bulk({
      operations: [{ create: { _index: 'logs-e2e' } }, { '@timestamp': new Date().toISOString(), msg: 'hi' }],
    });
    const after = Date.now();
    const index = (res.items[0]!.create as { _index: string })._index;
    // ".ds-" + stream + "-" + uuuu.MM.dd (UTC) + "-" + generation on six digits.
    expect([`.ds-logs-e2e-${utcDay(before)}-000001`, `.ds-logs-e2e-${utcDay(after)}-000001`]).toContain(
      index,
    );
    // An index op (PUT with an id) is refused: data streams are append-only.
    const refused = await ingest
      .index({ index: 'logs-e2e', id: 'x', document: { '@timestamp': new Date().toISOString() } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(errors.ResponseError);
    expect((refused as errors.ResponseError).meta.statusCode).toBe(400);
    expect((refused as errors.ResponseError).message).toContain(
      'only write ops with an op_type of create are allowed in data streams',
    );
    const rolled = await admin.indices.rollover({ alias: 'logs-e2e' });
    expect(rolled.rolled_over).toBe(true);
    expect(rolled.new_index).toMatch(/^\.ds-logs-e2e-\d{4}\.\d{2}\.\d{2}-000002$/);
    const streams = await admin.indices.getDataStream({ name: 'logs-e2e' });
    expect(streams.data_streams[0]!.generation).toBe(2);
    await Promise.all([admin.close(), ingest.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});
