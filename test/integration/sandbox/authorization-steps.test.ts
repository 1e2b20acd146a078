/**
 * The authorization step for requests that are not one plain request: actions RBACEngine
 * authorizes by name only or without privileges, composite actions and their child requests,
 * `_cat` handlers that send several transport requests, and names taken from the right parameter.
 * Sources (elastic/elasticsearch, docs/es-facts.md "Authorization step: special actions,
 * multi-request _cat, name parameters (issue 12)"):
 * - x-pack/plugin/security/.../authz/RBACEngine.java: shouldAuthorizeIndexActionNameOnly
 *   (reindex, sql, search template...), the scroll branch (role.checkIndicesAction), and
 *   isScrollRelatedAction / isAsyncRelatedAction / ClosePointInTimeAction (granted, ownership
 *   checked on the stored context);
 * - server/.../rest/action/cat/RestIndicesAction.java, RestShardsAction.java (request order);
 * - modules/reindex AbstractAsyncBulkByScrollAction (scroll search, then bulk of the hits),
 *   BulkIndexByScrollResponseContentListener (highest failure status is the answer's status).
 * Privilege → actions (IndexPrivilege / ClusterPrivilegeResolver): read is indices:data/read/*,
 * write is indices:data/write/*, delete is indices:data/write/delete* and bulk*, monitor (index)
 * is indices:monitor/*, cross_cluster_replication includes indices:monitor/stats*,
 * view_index_metadata includes indices:monitor/settings/get and indices:admin/data_stream/get,
 * monitor (cluster) is cluster:monitor/*; read_ccr, transport_client, cross_cluster_replication
 * and manage_ccr include cluster:monitor/state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

const NOT_EMULATED = (api: string) => `the eskeys sandbox does not emulate [${api}]`;
const request = (
  key: { client: TestCluster['admin'] },
  method: string,
  path: string,
  body?: Record<string, unknown>,
) => key.client.transport.request({ method, path, ...(body ? { body } : {}) });

describe('actions authorized by name only', () => {
  it('scroll needs indices:data/read/scroll on some index, then reaches the handler (a malformed id: 400)', async () => {
    const none = await tc.apiKey({ cluster: ['monitor'] });
    await tc.admin.indices.create({ index: 'scroll-src' });
    const opened = await tc.admin.search({ index: 'scroll-src', scroll: '1m' });
    await expectError(
      () => request(none, 'POST', '/_search/scroll', { scroll_id: opened._scroll_id }),
      403,
      'security_exception',
      `action [indices:data/read/scroll] is unauthorized for API key id [${none.id}] of user [elastic], this action is granted by the index privileges [read,all]`,
    );
    const reader = await tc.apiKey({ indices: [{ names: ['elsewhere'], privileges: ['read'] }] });
    await expectError(
      () => request(reader, 'POST', '/_search/scroll', { scroll_id: 'abc' }),
      400,
      'illegal_argument_exception',
      // TransportSearchHelper.parseScrollId.
      'Cannot parse scroll id',
    );
    // RBACEngine parses the scroll id (to see whether it names local shards) before it checks the
    // privilege: a malformed id is the same 400 for a caller without any.
    await expectError(
      () => request(none, 'POST', '/_search/scroll', { scroll_id: 'abc' }),
      400,
      'illegal_argument_exception',
      'Cannot parse scroll id',
    );
  });

  it('SQL: indices:data/read/sql by name, no indices in the denial', async () => {
    const none = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => request(none, 'POST', '/_sql', { query: 'SELECT 1' }),
      403,
      'security_exception',
      `action [indices:data/read/sql] is unauthorized for API key id [${none.id}] of user [elastic], this action is granted by the index privileges [read,all]`,
    );
  });

  it('reindex: the action by name, then its search over the source', async () => {
    const body = { source: { index: 'reindex-src' }, dest: { index: 'reindex-dst' } };
    const none = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => request(none, 'POST', '/_reindex', body),
      403,
      'security_exception',
      `action [indices:data/write/reindex] is unauthorized for API key id [${none.id}] of user [elastic], this action is granted by the index privileges [write,all]`,
    );
    const writer = await tc.apiKey({ indices: [{ names: ['reindex-dst'], privileges: ['write'] }] });
    await expectError(
      () => request(writer, 'POST', '/_reindex', body),
      403,
      'security_exception',
      `action [indices:data/read/search] is unauthorized for API key id [${writer.id}] of user [elastic] on indices [reindex-src], this action is granted by the index privileges [read,all]`,
    );
    const both = await tc.apiKey({
      indices: [
        { names: ['reindex-dst'], privileges: ['write'] },
        { names: ['reindex-src'], privileges: ['read'] },
      ],
    });
    await expectError(
      () => request(both, 'POST', '/_reindex', body),
      400,
      'illegal_argument_exception',
      NOT_EMULATED('reindex'),
    );
  });
});

describe('composite actions: the child search is authorized on its own names', () => {
  it('update by query: the action on the names, then the scroll search on them', async () => {
    const writer = await tc.apiKey({ indices: [{ names: ['ubq-logs'], privileges: ['write'] }] });
    await expectError(
      () => request(writer, 'POST', '/ubq-logs/_update_by_query'),
      403,
      'security_exception',
      `action [indices:data/read/search] is unauthorized for API key id [${writer.id}] of user [elastic] on indices [ubq-logs], this action is granted by the index privileges [read,all]`,
    );
    // Authorized, it runs (issue 14 item 3): the index does not exist, as its search finds.
    const both = await tc.apiKey({ indices: [{ names: ['ubq-logs'], privileges: ['write', 'read'] }] });
    await expectError(
      () => request(both, 'POST', '/ubq-logs/_update_by_query'),
      404,
      'index_not_found_exception',
      'no such index [ubq-logs]',
    );
  });

  it('search template: the template action by name, then the search on the request names', async () => {
    const reader = await tc.apiKey({ indices: [{ names: ['tpl-a'], privileges: ['read'] }] });
    await expectError(
      () => request(reader, 'POST', '/tpl-b/_search/template', { id: 'my-template' }),
      403,
      'security_exception',
      `action [indices:data/read/search] is unauthorized for API key id [${reader.id}] of user [elastic] on indices [tpl-b], this action is granted by the index privileges [read,all]`,
    );
  });
});

describe('actions granted without privileges (the stored context is checked to be the caller’s)', () => {
  it.each([
    ['DELETE', '/_search/scroll', { scroll_id: 'abc' }, 'Cannot parse scroll id'],
    ['DELETE', '/_pit', { id: 'abc' }, NOT_EMULATED('point in time ids it did not issue')],
  ])('%s %s reaches the handler for a key without privileges', async (method, path, body, reason) => {
    const none = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(() => request(none, method, path, body), 400, 'illegal_argument_exception', reason);
  });

  it.each([
    ['GET', '/_async_search/abc', undefined, 'async_search.get'],
    ['DELETE', '/_async_search/abc', undefined, 'async_search.delete'],
    ['POST', '/_sql/close', { cursor: 'abc' }, 'sql.clear_cursor'],
  ])('%s %s reaches the not-emulated 400 for a key without privileges', async (method, path, body, api) => {
    const none = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => request(none, method, path, body),
      400,
      'illegal_argument_exception',
      NOT_EMULATED(api),
    );
  });

  it('async search status is a cluster action (monitor grants it)', async () => {
    const none = await tc.apiKey({ cluster: ['manage_security'] });
    await expectError(
      () => request(none, 'GET', '/_async_search/status/abc'),
      403,
      'security_exception',
      `action [cluster:monitor/async_search/status] is unauthorized for API key id [${none.id}] of user [elastic], this action is granted by the cluster privileges [monitor,manage,all]`,
    );
  });

  it('async search submit is not authorized itself, its search is', async () => {
    const none = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => request(none, 'POST', '/async-logs/_async_search', { query: { match_all: {} } }),
      403,
      'security_exception',
      `action [indices:data/read/search] is unauthorized for API key id [${none.id}] of user [elastic] on indices [async-logs], this action is granted by the index privileges [read,all]`,
    );
    const reader = await tc.apiKey({ indices: [{ names: ['async-logs'], privileges: ['read'] }] });
    await expectError(
      () => request(reader, 'POST', '/async-logs/_async_search', { query: { match_all: {} } }),
      400,
      'illegal_argument_exception',
      NOT_EMULATED('async_search.submit'),
    );
  });
});

describe('delete by query: the child requests are authorized on their own names', () => {
  beforeAll(async () => {
    await tc.admin.indices.create({ index: 'dbq-1', aliases: { dbq: {} } });
    await tc.admin.index({ index: 'dbq-1', id: '1', document: { a: 1 }, refresh: true });
  });

  it('the scroll search needs read on the names (delete alone is not enough)', async () => {
    const deleter = await tc.apiKey({ indices: [{ names: ['dbq-1'], privileges: ['delete'] }] });
    await expectError(
      () => deleter.client.deleteByQuery({ index: 'dbq-1', query: { match_all: {} } }),
      403,
      'security_exception',
      `action [indices:data/read/search] is unauthorized for API key id [${deleter.id}] of user [elastic] on indices [dbq-1], this action is granted by the index privileges [read,all]`,
    );
  });

  it('privileges on the alias only: the deletes of the hits fail on the concrete index, 403 with failures', async () => {
    const viaAlias = await tc.apiKey({ indices: [{ names: ['dbq'], privileges: ['read', 'delete'] }] });
    const r = await esError(() => viaAlias.client.deleteByQuery({ index: 'dbq', query: { match_all: {} } }));
    expect(r.status).toBe(403);
    expect([r.body.total, r.body.deleted]).toEqual([1, 0]);
    expect(r.body.failures).toEqual([
      {
        index: 'dbq-1',
        id: '1',
        cause: {
          type: 'security_exception',
          reason: `action [indices:data/write/bulk[s]] is unauthorized for API key id [${viaAlias.id}] of user [elastic] on indices [dbq-1], this action is granted by the index privileges [create_doc,create,delete,index,write,all]`,
        },
        status: 403,
      },
    ]);
    expect((await tc.admin.count({ index: 'dbq-1' })).count).toBe(1);

    const onIndex = await tc.apiKey({ indices: [{ names: ['dbq*'], privileges: ['read', 'delete'] }] });
    const done = await onIndex.client.deleteByQuery({
      index: 'dbq',
      query: { match_all: {} },
      refresh: true,
    });
    expect([done.total, done.deleted, done.failures]).toEqual([1, 1, []]);
  });
});

describe('_cat handlers that send several requests: the first denied one is the 403', () => {
  it('cat.indices: get-settings, then stats, then cluster state', async () => {
    const clusterOnly = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => request(clusterOnly, 'GET', '/_cat/indices/cat-logs'),
      403,
      'security_exception',
      `action [indices:monitor/settings/get] is unauthorized for API key id [${clusterOnly.id}] of user [elastic] on indices [cat-logs], this action is granted by the index privileges [monitor,view_index_metadata,manage,all]`,
    );
    const metadata = await tc.apiKey({
      indices: [{ names: ['cat-*'], privileges: ['view_index_metadata'] }],
    });
    await expectError(
      () => request(metadata, 'GET', '/_cat/indices/cat-logs'),
      403,
      'security_exception',
      `action [indices:monitor/stats] is unauthorized for API key id [${metadata.id}] of user [elastic] on indices [cat-logs], this action is granted by the index privileges [monitor,cross_cluster_replication,manage,all]`,
    );
    const indexMonitor = await tc.apiKey({ indices: [{ names: ['cat-*'], privileges: ['monitor'] }] });
    await expectError(
      () => request(indexMonitor, 'GET', '/_cat/indices/cat-logs'),
      403,
      'security_exception',
      `action [cluster:monitor/state] is unauthorized for API key id [${indexMonitor.id}] of user [elastic], this action is granted by the cluster privileges [cross_cluster_replication,read_ccr,transport_client,manage_ccr,monitor,manage,all]`,
    );
    const both = await tc.apiKey({
      cluster: ['monitor'],
      indices: [{ names: ['cat-*'], privileges: ['monitor'] }],
    });
    // Every request authorized: the missing concrete name is the get-settings request's 404 (strictExpand).
    await expectError(
      () => request(both, 'GET', '/_cat/indices/cat-logs'),
      404,
      'index_not_found_exception',
      'no such index [cat-logs]',
    );
  });

  it('cat.shards reports the stats denial before the cluster state one', async () => {
    const none = await tc.apiKey({ cluster: ['manage_security'] });
    await expectError(
      () => request(none, 'GET', '/_cat/shards'),
      403,
      'security_exception',
      `action [indices:monitor/stats] is unauthorized for API key id [${none.id}] of user [elastic], this action is granted by the index privileges [monitor,cross_cluster_replication,manage,all]`,
    );
  });

  it('cat.nodes: cluster state, then nodes info; cat.help needs authentication only', async () => {
    const none = await tc.apiKey({ cluster: ['manage_security'] });
    await expectError(
      () => request(none, 'GET', '/_cat/nodes'),
      403,
      'security_exception',
      `action [cluster:monitor/state] is unauthorized for API key id [${none.id}] of user [elastic], this action is granted by the cluster privileges [cross_cluster_replication,read_ccr,transport_client,manage_ccr,monitor,manage,all]`,
    );
    await expectError(
      () => request(none, 'GET', '/_cat'),
      400,
      'illegal_argument_exception',
      NOT_EMULATED('cat.help'),
    );
  });
});

describe('token APIs are plain cluster actions (API reference: manage_token)', () => {
  it('POST /_security/oauth2/token without manage_token: 403 naming the action; with it, the 400', async () => {
    const none = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => request(none, 'POST', '/_security/oauth2/token', { grant_type: 'client_credentials' }),
      403,
      'security_exception',
      `action [cluster:admin/xpack/security/token/create] is unauthorized for API key id [${none.id}] of user [elastic], this action is granted by the cluster privileges [manage_token,manage_security,all]`,
    );
    const tokens = await tc.apiKey({ cluster: ['manage_token'] });
    await expectError(
      () => request(tokens, 'POST', '/_security/oauth2/token', { grant_type: 'client_credentials' }),
      400,
      'illegal_argument_exception',
      NOT_EMULATED('security.get_token'),
    );
  });
});

describe('names from the parameter that carries them', () => {
  it('GET /_data_stream/{name} authorizes the data stream name', async () => {
    const elsewhere = await tc.apiKey({
      indices: [{ names: ['other-*'], privileges: ['view_index_metadata'] }],
    });
    await expectError(
      () => request(elsewhere, 'GET', '/_data_stream/logs-app'),
      403,
      'security_exception',
      `action [indices:admin/data_stream/get] is unauthorized for API key id [${elsewhere.id}] of user [elastic] on indices [logs-app], this action is granted by the index privileges [view_index_metadata,manage,all]`,
    );
  });

  it('POST /{alias}/_rollover authorizes the rollover target', async () => {
    const elsewhere = await tc.apiKey({ indices: [{ names: ['other-*'], privileges: ['manage'] }] });
    await expectError(
      () => request(elsewhere, 'POST', '/logs-write/_rollover'),
      403,
      'security_exception',
      `action [indices:admin/rollover] is unauthorized for API key id [${elsewhere.id}] of user [elastic] on indices [logs-write], this action is granted by the index privileges [manage_follow_index,manage,all]`,
    );
  });
});
