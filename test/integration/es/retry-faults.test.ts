import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsCluster } from '../../../src/adapters/es/es-cluster.js';
import { resolveConnection } from '../../../src/core/config/connection.js';
import { ClusterUnavailableError } from '../../../src/core/errors.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());

function adapter() {
  return createEsCluster(
    resolveConnection({ url: sb.url, username: sb.username, password: sb.password }, {}, []),
    {
      retry: { sleep: async () => {} },
    },
  );
}

describe('ES adapter under faults (sandbox fault injection)', () => {
  it('retries idempotent reads through 429/503 and a dropped connection', async () => {
    const es = adapter();
    try {
      sb.faults.inject({ method: 'POST', path: '/_security/_query/api_key', status: 429 });
      sb.faults.inject({ method: 'POST', path: '/_security/_query/api_key', status: 503 });
      sb.faults.inject({ method: 'POST', path: '/_security/_query/api_key', drop: true });
      sb.counters.reset();
      expect(await es.findManagedKeys({ template: 'none' })).toEqual([]);
      expect(sb.counters.byEndpoint()['POST /_security/_query/api_key']).toBe(4);
    } finally {
      sb.faults.clear();
      await es.close();
    }
  });

  it('never retries key creation (a retry after a lost answer could mint a second key): exit-3 error, one request', async () => {
    const es = adapter();
    try {
      sb.faults.inject({ path: '/_security/api_key', status: 503 });
      sb.counters.reset();
      const err = await es.createApiKey({ name: 'k', roleDescriptors: {}, metadata: {} }).catch((e) => e);
      expect(err).toBeInstanceOf(ClusterUnavailableError);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(/answered 503 while creating API key k/);
      expect(sb.counters.total()).toBe(1);
    } finally {
      sb.faults.clear();
      await es.close();
    }
  });
});
