import { describe, expect, it } from 'vitest';
import type { ApiKeyInfo } from '../../../src/core/cluster-port.js';
import {
  canDoEverything,
  descriptorsHash,
  type FindingContext,
  type InventoryFinding,
  InventorySummary,
  indexTemplates,
  inventoryEntry,
  PRIVILEGE_LINT_RULES,
  privilegeFindings,
  SnapshotCache,
  secretLikeMetadata,
} from '../../../src/core/inventory/index.js';
import { lintRule } from '../../../src/core/lint/index.js';
import { SUPERUSER_DESCRIPTOR } from '../../../src/core/privileges/index.js';
import { templateHash } from '../../../src/core/rotation/template-hash.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const MINIMAL = {
  app: {
    cluster: ['monitor'],
    indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'index'] }],
  },
};
/** As the cluster renders MINIMAL back (defaults filled in). */
const MINIMAL_RENDERED = {
  app: {
    cluster: ['monitor'],
    indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'index'], allow_restricted_indices: false }],
    applications: [],
    run_as: [],
    metadata: {},
    transient_metadata: { enabled: true },
  },
};

function key(over: Partial<ApiKeyInfo> = {}): ApiKeyInfo {
  return {
    id: 'key-id-0001',
    name: 'some-key',
    creation: ago(DAY),
    expiration: new Date(NOW.getTime() + 30 * DAY),
    invalidated: false,
    username: 'elastic',
    realm: 'reserved',
    metadata: {},
    roleDescriptors: MINIMAL_RENDERED,
    limitedBy: { superuser: SUPERUSER_DESCRIPTOR },
    ...over,
  };
}

function managedMeta(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    managed_by: 'eskeys',
    template: 'email-search',
    environment: 'prod',
    template_hash: templateHash(MINIMAL),
    generation: 3,
    created_by: 'ops@host-a',
    rotation_id: 'r-1',
    state: 'active',
    rotate_every: '90d',
    grace: '24h',
    review_every: '30d',
    ...over,
  };
}

const templates = indexTemplates(
  [{ name: 'email-search', role_descriptors: MINIMAL as never }],
  templateHash,
);
const ctx = (over: Partial<FindingContext> = {}): FindingContext => ({ now: NOW, templates, ...over });

const rules = (fs: readonly InventoryFinding[]) => fs.map((f) => `${f.severity}:${f.rule}`);

describe('findings of one key', () => {
  it.each<[string, Partial<ApiKeyInfo>, string[]]>([
    ['a minimal key with an expiration has none', {}, []],
    [
      'empty role descriptors of a superuser owner: critical, with the inherited grants',
      { roleDescriptors: {} },
      [
        'critical:inherits-owner-privileges',
        'critical:run-as',
        'critical:grant-all',
        'high:restricted-indices',
        'high:broad-pattern',
      ],
    ],
    [
      'no descriptors and no snapshot returned: high',
      { roleDescriptors: {}, limitedBy: undefined },
      ['high:inherits-owner-privileges'],
    ],
    [
      'descriptors not returned (cluster before 8.5): unknown, an info note, not "inherits"',
      { roleDescriptors: undefined, limitedBy: undefined },
      ['info:descriptors-not-returned'],
    ],
    [
      'empty descriptors of a read-only owner: medium',
      {
        roleDescriptors: {},
        username: 'alice',
        realm: 'default_native',
        limitedBy: {
          reader: { cluster: ['monitor'], indices: [{ names: ['logs-app'], privileges: ['read'] }] },
        },
      },
      ['medium:inherits-owner-privileges'],
    ],
    [
      'empty descriptors of an owner who may delete indices: high',
      {
        roleDescriptors: {},
        limitedBy: { ops: { indices: [{ names: ['logs-*'], privileges: ['read', 'delete_index'] }] } },
      },
      ['high:inherits-owner-privileges', 'high:grant-delete-index'],
    ],
    ['cluster all', { roleDescriptors: { r: { cluster: ['all'] } } }, ['critical:grant-all']],
    [
      'manage_security',
      { roleDescriptors: { r: { cluster: ['manage_security'] } } },
      ['critical:security-privilege-on-service-key'],
    ],
    [
      'manage_api_key',
      { roleDescriptors: { r: { cluster: ['manage_api_key'] } } },
      ['critical:security-privilege-on-service-key'],
    ],
    [
      'manage_own_api_key alone (only the key itself, but from 9.4 it clones itself without expiration)',
      { roleDescriptors: { r: { cluster: ['manage_own_api_key'] } } },
      ['high:security-privilege-on-service-key'],
    ],
    [
      'read_security (reads every key and its metadata)',
      { roleDescriptors: { r: { cluster: ['read_security'] } } },
      ['medium:security-privilege-on-service-key'],
    ],
    ['cluster manage', { roleDescriptors: { r: { cluster: ['manage'] } } }, ['high:grant-manage']],
    [
      'index all on one prefix',
      { roleDescriptors: { r: { indices: [{ names: ['app-*'], privileges: ['all'] }] } } },
      ['critical:grant-all'],
    ],
    [
      'index manage',
      { roleDescriptors: { r: { indices: [{ names: ['app-*'], privileges: ['manage'] }] } } },
      ['high:grant-manage'],
    ],
    [
      'delete_index',
      { roleDescriptors: { r: { indices: [{ names: ['app-*'], privileges: ['delete_index'] }] } } },
      ['high:grant-delete-index'],
    ],
    [
      'read on every index',
      { roleDescriptors: { r: { indices: [{ names: ['*'], privileges: ['read'] }] } } },
      ['high:broad-pattern'],
    ],
    [
      'write (document delete included): high, as a lint error on a live key',
      { roleDescriptors: { r: { indices: [{ names: ['app-*'], privileges: ['write'] }] } } },
      ['high:write-includes-delete'],
    ],
    [
      'explicit delete: medium, as a lint warning on a live key',
      { roleDescriptors: { r: { indices: [{ names: ['app-*'], privileges: ['index', 'delete'] }] } } },
      ['medium:grant-delete'],
    ],
    ['run_as a named user', { roleDescriptors: { r: { run_as: ['reporting'] } } }, ['high:run-as']],
    ['no expiration', { expiration: undefined }, ['medium:no-expiration']],
    ['older than 90 days', { creation: ago(120 * DAY) }, ['medium:older-than-90-days']],
    [
      'metadata named like a secret (value never shown)',
      { metadata: { app: 'x', db: { password: 'hunter2' } } },
      ['high:secret-in-metadata'],
    ],
    [
      'an invalidated key with all privileges grants nothing any more',
      { invalidated: true, roleDescriptors: { r: { cluster: ['all'] } } },
      [],
    ],
    [
      'an expired key with no descriptors grants nothing any more',
      { expiration: ago(1000), roleDescriptors: {} },
      [],
    ],
    [
      'an invalidated key still exposes its metadata',
      { invalidated: true, metadata: { api_key: 'abc' } },
      ['high:secret-in-metadata'],
    ],
  ])('%s', (_name, over, expected) => {
    expect(rules(inventoryEntry(key(over), ctx()).findings)).toEqual(expected);
  });

  it('every finding has a one-line message, an explanation and a safer alternative', () => {
    const e = inventoryEntry(
      key({ roleDescriptors: {}, expiration: undefined, creation: ago(200 * DAY) }),
      ctx(),
    );
    expect(e.findings.length).toBeGreaterThan(4);
    for (const f of e.findings) {
      expect(f.message).not.toMatch(/\n/);
      expect(f.explanation.length).toBeGreaterThan(20);
      expect(f.alternative.length).toBeGreaterThan(10);
    }
    expect(e.findings.find((f) => f.rule === 'grant-all')!.inherited).toBe(true);
    expect(e.findings.find((f) => f.rule === 'inherits-owner-privileges')!.message).toContain(
      'everything its owner elastic (reserved) can',
    );
  });

  it('never puts a metadata value into a message', () => {
    const e = inventoryEntry(key({ metadata: { db_password: 'hunter2-secret', token: 'tok-123' } }), ctx());
    expect(JSON.stringify(e)).not.toContain('hunter2');
    expect(JSON.stringify(e)).not.toContain('tok-123');
    expect(e.metadataKeys).toEqual(['db_password', 'token']);
  });
});

describe('security privileges on a live key', () => {
  it('say what each privilege does on a key, by version, not lint\'s "mints fresh keys"', () => {
    for (const priv of ['manage_api_key', 'manage_own_api_key']) {
      const f = inventoryEntry(key({ roleDescriptors: { r: { cluster: [priv] } } }), ctx()).findings[0]!;
      expect(f.rule).toBe('security-privilege-on-service-key');
      expect(f.explanation).not.toContain('mints fresh keys');
      expect(f.explanation).toContain('invalidates every REST key in the cluster');
      expect(f.explanation).toContain('from 9.4 it clones itself');
      expect(f.explanation).toContain('an API key owns no other key');
    }
    const s = new InventorySummary();
    s.add(inventoryEntry(key({ roleDescriptors: { r: { cluster: ['manage_api_key'] } } }), ctx()));
    expect(s.rules()[0]!.explanation).toContain('before 9.4');
  });
});

describe('descriptors absent versus empty', () => {
  it('an absent field is "unreported", an empty object inherits', () => {
    const absent = inventoryEntry(key({ roleDescriptors: undefined, limitedBy: undefined }), ctx());
    expect(absent.privilegeSource).toBe('unreported');
    expect(absent.findings[0]!.message).toContain('before 8.5');
    const empty = inventoryEntry(key({ roleDescriptors: {}, limitedBy: undefined }), ctx());
    expect(empty.privilegeSource).toBe('unknown');
    const s = new InventorySummary();
    s.add(absent);
    s.add(empty);
    expect(s).toMatchObject({ inheriting: 1, unreported: 1 });
  });
});

describe('findings of managed keys', () => {
  it.each<[string, Partial<ApiKeyInfo>, Record<string, unknown>, Partial<FindingContext>, string[]]>([
    ['current template, one valid key: none', {}, {}, {}, []],
    ['template changed since minting', {}, { template_hash: 'sha256:old' }, {}, ['medium:template-drift']],
    [
      'descriptors edited outside eskeys',
      { roleDescriptors: { app: { cluster: ['monitor', 'manage'] } } },
      {},
      {},
      ['high:grant-manage', 'medium:template-drift'],
    ],
    ['template gone from roles/', {}, { template: 'old-service' }, {}, ['medium:template-missing']],
    ['template checks skipped without roles/', {}, { template: 'old-service' }, { templates: undefined }, []],
    [
      'three valid keys for one template and environment',
      {},
      {},
      { validPerGroup: new Map([['email-search@prod', 3]]) },
      ['medium:too-many-valid-keys'],
    ],
    [
      'superseded past revoke_after, still valid',
      {},
      {
        state: 'superseded',
        superseded_at: ago(3 * DAY).toISOString(),
        revoke_after: ago(2 * DAY).toISOString(),
      },
      {},
      ['high:revoke-overdue'],
    ],
    [
      'superseded within its grace',
      {},
      { state: 'superseded', revoke_after: new Date(NOW.getTime() + 3600_000).toISOString() },
      {},
      [],
    ],
    [
      'pending for an hour (interrupted rotation)',
      { creation: ago(3600_000) },
      { state: 'pending' },
      {},
      ['medium:stale-pending'],
    ],
    ['pending for a minute (rotation in progress)', { creation: ago(60_000) }, { state: 'pending' }, {}, []],
    [
      'active past its rotation period, under 90 days',
      { creation: ago(40 * DAY) },
      { rotate_every: '30d' },
      {},
      ['info:rotation-overdue'],
    ],
    [
      'active past rotation and over 90 days: one medium finding, not two',
      { creation: ago(100 * DAY) },
      {},
      {},
      ['medium:rotation-overdue'],
    ],
  ])('%s', (_name, over, meta, c, expected) => {
    const e = inventoryEntry(key({ metadata: managedMeta(meta), ...over }), ctx(c));
    expect(rules(e.findings)).toEqual(expected);
  });

  it.each<[string, Partial<FindingContext>, Record<string, unknown>, string[]]>([
    [
      'templates checked, metadata copied from a real key (hash matches)',
      {},
      {},
      ['high:inherits-owner-privileges', 'high:template-drift', 'high:security-privilege-on-service-key'],
    ],
    [
      'templates not checked (no roles/)',
      { templates: undefined },
      {},
      ['high:inherits-owner-privileges', 'high:template-drift', 'high:security-privilege-on-service-key'],
    ],
    [
      'a template this project does not have',
      {},
      { template: 'elsewhere' },
      ['high:inherits-owner-privileges', 'high:template-drift', 'high:security-privilege-on-service-key'],
    ],
  ])(
    'forged eskeys metadata on a key with EMPTY descriptors by another user: high (%s)',
    (_n, c, meta, expected) => {
      const forged = inventoryEntry(
        key({
          username: 'mallory',
          realm: 'default_native',
          metadata: managedMeta(meta),
          roleDescriptors: {},
          limitedBy: {
            dev: {
              cluster: ['monitor', 'manage_own_api_key'],
              indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'index'] }],
            },
          },
        }),
        ctx(c),
      );
      expect(rules(forged.findings)).toEqual(expected);
      // The reviewer sees who owns the "managed" key.
      expect(forged.owner).toEqual({ username: 'mallory', realm: 'default_native' });
      expect(forged.managed?.label).toBe(`${String(managedMeta(meta).template)}@prod#3`);
      expect(forged.findings.find((f) => f.rule === 'template-drift')!.message).toContain(
        'no role descriptors: the key has every privilege of its owner mallory (default_native)',
      );
    },
  );

  it('forged eskeys metadata, empty descriptors, superuser owner: critical', () => {
    const e = inventoryEntry(key({ metadata: managedMeta(), roleDescriptors: {} }), ctx());
    expect(rules(e.findings).slice(0, 1)).toEqual(['critical:inherits-owner-privileges']);
    expect(rules(e.findings)).toContain('high:template-drift');
  });

  it('shows the managed identity and state', () => {
    const e = inventoryEntry(key({ metadata: managedMeta({ state: 'superseded' }) }), ctx());
    expect(e.managed).toEqual({
      template: 'email-search',
      environment: 'prod',
      generation: 3,
      state: 'superseded',
      label: 'email-search@prod#3',
    });
  });
});

describe('privilege model reuse', () => {
  it.each(PRIVILEGE_LINT_RULES)('lint rule %s runs over role descriptors alone', (id) => {
    const hits = lintRule(id).check({
      role_descriptors: {
        r: { cluster: ['all'], indices: [{ names: ['*'], privileges: ['write', 'all'] }] },
      },
    } as never);
    expect(Array.isArray(hits)).toBe(true);
  });

  it('merges several occurrences of one rule into one finding', () => {
    const fs = privilegeFindings({
      a: { cluster: ['all'], indices: [{ names: ['x-*'], privileges: ['all'] }] },
    });
    const all = fs.filter((f) => f.rule === 'grant-all');
    expect(all).toHaveLength(1);
    expect(all[0]!.message).toContain('cluster privilege "all"');
    expect(all[0]!.message).toContain('index privilege "all" on x-*');
  });

  it.each([
    ['superuser', { superuser: SUPERUSER_DESCRIPTOR }, true],
    [
      'cluster all and index all on *',
      { r: { cluster: ['all'], indices: [{ names: ['*'], privileges: ['all'] }] } },
      true,
    ],
    ['cluster all only', { r: { cluster: ['all'] } }, false],
    [
      'index all on a prefix',
      { r: { cluster: ['all'], indices: [{ names: ['a*'], privileges: ['all'] }] } },
      false,
    ],
    [
      'an unknown privilege name does not hide the shape',
      {
        r: { cluster: ['all', 'manage_some_future_thing'], indices: [{ names: ['*'], privileges: ['all'] }] },
      },
      true,
    ],
  ])('canDoEverything: %s', (_n, d, expected) => {
    expect(canDoEverything(d as never)).toBe(expected);
  });

  it('a template and its rendering by the cluster hash alike', () => {
    expect(descriptorsHash(MINIMAL_RENDERED)).toBe(descriptorsHash(MINIMAL));
    const dls = { r: { indices: [{ names: ['a'], privileges: ['read'], query: { term: { t: 1 } } }] } };
    const rendered = { r: { indices: [{ names: ['a'], privileges: ['read'], query: '{"term":{"t":1}}' }] } };
    expect(descriptorsHash(rendered as never)).toBe(descriptorsHash(dls as never));
    expect(descriptorsHash({ r: { cluster: ['monitor', 'manage'] } })).not.toBe(
      descriptorsHash({ r: { cluster: ['monitor'] } }),
    );
  });

  it.each([
    [{ password: 'x' }, ['password']],
    [{ nested: { client_secret: 'x', name: 'n' } }, ['nested.client_secret']],
    [{ apiKey: 'x', token_count: 3, tokens: [] }, ['apiKey', 'token_count']],
    [{ owner: 'ops', passwordless: true, empty_token: '' }, []],
  ])('secret-like metadata names %j', (m, expected) => {
    expect(secretLikeMetadata(m)).toEqual(expected);
  });
});

describe('inventory summary', () => {
  it('counts keys per rule and severity, findings per severity, and the worst per key', () => {
    const s = new InventorySummary(2);
    const add = (name: string, over: Partial<ApiKeyInfo>) =>
      s.add(inventoryEntry(key({ name, id: `id-${name}`, ...over }), ctx()));
    add('admin-inherits', { roleDescriptors: {} });
    add('user-inherits', {
      roleDescriptors: {},
      limitedBy: { reader: { indices: [{ names: ['logs-app'], privileges: ['read'] }] } },
    });
    add('clean', {});
    add('dead', { invalidated: true });
    add('forever', { expiration: undefined });
    expect(s).toMatchObject({ keys: 5, valid: 4, invalidated: 1, unmanaged: 5, inheriting: 2 });
    expect(s.keysByWorst).toEqual({ critical: 1, high: 0, medium: 2, info: 0 });
    const inherits = s.rules().filter((r) => r.rule === 'inherits-owner-privileges');
    expect(inherits.map((r) => [r.severity, r.keys, r.examples.map((e) => e.name)])).toEqual([
      ['critical', 1, ['admin-inherits']],
      ['medium', 1, ['user-inherits']],
    ]);
    expect(s.rules()[0]!.severity).toBe('critical');
    expect(s.countAtOrAbove('critical')).toBe(s.findings.critical);
    expect(s.countAtOrAbove('info')).toBe(
      s.findings.critical + s.findings.high + s.findings.medium + s.findings.info,
    );
  });
});

describe('owner snapshots judged once per content', () => {
  it('many keys sharing a snapshot judge it once, with the same findings as without the cache', () => {
    const snapshots = new SnapshotCache();
    const c = ctx({ snapshots });
    const reader = { reader: { indices: [{ names: ['logs-app'], privileges: ['read'] }] } };
    const entries = [];
    for (let i = 0; i < 50; i++) {
      // A fresh but equal object each time, as every page of the query API returns.
      entries.push(
        inventoryEntry(
          key({ id: `id-${i}`, roleDescriptors: {}, limitedBy: { superuser: { ...SUPERUSER_DESCRIPTOR } } }),
          c,
        ),
      );
    }
    entries.push(inventoryEntry(key({ id: 'r', roleDescriptors: {}, limitedBy: reader }), c));
    entries.push(inventoryEntry(key({ id: 'own' }), c)); // own descriptors: no snapshot judged
    expect(snapshots.computed).toBe(2);
    const uncached = inventoryEntry(key({ id: 'id-0', roleDescriptors: {} }), ctx());
    expect(entries[0]!.findings).toEqual(uncached.findings);
    expect(rules(entries[49]!.findings)[0]).toBe('critical:inherits-owner-privileges');
    expect(rules(entries[50]!.findings)).toEqual(['medium:inherits-owner-privileges']);
  });

  it('keeps memory bounded: past its size it starts over, still correct', () => {
    const snapshots = new SnapshotCache(2);
    const snap = (i: number) => ({ r: { indices: [{ names: [`logs-${i}`], privileges: ['read'] }] } });
    for (const i of [1, 2, 3, 1])
      inventoryEntry(key({ roleDescriptors: {}, limitedBy: snap(i) }), ctx({ snapshots }));
    expect(snapshots.computed).toBe(4);
  });
});
