import { describe, expect, it } from 'vitest';
import type { ApiKeyInfo, ApiKeyPage, ClusterPort } from '../../../src/core/cluster-port.js';
import { AuthorizationError, ClusterResponseError } from '../../../src/core/errors.js';
import {
  INVENTORY_SORT,
  InventorySummary,
  inventoryQuery,
  runInventoryScan,
  type ScanInfo,
  SnapshotCache,
  scanApiKeys,
} from '../../../src/core/inventory/index.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function keyAt(i: number): ApiKeyInfo {
  return {
    id: `id-${i}`,
    name: `key-${i}`,
    creation: new Date(NOW.getTime() - 1000 * (100 - i)),
    expiration: new Date(NOW.getTime() + 86_400_000),
    invalidated: false,
    username: 'elastic',
    realm: 'reserved',
    metadata: {},
    roleDescriptors: { r: { cluster: ['monitor'] } },
  };
}

/**
 * A cluster whose query API pages `keys` by search_after over their position, like the real
 * API with a total sort; it may refuse `with_limited_by` (an API-key admin without manage_api_key).
 */
class PagedCluster {
  readonly requests: { size?: number; after?: readonly unknown[]; withLimitedBy?: boolean }[] = [];
  constructor(
    readonly keys: ApiKeyInfo[],
    readonly refuseLimitedBy: boolean | 'unknown-parameter' = false,
  ) {}
  async queryApiKeys(req: {
    size?: number;
    after?: readonly unknown[];
    withLimitedBy?: boolean;
    sort?: readonly unknown[];
  }): Promise<ApiKeyPage> {
    this.requests.push({ size: req.size, after: req.after, withLimitedBy: req.withLimitedBy });
    if (req.withLimitedBy && this.refuseLimitedBy === 'unknown-parameter')
      // What the ES adapter reads from an 8.4 cluster's 400 (reference §4.4): Elasticsearch's
      // BaseRestHandler answers `illegal_argument_exception`, "request [...] contains
      // unrecognized parameter: [with_limited_by]".
      throw new ClusterResponseError(
        'cluster http://es:9200 refused querying API keys (400): request [/_security/_query/api_key] contains unrecognized parameter: [with_limited_by]',
        {
          status: 400,
          type: 'illegal_argument_exception',
          reason: 'request [/_security/_query/api_key] contains unrecognized parameter: [with_limited_by]',
          unrecognizedParameters: ['with_limited_by'],
        },
      );
    if (req.withLimitedBy && this.refuseLimitedBy)
      throw new AuthorizationError('admin identity may not query');
    expect(req.sort).toEqual(INVENTORY_SORT);
    const start = req.after ? Number(req.after[0]) + 1 : 0;
    const size = req.size ?? 10;
    const page = this.keys.slice(start, start + size);
    const last = start + page.length - 1;
    return {
      total: this.keys.length,
      keys: page.map((k) =>
        req.withLimitedBy ? { ...k, limitedBy: { superuser: { cluster: ['all'] } } } : k,
      ),
      ...(page.length === size ? { after: [last] } : {}),
    };
  }
  async findManagedKeys(): Promise<ApiKeyInfo[]> {
    return [];
  }
}

const asPort = (c: PagedCluster) => c as unknown as ClusterPort;

async function collect(c: PagedCluster, pageSize: number): Promise<{ ids: string[]; info: ScanInfo }> {
  const info: ScanInfo = { total: 0, limitedByReturned: true };
  const ids: string[] = [];
  for await (const k of scanApiKeys(asPort(c), {}, NOW, info, pageSize)) ids.push(k.id);
  return { ids, info };
}

describe('scanning the query API', () => {
  it.each([
    ['several full pages and a short one', 7, 3, 3],
    ['an exact multiple of the page size: no empty extra request', 6, 3, 2],
    ['one page', 2, 10, 1],
    ['no keys', 0, 10, 1],
  ])('%s', async (_n, count, pageSize, requests) => {
    const c = new PagedCluster(Array.from({ length: count }, (_, i) => keyAt(i)));
    const { ids, info } = await collect(c, pageSize);
    expect(ids).toEqual(c.keys.map((k) => k.id));
    expect(info.total).toBe(count);
    expect(c.requests).toHaveLength(requests);
    expect(c.requests.every((r) => r.size === pageSize && r.withLimitedBy === true)).toBe(true);
  });

  it('lists keys without owner snapshots when the admin may not read them', async () => {
    const c = new PagedCluster([keyAt(0), keyAt(1), keyAt(2)], true);
    const { ids, info } = await collect(c, 2);
    expect(ids).toEqual(['id-0', 'id-1', 'id-2']);
    expect(info.limitedByReturned).toBe(false);
    expect(c.requests.map((r) => r.withLimitedBy)).toEqual([true, false, false]);
  });

  it('on a cluster before 8.5, asks once with with_limited_by, then never again', async () => {
    const c = new PagedCluster([keyAt(0), keyAt(1), keyAt(2)], 'unknown-parameter');
    const { ids, info } = await collect(c, 2);
    expect(ids).toEqual(['id-0', 'id-1', 'id-2']);
    expect(info).toMatchObject({ limitedByReturned: false, limitedByUnsupported: true });
    expect(c.requests.map((r) => r.withLimitedBy)).toEqual([true, false, false]);
  });

  it('another 400 is not mistaken for an old cluster', async () => {
    const c = new PagedCluster([keyAt(0)]);
    c.queryApiKeys = async () => {
      throw new ClusterResponseError(
        'cluster x refused querying API keys (400): Field [foo] is not allowed',
        {
          status: 400,
          type: 'x_content_parse_exception',
          reason: 'Field [foo] is not allowed',
        },
      );
    };
    await expect(collect(c, 2)).rejects.toThrow(/Field \[foo\]/);
  });

  it('an inventory of keys without descriptors says what they inherit only when snapshots came back', async () => {
    const bare = { ...keyAt(0), roleDescriptors: {} };
    for (const [refuse, source] of [
      [false, 'owner'],
      [true, 'unknown'],
    ] as const) {
      const info: ScanInfo = { total: 0, limitedByReturned: true };
      const summary = new InventorySummary();
      const entries = [];
      const run = { cluster: asPort(new PagedCluster([bare], refuse)), filter: {}, now: NOW };
      for await (const e of runInventoryScan(run, summary, info)) entries.push(e);
      expect(entries.map((e) => e.privilegeSource)).toEqual([source]);
      expect(summary.keys).toBe(1);
    }
  });
});

describe('owner snapshots across a scan', () => {
  it('a scan judges a snapshot shared by every key once, across pages', async () => {
    const bare = Array.from({ length: 25 }, (_, i) => ({ ...keyAt(i), roleDescriptors: {} }));
    const snapshots = new SnapshotCache();
    const run = { cluster: asPort(new PagedCluster(bare)), filter: {}, now: NOW, pageSize: 10, snapshots };
    const entries = [];
    for await (const e of runInventoryScan(run, new InventorySummary(), {
      total: 0,
      limitedByReturned: true,
    }))
      entries.push(e);
    expect(entries).toHaveLength(25);
    expect(snapshots.computed).toBe(1);
    expect(entries.every((e) => e.findings.some((f) => f.rule === 'inherits-owner-privileges'))).toBe(true);
  });
});

describe('the inventory query', () => {
  const valid = {
    bool: {
      should: [
        { range: { expiration: { gt: NOW.getTime() } } },
        { bool: { must_not: [{ exists: { field: 'expiration' } }] } },
      ],
      minimum_should_match: 1,
    },
  };
  it.each<[string, Parameters<typeof inventoryQuery>[0], unknown]>([
    [
      'valid keys only, cut off by our clock',
      {},
      { bool: { filter: [{ term: { invalidated: false } }, valid] } },
    ],
    ['everything', { all: true }, { match_all: {} }],
    [
      'owner, realm, unmanaged',
      { all: true, owner: 'alice', realm: 'default_native', managed: 'unmanaged' },
      {
        bool: {
          filter: [{ term: { username: 'alice' } }, { term: { realm_name: 'default_native' } }],
          must_not: [{ term: { 'metadata.managed_by': 'eskeys' } }],
        },
      },
    ],
    [
      'one template (managed implied)',
      { all: true, template: 'email-search' },
      {
        bool: {
          filter: [
            { term: { 'metadata.template': 'email-search' } },
            { term: { 'metadata.managed_by': 'eskeys' } },
          ],
        },
      },
    ],
  ])('%s', (_label, filter, expected) => {
    expect(inventoryQuery(filter, NOW)).toEqual(expected);
  });
});
