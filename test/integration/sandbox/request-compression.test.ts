/**
 * Compressed request bodies. Elasticsearch's HTTP layer decompresses `Content-Encoding: gzip` and
 * `deflate` request bodies before any REST handler reads them (Netty's HttpContentDecompressor in
 * the HTTP server pipeline), which is why the official clients offer `compression`: the same
 * documents, bulk lines and searches must give the same answers compressed or not. Facts:
 * docs/es-facts.md, "Compressed request bodies".
 */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
let gzipClient: Client;
beforeAll(async () => {
  tc = await startTestCluster();
  const key = await tc.apiKey({
    indices: [{ names: ['zipped-*'], privileges: ['write', 'read', 'create_index'] }],
  });
  // The official client's option: it gzips every request body and sends Content-Encoding: gzip.
  gzipClient = new Client({
    node: tc.sandbox.url,
    auth: { apiKey: key.encoded },
    compression: true,
    maxRetries: 0,
  });
});
afterAll(async () => {
  await gzipClient.close();
  await tc.close();
});

/** Sends `body` as-is with the given Content-Encoding; returns status and parsed answer. */
async function raw(method: string, path: string, body: Buffer, encoding: string) {
  const res = await fetch(`${tc.sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`elastic:${tc.sandbox.password}`).toString('base64')}`,
      'content-type': 'application/json',
      'content-encoding': encoding,
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('compressed request bodies', () => {
  it('the official client with compression indexes, bulks and searches as without it', async () => {
    await gzipClient.index({ index: 'zipped-a', id: '1', document: { msg: 'one' } });
    const bulk = await gzipClient.bulk({
      refresh: true,
      operations: [
        { index: { _index: 'zipped-a', _id: '2' } },
        { msg: 'two' },
        { create: { _index: 'zipped-a', _id: '3' } },
        { msg: 'three' },
      ],
    });
    expect(bulk.errors).toBe(false);
    const found = await gzipClient.search({ index: 'zipped-a', query: { match: { msg: 'two' } } });
    expect(found.hits.hits.map((h) => h._id)).toEqual(['2']);
    expect(await gzipClient.count({ index: 'zipped-a' })).toMatchObject({ count: 3 });
  });

  it('deflate bodies are read zlib-wrapped or raw (Netty ZLIB_OR_NONE)', async () => {
    const doc = Buffer.from(JSON.stringify({ msg: 'deflated' }));
    expect((await raw('PUT', '/zipped-b/_doc/1', deflateSync(doc), 'deflate')).status).toBe(201);
    expect((await raw('PUT', '/zipped-b/_doc/2', deflateRawSync(doc), 'x-deflate')).status).toBe(201);
    expect((await raw('PUT', '/zipped-b/_doc/3', gzipSync(doc), 'x-gzip')).status).toBe(201);
    const got = await tc.admin.get({ index: 'zipped-b', id: '2' });
    expect(got._source).toEqual({ msg: 'deflated' });
  });

  it('a coding the sandbox does not decode is refused by name, and nothing is written', async () => {
    const answer = await raw('PUT', '/zipped-c/_doc/1', Buffer.from('{"msg":"x"}'), 'br');
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      type: 'illegal_argument_exception',
      reason: 'the eskeys sandbox does not emulate [Content-Encoding [br]]',
    });
    expect(await tc.admin.indices.exists({ index: 'zipped-c' })).toBe(false);
  });
});
