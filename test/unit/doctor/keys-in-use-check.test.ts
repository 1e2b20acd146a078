import { describe, expect, it } from 'vitest';
import type { ApiKeyInfo } from '../../../src/core/cluster-port.js';
import { keysInUseCheck } from '../../../src/core/doctor/keys-in-use-check.js';
import { AuthorizationError } from '../../../src/core/errors.js';
import { type HeldPrivileges, ScriptedCluster } from './support.js';

/** A managed key in use as the query API returns it (role_descriptors since 8.5). */
const KEY: ApiKeyInfo = {
  id: 'k1',
  name: 'email-search@prod#3',
  creation: new Date('2025-01-01T00:00:00Z'),
  invalidated: false,
  username: 'eskeys-admin',
  realm: 'default_native',
  metadata: { managed_by: 'eskeys', state: 'active' },
  roleDescriptors: {
    'email-search': {
      cluster: ['monitor'],
      indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'index'] }],
    },
  },
};

function clusterWith(admin: HeldPrivileges | undefined, keys: ApiKeyInfo[] = [KEY]) {
  const c = new ScriptedCluster(admin);
  c.keys = keys;
  return c;
}

describe('doctor: managed keys in use that retiring would narrow', () => {
  it('ok when the admin holds every privilege of every key in use', async () => {
    // The admin's role grants `all` on gmail_emails-*, which covers read and index.
    const c = clusterWith({
      cluster: ['manage_api_key', 'monitor'],
      index: { 'gmail_emails-*': ['read', 'index'] },
    });
    const check = await keysInUseCheck(c, 'eskeys-admin');
    expect([check.id, check.status]).toEqual(['delegation.keys_in_use', 'ok']);
    expect(check.message).toBe(
      'the admin holds every privilege of the 1 managed key in use: retiring it narrows nothing',
    );
  });

  it('warns with one detail line per key naming what the admin lost', async () => {
    const c = clusterWith({ cluster: ['manage_api_key'], index: { 'gmail_emails-*': ['read'] } });
    const check = await keysInUseCheck(c, 'eskeys-admin');
    expect(check.status).toBe('warn');
    expect(check.details).toEqual(['email-search@prod#3 (id k1): cluster monitor, index on gmail_emails-*']);
    expect(check.fix).toMatch(/--strict/);
  });

  it('warns about a key whose descriptors the cluster did not report (it cannot be judged)', async () => {
    const { roleDescriptors: _, ...bare } = KEY;
    const check = await keysInUseCheck(clusterWith(undefined, [bare]), 'eskeys-admin');
    expect(check.status).toBe('warn');
    expect(check.message).toMatch(/could not check email-search@prod#3$/);
  });

  it('is skipped when the admin may not query API keys (403)', async () => {
    const c = new ScriptedCluster();
    c.keys = new AuthorizationError('admin identity may not query API keys on https://es.example:9200', {
      answer: { status: 403, type: 'security_exception' },
    });
    expect((await keysInUseCheck(c, 'eskeys-admin')).status).toBe('skip');
  });
});
