import { describe, expect, it } from 'vitest';
import { planProbes } from '../../../src/core/probes/plan.js';
import { hasPrivilegesRequest, staticResults } from '../../../src/core/probes/static-probes.js';
import { RoleTemplateSchema } from '../../../src/core/templates/schema.js';

const template = RoleTemplateSchema.parse({
  name: 't',
  role_descriptors: { r: { indices: [{ names: ['gmail_emails-2025-10'], privileges: ['read'] }] } },
  probes: { allow: ['search'], deny: ['doc.delete'] },
});
const list = planProbes(template, { tag: 'abc', adminAvailable: true, at: 'now' }).probes.map((p) => ({
  p,
  reason: p.staticReason!,
}));

describe('static probes', () => {
  it('asks one _has_privileges request with every privilege granting each action, merged per name', () => {
    expect(hasPrivilegesRequest(list)).toEqual({
      method: 'POST',
      path: '/_security/user/_has_privileges',
      body: {
        cluster: [],
        index: [
          {
            names: ['gmail_emails-2025-10'],
            privileges: [
              'read',
              'all',
              'indices:data/read/search',
              'delete',
              'write',
              'indices:data/write/delete',
            ],
          },
        ],
      },
    });
  });

  it('allows when any granting privilege is held', () => {
    const res = {
      status: 200,
      body: { index: { 'gmail_emails-2025-10': { read: true, all: false, delete: false, write: false } } },
    };
    const out = staticResults(template, list, res, 3);
    expect(out.map((r) => `${r.expected} ${r.op} ${r.got} ${r.verdict}`)).toEqual([
      'allow search has_privileges: true pass',
      'deny doc.delete has_privileges: false pass',
    ]);
    expect(out[0]!.note).toBe('static: no concrete probe index can match the template index patterns');
  });

  it('reports an error verdict when _has_privileges itself fails', () => {
    const res = { status: 503, body: { error: { type: 'cluster_block_exception', reason: 'blocked' } } };
    expect(staticResults(template, list, res, 1).map((r) => r.verdict)).toEqual(['error', 'error']);
  });
});
