/**
 * `eskeys init`: answers → template. The privilege behind each answer is written here literally,
 * with the Elasticsearch source that makes it the narrowest named privilege covering the answer
 * (x-pack/plugin/core/src/main/java/org/elasticsearch/xpack/core/security/authz/privilege/
 * IndexPrivilege.java and ClusterPrivilegeResolver.java; see docs/es-facts.md).
 */
import { describe, expect, it } from 'vitest';
import {
  buildTemplate,
  CAPABILITY_IDS,
  type CapabilityId,
  capabilityFor,
} from '../../../src/core/init/index.js';
import { lintTemplate } from '../../../src/core/lint/index.js';
import { validateTemplate } from '../../../src/core/templates/load-template.js';

type Descriptor = { cluster?: string[]; indices?: { names: string[]; privileges: string[] }[] };
interface Built {
  role_descriptors: Record<string, Descriptor>;
  probes: { allow: string[]; deny: string[] };
  outputs: { env_files: string[]; key_var: string; id_var: string };
  lint?: { ignore: string[] };
}

function build(can: CapabilityId[], indices = ['app-*']): Built {
  const r = buildTemplate({ name: 'app', indices, capabilities: can, envFile: '.env' });
  if (!r.ok) throw new Error(`${r.problem.answer}: ${r.problem.message}`);
  return r.template as unknown as Built;
}

describe('the narrowest named privilege for each answer', () => {
  it.each([
    // IndexPrivilege READ: indices:data/read/* (search, get, count), nothing that writes.
    { can: 'read', index: ['read'], cluster: [] },
    // IndexPrivilege CREATE_DOC: indices:data/write/index* with op_type create only; cannot overwrite.
    { can: 'create', index: ['create_doc'], cluster: [] },
    // Data streams: CREATE_DOC for the documents, AUTO_CONFIGURE for indices:admin/auto_create and
    // indices:admin/mapping/auto_put (a stream's creation on first write and its mapping update
    // for a new field), which CREATE_DOC does not grant.
    { can: 'streams', index: ['create_doc', 'auto_configure'], cluster: [] },
    // IndexPrivilege INDEX: indices:data/write/index*, update*, bulk*: overwrite and update, no delete.
    { can: 'index', index: ['index'], cluster: [] },
    // IndexPrivilege DELETE: indices:data/write/delete*, bulk*.
    { can: 'delete', index: ['delete'], cluster: [] },
    // IndexPrivilege CREATE_INDEX: indices:admin/create (+ auto create); VIEW_METADATA: mappings/settings get.
    // Not MANAGE, which also grants indices:admin/delete, settings/update and aliases.
    { can: 'indices', index: ['create_index', 'view_index_metadata'], cluster: [] },
    // ClusterPrivilegeResolver MANAGE_PIPELINE: cluster:admin/ingest/pipeline/*.
    { can: 'pipelines', index: undefined, cluster: ['manage_pipeline'] },
    // ClusterPrivilegeResolver MANAGE_ILM: cluster:admin/ilm/*.
    { can: 'ilm', index: undefined, cluster: ['manage_ilm'] },
    // ClusterPrivilegeResolver MANAGE_INDEX_TEMPLATES: indices:admin/template/*, index_template/*.
    { can: 'templates', index: undefined, cluster: ['manage_index_templates'] },
  ] as const)('$can → index $index, cluster $cluster', ({ can, index, cluster }) => {
    const d = build([can]).role_descriptors.app!;
    expect(d.indices?.[0]?.privileges).toEqual(index);
    if (index) expect(d.indices?.[0]?.names).toEqual(['app-*']);
    expect(d.cluster ?? []).toEqual(cluster);
  });

  it('streams with index: index covers the creates, auto_configure stays; a stream may never be deleted or rolled over', () => {
    const t = build(['streams', 'index']);
    expect(t.role_descriptors.app!.indices?.[0]?.privileges).toEqual(['auto_configure', 'index']);
    expect(t.probes.deny).toEqual(expect.arrayContaining(['data_stream.delete', 'rollover']));
    expect(t.probes.deny).not.toContain('doc.create');
    expect(build(['read']).probes.deny).not.toContain('rollover');
  });

  it('never grants write, all or manage, whatever the answers', () => {
    const d = build([...CAPABILITY_IDS]).role_descriptors.app!;
    const all = [...(d.cluster ?? []), ...(d.indices ?? []).flatMap((i) => i.privileges)];
    for (const broad of ['write', 'all', 'manage']) expect(all).not.toContain(broad);
  });

  it('add and update together: index alone (it already covers op_type create)', () => {
    expect(build(['create', 'index']).role_descriptors.app!.indices?.[0]?.privileges).toEqual(['index']);
  });
});

describe('probes derived from the answers', () => {
  it('read and add documents: allow what it does, deny deletes, overwrites and the dangerous admin operations', () => {
    const t = build(['read', 'create']);
    expect(t.probes.allow).toEqual(['search', 'count', 'doc.get', 'doc.create']);
    expect(t.probes.deny).toEqual([
      'doc.index',
      'doc.update',
      'doc.delete',
      'bulk.delete',
      'delete_by_query',
      'index.create',
      'index.delete',
      'index.put_settings',
      'aliases.update',
      'cluster.put_settings',
      'security.create_api_key',
    ]);
  });

  it('deleting documents asked for: doc.delete becomes an allow probe and the grant-delete warning is accepted', () => {
    const t = build(['read', 'delete']);
    expect(t.probes.allow).toEqual(['search', 'count', 'doc.get', 'doc.delete', 'bulk.delete']);
    expect(t.probes.deny).not.toContain('doc.delete');
    expect(t.probes.deny).toContain('index.delete');
    expect(t.lint).toEqual({ ignore: ['grant-delete'] });
  });

  it('cluster work only (pipelines): no index privilege; index deny probes name a fresh index matching the pattern', () => {
    const t = build(['pipelines']);
    expect(t.role_descriptors.app!.indices).toBeUndefined();
    expect(t.probes.allow).toEqual(['pipeline.put']);
    expect(t.probes.deny).toContainEqual({ op: 'index.delete', index: 'app-eskeys-probe' });
    expect(t.probes.deny).toContain('cluster.put_settings');
  });

  it('read only: adding documents is denied too', () => {
    expect(build(['read']).probes.deny).toContain('doc.create');
  });

  it('the key goes to the env file and variable given; the id beside it', () => {
    const r = buildTemplate({
      name: 'app',
      indices: ['app-*'],
      capabilities: ['read'],
      envFile: 'conf/.env',
      keyVar: 'APP_ES_KEY',
    });
    expect(r.ok && r.template.outputs).toEqual({
      env_files: ['conf/.env'],
      key_var: 'APP_ES_KEY',
      id_var: 'APP_ES_KEY_ID',
    });
  });
});

describe('every combination of answers is a valid, lint-clean template', () => {
  const combos: CapabilityId[][] = [];
  for (let mask = 1; mask < 1 << CAPABILITY_IDS.length; mask++) {
    combos.push(CAPABILITY_IDS.filter((_, i) => mask & (1 << i)));
  }
  it(`all ${combos.length} non-empty combinations`, () => {
    for (const can of combos) {
      const t = build(can, ['app-*', 'app_logs-*']);
      const checked = validateTemplate(t);
      expect(checked.errors, can.join(',')).toEqual([]);
      expect(lintTemplate(checked.value!, 'app.json').findings, can.join(',')).toEqual([]);
      // An operation is never both allowed and denied.
      expect(
        t.probes.allow.filter((op) => t.probes.deny.includes(op)),
        can.join(','),
      ).toEqual([]);
    }
  });
});

describe('answers that cannot make a good template are refused, naming the answer', () => {
  it.each([
    { why: 'no capability', indices: ['app-*'], can: [], answer: 'can' },
    { why: 'no index pattern', indices: [], can: ['read'], answer: 'index' },
    { why: 'a pattern matching every index', indices: ['*'], can: ['read'], answer: 'index' },
    { why: 'no wildcard pattern for the probes', indices: ['app'], can: ['read'], answer: 'index' },
  ] as const)('$why → $answer', ({ indices, can, answer }) => {
    const r = buildTemplate({ name: 'app', indices, capabilities: [...can], envFile: '.env' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem.answer).toBe(answer);
  });

  it('a template name Elasticsearch-unsafe characters → name', () => {
    const r = buildTemplate({ name: 'My App!', indices: ['app-*'], capabilities: ['read'], envFile: '.env' });
    expect(!r.ok && r.problem.answer).toBe('name');
  });
});

describe('--can words', () => {
  it.each([
    ['read', 'read'],
    ['search', 'read'],
    ['add', 'create'],
    ['update', 'index'],
    ['Delete', 'delete'],
    ['manage-indices', 'indices'],
    ['index-templates', 'templates'],
    ['nonsense', undefined],
  ])('%s → %s', (word, id) => {
    expect(capabilityFor(word)).toBe(id);
  });
});
