import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsCluster } from '../../../src/adapters/es/es-cluster.js';
import { resolveConnection } from '../../../src/core/config/connection.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';

function adapterFor(sb: Sandbox, pageSize?: number) {
  return createEsCluster(
    resolveConnection({ url: sb.url, username: sb.username, password: sb.password }, {}, []),
    { pageSize },
  );
}

describe.each([
  ['8.19.3', true],
  ['8.12.2', false],
])('ES adapter against Elasticsearch %s', (version, expirationUpdates) => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, version });
  });
  afterAll(() => sb.close());

  it(`updates metadata and ${expirationUpdates ? 'sets' : 'cannot set'} the expiration, without asking the version first`, async () => {
    const es = adapterFor(sb);
    try {
      expect(es.adminAuthKind).toBe('user');
      const key = await es.createApiKey({
        name: 'k',
        roleDescriptors: {},
        metadata: { a: 1 },
        expiration: '30d',
      });
      sb.counters.reset();
      const r = await es.updateApiKey(key.id, { metadata: { a: 2 }, expiration: '1h' });
      expect(r).toEqual({ updated: true, expirationApplied: expirationUpdates });
      // One request on current clusters; a refused field costs one more only on old ones.
      expect(sb.counters.total()).toBe(expirationUpdates ? 1 : 2);
      expect(sb.counters.byEndpoint()['GET /'] ?? 0).toBe(0);
      const info = await es.getApiKey(key.id);
      expect(info?.metadata).toEqual({ a: 2 });
      const hoursLeft = (info!.expiration!.getTime() - Date.now()) / 3_600_000;
      if (expirationUpdates) expect(hoursLeft).toBeLessThanOrEqual(1);
      else expect(hoursLeft).toBeGreaterThan(24 * 29);
    } finally {
      await es.close();
    }
  });

  it('findManagedKeys reads a full last page without asking for an empty one', async () => {
    const es = adapterFor(sb, 3);
    try {
      await sb.state.seedApiKeys({ count: 3, metadata: { managed_by: 'eskeys', template: 'paged' } });
      sb.counters.reset();
      const keys = await es.findManagedKeys({ template: 'paged' });
      expect(keys).toHaveLength(3);
      expect(sb.counters.total()).toBe(1);
    } finally {
      await es.close();
    }
  });
});
