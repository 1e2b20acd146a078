import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type InventoryOptions,
  inventoryCommand,
  runInventory,
} from '../../../src/cli/commands/inventory.js';
import type { ApiKeyInfo, ApiKeyPage, ClusterPort } from '../../../src/core/cluster-port.js';
import { ReportedError, UsageError } from '../../../src/core/errors.js';
import { FakeIO, fakeContext } from '../../support/fake-io.js';

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eskeys-inventory-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function parse(argv: string[]): Promise<InventoryOptions> {
  let got: InventoryOptions | undefined;
  const ctx = fakeContext({ cwd: dir() });
  const cmd = inventoryCommand(ctx, async (o) => {
    got = o;
  });
  cmd.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await cmd.parseAsync(argv, { from: 'user' });
  return got!;
}

describe('inventory flags', () => {
  it.each<[string[], Partial<InventoryOptions>]>([
    [[], { failOn: 'never' }],
    [
      ['--all', '--owner', 'alice', '--realm', 'default_native'],
      { all: true, owner: 'alice', realm: 'default_native' },
    ],
    [['--unmanaged', '--fail-on', 'high'], { unmanaged: true, failOn: 'high' }],
    [['-t', 'email-search', '--format', 'markdown'], { template: 'email-search', format: 'markdown' }],
    [['--json', '--page-size', '50'], { json: true, pageSize: 50 }],
  ])('%j', async (argv, expected) => {
    expect(await parse(argv)).toMatchObject(expected);
  });

  it.each([[['--fail-on', 'severe']], [['--format', 'csv']], [['--page-size', '0']]])(
    'rejects %j',
    async (argv) => {
      await expect(parse(argv)).rejects.toThrow();
    },
  );
});

/** A one-page cluster: enough for the command layer (paging is tested in scan.test.ts). */
function cluster(
  keys: ApiKeyInfo[],
  admin: { read_security: boolean; manage_api_key: boolean },
): ClusterPort {
  return {
    url: 'https://ops:pa55word@es.example:9200/',
    queryApiKeys: async (): Promise<ApiKeyPage> => ({ total: keys.length, keys }),
    findManagedKeys: async () => [],
    hasPrivileges: async () => ({ hasAll: false, cluster: admin, index: {} }),
    close: async () => {},
  } as unknown as ClusterPort;
}

const KEY: ApiKeyInfo = {
  id: 'abcdefghijklmnopqrst',
  name: 'legacy',
  creation: new Date('2026-05-01T00:00:00Z'),
  invalidated: false,
  username: 'elastic',
  realm: 'reserved',
  metadata: {},
  roleDescriptors: { r: { cluster: ['manage'] } },
};

async function run(opts: Partial<InventoryOptions>, admin = { read_security: true, manage_api_key: true }) {
  const io = new FakeIO();
  const ctx = fakeContext({ cwd: dir(), io });
  let error: unknown;
  try {
    await runInventory({ ctx, openCluster: async () => cluster([KEY], admin), ...opts });
  } catch (e) {
    error = e;
  }
  return { io, error };
}

describe('runInventory', () => {
  it('prints the cluster URL without its credentials', async () => {
    const { io } = await run({ format: 'markdown' });
    expect(io.out).toContain('- Cluster: https://es.example:9200');
    expect(io.out).not.toContain('pa55word');
  });

  it.each([
    ['never', undefined],
    ['critical', undefined],
    ['high', 1],
    ['info', 1],
  ] as const)('--fail-on %s', async (failOn, exit) => {
    const { io, error } = await run({ failOn });
    if (exit === undefined) expect(error).toBeUndefined();
    else {
      expect(error).toBeInstanceOf(ReportedError);
      expect((error as ReportedError).exitCode).toBe(exit);
      expect(io.err).toMatch(new RegExp(`findings? at or above ${failOn} \\(--fail-on ${failOn}\\)`));
    }
  });

  it.each([
    [{ managed: true, unmanaged: true }, '--managed and --unmanaged exclude each other'],
    [{ template: 'x', unmanaged: true }, '--template lists managed keys; drop --unmanaged'],
    [{ json: true, format: 'markdown' as const }, '--json and --format markdown exclude each other'],
  ])('usage error for %j', async (opts, message) => {
    const { error } = await run(opts);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });

  it('warns that the inventory is partial when the admin sees only its own keys', async () => {
    const { io } = await run({}, { read_security: false, manage_api_key: false });
    expect(io.err).toMatch(/^eskeys: warning: partial inventory/m);
    const json = await run({ json: true }, { read_security: false, manage_api_key: false });
    expect(JSON.parse(json.io.out).complete).toBe(false);
  });
});

describe('JSON document', () => {
  it('is valid JSON with no keys and with several', async () => {
    for (const keys of [[], [KEY, { ...KEY, id: 'second-key-id-000000', name: 'second' }]]) {
      const io = new FakeIO();
      const ctx = fakeContext({ cwd: dir(), io });
      await runInventory({
        ctx,
        json: true,
        openCluster: async () => cluster(keys, { read_security: true, manage_api_key: false }),
      });
      const doc = JSON.parse(io.out);
      expect(doc.keys.map((k: { name: string }) => k.name)).toEqual(keys.map((k) => k.name));
      expect(doc.summary.keys).toBe(keys.length);
      expect(doc.complete).toBe(true);
    }
  });
});
