import { Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { failure, keyClient, startSandboxProcess } from './sandbox-process.js';

describe('eskeys sandbox authorizes as Elasticsearch does', () => {
  it('GET /_license is the license API; a wildcard delete is refused before it is authorized', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const [, monitor] = await keyClient(admin, url, 'monitor', { cluster: ['monitor'] });
    // monitor grants cluster:monitor/xpack/license/get: the sandbox's self-generated trial license
    expect((await monitor.license.get()).license).toMatchObject({ type: 'trial', status: 'active' });
    // _cat/indices lists only the indices a key may monitor (security expands `*` to authorized names)
    await admin.indices.create({ index: 'logs-1' });
    await admin.indices.create({ index: 'other-1' });
    const [, logsMonitor] = await keyClient(admin, url, 'logs-monitor', {
      cluster: ['monitor'],
      indices: [{ names: ['logs-*'], privileges: ['monitor'] }],
    });
    expect(await logsMonitor.cat.indices({ h: 'index,status', v: true })).toBe(
      'index  status\nlogs-1 open\n',
    );
    const [readerKey, reader] = await keyClient(admin, url, 'reader', {
      indices: [{ names: ['logs-*'], privileges: ['read'] }],
    });
    // Elasticsearch's security filter checks action.destructive_requires_name before authorizing.
    expect(await failure(() => reader.indices.delete({ index: 'logs-*' }))).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'Wildcard expressions or all indices are not allowed',
    });
    expect(await failure(() => reader.indices.delete({ index: 'logs-1' }))).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [indices:admin/delete] is unauthorized for API key id [${readerKey.id}] of user [elastic] on indices [logs-1], this action is granted by the index privileges [delete_index,manage,all]`,
    });
    await Promise.all([admin.close(), monitor.close(), reader.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});

describe('eskeys sandbox authorizes the APIs verified in batch 2 of issue 12', () => {
  it('POST /_ccr/auto_follow/{name}/pause is refused naming its action, then answered as not emulated', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const [monitorKey, monitor] = await keyClient(admin, url, 'monitor', { cluster: ['monitor'] });
    const [, ccr] = await keyClient(admin, url, 'ccr', { cluster: ['manage_ccr'] });
    // RestPauseAutoFollowPatternAction sends ActivateAutoFollowPatternAction, whose NAME is
    // cluster:admin/xpack/ccr/auto_follow_pattern/activate; manage_ccr is cluster:admin/xpack/ccr/*.
    expect(await failure(() => monitor.ccr.pauseAutoFollowPattern({ name: 'pattern-1' }))).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [cluster:admin/xpack/ccr/auto_follow_pattern/activate] is unauthorized for API key id [${monitorKey.id}] of user [elastic], this action is granted by the cluster privileges [manage_ccr,manage,all]`,
    });
    expect(await failure(() => ccr.ccr.pauseAutoFollowPattern({ name: 'pattern-1' }))).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'the eskeys sandbox does not emulate [ccr.pause_auto_follow_pattern]',
    });
    await Promise.all([admin.close(), monitor.close(), ccr.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});

describe('eskeys sandbox authorizes connector APIs with the action of the Elasticsearch major it impersonates', () => {
  // elastic/elasticsearch: on 8.x (#105289) ListConnectorAction.NAME is
  // indices:data/read/xpack/connector/list, an index action on ConnectorActionRequest.indices(),
  // the connector index .elastic-connectors-v1 (ConnectorTemplateRegistry); from 9.0 (#119863) it is
  // cluster:admin/xpack/connector/list, in ClusterPrivilegeResolver's MONITOR_CONNECTOR_PATTERN.
  it.each([
    {
      version: '8',
      reason: (id: string) =>
        `action [indices:data/read/xpack/connector/list] is unauthorized for API key id [${id}] of user [elastic] on indices [.elastic-connectors-v1], this action is granted by the index privileges [read,all]`,
    },
    {
      version: '9',
      reason: (id: string) =>
        `action [cluster:admin/xpack/connector/list] is unauthorized for API key id [${id}] of user [elastic], this action is granted by the cluster privileges [monitor_connector,manage_connector,manage,all]`,
    },
  ])("--es-version $version: GET /_connector names that major's action", async ({ version, reason }) => {
    const { child, ready, stopped } = startSandboxProcess(['--es-version', version]);
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const [monitorKey, monitor] = await keyClient(admin, url, 'monitor', { cluster: ['monitor'] });
    expect(await failure(() => monitor.transport.request({ method: 'GET', path: '/_connector' }))).toEqual({
      status: 403,
      type: 'security_exception',
      reason: reason(monitorKey.id),
    });
    await Promise.all([admin.close(), monitor.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});

describe('eskeys sandbox authorizes special, composite and multi-request APIs as Elasticsearch does', () => {
  it('scroll by name only, _cat/nodes in request order, delete-by-query child requests', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const keyFor = async (name: string, role: Record<string, unknown>) => {
      const [key, client] = await keyClient(admin, url, name, role);
      return { id: key.id, client };
    };
    const security = await keyFor('security', { cluster: ['manage_security'] });
    // RBACEngine: a scroll is authorized by action name (some index must grant read), once its
    // id parsed
    await admin.indices.create({ index: 'scrolled' });
    const opened = await admin.search({ index: 'scrolled', scroll: '1m' });
    expect(await failure(() => security.client.scroll({ scroll_id: opened._scroll_id ?? '' }))).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [indices:data/read/scroll] is unauthorized for API key id [${security.id}] of user [elastic], this action is granted by the index privileges [read,all]`,
    });
    // RestNodesAction sends a cluster state request first
    expect(await failure(() => security.client.cat.nodes())).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [cluster:monitor/state] is unauthorized for API key id [${security.id}] of user [elastic], this action is granted by the cluster privileges [cross_cluster_replication,read_ccr,transport_client,manage_ccr,monitor,manage,all]`,
    });
    const reader = await keyFor('reader', { indices: [{ names: ['logs-*'], privileges: ['read'] }] });
    // ...and a malformed id is refused whatever the privileges (TransportSearchHelper.parseScrollId).
    expect(await failure(() => security.client.scroll({ scroll_id: 'abc' }))).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'Cannot parse scroll id',
    });
    expect(await failure(() => reader.client.scroll({ scroll_id: 'abc' }))).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'Cannot parse scroll id',
    });
    // delete-by-query: its scroll search needs read, not only delete
    await admin.index({ index: 'logs-1', id: '1', document: { a: 1 }, refresh: true });
    const deleter = await keyFor('deleter', { indices: [{ names: ['logs-*'], privileges: ['delete'] }] });
    expect(
      await failure(() => deleter.client.deleteByQuery({ index: 'logs-1', query: { match_all: {} } })),
    ).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [indices:data/read/search] is unauthorized for API key id [${deleter.id}] of user [elastic] on indices [logs-1], this action is granted by the index privileges [read,all]`,
    });
    await Promise.all([
      admin.close(),
      security.client.close(),
      reader.client.close(),
      deleter.client.close(),
    ]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});

describe('eskeys sandbox judges compatibility headers and resets as Elasticsearch does', () => {
  it('the 9.x client: bodiless requests work on the 8.x profile, requests with a body are refused; feature reset', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    // @elastic/elasticsearch 9.x sends this Accept on bodiless requests: a media range, which
    // Elasticsearch's ParsedMediaType ignores (a header with a comma counts as absent).
    const info = await fetch(`${url}/`, {
      headers: {
        authorization: basic('elastic', password),
        accept: 'application/vnd.elasticsearch+json; compatible-with=9,text/plain',
      },
    });
    expect(info.status).toBe(200);
    expect(info.headers.get('content-type')).toBe('application/json');
    const nine = 'application/vnd.elasticsearch+json; compatible-with=9';
    const search = await fetch(`${url}/_search`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: basic('elastic', password), accept: nine, 'content-type': nine },
    });
    expect(search.status).toBe(400);
    const body = (await search.json()) as { error: { type: string; caused_by: { reason: string } } };
    expect(body.error.type).toBe('media_type_header_exception');
    expect(body.error.caused_by.reason).toBe(
      'Accept version must be either version 8 or 7, but found 9. Accept=application/vnd.elasticsearch+json; compatible-with=9',
    );

    // The feature reset brings elastic back to the password the sandbox started with.
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    await admin.security.changePassword({ username: 'elastic', password: 'changed-password' });
    const changed = new Client({ node: url, auth: { username: 'elastic', password: 'changed-password' } });
    expect(await changed.transport.request({ method: 'POST', path: '/_features/_reset' })).toEqual({
      features: [{ feature_name: 'security', status: 'SUCCESS' }],
    });
    expect((await admin.security.authenticate()).username).toBe('elastic');
    await Promise.all([admin.close(), changed.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});

describe('eskeys sandbox names the transport action of ML and platform APIs (issue 12, batch 1)', () => {
  it('ml.close_job: monitor_ml is refused with cluster:admin/xpack/ml/job/close, manage_ml reaches the not-emulated 400', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    // RestCloseJobAction sends CloseJobAction (NAME cluster:admin/xpack/ml/job/close); monitor_ml
    // grants only cluster:monitor/xpack/ml/*, manage_ml also cluster:admin/xpack/ml/*.
    const [monitorKey, monitor] = await keyClient(admin, url, 'ml-monitor', { cluster: ['monitor_ml'] });
    const denied = await failure(() => monitor.ml.closeJob({ job_id: 'job-1' }));
    expect(denied.status).toBe(403);
    expect(denied.type).toBe('security_exception');
    expect(
      denied.reason.startsWith(
        `action [cluster:admin/xpack/ml/job/close] is unauthorized for API key id [${monitorKey.id}] of user [elastic], this action is granted by the cluster privileges [`,
      ),
    ).toBe(true);
    const [, manage] = await keyClient(admin, url, 'ml-manage', { cluster: ['manage_ml'] });
    expect(await failure(() => manage.ml.closeJob({ job_id: 'job-1' }))).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'the eskeys sandbox does not emulate [ml.close_job]',
    });
    await Promise.all([admin.close(), monitor.close(), manage.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});

describe('eskeys sandbox routes and authorizes the APIs of batch 4 of issue 12 as a stateful release does', () => {
  it('project.* paths reach no handler; create_from, migrate_reindex, ML explain and monitor_stats are authorized by their actions', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    // RestController (elastic/elasticsearch server/.../rest/RestController.java): no route of any
    // method matches `/_project/tags` or `/_project_routing/{name}` on a stateful node (their
    // handlers live in the serverless repository only), so it answers 400 before any handler,
    // authentication included; the body's error is a plain string.
    for (const [method, path] of [
      ['GET', '/_project/tags'],
      ['POST', '/_project/tags'],
      ['GET', '/_project_routing/r1'],
      ['PUT', '/_project_routing/r1'],
      ['DELETE', '/_project_routing/r1'],
      // EsqlPlugin registers these only under the external-datasources feature flag
      ['PUT', '/_query/data_source/s3'],
      ['GET', '/_query/dataset'],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method });
      expect([res.status, await res.json()], `${method} ${path}`).toEqual([
        400,
        { error: `no handler found for uri [${path}] and method [${method}]`, status: 400 },
      ]);
    }
    // `/_project_routing` alone matches `/{index}` (DELETE, GET, HEAD, PUT), so POST is 405
    // (RestController.handleNoHandlerFound: another method of a matching route).
    const post = await fetch(`${url}/_project_routing`, { method: 'POST' });
    expect([post.status, post.headers.get('allow'), await post.json()]).toEqual([
      405,
      'DELETE,GET,HEAD,PUT',
      {
        error:
          'Incorrect HTTP method for uri [/_project_routing] and method [POST], allowed: [DELETE, GET, HEAD, PUT]',
        status: 405,
      },
    ]);
    // `/_project_routing` alone is `/{index}`: PUT is the create-index API for an index named
    // `_project_routing`, authorized as indices:admin/create before its name is validated.
    const [monitorKey, monitor] = await keyClient(admin, url, 'monitor', { cluster: ['monitor'] });
    expect(
      await failure(() => monitor.transport.request({ method: 'PUT', path: '/_project_routing', body: {} })),
    ).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [indices:admin/create] is unauthorized for API key id [${monitorKey.id}] of user [elastic] on indices [_project_routing], this action is granted by the index privileges [create_index,manage,all]`,
    });
    expect(
      await failure(() => admin.transport.request({ method: 'PUT', path: '/_project_routing', body: {} })),
    ).toEqual({
      status: 400,
      type: 'invalid_index_name_exception',
      reason: "Invalid index name [_project_routing], must not start with '_', '-', or '+'",
    });
    // RestCreateIndexFromSourceAction → CreateIndexFromSourceAction (indices:admin/index/create_from_source),
    // whose Request.indices() is the source index only.
    expect(
      await failure(() =>
        monitor.transport.request({ method: 'PUT', path: '/_create_from/logs-old/logs-new', body: {} }),
      ),
    ).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [indices:admin/index/create_from_source] is unauthorized for API key id [${monitorKey.id}] of user [elastic] on indices [logs-old], this action is granted by the index privileges [manage,all]`,
    });
    // RestMigrationReindexAction → ReindexDataStreamAction (indices:admin/data_stream/reindex) over
    // the body's source.index.
    expect(
      await failure(() =>
        monitor.transport.request({
          method: 'POST',
          path: '/_migration/reindex',
          body: { mode: 'upgrade', source: { index: 'logs-app' } },
        }),
      ),
    ).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [indices:admin/data_stream/reindex] is unauthorized for API key id [${monitorKey.id}] of user [elastic] on indices [logs-app], this action is granted by the index privileges [manage,all]`,
    });
    // RestExplainDataFrameAnalyticsAction with an {id}: GetDataFrameAnalyticsAction
    // (cluster:monitor/xpack/ml/data_frame/analytics/get, monitor_ml) first, then
    // ExplainDataFrameAnalyticsAction (cluster:admin/xpack/ml/data_frame/analytics/explain,
    // manage_ml is cluster:admin/xpack/ml/* and cluster:monitor/xpack/ml/*).
    const [mlMonitorKey, mlMonitor] = await keyClient(admin, url, 'ml-monitor', { cluster: ['monitor_ml'] });
    expect(
      await failure(() =>
        mlMonitor.transport.request({ method: 'GET', path: '/_ml/data_frame/analytics/job-1/_explain' }),
      ),
    ).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [cluster:admin/xpack/ml/data_frame/analytics/explain] is unauthorized for API key id [${mlMonitorKey.id}] of user [elastic], this action is granted by the cluster privileges [manage_ml,manage,all]`,
    });
    const [, mlManager] = await keyClient(admin, url, 'ml-manager', { cluster: ['manage_ml'] });
    expect(
      await failure(() =>
        mlManager.transport.request({ method: 'GET', path: '/_ml/data_frame/analytics/job-1/_explain' }),
      ),
    ).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'the eskeys sandbox does not emulate [ml.explain_data_frame_analytics]',
    });
    await Promise.all([mlMonitor.close(), mlManager.close()]);
    // ClusterPrivilegeResolver: monitor_stats is cluster:monitor/stats*, nothing else.
    const [statsKey, stats] = await keyClient(admin, url, 'stats', { cluster: ['monitor_stats'] });
    // granted: the request passes authorization; filter_path selects fields the sandbox answers
    const clusterName = (await admin.info()).cluster_name;
    expect(await stats.cluster.stats({ filter_path: 'cluster_name,_nodes' })).toEqual({
      _nodes: { total: 1, successful: 1, failed: 0 },
      cluster_name: clusterName,
    });
    expect(await failure(() => stats.cluster.health())).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [cluster:monitor/health] is unauthorized for API key id [${statsKey.id}] of user [elastic], this action is granted by the cluster privileges [monitor,manage,all]`,
    });
    const [noneKey, none] = await keyClient(admin, url, 'none', {});
    expect(await failure(() => none.cluster.stats())).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [cluster:monitor/stats] is unauthorized for API key id [${noneKey.id}] of user [elastic], this action is granted by the cluster privileges [monitor_stats,monitor,manage,all]`,
    });
    await Promise.all([admin.close(), monitor.close(), stats.close(), none.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});

describe('eskeys sandbox authorizes the APIs of batch 5 of issue 12 by their actions', () => {
  it('the IP location database get/put are the GeoIP database actions (403 naming them; manage reaches the not-emulated 400)', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const [securityKey, security] = await keyClient(admin, url, 'security', { cluster: ['manage_security'] });
    // elastic/elasticsearch modules/ingest-geoip ingest.geoip.direct: GetDatabaseConfigurationAction
    // and PutDatabaseConfigurationAction serve the `ip_location` paths too; ClusterPrivilegeResolver
    // grants cluster:admin/* to `manage` and `all` (manage_security is cluster:admin/xpack/security/*).
    for (const [method, path, action] of [
      ['GET', '/_ingest/ip_location/database', 'cluster:admin/ingest/geoip/database/get'],
      ['PUT', '/_ingest/ip_location/database/db-1', 'cluster:admin/ingest/geoip/database/put'],
    ] as const) {
      expect(
        await failure(() =>
          security.transport.request({ method, path, ...(method === 'PUT' ? { body: {} } : {}) }),
        ),
        `${method} ${path}`,
      ).toEqual({
        status: 403,
        type: 'security_exception',
        reason: `action [${action}] is unauthorized for API key id [${securityKey.id}] of user [elastic], this action is granted by the cluster privileges [manage,all]`,
      });
    }
    const [, manage] = await keyClient(admin, url, 'manage', { cluster: ['manage'] });
    expect(
      await failure(() => manage.transport.request({ method: 'GET', path: '/_ingest/ip_location/database' })),
    ).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'the eskeys sandbox does not emulate [ingest.get_ip_location_database]',
    });
    await Promise.all([admin.close(), security.close(), manage.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});

describe('eskeys sandbox routes the ES|QL view APIs as the release it impersonates', () => {
  it('9.1 (the `9` profile) has no view handler: 400 no handler before authentication; 9.4.0 has them', async () => {
    // elastic/elasticsearch#146559: views released (tech preview) in 9.4.0; before, no release
    // build registers RestPutViewAction & co., and no other route matches `/_query/view[/{name}]`,
    // so RestController answers 400 "no handler found" before the security filter.
    const old = startSandboxProcess(['--es-version', '9']);
    const { url } = await old.ready;
    for (const [method, path] of [
      ['GET', '/_query/view'],
      ['GET', '/_query/view/v1'],
      ['PUT', '/_query/view/v1'],
      ['DELETE', '/_query/view/v1'],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method });
      expect([res.status, await res.json()], `${method} ${path}`).toEqual([
        400,
        { error: `no handler found for uri [${path}] and method [${method}]`, status: 400 },
      ]);
    }
    old.child.kill('SIGINT');
    expect(await old.stopped).toBe(130);

    const current = startSandboxProcess(['--es-version', '9.4.0']);
    const ready = await current.ready;
    const admin = new Client({ node: ready.url, auth: { username: 'elastic', password: ready.password } });
    expect(await failure(() => admin.transport.request({ method: 'GET', path: '/_query/view' }))).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'the eskeys sandbox does not emulate [esql.get_view]',
    });
    await admin.close();
    current.child.kill('SIGINT');
    expect(await current.stopped).toBe(130);
  });
});
