import { describe, expect, it } from 'vitest';
import { adminLabel, renderPlan } from '../../../src/cli/render/rotation-report.js';
import type { AdminIdentity } from '../../../src/core/cluster-port.js';
import { parseManagedKey } from '../../../src/core/rotation/key-metadata.js';
import type { ProceedPlan } from '../../../src/core/rotation/plan-rotation.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('adminLabel: the admin as the plan names it', () => {
  it.each<{ name: string; who: AdminIdentity; label: string }>([
    {
      name: 'a native user: username and realm name',
      who: {
        username: 'eskeys-admin',
        roles: ['eskeys-admin'],
        authenticationRealm: { name: 'default_native', type: 'native' },
        authenticationType: 'realm',
      },
      label: 'eskeys-admin (realm default_native)',
    },
    {
      // _authenticate of an API key: authentication_type api_key, realm _es_api_key (docs/es-facts.md).
      name: 'an API key: its name, not the synthetic _es_api_key realm',
      who: {
        username: 'ops',
        roles: [],
        authenticationRealm: { name: '_es_api_key', type: '_es_api_key' },
        authenticationType: 'api_key',
        apiKey: { id: 'VuaCfGcBCdbkQm-e5aOx', name: 'eskeys-admin-key' },
      },
      label: 'API key eskeys-admin-key',
    },
    {
      name: 'an API key without a name: its id',
      who: {
        username: 'ops',
        roles: [],
        authenticationType: 'api_key',
        apiKey: { id: 'VuaCfGcBCdbkQm-e5aOx' },
      },
      label: 'API key VuaCfGcBCdbkQm-e5aOx',
    },
    { name: 'no realm reported: the username alone', who: { username: 'admin', roles: [] }, label: 'admin' },
  ])('$name', ({ who, label }) => {
    expect(adminLabel(who)).toBe(label);
  });
});

describe('renderPlan: where it acts, first', () => {
  const current = parseManagedKey({
    id: 'curkeycurkeycurkXWxG',
    name: 'email-search@prod#3',
    creation: new Date('2026-05-20T09:30:00Z'),
    invalidated: false,
    username: 'eskeys-admin',
    realm: 'default_native',
    metadata: { managed_by: 'eskeys', template: 'email-search', environment: 'prod', state: 'active' },
  })!;
  const plan: ProceedPlan = {
    action: 'proceed',
    mode: 'rotate',
    template: 'email-search',
    environment: 'prod',
    current,
    otherActive: [],
    cutShort: [],
    stalePending: [],
    generation: 4,
    name: 'email-search@prod#4',
    expiration: '100d',
    graceMs: 86_400_000,
    grace: '24h',
    immediate: false,
    templateChanged: false,
    due: false,
    dueAt: new Date('2026-08-18T09:30:00Z'),
    knownKeyIds: [current.info.id],
    warnings: [],
  };

  it('cluster, environment and admin come right after the plan line; the current key says its age', () => {
    const text = renderPlan(plan, {
      where: {
        url: 'https://es.example.com:9200',
        environment: 'prod',
        admin: {
          username: 'eskeys-admin',
          roles: [],
          authenticationRealm: { name: 'default_native', type: 'native' },
          authenticationType: 'realm',
        },
      },
      files: ['.env'],
      now: NOW,
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      'plan: rotate email-search@prod',
      '  cluster:     https://es.example.com:9200 (environment prod)',
      '  admin:       eskeys-admin (realm default_native)',
      // 2026-05-20T09:30Z → 2026-06-01T12:00Z is 12 days 2.5 hours.
      '  current key: email-search@prod#3 (…XWxG), created 2026-05-20T09:30:00Z, 12d 2h old, rotation due 2026-08-18T09:30:00Z',
    ]);
  });
});
