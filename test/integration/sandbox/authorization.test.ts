import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
  await tc.admin.indices.create({ index: 'existing' });
  await tc.admin.index({ index: 'existing', id: 'doc-1', document: { msg: 'hello' }, refresh: true });
});
afterAll(() => tc.close());

const denied = (action: string, subject: string, indices: string | null, privileges: string) =>
  `action [${action}] is unauthorized for ${subject}${indices === null ? '' : ` on indices [${indices}]`}, this action is granted by the index privileges [${privileges}]`;

describe('403 versus 404 (§3a worked cases)', () => {
  it('DELETE /missing-index: 403 without delete_index, 404 with it', async () => {
    const none = await tc.apiKey({ indices: [{ names: ['other-*'], privileges: ['read'] }] });
    await expectError(
      () => none.client.indices.delete({ index: 'missing-index' }),
      403,
      'security_exception',
      denied(
        'indices:admin/delete',
        `API key id [${none.id}] of user [elastic]`,
        'missing-index',
        'delete_index,manage,all',
      ),
    );
    const allowed = await tc.apiKey({ indices: [{ names: ['missing-*'], privileges: ['delete_index'] }] });
    const err = await expectError(
      () => allowed.client.indices.delete({ index: 'missing-index' }),
      404,
      'index_not_found_exception',
      'no such index [missing-index]',
    );
    expect(Object.keys(err)).toEqual([
      'root_cause',
      'type',
      'reason',
      'resource.type',
      'resource.id',
      'index_uuid',
      'index',
    ]);
    expect(err['resource.type']).toBe('index_or_alias');
  });

  it('GET /missing/_doc/1: 403 without read, 404 with read', async () => {
    const none = await tc.apiKey({ indices: [{ names: ['x'], privileges: ['write'] }] });
    await expectError(
      () => none.client.get({ index: 'missing', id: '1' }),
      403,
      'security_exception',
      denied('indices:data/read/get', `API key id [${none.id}] of user [elastic]`, 'missing', 'read,all'),
    );
    const reader = await tc.apiKey({ indices: [{ names: ['missing'], privileges: ['read'] }] });
    await expectError(
      () => reader.client.get({ index: 'missing', id: '1' }),
      404,
      'index_not_found_exception',
    );
  });

  it('wildcard search: empty 200 with read elsewhere, 403 (names as requested) without read anywhere', async () => {
    const reader = await tc.apiKey({ indices: [{ names: ['logs-*'], privileges: ['read'] }] });
    const res = await reader.client.search({ index: 'nomatch-*' });
    expect(res.hits.total).toEqual({ value: 0, relation: 'eq' });
    const writer = await tc.apiKey({ indices: [{ names: ['*'], privileges: ['write'] }] });
    await expectError(
      () => writer.client.search({ index: 'nomatch-*' }),
      403,
      'security_exception',
      denied(
        'indices:data/read/search',
        `API key id [${writer.id}] of user [elastic]`,
        'nomatch-*',
        'read,all',
      ),
    );
  });

  it('indexing into a missing index with write only fails on auto_create', async () => {
    const writer = await tc.apiKey({ indices: [{ names: ['newidx*'], privileges: ['write'] }] });
    await expectError(
      () => writer.client.index({ index: 'newidx', id: '1', document: { a: 1 } }),
      403,
      'security_exception',
      denied(
        'indices:admin/auto_create',
        `API key id [${writer.id}] of user [elastic]`,
        'newidx',
        'auto_configure,create_index,manage,all',
      ),
    );
    const creator = await tc.apiKey({
      indices: [{ names: ['newidx*'], privileges: ['write', 'create_index'] }],
    });
    const r = await creator.client.index({ index: 'newidx', id: '1', document: { a: 1 } });
    expect(r.result).toBe('created');
  });

  it('writing to an existing index with privileges only elsewhere fails on bulk[s]', async () => {
    const elsewhere = await tc.apiKey({ indices: [{ names: ['elsewhere'], privileges: ['write'] }] });
    await expectError(
      () => elsewhere.client.index({ index: 'existing', id: '2', document: { a: 1 } }),
      403,
      'security_exception',
      denied(
        'indices:data/write/bulk[s]',
        `API key id [${elsewhere.id}] of user [elastic]`,
        'existing',
        'create_doc,create,delete,index,write,all',
      ),
    );
  });

  it('name-only check: no write privilege anywhere is refused on the document action', async () => {
    const reader = await tc.userWithRole('reader', {
      indices: [{ names: ['existing'], privileges: ['read'] }],
    });
    await expectError(
      () => reader.index({ index: 'existing', id: '3', document: { a: 1 } }),
      403,
      'security_exception',
      denied(
        'indices:data/write/index',
        'user [reader] with effective roles [reader_role]',
        'existing',
        'create_doc,create,index,write,all',
      ),
    );
    await expectError(
      () => reader.bulk({ operations: [{ index: { _index: 'existing' } }, { a: 1 }] }),
      403,
      'security_exception',
      denied(
        'indices:data/write/bulk',
        'user [reader] with effective roles [reader_role]',
        null,
        'create_doc,create,delete,index,write,all',
      ),
    );
  });

  it('authenticates before authorizing: a bad key is 401 even where 403/404 would follow', async () => {
    const bad = tc.clientFor({ apiKey: Buffer.from('nope:nope').toString('base64') });
    await expectError(() => bad.indices.delete({ index: 'missing-index' }), 401, 'security_exception');
  });
});

describe('the write trap', () => {
  let writeKey: { id: string; client: Client };
  let indexKey: { id: string; client: Client };
  beforeAll(async () => {
    writeKey = await tc.apiKey({ indices: [{ names: ['existing'], privileges: ['write'] }] });
    indexKey = await tc.apiKey({ indices: [{ names: ['existing'], privileges: ['index'] }] });
    await tc.admin.index({ index: 'existing', id: 'victim-1', document: { a: 1 } });
    await tc.admin.index({ index: 'existing', id: 'victim-2', document: { a: 1 } });
  });

  it('a key with write can delete a document', async () => {
    const r = await writeKey.client.delete({ index: 'existing', id: 'victim-1' });
    expect(r.result).toBe('deleted');
  });

  it('a key with index cannot: 403 listing [delete,write,all]', async () => {
    await expectError(
      () => indexKey.client.delete({ index: 'existing', id: 'victim-2' }),
      403,
      'security_exception',
      denied(
        'indices:data/write/delete',
        `API key id [${indexKey.id}] of user [elastic]`,
        'existing',
        'delete,write,all',
      ),
    );
  });

  it('index can update; create_doc cannot overwrite with op_type index', async () => {
    await indexKey.client.update({ index: 'existing', id: 'victim-2', doc: { b: 2 } });
    const createDoc = await tc.apiKey({ indices: [{ names: ['existing'], privileges: ['create_doc'] }] });
    await expectError(
      () => createDoc.client.index({ index: 'existing', id: 'victim-2', document: { c: 3 } }),
      403,
      'security_exception',
      denied(
        'indices:data/write/index:op_type/index',
        `API key id [${createDoc.id}] of user [elastic]`,
        'existing',
        'create,index,write,all',
      ),
    );
    const created = await createDoc.client.create({ index: 'existing', id: 'fresh', document: { c: 3 } });
    expect(created.result).toBe('created');
  });
});

describe('mapping updates (BWC rule, §1)', () => {
  it('a key with only index may update mappings of a plain index, dynamically or explicitly', async () => {
    const key = await tc.apiKey({ indices: [{ names: ['existing'], privileges: ['index'] }] });
    await key.client.index({ index: 'existing', id: 'bwc', document: { brand_new_field: 'x' } });
    const r = await key.client.indices.putMapping({
      index: 'existing',
      properties: { other_new: { type: 'keyword' } },
    });
    expect(r.acknowledged).toBe(true);
    const reader = await tc.apiKey({ indices: [{ names: ['existing'], privileges: ['read'] }] });
    await expectError(
      () => reader.client.indices.putMapping({ index: 'existing', properties: { x: { type: 'keyword' } } }),
      403,
      'security_exception',
      denied(
        'indices:admin/mapping/put',
        `API key id [${reader.id}] of user [elastic]`,
        'existing',
        'manage,all',
      ),
    );
  });

  it('read_security reads every key but cannot create one', async () => {
    const auditor = await tc.userWithRole('auditor', { cluster: ['read_security'] });
    expect((await auditor.security.getApiKey()).api_keys.length).toBeGreaterThan(0);
    await expectError(
      () => auditor.security.createApiKey({ name: 'nope' }),
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/api_key/create] is unauthorized for user [auditor] with effective roles [auditor_role], this action is granted by the cluster privileges [manage_own_api_key,manage_api_key,manage_security,all]',
    );
  });
});

describe('bulk per-item authorization', () => {
  it('fails forbidden items inside a 200 errors:true response', async () => {
    const key = await tc.apiKey({ indices: [{ names: ['existing'], privileges: ['create_doc', 'delete'] }] });
    const res = await key.client.bulk({
      operations: [
        { create: { _index: 'existing', _id: 'b1' } },
        { a: 1 },
        { index: { _index: 'existing', _id: 'b2' } },
        { a: 1 },
        { update: { _index: 'existing', _id: 'b1' } },
        { doc: { a: 2 } },
        { delete: { _index: 'existing', _id: 'b1' } },
        { index: { _index: 'other-idx', _id: 'b3' } },
        { a: 1 },
      ],
    });
    expect(res.errors).toBe(true);
    expect(res.items.map((i) => Object.values(i)[0]!.status)).toEqual([201, 403, 403, 200, 403]);
    const failed = res.items[1]!.index!;
    expect(Object.keys(failed)).toEqual(['_index', '_id', 'status', 'error']);
    expect(failed.error).toEqual({
      type: 'security_exception',
      reason: denied(
        'indices:data/write/index:op_type/index',
        `API key id [${key.id}] of user [elastic]`,
        'existing',
        'create,index,write,all',
      ),
    });
    expect(res.items[2]!.update!.error!.reason).toContain('[indices:data/write/update]');
    expect(res.items[4]!.index!.error!.reason).toBe(
      denied(
        'indices:admin/auto_create',
        `API key id [${key.id}] of user [elastic]`,
        'other-idx',
        'auto_configure,create_index,manage,all',
      ),
    );
  });

  it('reports a version conflict for _create on an existing id', async () => {
    const res = await tc.admin.bulk({
      operations: [{ create: { _index: 'existing', _id: 'doc-1' } }, { a: 1 }],
    });
    expect(res.items[0]!.create!.status).toBe(409);
    expect(res.items[0]!.create!.error).toMatchObject({
      type: 'version_conflict_engine_exception',
      reason: '[doc-1]: version conflict, document already exists (current version [1])',
      shard: '0',
      index: 'existing',
    });
  });
});

describe('cluster privileges', () => {
  it.each([
    ['monitor', 'health', true],
    ['manage_index_templates', 'health', false],
  ])('%s → cluster health allowed=%s', async (priv, _what, allowed) => {
    const key = await tc.apiKey({ cluster: [priv] });
    if (allowed) expect((await key.client.cluster.health()).status).toBeDefined();
    else
      await expectError(
        () => key.client.cluster.health(),
        403,
        'security_exception',
        `action [cluster:monitor/health] is unauthorized for API key id [${key.id}] of user [elastic], this action is granted by the cluster privileges [monitor,manage,all]`,
      );
  });

  it('templates are cluster actions even though named indices:*', async () => {
    const key = await tc.apiKey({ cluster: ['monitor'], indices: [{ names: ['*'], privileges: ['all'] }] });
    await expectError(
      () => key.client.indices.putIndexTemplate({ name: 't1', index_patterns: ['t1-*'] }),
      403,
      'security_exception',
      `action [indices:admin/index_template/put] is unauthorized for API key id [${key.id}] of user [elastic], this action is granted by the cluster privileges [manage_index_templates,manage,all]`,
    );
  });

  it('restricted indices are not matched by * and are named in their own clause', async () => {
    const key = await tc.apiKey({ indices: [{ names: ['*'], privileges: ['all'] }] });
    await expectError(
      () => key.client.indices.delete({ index: '.security-7' }),
      403,
      'security_exception',
      `action [indices:admin/delete] is unauthorized for API key id [${key.id}] of user [elastic] on restricted indices [.security-7], this action is granted by the index privileges [delete_index,manage,all]`,
    );
  });
});

describe('_has_privileges', () => {
  it('answers from the same model, limited by the owner snapshot', async () => {
    const u = await tc.userWithRole('hp', {
      cluster: ['monitor', 'manage_own_api_key'],
      indices: [{ names: ['logs-*'], privileges: ['read', 'write'] }],
    });
    const key = await u.security.createApiKey({
      name: 'hp-key',
      role_descriptors: { r: { cluster: ['all'], indices: [{ names: ['logs-a*'], privileges: ['all'] }] } },
    });
    const kc = tc.clientFor({ apiKey: key.encoded });
    const res = await kc.security.hasPrivileges({
      cluster: ['monitor', 'manage'],
      index: [{ names: ['logs-a-1', 'logs-*'], privileges: ['read', 'create_doc', 'delete_index'] }],
    });
    expect(res).toEqual({
      username: 'hp',
      has_all_requested: false,
      cluster: { monitor: true, manage: false },
      index: {
        'logs-a-1': { read: true, create_doc: true, delete_index: false },
        'logs-*': { read: false, create_doc: false, delete_index: false },
      },
      application: {},
    });
  });

  it('refuses to check other users', async () => {
    await expectError(
      () => tc.admin.security.hasPrivileges({ user: 'someone', cluster: ['monitor'] }),
      400,
      'illegal_argument_exception',
      'users may only check the privileges of their own account',
    );
  });
});
