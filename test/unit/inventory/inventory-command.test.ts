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

describe('cluster-provided text is made visible, never sent raw to the terminal', () => {
  /** Every field here comes from whoever created the key. */
  const EVIL: ApiKeyInfo = {
    ...KEY,
    id: 'abcdefghijklmnop\u001bqrs',
    name: 'evil\u001b[2J\nforged-row | x\u009b31m\u007f',
    username: 'mallory\u001b]0;owned\u0007',
    realm: 'native\r\n',
    metadata: {
      managed_by: 'eskeys',
      template: 'svc\u001b[31m',
      environment: 'prod\nx',
      template_hash: 'h',
      generation: 1,
      created_by: 'x',
      rotation_id: 'r',
      state: 'active',
      rotate_every: '90d',
      grace: '24h',
      review_every: '30d',
    },
    roleDescriptors: { 'r\u001b': { indices: [{ names: ['logs-\u001b[2J'], privileges: ['read'] }] } },
  };

  async function render(format: 'table' | 'markdown' | 'json') {
    const io = new FakeIO();
    const ctx = fakeContext({ cwd: dir(), io });
    await runInventory({
      ctx,
      format,
      openCluster: async () => cluster([EVIL], { read_security: true, manage_api_key: true }),
    });
    return io;
  }

  // C0 controls other than the newline that ends each line, DEL, C1 controls.
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  it.each(['table', 'markdown'] as const)('%s: no control character, no forged line', async (format) => {
    const io = await render(format);
    expect(io.out).not.toMatch(CONTROL);
    expect(io.err).not.toMatch(CONTROL);
    // Markdown escapes the backslash of the visible escape (and brackets), so it renders as \u001b.
    const shown = (t: string) => (format === 'markdown' ? t.replace(/[\\[\]]/g, '\\$&') : t);
    expect(io.out).toContain(shown('evil\\u001b[2J\\u000aforged-row'));
    expect(io.out).toContain(shown('mallory\\u001b]0;owned\\u0007'));
    // The forged part stays on the key's own line.
    const line = io.out.split('\n').find((l) => l.includes('forged-row'))!;
    expect(line).toContain('evil');
    expect(line).toContain('mallory');
    expect(io.out.split('\n').filter((l) => l.includes('forged-row'))).toHaveLength(
      format === 'table' ? 2 : 1, // table: the row and the findings example
    );
  });

  it('markdown: the name cannot break out of its cell', async () => {
    const io = await render('markdown');
    const row = io.out.split('\n').find((l) => l.includes('forged-row'))!;
    expect(row).toContain('forged-row \\| x');
  });

  it('json keeps the exact values, escaped by JSON itself', async () => {
    const io = await render('json');
    expect(io.out).not.toMatch(CONTROL);
    expect(JSON.parse(io.out).keys[0].name).toBe(EVIL.name);
  });
});
