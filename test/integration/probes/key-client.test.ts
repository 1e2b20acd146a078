import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintKey, type ProbeSandbox, startProbeSandbox } from '../../support/sandbox-helpers.js';

let env: ProbeSandbox;
beforeAll(async () => {
  env = await startProbeSandbox();
});
afterAll(async () => {
  await env?.close();
});

describe('EsCluster requests as a key (admin client with basic auth)', () => {
  it('keyRequest authenticates as the key, not as the admin whose client it shares', async () => {
    const key = await mintKey(env.admin, { none: { cluster: [] } });
    const who = await env.admin.keyRequest(key.encoded, { method: 'GET', path: '/_security/_authenticate' });
    expect(who.status).toBe(200);
    expect((who.body as { authentication_type: string }).authentication_type).toBe('api_key');
    expect((who.body as { api_key: { id: string } }).api_key.id).toBe(key.id);
    const health = await env.admin.keyRequest(key.encoded, { method: 'GET', path: '/_cluster/health' });
    expect(health.status).toBe(403);
  });

  it('hasPrivileges with a key answers for the key', async () => {
    const key = await mintKey(env.admin, { mon: { cluster: ['monitor'] } });
    const r = await env.admin.hasPrivileges({ cluster: ['monitor', 'manage'] }, key.encoded);
    expect(r.cluster).toEqual({ monitor: true, manage: false });
    const admin = await env.admin.hasPrivileges({ cluster: ['manage'] });
    expect(admin.cluster.manage).toBe(true);
  });
});
