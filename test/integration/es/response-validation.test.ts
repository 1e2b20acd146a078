import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsCluster, type EsCluster } from '../../../src/adapters/es/es-cluster.js';
import { resolveConnection } from '../../../src/core/config/connection.js';
import { ClusterUnavailableError } from '../../../src/core/errors.js';
import { type FaultSpec, type Sandbox, startSandbox } from '../../../src/sandbox/index.js';

let sb: Sandbox;
let es: EsCluster;
beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  es = createEsCluster(
    resolveConnection({ url: sb.url, username: sb.username, password: sb.password }, {}, []),
    { retry: { sleep: async () => {} } },
  );
});
afterAll(async () => {
  await es.close();
  await sb.close();
});

const HTML = '<!doctype html><title>Bad gateway</title>';
const json = (v: unknown) => JSON.stringify(v);

/**
 * Every answer the adapter reads is checked before use: an unusable 200 becomes one exit-3
 * ClusterUnavailableError naming the API and the field, never a TypeError further on.
 */
describe('ES adapter: unusable 200 answers', () => {
  it.each<[string, FaultSpec, (es: EsCluster) => Promise<unknown>, RegExp]>([
    [
      'get API key as HTML',
      { method: 'GET', path: '/_security/api_key', body: HTML, contentType: 'text/html' },
      (c) => c.getApiKey('some-id'),
      /answered get API key with an unusable body: the body is not JSON$/,
    ],
    [
      'get API key with a key missing `invalidated`',
      {
        method: 'GET',
        path: '/_security/api_key',
        body: json({ api_keys: [{ id: 'a', name: 'n', creation: 1, username: 'u', realm: 'r' }] }),
      },
      (c) => c.getApiKey('a'),
      /answered get API key with an unusable body: field "api_keys\[0\]\.invalidated" missing$/,
    ],
    [
      'query with a numeric key id',
      {
        method: 'POST',
        path: '/_security/_query/api_key',
        body: json({
          total: 1,
          count: 1,
          api_keys: [{ id: 7, name: 'n', creation: 1, invalidated: false, username: 'u', realm: 'r' }],
        }),
      },
      (c) => c.findManagedKeys(),
      /answered query API keys with an unusable body: field "api_keys\[0\]\.id" is a number, expected string$/,
    ],
    [
      'update without `updated`',
      { method: 'PUT', path: /^\/_security\/api_key\//, body: json({}) },
      (c) => c.updateApiKey('x', { metadata: {} }),
      /answered update API key with an unusable body: field "updated" missing$/,
    ],
    [
      'invalidate with a string count instead of id lists',
      { method: 'DELETE', path: '/_security/api_key', body: json({ invalidated_api_keys: 'x' }) },
      (c) => c.invalidateApiKeys(['x']),
      /answered invalidate API keys with an unusable body: field "invalidated_api_keys" is a string, expected array$/,
    ],
    [
      'has_privileges as an empty body',
      { method: 'POST', path: '/_security/user/_has_privileges', body: '' },
      (c) => c.hasPrivileges({ cluster: ['monitor'] }),
      /answered has privileges with an unusable body: the body is empty$/,
    ],
    [
      'info (GET /) without a version',
      { method: 'GET', path: '/', body: json({ name: 'node-1' }) },
      (c) => c.clusterInfo(),
      /answered info \(GET \/\) with an unusable body: field "version" missing$/,
    ],
    [
      'authenticate with a numeric username',
      { method: 'GET', path: '/_security/_authenticate', body: json({ username: 1, roles: [] }) },
      (c) => c.authenticate(),
      /answered authenticate with an unusable body: field "username" is a number, expected string$/,
    ],
  ])('%s: ClusterUnavailableError (exit 3) naming the API and field', async (_name, fault, call, message) => {
    sb.faults.clear();
    sb.faults.inject(fault);
    const err = await call(es).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterUnavailableError);
    expect((err as ClusterUnavailableError).exitCode).toBe(3);
    expect((err as Error).message).toMatch(message);
  });

  it('a create answer whose `encoded` does not carry its id is refused, and the secret is not quoted', async () => {
    sb.faults.clear();
    sb.faults.inject({
      method: 'PUT',
      path: '/_security/api_key',
      // base64("other-id:hidden-secret")
      body: json({
        id: 'my-id',
        name: 'k',
        api_key: 'hidden-secret',
        encoded: btoa('other-id:hidden-secret'),
      }),
    });
    const err = await es.createApiKey({ name: 'k', roleDescriptors: {}, metadata: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ClusterUnavailableError);
    expect(err.message).toMatch(
      /answered create API key with an unusable body: field "encoded" is not base64 of the key's id and secret$/,
    );
    expect(err.message).not.toContain('hidden-secret');
    expect(err.message).not.toContain(btoa('other-id:hidden-secret'));
  });

  it('well-formed answers still pass (a real create, get and invalidate)', async () => {
    sb.faults.clear();
    const k = await es.createApiKey({ name: 'ok', roleDescriptors: {}, metadata: {} });
    expect((await es.getApiKey(k.id))?.name).toBe('ok');
    expect(await es.invalidateApiKeys([k.id])).toEqual({ invalidated: [k.id] });
  });
});
