import { describe, expect, it } from 'vitest';
import { diffTemplates } from '../../../src/core/diff/diff.js';
import { descriptors, template } from '../templates/support.js';

function diff(oldOverrides: Record<string, unknown>, newOverrides: Record<string, unknown>) {
  return diffTemplates(
    { template: template(oldOverrides), file: 'old.json' },
    { template: template(newOverrides), file: 'new.json' },
  );
}

const summaries = (d: ReturnType<typeof diff>, kind?: string) =>
  d.changes.filter((c) => !kind || c.kind === kind).map((c) => c.summary);

describe('template diff', () => {
  it('reports nothing for identical templates', () => {
    const d = diff({}, {});
    expect(d.changes).toEqual([]);
    expect(d.addsAccess).toBe(false);
  });

  it('adds delete_index on logs-*: privilege, operation and actions', () => {
    const d = diff(
      { role_descriptors: descriptors(['read'], ['logs-*']) },
      { role_descriptors: descriptors(['read', 'delete_index'], ['logs-*']) },
    );
    expect(d.addsAccess).toBe(true);
    expect(summaries(d, 'index-privilege')).toEqual(['adds index privilege delete_index on logs-*']);
    expect(summaries(d, 'operation')).toEqual([
      'adds index.delete (indices:admin/delete) on logs-*',
      'adds data_stream.delete (indices:admin/data_stream/delete) on logs-*',
    ]);
    expect(summaries(d, 'actions')).toEqual([
      'adds index actions on logs-*: indices:admin/data_stream/delete, indices:admin/delete',
    ]);
  });

  it('index → write adds document delete (the trap), write → index removes it', () => {
    const widen = diff(
      { role_descriptors: descriptors(['read', 'index']) },
      { role_descriptors: descriptors(['read', 'write']) },
    );
    expect(widen.addsAccess).toBe(true);
    expect(summaries(widen, 'index-privilege')).toEqual(['adds index privilege write on gmail_emails-*']);
    expect(summaries(widen, 'operation')).toEqual([
      'adds doc.delete (indices:data/write/delete) on gmail_emails-*',
      'adds bulk.delete (indices:data/write/delete) on gmail_emails-*',
      'adds delete_by_query (indices:data/write/delete/byquery) on gmail_emails-*',
    ]);
    const narrow = diff(
      { role_descriptors: descriptors(['read', 'write']) },
      { role_descriptors: descriptors(['read', 'index']) },
    );
    expect(narrow.addsAccess).toBe(false);
    expect(summaries(narrow, 'index-privilege')).toEqual(['removes index privilege write on gmail_emails-*']);
    // index is implied by write, so it is not reported as added.
    expect(narrow.changes.filter((c) => c.direction === 'added')).toEqual([]);
  });

  it('a narrower privilege implied by the old one adds nothing', () => {
    const d = diff(
      { role_descriptors: descriptors(['all']) },
      { role_descriptors: descriptors(['read', 'index']) },
    );
    expect(d.addsAccess).toBe(false);
  });

  it('widening a pattern adds access on the wider pattern only', () => {
    const d = diff(
      { role_descriptors: descriptors(['read'], ['logs-2025-*']) },
      { role_descriptors: descriptors(['read'], ['logs-*']) },
    );
    expect(d.addsAccess).toBe(true);
    // logs-2025-* is still covered by logs-*, so it is not reported as removed.
    expect(summaries(d, 'pattern')).toEqual(['adds index pattern logs-*']);
    // The narrower pattern that already had the access is named, so the reader sees a widening.
    expect(summaries(d, 'index-privilege')).toEqual([
      'adds index privilege read on logs-* (already on logs-2025-*)',
    ]);
  });

  it('narrowing a pattern adds nothing', () => {
    const d = diff(
      { role_descriptors: descriptors(['read'], ['logs-*']) },
      { role_descriptors: descriptors(['read'], ['logs-2025-*']) },
    );
    expect(d.addsAccess).toBe(false);
    expect(summaries(d, 'pattern')).toEqual(['removes index pattern logs-*']);
    // A narrowing, not a removal of everything: the pattern that keeps the access is named.
    expect(summaries(d, 'index-privilege')).toEqual([
      'removes index privilege read on logs-* (still on logs-2025-*)',
    ]);
    expect(summaries(d, 'operation')).toContain(
      'removes search (indices:data/read/search) on logs-* (still on logs-2025-*)',
    );
  });

  it.each<[string, string[], string[], string[], boolean]>([
    [
      'adds a cluster privilege',
      ['monitor'],
      ['monitor', 'manage_ilm'],
      ['adds cluster privilege manage_ilm'],
      true,
    ],
    [
      'removes a cluster privilege',
      ['monitor', 'manage_ilm'],
      ['monitor'],
      ['removes cluster privilege manage_ilm'],
      false,
    ],
    ['manage → monitor removes manage', ['manage'], ['monitor'], ['removes cluster privilege manage'], false],
    ['monitor → manage adds manage', ['monitor'], ['manage'], ['adds cluster privilege manage'], true],
    [
      'manage_pipeline ↔ manage_ingest_pipelines (same automaton) is no change',
      ['manage_pipeline'],
      ['manage_ingest_pipelines'],
      [],
      false,
    ],
  ])('%s', (_name, before, after, expected, widens) => {
    const d = diff(
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], before) },
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], after) },
    );
    expect(summaries(d, 'cluster-privilege')).toEqual(expected);
    expect(d.addsAccess).toBe(widens);
  });

  it('adds cluster actions and operations for cluster grants', () => {
    const d = diff(
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['monitor']) },
      { role_descriptors: descriptors(['read'], ['gmail_emails-*'], ['monitor', 'manage_ilm']) },
    );
    expect(summaries(d, 'operation')).toEqual(['adds ilm.put (cluster:admin/ilm/put)']);
    expect(d.changes.find((c) => c.kind === 'actions')?.actions).toEqual(
      expect.arrayContaining(['cluster:admin/ilm/put', 'cluster:admin/ilm/delete']),
    );
  });

  it('allow_restricted_indices widens', () => {
    const d = diff(
      { role_descriptors: descriptors(['read'], ['logs-*']) },
      {
        role_descriptors: descriptors(['read'], ['logs-*'], ['monitor'], { allow_restricted_indices: true }),
      },
    );
    expect(d.addsAccess).toBe(true);
    expect(summaries(d, 'restricted-indices')).toEqual([
      'adds access to restricted system indices through logs-* (allow_restricted_indices)',
    ]);
  });

  it('removing document-level security widens; adding it narrows', () => {
    const dls = { query: { term: { owner: 'svc' } } };
    const removed = diff(
      { role_descriptors: descriptors(['read'], ['logs-*'], ['monitor'], dls) },
      { role_descriptors: descriptors(['read'], ['logs-*']) },
    );
    expect(removed.addsAccess).toBe(true);
    expect(summaries(removed, 'document-level-security')).toEqual([
      'removes document-level security on logs-* (the key sees more than before)',
    ]);
    const added = diff(
      { role_descriptors: descriptors(['read'], ['logs-*']) },
      { role_descriptors: descriptors(['read'], ['logs-*'], ['monitor'], dls) },
    );
    expect(added.addsAccess).toBe(false);
    expect(summaries(added, 'document-level-security')).toEqual(['adds document-level security on logs-*']);
  });

  it.each<[string, string, string, boolean]>([
    ['auto → none widens', 'auto', 'none', true],
    ['none → auto narrows', 'none', 'auto', false],
    ['30d → 120d widens', '100d', '120d', true],
    ['120d → auto (90d + 24h + 9d margin) narrows', '120d', 'auto', false],
  ])('expiration %s', (_name, before, after, widens) => {
    const d = diff({ expiration: before }, { expiration: after });
    expect(summaries(d, 'expiration')).toEqual([
      `changes expiration ${before} → ${after}${widens ? ' (keys live longer)' : ''}`,
    ]);
    expect(d.addsAccess).toBe(widens);
  });

  it('reports rotation and probe changes without counting them as access', () => {
    const d = diff(
      { rotation: { every: '90d' }, probes: { allow: ['search'], deny: ['doc.delete', 'index.delete'] } },
      { rotation: { every: '30d' }, probes: { allow: ['search', 'doc.get'], deny: ['index.delete'] } },
    );
    expect(summaries(d)).toEqual([
      'changes rotation.every 90d → 30d',
      'adds allow probe doc.get',
      'removes deny probe doc.delete (no longer proven denied)',
    ]);
    expect(d.addsAccess).toBe(false);
  });

  it('notes a rename', () => {
    const d = diff({}, { name: 'svc2' });
    expect(summaries(d, 'name')).toEqual([
      'renames the template svc → svc2 (keys of svc are no longer rotated or revoked by it)',
    ]);
    expect(d.addsAccess).toBe(false);
  });
});
