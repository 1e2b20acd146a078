import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../src/core/errors.js';
import { PROBE_OPERATION_IDS } from '../../../src/core/probes/catalogue.js';
import { planProbes } from '../../../src/core/probes/plan.js';
import { type RoleTemplateInput, RoleTemplateSchema } from '../../../src/core/templates/schema.js';

const template = (probes: RoleTemplateInput['probes'], names = ['gmail_emails-*']) =>
  RoleTemplateSchema.parse({
    name: 'email-search',
    role_descriptors: {
      r: {
        cluster: ['monitor'],
        indices: [{ names, privileges: ['read', 'index', 'create_index', 'view_index_metadata'] }],
      },
    },
    probes,
  });
const opts = { tag: '7f3a9b2c', adminAvailable: true, at: '2026-01-01T00:00:00.000Z' };
const everything = { allow: [...PROBE_OPERATION_IDS], deny: [...PROBE_OPERATION_IDS] };

describe('planProbes', () => {
  it('aims deny probes on indices at a fresh canary name and data probes at the stable probe index', () => {
    const plan = planProbes(
      template({ allow: ['doc.get', 'doc.index'], deny: ['index.delete', 'doc.delete'] }),
      opts,
    );
    const by = Object.fromEntries(plan.probes.map((p) => [p.key, p]));
    expect(by['deny index.delete']!.index).toBe('gmail_emails-eskeys-probe-7f3a9b2c');
    expect(by['deny doc.delete']!.target).toMatchObject({
      index: 'gmail_emails-eskeys-probe',
      docId: 'eskeys-probe-7f3a9b2c',
    });
    expect(by['allow doc.get']!.after).toEqual(['allow doc.index']);
    expect(plan.stableIndices).toEqual(['gmail_emails-eskeys-probe']);
    expect(plan.probes.every((p) => !p.staticReason)).toBe(true);
  });

  it('plans every catalogue operation live when admin calls are available (but deleting or rolling over a stream)', () => {
    const plan = planProbes(template(everything), opts);
    // Allowing them would delete or roll over a real stream: has_privileges answers instead.
    expect(plan.probes.filter((p) => p.staticReason).map((p) => p.key)).toEqual([
      'allow data_stream.delete',
      'allow rollover',
    ]);
    expect(plan.canaryIndices).toEqual(['gmail_emails-eskeys-probe-7f3a9b2c-del']);
  });

  it('key-only: probes that need an admin-made canary or admin cleanup become static', () => {
    const plan = planProbes(template(everything), { ...opts, adminAvailable: false });
    expect(plan.probes.filter((p) => p.staticReason).map((p) => p.key)).toEqual([
      'deny index.create',
      'allow index.delete',
      'allow data_stream.delete',
      'allow rollover',
    ]);
    expect(plan.canaryIndices).toEqual([]);
  });

  it('falls back to static when no concrete name can match the patterns (regex)', () => {
    const plan = planProbes(
      template({ allow: ['search', 'cluster.health'], deny: ['doc.delete'] }, ['/gmail_.*/']),
      opts,
    );
    const statics = plan.probes.filter((p) => p.staticReason);
    expect(statics.map((p) => p.key)).toEqual(['allow search', 'deny doc.delete']);
    expect(statics[0]!.staticReason).toMatch(/no concrete probe index/);
    expect(statics[0]!.staticNames).toEqual(['/gmail_.*/']);
  });

  it('uses probes.index for data probes when the patterns yield no fresh name (regex)', () => {
    const t = template(
      { index: 'gmail_emails-probe', allow: ['search'], deny: ['doc.delete', 'index.delete'] },
      ['/gmail_emails-.*/'],
    );
    const by = Object.fromEntries(planProbes(t, opts).probes.map((p) => [p.key, p]));
    expect(by['allow search']).toMatchObject({ index: 'gmail_emails-probe', needs: { kind: 'stable' } });
    expect(by['allow search']!.staticReason).toBeUndefined();
    expect(by['deny doc.delete']!.target).toMatchObject({
      index: 'gmail_emails-probe',
      docId: 'eskeys-probe-7f3a9b2c',
    });
    expect(by['deny index.delete']!.staticReason).toMatch(/no concrete probe index/);
  });

  it('reads an explicit existing index live but never changes it', () => {
    const plan = planProbes(
      template({
        allow: [{ op: 'search', index: 'gmail_emails-2025-10' }],
        deny: [{ op: 'index.delete', index: 'gmail_emails-2025-10' }],
      }),
      opts,
    );
    const [search, del] = plan.probes;
    expect(search).toMatchObject({ index: 'gmail_emails-2025-10' });
    expect(search!.staticReason).toBeUndefined();
    expect(del!.staticReason).toMatch(/would change gmail_emails-2025-10/);
  });

  it('derives canaries from an explicit pattern', () => {
    const plan = planProbes(template({ deny: [{ op: 'index.delete', index: 'other-*' }] }), opts);
    expect(plan.probes[0]!.index).toBe('other-eskeys-probe-7f3a9b2c');
  });

  it('reports every unknown operation at once', () => {
    const run = () => planProbes(template({ allow: ['doc.indx'], deny: ['nope'] }), opts);
    expect(run).toThrow(TemplateError);
    try {
      run();
    } catch (e) {
      expect((e as TemplateError).problems).toEqual([
        'template email-search: /probes/allow/0: unknown probe operation [doc.indx]',
        'template email-search: /probes/deny/0: unknown probe operation [nope]',
      ]);
    }
  });

  it('never aims a live destructive probe at a name eskeys did not make for probing', () => {
    for (const adminAvailable of [true, false]) {
      const plan = planProbes(template(everything), { ...opts, adminAvailable });
      for (const p of plan.probes.filter((x) => x.op.destructive && !x.staticReason)) {
        const { index, docId, name } = p.target;
        const names = [index, name].filter((n): n is string => n !== undefined);
        const docLevel = ['doc.delete', 'bulk.delete', 'delete_by_query'].includes(p.op.id);
        if (docLevel) expect(docId, p.key).toMatch(/^eskeys-probe-/);
        else for (const n of names) expect(n, p.key).toContain('eskeys-probe');
      }
    }
  });
});

describe('probe requests', () => {
  it('cluster.put_settings removes a non-existent archived setting (an empty update is a 400 before authorization)', async () => {
    const { probeRequest } = await import('../../../src/core/probes/requests.js');
    const plan = planProbes(template({ deny: ['cluster.put_settings'] }), opts);
    expect(probeRequest('cluster.put_settings', plan.probes[0]!.target)).toEqual({
      method: 'PUT',
      path: '/_cluster/settings',
      body: { persistent: { 'archived.eskeys-probe-7f3a9b2c': null } },
    });
  });
});
