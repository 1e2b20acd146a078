import { describe, expect, it } from 'vitest';
import { keysInUseCheck } from '../../../src/core/doctor/keys-in-use-check.js';
import { ScriptedCluster } from './support.js';

/** A managed key in use as the query API returns it (role_descriptors since 8.5). */
const KEY = {
  id: 'k1',
  name: 'email-search@prod#3',
  role_descriptors: {
    'email-search': {
      cluster: ['monitor'],
      indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'index'] }],
    },
  },
};

function clusterWith(admin: ConstructorParameters<typeof ScriptedCluster>[0], keys: object[] = [KEY]) {
  const c = new ScriptedCluster(admin);
  c.answers.set('POST /_security/_query/api_key', {
    status: 200,
    body: { total: keys.length, api_keys: keys },
  });
  return c;
}

describe('doctor: managed keys in use that retiring would narrow', () => {
  it('ok when the admin holds every privilege of every key in use', async () => {
    const c = clusterWith([
      {
        cluster: ['manage_api_key', 'monitor'],
        indices: [{ names: ['gmail_emails-*'], privileges: ['all'] }],
      },
    ]);
    const check = await keysInUseCheck(c, 'eskeys-admin');
    expect([check.id, check.status]).toEqual(['delegation.keys_in_use', 'ok']);
    expect(check.message).toBe(
      'the admin holds every privilege of the 1 managed key in use: retiring it narrows nothing',
    );
  });

  it('warns with one detail line per key naming what the admin lost', async () => {
    const c = clusterWith([
      { cluster: ['manage_api_key'], indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }] },
    ]);
    const check = await keysInUseCheck(c, 'eskeys-admin');
    expect(check.status).toBe('warn');
    expect(check.details).toEqual(['email-search@prod#3 (id k1): cluster monitor, index on gmail_emails-*']);
    expect(check.fix).toMatch(/--strict/);
  });

  it('warns about a key whose descriptors the cluster did not report (it cannot be judged)', async () => {
    const { role_descriptors: _, ...bare } = KEY;
    const check = await keysInUseCheck(clusterWith(undefined, [bare]), 'eskeys-admin');
    expect(check.status).toBe('warn');
    expect(check.message).toMatch(/could not check email-search@prod#3$/);
  });

  it('is skipped when the admin may not query API keys (403)', async () => {
    const c = new ScriptedCluster();
    c.answers.set('POST /_security/_query/api_key', {
      status: 403,
      body: { error: { type: 'security_exception' } },
    });
    expect((await keysInUseCheck(c, 'eskeys-admin')).status).toBe('skip');
  });
});
