import { describe, expect, it } from 'vitest';
import { indexGroupsOf } from '../../../src/core/access/analyze.js';
import {
  actionAccess,
  analyzeAccess,
  exampleIndexName,
  indexNameProblem,
  operationAccess,
} from '../../../src/core/access/index.js';
import { checkProbeExpectations } from '../../../src/core/access/probe-checks.js';
import { Role, type RoleDescriptor } from '../../../src/core/privileges/index.js';
import { PROBE_OPERATIONS, probeOperation } from '../../../src/core/probes/catalogue.js';
import { parseTemplate } from '../../../src/core/templates/load-template.js';
import { descriptors, repoFile, template } from './support.js';

const op = (id: string) => probeOperation(id)!;

describe('offline access analysis', () => {
  it.each<[string, string[], string, boolean, string[]]>([
    ['write grants document delete', ['read', 'write'], 'doc.delete', true, ['write']],
    ['index does not grant delete', ['read', 'index'], 'doc.delete', false, []],
    ['index grants update', ['index'], 'doc.update', true, ['index']],
    ['create_doc grants create', ['create_doc'], 'doc.create', true, ['create_doc']],
    ['create_doc does not grant update', ['create_doc'], 'doc.update', false, []],
    ['delete grants bulk delete', ['delete'], 'bulk.delete', true, ['delete']],
    ['write grants delete_by_query', ['write'], 'delete_by_query', true, ['write']],
    ['all grants index delete', ['all'], 'index.delete', true, ['all']],
    ['manage grants index delete', ['manage'], 'index.delete', true, ['manage']],
    ['manage grants put settings', ['manage'], 'index.put_settings', true, ['manage']],
    ['manage does not grant search', ['manage'], 'search', false, []],
    [
      'view_index_metadata grants get mapping',
      ['view_index_metadata'],
      'index.get_mapping',
      true,
      ['view_index_metadata'],
    ],
    ['monitor grants get settings', ['monitor'], 'index.get_settings', true, ['monitor']],
    ['create_index grants index create', ['create_index'], 'index.create', true, ['create_index']],
    [
      'read and write both named when both grant',
      ['delete', 'write'],
      'doc.delete',
      true,
      ['delete', 'write'],
    ],
    [
      'raw action grants exactly it',
      ['indices:data/write/delete'],
      'doc.delete',
      true,
      ['indices:data/write/delete'],
    ],
  ])('%s', (_name, privileges, opId, allowed, grantedBy) => {
    const t = template({ role_descriptors: descriptors(privileges, ['logs-*'], []) });
    const access = operationAccess(t, op(opId));
    expect(access.allowed).toBe(allowed);
    expect(access.grantedBy).toEqual(grantedBy);
    expect(access.patterns).toEqual(allowed ? ['logs-*'] : []);
  });

  it.each<[string, string[], string, boolean]>([
    ['monitor grants cluster health', ['monitor'], 'cluster.health', true],
    [
      'manage_index_templates grants template put (a cluster action named indices:)',
      ['manage_index_templates'],
      'template.put',
      true,
    ],
    ['manage_ilm grants ILM put', ['manage_ilm'], 'ilm.put', true],
    ['manage_pipeline grants pipeline put', ['manage_pipeline'], 'pipeline.put', true],
    ['cluster manage grants cluster settings', ['manage'], 'cluster.put_settings', true],
    ['cluster manage cannot create API keys', ['manage'], 'security.create_api_key', false],
    ['manage_own_api_key creates API keys', ['manage_own_api_key'], 'security.create_api_key', true],
    ['monitor does not put templates', ['monitor'], 'template.put', false],
  ])('%s', (_name, cluster, opId, allowed) => {
    const t = template({ role_descriptors: descriptors(['read'], ['logs-*'], cluster) });
    expect(operationAccess(t, op(opId)).allowed).toBe(allowed);
  });

  it('index template actions are cluster actions: an index privilege does not grant them', () => {
    const t = template({ role_descriptors: descriptors(['all'], ['*'], []) });
    const access = actionAccess(t, 'indices:admin/index_template/put');
    expect(access).toMatchObject({ scope: 'cluster', allowed: false });
  });

  it('unions role descriptors and lists each granting pattern', () => {
    const t = template({
      role_descriptors: {
        a: { indices: [{ names: ['logs-*'], privileges: ['read'] }] },
        b: { indices: [{ names: ['metrics-*', 'traces-*'], privileges: ['read', 'view_index_metadata'] }] },
      },
    });
    const access = operationAccess(t, op('search'));
    expect(access.patterns).toEqual(['logs-*', 'metrics-*', 'traces-*']);
    expect(access.paths).toEqual(['/role_descriptors/a/indices/0', '/role_descriptors/b/indices/0']);
  });

  it('on a concrete index, only matching groups count, and restricted indices need the flag', () => {
    const t = template({
      role_descriptors: {
        a: {
          indices: [
            { names: ['logs-*'], privileges: ['write'] },
            { names: ['*'], privileges: ['read'] },
          ],
        },
      },
    });
    expect(operationAccess(t, op('doc.delete'), 'logs-1').allowed).toBe(true);
    expect(operationAccess(t, op('doc.delete'), 'other').allowed).toBe(false);
    expect(operationAccess(t, op('search'), 'other').allowed).toBe(true);
    expect(operationAccess(t, op('search'), '.security-7').allowed).toBe(false);
  });

  it('applies the BWC mapping-update rule of create/create_doc/index/write', () => {
    const t = template({ role_descriptors: descriptors(['create_doc'], ['logs-*'], []) });
    expect(actionAccess(t, 'indices:admin/mapping/put')).toMatchObject({
      allowed: true,
      grantedBy: ['create_doc'],
    });
    const readOnly = template({ role_descriptors: descriptors(['read'], ['logs-*'], []) });
    expect(actionAccess(readOnly, 'indices:admin/mapping/put').allowed).toBe(false);
  });

  it('lists the known concrete actions a template allows', () => {
    const t = template({ role_descriptors: descriptors(['index'], ['logs-*'], ['monitor']) });
    const actions = analyzeAccess(t).actions.map((a) => a.action);
    expect(actions).toContain('cluster:monitor/health');
    expect(actions).toContain('indices:data/write/update');
    expect(actions).not.toContain('indices:data/write/delete');
    expect(actions.every((a) => !a.endsWith(':') && !a.endsWith('/'))).toBe(true);
  });
});

describe('probe expectations against the template', () => {
  it('deny probes look at every pattern, allow probes at the probe index', () => {
    const t = template({
      role_descriptors: {
        a: {
          indices: [
            { names: ['logs-*'], privileges: ['read', 'write'] },
            { names: ['archive-*'], privileges: ['read'] },
          ],
        },
      },
      probes: {
        index: 'archive-probe',
        allow: ['search', 'doc.index'],
        deny: ['doc.delete', { op: 'doc.delete', index: 'archive-1' }],
      },
    });
    const checks = checkProbeExpectations(t).map((c) => [c.path, c.index ?? null, c.consistent]);
    expect(checks).toEqual([
      ['/probes/allow/0', 'archive-probe', true],
      ['/probes/allow/1', 'archive-probe', false],
      ['/probes/deny/0', null, false],
      ['/probes/deny/1', 'archive-1', true],
    ]);
  });
});

describe('index names for probes', () => {
  it.each([
    ['gmail_emails-*', 'gmail_emails-eskeys-probe'],
    ['logs-*-prod', 'logs-eskeys-probe-prod'],
    ['logs-202?', 'logs-202x'],
    ['exact-name', 'exact-name'],
    ['*', 'eskeys-probe'],
    ['/logs-.*/', undefined],
    ['.security-*', undefined],
    ['_bad*', undefined],
  ])('%s → %s', (pattern, name) => {
    expect(exampleIndexName(pattern)).toBe(name);
  });

  it.each([
    ['ok-name', undefined],
    ['Upper', 'index name "Upper" must be lowercase'],
    ['a*b', 'index name "a*b" must not contain "*"'],
    ['a b', 'index name "a b" must not contain " "'],
    ['-x', 'index name "-x" must not start with "-", "_" or "+"'],
    ['..', 'index name ".." is not allowed'],
  ])('%s → %s', (name, problem) => {
    expect(indexNameProblem(name)).toBe(problem);
  });
});

describe('agreement with the shared privilege model (what the sandbox enforces)', () => {
  const files = [
    'roles/email-search.json',
    'roles/dashboard-readonly.json',
    'roles/ingest-writer.json',
    'roles/ci-verifier.json',
    'test/fixtures/templates/original.json',
    'test/fixtures/templates/enhanced.json',
    'test/fixtures/templates/minimal-with-write.json',
  ];
  it.each(files)(
    '%s: every operation allowed offline iff Role allows it on a name from the patterns',
    (file) => {
      const { template: t } = parseTemplate(repoFile(file), file);
      const role = Role.fromDescriptors(Object.values(t.role_descriptors) as RoleDescriptor[]);
      const names = indexGroupsOf(t)
        .flatMap((g) => g.patterns)
        .map((p) => exampleIndexName(p)!);
      for (const o of PROBE_OPERATIONS) {
        const offline = operationAccess(t, o).allowed;
        const live =
          o.scope === 'cluster'
            ? role.checkCluster(o.action, { ownedByCaller: true })
            : names.some((n) => role.checkIndex(o.action, n));
        expect([o.id, offline]).toEqual([o.id, live]);
      }
    },
  );
});
