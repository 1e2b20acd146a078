/**
 * `_has_privileges` for index patterns, the way Elasticsearch answers it
 * (IndicesPermission.checkResourcePrivileges, reference §7): a requested pattern is covered when
 * it lies within the patterns of one privilege set (entries naming the same patterns are merged
 * first), and the requested privilege must lie within the union of the privilege sets that cover
 * it. `eskeys doctor` relies on these answers to tell whether the admin can delegate a template.
 */
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

let n = 0;
async function userWith(indices: Record<string, unknown>[]): Promise<Client> {
  return tc.userWithRole(`hp-pattern-${++n}`, { indices });
}

async function has(
  client: Client,
  names: string[],
  privileges: string[],
  allowRestricted?: boolean,
): Promise<Record<string, Record<string, boolean>>> {
  const r = await client.security.hasPrivileges({
    index: [
      {
        names,
        privileges,
        ...(allowRestricted === undefined ? {} : { allow_restricted_indices: allowRestricted }),
      },
    ],
  });
  return r.index as Record<string, Record<string, boolean>>;
}

describe('_has_privileges over wildcard index patterns', () => {
  it('is true only for patterns the role covers entirely', async () => {
    const u = await userWith([{ names: ['logs-a*'], privileges: ['read'] }]);
    expect(await has(u, ['logs-*', 'logs-a*', 'logs-ab-*', 'logs-a-1', 'logs-b-1'], ['read'])).toEqual({
      'logs-*': { read: false },
      'logs-a*': { read: true },
      'logs-ab-*': { read: true },
      'logs-a-1': { read: true },
      'logs-b-1': { read: false },
    });
  });

  it('unites the privileges of every entry that covers the pattern (write + create_index ⊇ auto_configure)', async () => {
    const u = await userWith([
      { names: ['logs-*'], privileges: ['write'] },
      { names: ['logs-*', 'metrics-*'], privileges: ['create_index'] },
    ]);
    expect(await has(u, ['logs-*', 'metrics-*'], ['auto_configure', 'create_index'])).toEqual({
      'logs-*': { auto_configure: true, create_index: true },
      'metrics-*': { auto_configure: false, create_index: true },
    });
  });

  it('merges entries naming the same patterns before checking (create + raw update action ⊇ index)', async () => {
    const u = await userWith([
      { names: ['logs-*'], privileges: ['create'] },
      { names: ['logs-*'], privileges: ['indices:data/write/update*'] },
    ]);
    expect(await has(u, ['logs-*'], ['index', 'delete'])).toEqual({
      'logs-*': { index: true, delete: false },
    });
  });

  it('unites patterns only within one privilege set', async () => {
    // `logs-*` = `logs-?*` ∪ `logs-`; with the same privileges the union covers it...
    const same = await userWith([
      { names: ['logs-?*'], privileges: ['read'] },
      { names: ['logs-'], privileges: ['read'] },
    ]);
    expect(await has(same, ['logs-*'], ['read'])).toEqual({ 'logs-*': { read: true } });
    // ...with different privilege sets no single one covers it, so even `read` is false.
    const split = await userWith([
      { names: ['logs-?*'], privileges: ['read'] },
      { names: ['logs-'], privileges: ['read', 'write'] },
    ]);
    expect(await has(split, ['logs-*'], ['read'])).toEqual({ 'logs-*': { read: false } });
  });

  it('keeps restricted indices out unless both the role and the request allow them', async () => {
    const plain = await userWith([{ names: ['*'], privileges: ['all'] }]);
    expect(await has(plain, ['*', '.security-7'], ['read'])).toEqual({
      '*': { read: true },
      '.security-7': { read: false },
    });
    expect(await has(plain, ['*'], ['read'], true)).toEqual({ '*': { read: false } });
    const restricted = await userWith([
      { names: ['*'], privileges: ['all'] },
      { names: ['*'], privileges: ['read'], allow_restricted_indices: true },
    ]);
    expect(await has(restricted, ['*', '.security-7'], ['read'], true)).toEqual({
      '*': { read: true },
      '.security-7': { read: true },
    });
    expect(await has(restricted, ['*'], ['write'], true)).toEqual({ '*': { write: false } });
  });

  it('matches concrete names against regex role patterns', async () => {
    const u = await userWith([{ names: ['/logs-[0-9]+/'], privileges: ['read'] }]);
    expect(await has(u, ['logs-1', 'logs-x'], ['read'])).toEqual({
      'logs-1': { read: true },
      'logs-x': { read: false },
    });
  });
});
