import { describe, expect, it } from 'vitest';
import { probeOperation } from '../../../src/core/probes/catalogue.js';
import { explain, grantsInTemplate } from '../../../src/core/probes/explain.js';
import type { Outcome } from '../../../src/core/probes/interpret.js';
import { RoleTemplateSchema } from '../../../src/core/templates/schema.js';

const template = (cluster: string[], privileges: string[]) =>
  RoleTemplateSchema.parse({
    name: 't',
    role_descriptors: { r: { cluster, indices: [{ names: ['gmail_emails-*'], privileges }] } },
  });
const allowed: Outcome = { kind: 'allowed', got: '200' };
const denied: Outcome = { kind: 'denied', got: '403 security_exception' };
const authorized: Outcome = { kind: 'authorized', reason: 'doc_absent', got: '404 not_found' };
const idx = 'gmail_emails-eskeys-probe';

describe('explain', () => {
  it.each([
    [
      'write grants document delete',
      template([], ['read', 'write']),
      'doc.delete',
      'deny',
      authorized,
      'doc.delete was allowed (404 not_found is only answered after the privilege check passed): granted by `write` on `gmail_emails-*`; use `index` or `create_doc` instead',
    ],
    [
      'all grants index delete',
      template([], ['all']),
      'index.delete',
      'deny',
      allowed,
      'index.delete was ALLOWED (200): granted by `all` on `gmail_emails-*`; list only the index privileges the key needs (e.g. `read`, `index`, `create_index`, `view_index_metadata`)',
    ],
    [
      'cluster manage grants cluster settings',
      template(['manage'], ['read']),
      'cluster.put_settings',
      'deny',
      allowed,
      'cluster.put_settings was ALLOWED (200): granted by `manage`; list only the cluster privileges the key needs (e.g. `monitor`, `manage_index_templates`, `manage_ilm`, `manage_pipeline`)',
    ],
    [
      'a template that grants it while the key was denied (owner lacks it)',
      template([], ['index']),
      'doc.index',
      'allow',
      denied,
      /^doc\.index on gmail_emails-eskeys-probe was denied although the template grants it \(`index` on `gmail_emails-\*`\): an API key gets the intersection/,
    ],
    [
      'a template that does not grant it',
      template([], ['read']),
      'doc.index',
      'allow',
      denied,
      'doc.index on gmail_emails-eskeys-probe was denied: the template does not grant it on this index; it needs one of [create,index,write,all]',
    ],
  ] as const)('%s', (_name, t, op, expected, outcome, text) => {
    const out = explain({
      template: t,
      op: probeOperation(op)!,
      expected,
      verdict: 'fail',
      index: idx,
      outcome,
    });
    if (typeof text === 'string') expect(out).toBe(text);
    else expect(out).toMatch(text);
  });

  it('says nothing for passing probes', () => {
    const t = template([], ['read']);
    expect(
      explain({ template: t, op: probeOperation('search')!, expected: 'allow', verdict: 'pass' }),
    ).toBeUndefined();
  });

  it('finds grants only on patterns that match the index', () => {
    const t = RoleTemplateSchema.parse({
      name: 't',
      role_descriptors: {
        a: { indices: [{ names: ['other-*'], privileges: ['write'] }] },
        b: { indices: [{ names: ['gmail_emails-*'], privileges: ['delete', 'read'] }] },
      },
    });
    expect(grantsInTemplate(t, 'indices:data/write/delete', idx)).toEqual([
      { privilege: 'delete', pattern: 'gmail_emails-*' },
    ]);
  });
});
