import { describe, expect, it } from 'vitest';
import { type LintFinding, lintTemplate } from '../../../src/core/lint/lint.js';
import { LINT_RULE_IDS, type LintRuleId } from '../../../src/core/lint/rule-ids.js';
import { LINT_RULES } from '../../../src/core/lint/rules.js';
import { descriptors, template } from '../templates/support.js';

/** Findings of one rule for a template built from `overrides`. */
function findingsOf(rule: LintRuleId, overrides: Record<string, unknown>): LintFinding[] {
  return lintTemplate(template(overrides), 'roles/svc.json').findings.filter((f) => f.rule === rule);
}

const clean = {}; // the support template is the minimal email-search key

type Case = [string, Record<string, unknown>, { severity: string; path: string; message: string }[]];

const POSITIVE: Record<LintRuleId, Case[]> = {
  'grant-all': [
    [
      'index all',
      { role_descriptors: descriptors(['all']), probes: { allow: [], deny: ['cluster.put_settings'] } },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/indices/0/privileges/0',
          message:
            'index privilege "all" on gmail_emails-* grants every index action, delete index and delete documents included',
        },
      ],
    ],
    [
      'cluster all',
      {
        role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['all']),
        probes: { allow: [], deny: ['doc.delete'] },
      },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/cluster/0',
          message:
            'cluster privilege "all" grants every cluster action, security and cluster settings included',
        },
      ],
    ],
    [
      'raw indices:*',
      { role_descriptors: descriptors(['indices:*']), probes: { allow: [], deny: ['cluster.health'] } },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/indices/0/privileges/0',
          message:
            'index privilege "indices:*" on gmail_emails-* grants every index action, delete index and delete documents included',
        },
      ],
    ],
  ],
  'grant-manage': [
    [
      'index manage',
      { role_descriptors: descriptors(['read', 'manage']), probes: { allow: [], deny: ['doc.delete'] } },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/indices/0/privileges/1',
          message:
            'index privilege "manage" on gmail_emails-* grants every admin action: delete index (indices:admin/delete), settings update, aliases',
        },
      ],
    ],
    [
      'cluster manage',
      {
        role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['manage']),
        probes: { allow: [], deny: ['doc.delete'] },
      },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/cluster/0',
          message:
            'cluster privilege "manage" grants every non-security cluster action, cluster settings (cluster:admin/settings/update) included',
        },
      ],
    ],
  ],
  'grant-delete-index': [
    [
      'delete_index',
      {
        role_descriptors: descriptors(['read', 'delete_index']),
        probes: { allow: [], deny: ['doc.delete'] },
      },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/indices/0/privileges/1',
          message:
            'index privilege "delete_index" on gmail_emails-* lets the key delete whole indices (indices:admin/delete)',
        },
      ],
    ],
  ],
  'write-includes-delete': [
    [
      'write without delete',
      { role_descriptors: descriptors(['read', 'write']), probes: { allow: [], deny: ['index.delete'] } },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/indices/0/privileges/1',
          message:
            'index privilege "write" on gmail_emails-* also grants document delete (indices:data/write/delete) and delete_by_query',
        },
      ],
    ],
  ],
  'grant-delete': [
    [
      'delete',
      { role_descriptors: descriptors(['index', 'delete']), probes: { allow: [], deny: ['index.delete'] } },
      [
        {
          severity: 'warning',
          path: '/role_descriptors/app/indices/0/privileges/1',
          message:
            'index privilege "delete" on gmail_emails-* lets the key delete documents (indices:data/write/delete)',
        },
      ],
    ],
  ],
  'create-overwrites': [
    [
      'create',
      { role_descriptors: descriptors(['create']), probes: { allow: [], deny: ['doc.delete'] } },
      [
        {
          severity: 'info',
          path: '/role_descriptors/app/indices/0/privileges/0',
          message:
            'index privilege "create" on gmail_emails-* can overwrite existing documents (indices:data/write/index:op_type/index)',
        },
      ],
    ],
  ],
  'security-privilege-on-service-key': [
    [
      'manage_own_api_key',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['manage_own_api_key']) },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/cluster/0',
          message:
            'cluster privilege "manage_own_api_key" grants security actions (cluster:admin/xpack/security/api_key/create, cluster:admin/xpack/security/api_key/get, ...)',
        },
      ],
    ],
    [
      'manage_security and manage_api_key',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['manage_security', 'manage_api_key']) },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/cluster/0',
          message:
            'cluster privilege "manage_security" grants security actions (cluster:admin/xpack/security/api_key/create, cluster:admin/xpack/security/api_key/get, ...)',
        },
        {
          severity: 'error',
          path: '/role_descriptors/app/cluster/1',
          message:
            'cluster privilege "manage_api_key" grants security actions (cluster:admin/xpack/security/api_key/create, cluster:admin/xpack/security/api_key/get, ...)',
        },
      ],
    ],
    [
      'read_security is a warning',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['read_security']) },
      [
        {
          severity: 'warning',
          path: '/role_descriptors/app/cluster/0',
          message:
            'cluster privilege "read_security" grants security actions (cluster:admin/xpack/security/api_key/get, cluster:admin/xpack/security/api_key/query, ...)',
        },
      ],
    ],
    [
      'raw api key action',
      {
        role_descriptors: descriptors(
          ['read'],
          ['gmail_emails-*'],
          ['cluster:admin/xpack/security/api_key/grant'],
        ),
      },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/cluster/0',
          message:
            'cluster privilege "cluster:admin/xpack/security/api_key/grant" grants security actions (cluster:admin/xpack/security/api_key/grant)',
        },
      ],
    ],
  ],
  'restricted-indices': [
    [
      'allow_restricted_indices',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], [], { allow_restricted_indices: true }) },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/indices/0/allow_restricted_indices',
          message:
            'allow_restricted_indices lets gmail_emails-* match restricted system indices such as .security',
        },
      ],
    ],
    [
      'an explicit .security pattern',
      { role_descriptors: descriptors(['read'], ['.security-*']), probes: { allow: [], deny: [] } },
      [
        {
          severity: 'warning',
          path: '/role_descriptors/app/indices/0/names/0',
          message:
            'index pattern ".security-*" names restricted system indices; without allow_restricted_indices it cannot reach them, with it the key could read security data',
        },
      ],
    ],
  ],
  'unproven-document-security': [
    [
      'a role query and field_security',
      {
        role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['monitor'], {
          query: { term: { owner: 'me' } },
          field_security: { grant: ['subject'] },
        }),
      },
      [
        {
          severity: 'info',
          path: '/role_descriptors/app/indices/0/query',
          message: 'document-level security on gmail_emails-* is not proven by the probes',
        },
        {
          severity: 'info',
          path: '/role_descriptors/app/indices/0/field_security',
          message: 'field-level security on gmail_emails-* is not proven by the probes',
        },
      ],
    ],
  ],
  'broad-pattern': [
    [
      '*',
      { role_descriptors: descriptors(['read'], ['*']) },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/indices/0/names/0',
          message: 'index pattern "*" matches every index in the cluster',
        },
      ],
    ],
    [
      'regex matching everything',
      {
        role_descriptors: descriptors(['read'], ['/.*/']),
        probes: { index: 'x', allow: [], deny: [{ op: 'doc.delete', index: 'x' }] },
      },
      [
        {
          severity: 'error',
          path: '/role_descriptors/app/indices/0/names/0',
          message: 'index pattern "/.*/" is a regular expression matching every index',
        },
      ],
    ],
    [
      'leading wildcard',
      { role_descriptors: descriptors(['read'], ['*-emails']) },
      [
        {
          severity: 'warning',
          path: '/role_descriptors/app/indices/0/names/0',
          message:
            'index pattern "*-emails" starts with a wildcard, so it matches indices of any name that end alike',
        },
      ],
    ],
    [
      'short prefix',
      { role_descriptors: descriptors(['read'], ['g*']) },
      [
        {
          severity: 'warning',
          path: '/role_descriptors/app/indices/0/names/0',
          message:
            'index pattern "g*" has only the prefix "g" before a wildcard, which many unrelated indices share',
        },
      ],
    ],
  ],
  'no-expiration': [
    [
      'none',
      { expiration: 'none' },
      [{ severity: 'error', path: '/expiration', message: 'expiration is "none": the key never expires' }],
    ],
  ],
  'expiration-before-rotation': [
    [
      '30d against 90d + 24h',
      { expiration: '30d' },
      [
        {
          severity: 'error',
          path: '/expiration',
          message: 'expiration 30d ends the key before rotation (every 90d + grace 24h = 91d)',
        },
      ],
    ],
  ],
  'rotation-too-long': [
    [
      '180d',
      { rotation: { every: '180d' } },
      [
        {
          severity: 'warning',
          path: '/rotation/every',
          message: 'rotation every 180d is longer than 90 days',
        },
      ],
    ],
  ],
  'grace-longer-than-rotation': [
    [
      'grace 30d every 7d',
      { rotation: { every: '7d', grace: '30d', review: '7d' } },
      [
        {
          severity: 'error',
          path: '/rotation/grace',
          message: 'grace 30d is not shorter than the rotation period 7d',
        },
      ],
    ],
  ],
  'review-longer-than-rotation': [
    [
      'review 60d every 30d',
      { rotation: { every: '30d', review: '60d' } },
      [
        {
          severity: 'info',
          path: '/rotation/review',
          message: 'review every 60d is longer than the rotation period 30d',
        },
      ],
    ],
  ],
  'deny-probe-allowed': [
    [
      'the minimal-with-write trap',
      { role_descriptors: descriptors(['read', 'write']), probes: { allow: [], deny: ['doc.delete'] } },
      [
        {
          severity: 'error',
          path: '/probes/deny/0',
          message:
            'deny probe "doc.delete": the template allows indices:data/write/delete on gmail_emails-* (granted by write)',
        },
      ],
    ],
    [
      'a cluster operation',
      {
        role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['manage']),
        probes: { allow: [], deny: ['cluster.put_settings'] },
      },
      [
        {
          severity: 'error',
          path: '/probes/deny/0',
          message:
            'deny probe "cluster.put_settings": the template allows cluster:admin/settings/update (granted by manage)',
        },
      ],
    ],
    [
      'on an explicit index',
      {
        role_descriptors: { app: { indices: [{ names: ['logs-*'], privileges: ['delete_index'] }] } },
        probes: { allow: [], deny: [{ op: 'index.delete', index: 'logs-1' }] },
      },
      [
        {
          severity: 'error',
          path: '/probes/deny/0',
          message:
            'deny probe "index.delete": the template allows indices:admin/delete on logs-1 (granted by delete_index)',
        },
      ],
    ],
  ],
  'allow-probe-denied': [
    [
      'an index operation',
      { probes: { allow: ['doc.delete'], deny: [] } },
      [
        {
          severity: 'error',
          path: '/probes/allow/0',
          message: 'allow probe "doc.delete": the template does not grant indices:data/write/delete',
        },
      ],
    ],
    [
      'a cluster operation',
      { probes: { allow: ['ilm.put'], deny: ['doc.delete'] } },
      [
        {
          severity: 'error',
          path: '/probes/allow/0',
          message: 'allow probe "ilm.put": the template does not grant cluster:admin/ilm/put',
        },
      ],
    ],
    [
      'the probe index is outside the patterns',
      { probes: { index: 'other-index', allow: ['search'], deny: ['doc.delete'] } },
      [
        {
          severity: 'error',
          path: '/probes/allow/0',
          message:
            'allow probe "search": the template does not grant indices:data/read/search on index other-index',
        },
      ],
    ],
  ],
  'no-deny-probes': [
    [
      'no deny probes',
      { probes: { allow: ['search'], deny: [] } },
      [{ severity: 'info', path: '/probes', message: 'the template declares no deny probes' }],
    ],
  ],
  'raw-action-privilege': [
    [
      'raw index action',
      { role_descriptors: descriptors(['read', 'indices:data/write/index']) },
      [
        {
          severity: 'info',
          path: '/role_descriptors/app/indices/0/privileges/1',
          message: 'index privilege "indices:data/write/index" on gmail_emails-* is a raw action pattern',
        },
      ],
    ],
    [
      'raw cluster action',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['cluster:monitor/health']) },
      [
        {
          severity: 'info',
          path: '/role_descriptors/app/cluster/0',
          message: 'cluster privilege "cluster:monitor/health" is a raw action pattern',
        },
      ],
    ],
  ],
  // monitor_esql: ga in 9.1, absent from 8.19 (security-privileges.md "stack: ga 9.1"; _builtin
  // lists 62 cluster privileges on 8.19.9, 63 on 9.x, the difference being monitor_esql).
  'privilege-not-in-every-major': [
    [
      'monitor_esql (9.x only)',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['monitor', 'monitor_esql']) },
      [
        {
          severity: 'warning',
          path: '/role_descriptors/app/cluster/1',
          message:
            'cluster privilege "monitor_esql" exists only in Elasticsearch 9.x; 8.x refuses it as unknown',
        },
      ],
    ],
  ],
};

const NEGATIVE: Record<LintRuleId, [string, Record<string, unknown>][]> = {
  'grant-all': [
    ['the minimal key', clean],
    ['all-like but named differently', { role_descriptors: descriptors(['read', 'view_index_metadata']) }],
  ],
  'grant-manage': [
    [
      'manage_* cluster privileges are not manage',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['manage_ilm', 'manage_pipeline']) },
    ],
  ],
  'grant-delete-index': [['create_index only', clean]],
  'write-includes-delete': [
    ['index instead of write', { role_descriptors: descriptors(['read', 'index']) }],
    [
      'write with an explicit delete (delete is intended)',
      { role_descriptors: descriptors(['write', 'delete']) },
    ],
  ],
  'grant-delete': [['no delete', clean]],
  'create-overwrites': [
    ['create_doc is append-only', { role_descriptors: descriptors(['create_doc']) }],
    ['create alongside index (overwriting intended)', { role_descriptors: descriptors(['create', 'index']) }],
  ],
  'security-privilege-on-service-key': [
    [
      'monitor and manage_* are not security',
      {
        role_descriptors: descriptors(
          ['read'],
          ['gmail_emails-*'],
          ['monitor', 'manage_index_templates', 'manage_ilm', 'manage_pipeline'],
        ),
      },
    ],
    [
      'cluster manage excludes security',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['manage']) },
    ],
    [
      'cluster all is reported by grant-all instead',
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['all']) },
    ],
  ],
  'restricted-indices': [
    ['ordinary patterns', clean],
    ['a hidden but unrestricted index', { role_descriptors: descriptors(['read'], ['.kibana-reports-*']) }],
  ],
  'unproven-document-security': [['no query or field_security', clean]],
  'broad-pattern': [
    ['a distinctive prefix', clean],
    ['a concrete index', { role_descriptors: descriptors(['read'], ['gmail_emails-2025-10']) }],
    [
      'a narrow regex',
      { role_descriptors: descriptors(['read'], ['/gmail_emails-[0-9]+/']), probes: { allow: [], deny: [] } },
    ],
  ],
  'no-expiration': [
    ['auto', { expiration: 'auto' }],
    ['a duration', { expiration: '120d' }],
  ],
  'expiration-before-rotation': [
    ['auto', clean],
    ['exactly every + grace', { expiration: '91d' }],
    ['none is another rule', { expiration: 'none' }],
  ],
  'rotation-too-long': [
    ['90d', { rotation: { every: '90d' } }],
    ['30d', { rotation: { every: '30d', review: '30d' } }],
  ],
  'grace-longer-than-rotation': [['24h grace, 90d rotation', clean]],
  'review-longer-than-rotation': [['30d review, 90d rotation', clean]],
  'deny-probe-allowed': [
    ['index does not grant delete', clean],
    [
      'allowed on another index than the probe targets',
      {
        role_descriptors: { app: { indices: [{ names: ['logs-*'], privileges: ['delete_index'] }] } },
        probes: { allow: [], deny: [{ op: 'index.delete', index: 'other-1' }] },
        lint: { ignore: ['grant-delete-index'] },
      },
    ],
  ],
  'allow-probe-denied': [
    ['everything the probes need is granted', clean],
    [
      'template.put is a cluster action granted by manage_index_templates',
      {
        role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['manage_index_templates']),
        probes: { allow: ['template.put'], deny: [] },
      },
    ],
  ],
  'no-deny-probes': [['deny probes present', clean]],
  'raw-action-privilege': [['named privileges only', clean]],
  'privilege-not-in-every-major': [
    ['privileges both majors know', clean],
    [
      // monitor_stats: 8.x since the 8.17 backport elastic/elasticsearch#116517; the raw pattern is valid everywhere.
      'monitor_stats and a raw ES|QL listing pattern',
      {
        role_descriptors: descriptors(
          ['read'],
          ['gmail_emails-*'],
          ['monitor_stats', 'cluster:monitor/xpack/esql/*'],
        ),
      },
    ],
  ],
};

describe('lint rules', () => {
  it('every rule has an id, explanation and alternative, and tests on both sides', () => {
    expect(LINT_RULES.map((r) => r.id)).toEqual([...LINT_RULE_IDS]);
    for (const r of LINT_RULES) {
      expect(r.explanation.length).toBeGreaterThan(20);
      expect(r.alternative.length).toBeGreaterThan(10);
      expect(POSITIVE[r.id].length).toBeGreaterThan(0);
      expect(NEGATIVE[r.id].length).toBeGreaterThan(0);
    }
  });

  describe.each(LINT_RULE_IDS.map((id) => [id]))('%s', (id) => {
    it.each(POSITIVE[id])('flags %s', (_name, overrides, expected) => {
      const found = findingsOf(id, overrides).map(({ severity, path, message }) => ({
        severity,
        path,
        message,
      }));
      expect(found).toEqual(expected);
    });
    it.each(NEGATIVE[id])('does not flag %s', (_name, overrides) => {
      expect(findingsOf(id, overrides)).toEqual([]);
    });
  });
});

describe('lintTemplate', () => {
  it('names the template and file and carries explanation and alternative', () => {
    const [f] = findingsOf('write-includes-delete', { role_descriptors: descriptors(['write']) });
    expect(f).toMatchObject({
      rule: 'write-includes-delete',
      template: 'svc',
      file: 'roles/svc.json',
      alternative:
        'use `index` (index and update) or `create_doc` (append only); if the service must delete documents, list `index` and `delete` explicitly',
    });
    expect(f?.explanation).toContain('delete_by_query');
  });

  it('suggests the specific safer privilege for a deny probe the template allows', () => {
    const [f] = findingsOf('deny-probe-allowed', {
      role_descriptors: descriptors(['read', 'write']),
      probes: { allow: [], deny: ['doc.delete'] },
    });
    expect(f?.alternative).toBe('replace write with index (or create_doc)');
  });

  it('suggests the least powerful privilege for an allow probe the template lacks', () => {
    const [f] = findingsOf('allow-probe-denied', { probes: { allow: ['doc.delete'], deny: [] } });
    expect(f?.alternative).toBe('grant index privilege "delete" (any of: delete, write, all)');
  });

  it('moves findings of rules in lint.ignore to suppressed', () => {
    const result = lintTemplate(
      template({
        role_descriptors: descriptors(['read', 'delete_index']),
        lint: { ignore: ['grant-delete-index'] },
      }),
      'roles/svc.json',
    );
    expect(result.findings.map((f) => f.rule)).not.toContain('grant-delete-index');
    expect(result.suppressed.map((f) => f.rule)).toEqual(['grant-delete-index']);
  });

  it('orders findings errors first', () => {
    const result = lintTemplate(
      template({
        role_descriptors: descriptors(['read', 'delete'], ['g*']),
        expiration: 'none',
        probes: { allow: [], deny: [] },
      }),
      'roles/svc.json',
    );
    expect(result.findings.map((f) => f.severity)).toEqual(['error', 'warning', 'warning', 'info']);
  });
});
