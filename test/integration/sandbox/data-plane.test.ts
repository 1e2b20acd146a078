import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, expectError, startTestCluster, type TestCluster } from './helpers.js';

let tc: TestCluster;
beforeAll(async () => {
  tc = await startTestCluster();
});
afterAll(() => tc.close());

describe('indices', () => {
  it('creates with settings, mappings and aliases; rejects duplicates', async () => {
    const res = await tc.admin.indices.create({
      index: 'app-1',
      settings: { number_of_replicas: 0 },
      mappings: { properties: { title: { type: 'text' } } },
      aliases: { app: {} },
    });
    expect(res).toEqual({ acknowledged: true, shards_acknowledged: true, index: 'app-1' });
    const err = await expectError(
      () => tc.admin.indices.create({ index: 'app-1' }),
      400,
      'resource_already_exists_exception',
      /^index \[app-1\/[\w-]+\] already exists$/,
    );
    expect(err.index).toBe('app-1');
  });

  it('validates index names', async () => {
    const err = await expectError(
      () => tc.admin.indices.create({ index: 'Bad' }),
      400,
      'invalid_index_name_exception',
      'Invalid index name [Bad], must be lowercase',
    );
    expect(err.index).toBe('Bad');
  });

  it('exists, get, settings and mappings', async () => {
    expect(await tc.admin.indices.exists({ index: 'app-1' })).toBe(true);
    expect(await tc.admin.indices.exists({ index: 'nope' })).toBe(false);
    const got = await tc.admin.indices.get({ index: 'app-1' });
    expect(got['app-1']!.aliases).toEqual({ app: {} });
    expect(got['app-1']!.settings!.index!.number_of_replicas).toBe('0');
    const settings = await tc.admin.indices.getSettings({ index: 'app-1' });
    expect(settings['app-1']!.settings!.index!.provided_name).toBe('app-1');
    await tc.admin.indices.putSettings({ index: 'app-1', settings: { index: { refresh_interval: '5s' } } });
    const flat = await tc.admin.indices.getSettings({ index: 'app-1', flat_settings: true });
    expect(flat['app-1']!.settings!['index.refresh_interval']).toBe('5s');
    await expectError(
      () => tc.admin.indices.putSettings({ index: 'app-1', settings: { number_of_shards: 2 } }),
      400,
      'illegal_argument_exception',
      /^Can't update non dynamic settings \[\[index\.number_of_shards\]\] for open indices \[\[app-1\//,
    );
    await expectError(
      () => tc.admin.indices.putSettings({ index: 'app-1', settings: { 'index.bogus': 1 } }),
      400,
      'illegal_argument_exception',
      'unknown setting [index.bogus] please check that any required plugins are installed, or check the breaking changes documentation for removed settings',
    );
    await tc.admin.indices.putMapping({ index: 'app-1', properties: { tag: { type: 'keyword' } } });
    const mapping = await tc.admin.indices.getMapping({ index: 'app-1' });
    expect(mapping['app-1']!.mappings.properties).toEqual({
      title: { type: 'text' },
      tag: { type: 'keyword' },
    });
    await expectError(
      () => tc.admin.indices.putMapping({ index: 'app-1', properties: { tag: { type: 'long' } } }),
      400,
      'illegal_argument_exception',
      'mapper [tag] cannot be changed from type [keyword] to [long]',
    );
  });

  it('refuses wildcard deletes by default (action.destructive_requires_name)', async () => {
    await expectError(
      () => tc.admin.indices.delete({ index: 'app-*' }),
      400,
      'illegal_argument_exception',
      'Wildcard expressions or all indices are not allowed',
    );
    await tc.admin.cluster.putSettings({ transient: { 'action.destructive_requires_name': false } });
    await tc.admin.indices.create({ index: 'tmp-1' });
    await tc.admin.indices.create({ index: 'tmp-2' });
    await tc.admin.indices.delete({ index: 'tmp-*' });
    expect(tc.sandbox.state.listIndices().filter((n) => n.startsWith('tmp-'))).toEqual([]);
    await tc.admin.cluster.putSettings({ transient: { 'action.destructive_requires_name': null } });
  });

  it('hidden indices are skipped by wildcards; auto_expand_replicas settles at 0 on one node', async () => {
    await tc.admin.indices.create({
      index: 'hid-probe',
      settings: { index: { hidden: true, number_of_shards: 1, auto_expand_replicas: '0-1' } },
    });
    await tc.admin.index({ index: 'hid-probe', id: '1', document: { a: 1 }, refresh: true });
    expect((await tc.admin.count({ index: 'hid-*' })).count).toBe(0);
    expect((await tc.admin.count({ index: 'hid-*', expand_wildcards: 'all' })).count).toBe(1);
    expect((await tc.admin.cluster.health({ index: 'hid-probe' })).status).toBe('green');
    const w = await tc.admin.index({ index: 'hid-probe', id: '2', document: { a: 2 } });
    expect(w._shards).toEqual({ total: 1, successful: 1, failed: 0 });
  });

  it('validation precedes authorization (TransportAction): empty settings updates are 400 for anyone', async () => {
    const key = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => key.client.cluster.putSettings({ persistent: {} }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: no settings to update;',
    );
    await expectError(
      () => key.client.indices.putSettings({ index: 'app-1', settings: {} }),
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: no settings to update;',
    );
  });

  it('deletes comma lists and 404s for a missing name', async () => {
    await tc.admin.indices.create({ index: 'del-a' });
    await tc.admin.indices.create({ index: 'del-b' });
    await tc.admin.indices.delete({ index: 'del-a,del-b' });
    await expectError(
      () => tc.admin.indices.delete({ index: 'del-a' }),
      404,
      'index_not_found_exception',
      'no such index [del-a]',
    );
  });
});

describe('aliases', () => {
  it('adds, lists and removes aliases', async () => {
    await tc.admin.indices.create({ index: 'al-1' });
    const r = await tc.admin.indices.updateAliases({ actions: [{ add: { index: 'al-1', alias: 'al' } }] });
    expect(r.acknowledged).toBe(true);
    expect(await tc.admin.indices.getAlias({ name: 'al' })).toEqual({ 'al-1': { aliases: { al: {} } } });
    await tc.admin.indices.putAlias({ index: 'al-1', name: 'al2' });
    expect(await tc.admin.indices.getAlias({ index: 'al-1' })).toEqual({
      'al-1': { aliases: { al: {}, al2: {} } },
    });
    await tc.admin.indices.updateAliases({ actions: [{ remove: { index: 'al-1', alias: 'al' } }] });
    const err = await expectError(
      () => tc.admin.indices.updateAliases({ actions: [{ remove: { index: 'al-1', alias: 'al' } }] }),
      404,
      'aliases_not_found_exception',
      'aliases [al] missing',
    );
    expect(err['resource.id']).toBe('al');
    const missing = await esError(() => tc.admin.indices.getAlias({ name: 'ghost' }));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'alias [ghost] missing', status: 404 });
  });

  it('authorizes the alias name for add', async () => {
    const key = await tc.apiKey({ indices: [{ names: ['al-*'], privileges: ['manage'] }] });
    await expectError(
      () => key.client.indices.updateAliases({ actions: [{ add: { index: 'al-1', alias: 'outside' } }] }),
      403,
      'security_exception',
      `action [indices:admin/aliases] is unauthorized for API key id [${key.id}] of user [elastic] on indices [outside], this action is granted by the index privileges [manage,all]`,
    );
  });
});

describe('documents', () => {
  it('indexes, gets, updates and deletes a document', async () => {
    const created = await tc.admin.index({ index: 'docs', id: '1', document: { user: 'kim', n: 1 } });
    expect(created).toMatchObject({
      _index: 'docs',
      _id: '1',
      _version: 1,
      result: 'created',
      _seq_no: 0,
      _primary_term: 1,
    });
    const again = await tc.admin.index({ index: 'docs', id: '1', document: { user: 'kim', n: 2 } });
    expect(again).toMatchObject({ _version: 2, result: 'updated' });
    const got = await tc.admin.get({ index: 'docs', id: '1' });
    expect(got).toEqual({
      _index: 'docs',
      _id: '1',
      _version: 2,
      _seq_no: 1,
      _primary_term: 1,
      found: true,
      _source: { user: 'kim', n: 2 },
    });
    const upd = await tc.admin.update({ index: 'docs', id: '1', doc: { n: 3 } });
    expect(upd.result).toBe('updated');
    const noop = await tc.admin.update({ index: 'docs', id: '1', doc: { n: 3 } });
    expect(noop.result).toBe('noop');
    const upsert = await tc.admin.update({ index: 'docs', id: '2', doc: { n: 9 }, doc_as_upsert: true });
    expect(upsert.result).toBe('created');
    await expectError(
      () => tc.admin.update({ index: 'docs', id: '404', doc: { n: 1 } }),
      404,
      'document_missing_exception',
      '[404]: document missing',
    );
    const del = await tc.admin.delete({ index: 'docs', id: '2' });
    expect(del.result).toBe('deleted');
    const missing = await esError(() => tc.admin.get({ index: 'docs', id: '2' }));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ _index: 'docs', _id: '2', found: false });
    const delMissing = await esError(() => tc.admin.delete({ index: 'docs', id: '2' }));
    expect(delMissing.status).toBe(404);
    expect(delMissing.body.result).toBe('not_found');
  });

  it('HEAD and _source for documents', async () => {
    expect(await tc.admin.exists({ index: 'docs', id: '1' })).toBe(true);
    expect(await tc.admin.exists({ index: 'docs', id: 'nope' })).toBe(false);
    expect(await tc.admin.getSource({ index: 'docs', id: '1' })).toEqual({ user: 'kim', n: 3 });
  });

  it('auto-generates ids and refuses _create on an existing id with 409', async () => {
    const auto = await tc.admin.index({ index: 'docs', document: { a: 1 } });
    expect(auto._id).toHaveLength(20);
    await expectError(
      () => tc.admin.create({ index: 'docs', id: '1', document: { a: 1 } }),
      409,
      'version_conflict_engine_exception',
      '[1]: version conflict, document already exists (current version [3])',
    );
  });

  it('updates the mapping dynamically', async () => {
    await tc.admin.index({
      index: 'dyn',
      id: '1',
      document: { s: 'x', n: 1, f: 1.5, b: true, d: '2024-01-01', o: { k: 'v' } },
    });
    const m = await tc.admin.indices.getMapping({ index: 'dyn' });
    expect(m.dyn!.mappings.properties).toEqual({
      s: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
      n: { type: 'long' },
      f: { type: 'float' },
      b: { type: 'boolean' },
      d: { type: 'date' },
      o: { properties: { k: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } } } },
    });
  });
});

describe('search, count, delete by query', () => {
  beforeAll(async () => {
    await tc.admin.bulk({
      refresh: true,
      operations: [
        { index: { _index: 'search-a', _id: '1' } },
        { color: 'red', size: 1, text: 'Quick brown fox' },
        { index: { _index: 'search-a', _id: '2' } },
        { color: 'blue', size: 2 },
        { index: { _index: 'search-b', _id: '3' } },
        { color: 'red', size: 3 },
      ],
    });
  });

  it('match_all, term, match, ids, size and from', async () => {
    const all = await tc.admin.search({ index: 'search-*' });
    expect(all.hits.total).toEqual({ value: 3, relation: 'eq' });
    const red = await tc.admin.search({ index: 'search-*', query: { term: { 'color.keyword': 'red' } } });
    expect(red.hits.hits.map((h) => h._id).sort()).toEqual(['1', '3']);
    const text = await tc.admin.search({ index: 'search-a', query: { match: { text: 'quick' } } });
    expect(text.hits.hits.map((h) => h._id)).toEqual(['1']);
    const ids = await tc.admin.search({ index: 'search-a', query: { ids: { values: ['2'] } } });
    expect(ids.hits.hits[0]!._source).toEqual({ color: 'blue', size: 2 });
    const page = await tc.admin.search({ index: 'search-*', size: 1, from: 1 });
    expect(page.hits.hits).toHaveLength(1);
    expect(page._shards).toEqual({ total: 2, successful: 2, skipped: 0, failed: 0 });
  });

  it('count and 404 for a missing concrete index', async () => {
    expect((await tc.admin.count({ index: 'search-a' })).count).toBe(2);
    await expectError(() => tc.admin.search({ index: 'nope' }), 404, 'index_not_found_exception');
  });

  it('documents become searchable after refresh', async () => {
    await tc.admin.index({ index: 'nrt', id: '1', document: { a: 1 } });
    expect((await tc.admin.count({ index: 'nrt' })).count).toBe(0);
    await tc.admin.indices.refresh({ index: 'nrt' });
    expect((await tc.admin.count({ index: 'nrt' })).count).toBe(1);
  });

  it('delete by query', async () => {
    const r = await tc.admin.deleteByQuery({
      index: 'search-a',
      query: { term: { color: 'blue' } },
      refresh: true,
    });
    expect(r.deleted).toBe(1);
    expect((await tc.admin.count({ index: 'search-a' })).count).toBe(1);
    const key = await tc.apiKey({ indices: [{ names: ['search-*'], privileges: ['read'] }] });
    await expectError(
      () => key.client.deleteByQuery({ index: 'search-a', query: { match_all: {} } }),
      403,
      'security_exception',
      `action [indices:data/write/delete/byquery] is unauthorized for API key id [${key.id}] of user [elastic] on indices [search-a], this action is granted by the index privileges [delete,write,all]`,
    );
  });

  it('delete by query refuses a sort URL parameter by name instead of ignoring it, deleting nothing', async () => {
    // AbstractBulkByQueryRestHandler hands the URL to RestSearchAction.parseSearchRequest, whose
    // sort orders the documents the scroll deletes (with max_docs: which ones); the specification
    // marks the parameter deprecated in 9.0 as not supported. The sandbox does not order deletes.
    const before = (await tc.admin.count({ index: 'search-a' })).count;
    expect(before).toBeGreaterThan(0);
    await expectError(
      () =>
        tc.admin.transport.request({
          method: 'POST',
          path: '/search-a/_delete_by_query',
          querystring: { sort: 'color:asc' },
          body: { query: { match_all: {} } },
        }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [delete_by_query?sort]',
    );
    // The client sends `sort` in the body, where it sorts the search as well.
    await expectError(
      () => tc.admin.deleteByQuery({ index: 'search-a', query: { match_all: {} }, sort: ['color:asc'] }),
      400,
      'illegal_argument_exception',
      'the eskeys sandbox does not emulate [delete_by_query.sort]',
    );
    expect((await tc.admin.count({ index: 'search-a' })).count).toBe(before);
  });
});

describe('cluster APIs', () => {
  it('health is yellow with replicas on one node; per-index health', async () => {
    const h = await tc.admin.cluster.health();
    expect(h.status).toBe('yellow');
    expect(h.number_of_nodes).toBe(1);
    const one = await tc.admin.cluster.health({ index: 'app-1' });
    expect(one.status).toBe('green');
    const waited = await esError(() => tc.admin.cluster.health({ wait_for_status: 'green', timeout: '1s' }));
    expect(waited.status).toBe(408);
    expect(waited.body).toMatchObject({ status: 'yellow', timed_out: true });
    expect((await tc.admin.cluster.health({ wait_for_status: 'yellow' })).timed_out).toBe(false);
  });

  it('cluster settings round-trip and unknown settings are refused', async () => {
    const r = await tc.admin.cluster.putSettings({
      persistent: { 'cluster.routing.allocation.enable': 'all' },
    });
    expect(r).toEqual({
      acknowledged: true,
      persistent: { cluster: { routing: { allocation: { enable: 'all' } } } },
      transient: {},
    });
    const got = await tc.admin.cluster.getSettings({ flat_settings: true });
    expect(got.persistent).toEqual({ 'cluster.routing.allocation.enable': 'all' });
    await expectError(
      () => tc.admin.cluster.putSettings({ persistent: { 'no.such.setting': 1 } }),
      400,
      'illegal_argument_exception',
      'persistent setting [no.such.setting], not recognized',
    );
    // Archived settings are exempt from validation so they can be removed; a missing one is a no-op.
    expect(
      await tc.admin.cluster.putSettings({ persistent: { 'archived.eskeys-probe-ab12': null } }),
    ).toEqual({
      acknowledged: true,
      persistent: {},
      transient: {},
    });
  });

  it('index, legacy and component templates', async () => {
    await tc.admin.indices.putIndexTemplate({
      name: 'tpl',
      index_patterns: ['tpl-*'],
      template: { settings: { number_of_replicas: 0 } },
    });
    const got = await tc.admin.indices.getIndexTemplate({ name: 'tpl' });
    expect(got.index_templates[0]!.name).toBe('tpl');
    await tc.admin.indices.create({ index: 'tpl-1' });
    const s = await tc.admin.indices.getSettings({ index: 'tpl-1' });
    expect(s['tpl-1']!.settings!.index!.number_of_replicas).toBe('0');
    await expectError(
      () => tc.admin.indices.putIndexTemplate({ name: 'tpl2', index_patterns: ['tpl-*'] }),
      400,
      'illegal_argument_exception',
      /^index template \[tpl2\] has index patterns \[tpl-\*\] matching patterns from existing templates \[tpl\]/,
    );
    await tc.admin.indices.deleteIndexTemplate({ name: 'tpl' });
    await expectError(
      () => tc.admin.indices.getIndexTemplate({ name: 'tpl' }),
      404,
      'resource_not_found_exception',
      'index template matching [tpl] not found',
    );
    await tc.admin.indices.putTemplate({ name: 'legacy', index_patterns: ['legacy-*'] });
    expect(Object.keys(await tc.admin.indices.getTemplate({ name: 'legacy' }))).toEqual(['legacy']);
    await tc.admin.indices.deleteTemplate({ name: 'legacy' });
    await expectError(
      () => tc.admin.indices.deleteTemplate({ name: 'legacy' }),
      404,
      'index_template_missing_exception',
      'index_template [legacy] missing',
    );
    await tc.admin.cluster.putComponentTemplate({ name: 'comp', template: { settings: {} } });
    expect((await tc.admin.cluster.getComponentTemplate({ name: 'comp' })).component_templates).toHaveLength(
      1,
    );
    await tc.admin.cluster.deleteComponentTemplate({ name: 'comp' });
  });

  it('ILM policies', async () => {
    await tc.admin.ilm.putLifecycle({ name: 'pol', policy: { phases: { hot: { actions: {} } } } });
    const got = await tc.admin.ilm.getLifecycle({ name: 'pol' });
    expect(got.pol!.version).toBe(1);
    expect(got.pol!.policy.phases).toEqual({ hot: { actions: {} } });
    await tc.admin.ilm.deleteLifecycle({ name: 'pol' });
    await expectError(
      () => tc.admin.ilm.getLifecycle({ name: 'pol' }),
      404,
      'resource_not_found_exception',
      'Lifecycle policy not found: [pol]',
    );
    const key = await tc.apiKey({ cluster: ['monitor'] });
    await expectError(
      () => key.client.ilm.putLifecycle({ name: 'p', policy: { phases: {} } }),
      403,
      'security_exception',
      `action [cluster:admin/ilm/put] is unauthorized for API key id [${key.id}] of user [elastic], this action is granted by the cluster privileges [manage_ilm,manage,all]`,
    );
  });

  it('ingest pipelines', async () => {
    await tc.admin.ingest.putPipeline({ id: 'pipe', processors: [{ set: { field: 'a', value: 1 } }] });
    expect(Object.keys(await tc.admin.ingest.getPipeline({ id: 'pipe' }))).toEqual(['pipe']);
    await tc.admin.ingest.deletePipeline({ id: 'pipe' });
    const missing = await esError(() => tc.admin.ingest.getPipeline({ id: 'pipe' }));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({});
    await expectError(
      () => tc.admin.ingest.deletePipeline({ id: 'pipe' }),
      404,
      'resource_not_found_exception',
      'pipeline [pipe] is missing',
    );
    const key = await tc.apiKey({ cluster: ['manage_ilm'] });
    await expectError(
      () => key.client.ingest.putPipeline({ id: 'p', processors: [] }),
      403,
      'security_exception',
      `action [cluster:admin/ingest/pipeline/put] is unauthorized for API key id [${key.id}] of user [elastic], this action is granted by the cluster privileges [manage_ingest_pipelines,manage_pipeline,manage,all]`,
    );
  });
});
