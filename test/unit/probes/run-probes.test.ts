import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, CancelledError } from '../../../src/core/errors.js';
import type { RoleDescriptor } from '../../../src/core/privileges/role.js';
import { runProbes } from '../../../src/core/probes/run-probes.js';
import type { RunProbesInput } from '../../../src/core/probes/types.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';
import { FakeProbeCluster } from './fake-probe-cluster.js';

const fixture = (name: string): RoleTemplate =>
  RoleTemplateSchema.parse(
    JSON.parse(readFileSync(new URL(`../../fixtures/probes/${name}.json`, import.meta.url), 'utf8')),
  );

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
let seq = 0;
const random = { hex: (n: number) => (++seq).toString(16).padStart(n, '0').slice(-n) };

function setup(
  template: RoleTemplate,
  opts: { adminAvailable?: boolean; descriptors?: RoleDescriptor[] } = {},
) {
  const cluster = new FakeProbeCluster();
  const encoded = cluster.addKey(
    'S0VZ',
    opts.descriptors ?? (Object.values(template.role_descriptors) as RoleDescriptor[]),
  );
  const input: RunProbesInput = {
    cluster,
    template,
    environment: 'prod',
    key: { id: 'key-id', encoded },
    random,
    clock,
    adminAvailable: opts.adminAvailable ?? true,
  };
  return { cluster, input };
}

describe('runProbes against an in-memory cluster', () => {
  it('passes the minimal email-search template and leaves no probe resources behind', async () => {
    const { cluster, input } = setup(fixture('email-search'));
    const report = await runProbes(input);
    expect(report.results.filter((r) => r.verdict !== 'pass')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.results.every((r) => r.mode === 'live')).toBe(true);
    expect(cluster.probeResources()).toEqual([]);
    expect(report.requests).toBe(cluster.calls.length);
    expect(report.probeIndices).toEqual(['gmail_emails-eskeys-probe']);
  });

  it('fails the doc.delete deny probe of a template that grants write, naming write and a safer privilege', async () => {
    const { input } = setup(fixture('email-search-write'));
    const report = await runProbes(input);
    expect(report.passed).toBe(false);
    const failed = report.results.filter((r) => r.verdict !== 'pass');
    expect(failed.map((r) => `${r.verdict} ${r.expected} ${r.op}`).sort()).toEqual([
      'fail deny bulk.delete',
      'fail deny doc.delete',
    ]);
    const del = failed.find((r) => r.op === 'doc.delete')!;
    expect(del.explanation).toContain('granted by `write` on `gmail_emails-*`');
    expect(del.explanation).toContain('use `index` or `create_doc` instead');
  });

  it('throws AuthenticationError after one request when the key is rejected', async () => {
    const { cluster, input } = setup(fixture('email-search'));
    cluster.rejected.set('S0VZ', 'api key [key-id] has been invalidated');
    await expect(
      runProbes({ ...input, keySource: 'the key in ELASTICSEARCH_API_KEY (.env)' }),
    ).rejects.toThrow(
      new AuthenticationError(
        'the key in ELASTICSEARCH_API_KEY (.env) was rejected: api key [key-id] has been invalidated',
      ),
    );
    expect(cluster.calls.length).toBe(1);
  });

  it('runs key-only without any admin request', async () => {
    const { cluster, input } = setup(fixture('email-search'), { adminAvailable: false });
    const report = await runProbes(input);
    expect(cluster.calls.every((c) => c.as === 'key')).toBe(true);
    expect(report.passed).toBe(true);
    expect(cluster.probeResources()).toEqual([]);
  });

  it('cleans up when aborted mid-run and rethrows the cancellation', async () => {
    const { cluster, input } = setup(fixture('email-search'));
    const controller = new AbortController();
    cluster.onRequest = (call) => {
      if (call.path.startsWith('/_index_template'))
        controller.abort(new CancelledError('interrupted by SIGINT'));
    };
    await expect(runProbes({ ...input, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(cluster.probeResources()).toEqual([]);
  });

  it('runs independent probes concurrently and document reads after the write that creates the document', async () => {
    const { cluster, input } = setup(fixture('email-search'));
    let active = 0;
    let maxActive = 0;
    const events: string[] = [];
    const original = cluster.keyRequest.bind(cluster);
    cluster.keyRequest = async (encoded, req) => {
      events.push(`start ${req.method} ${req.path}`);
      maxActive = Math.max(maxActive, ++active);
      await new Promise((r) => setTimeout(r, 5));
      try {
        return await original(encoded, req);
      } finally {
        active--;
        events.push(`end ${req.method} ${req.path}`);
      }
    };
    const report = await runProbes(input);
    expect(report.passed).toBe(true);
    expect(maxActive).toBeGreaterThan(5);
    const doc = '/gmail_emails-eskeys-probe/_doc/eskeys-probe-doc';
    expect(events.indexOf(`start GET ${doc}`)).toBeGreaterThan(events.indexOf(`end PUT ${doc}`));
    expect(events.indexOf(`end PUT ${doc}`)).toBeGreaterThan(0);
  });

  it('reports a 2xx on a deny probe as a failure and removes what it created', async () => {
    const template = fixture('email-search');
    const { cluster, input } = setup(template, {
      descriptors: [{ cluster: ['all'], indices: [{ names: ['gmail_emails-*'], privileges: ['all'] }] }],
    });
    const report = await runProbes(input);
    const byProbe = Object.fromEntries(report.results.map((r) => [`${r.expected} ${r.op}`, r]));
    expect(byProbe['deny cluster.put_settings']).toMatchObject({ verdict: 'fail', got: '200' });
    expect(byProbe['deny cluster.put_settings']!.explanation).toMatch(
      /^cluster\.put_settings was ALLOWED \(200\)/,
    );
    expect(byProbe['deny security.create_api_key']).toMatchObject({ verdict: 'fail', got: '200' });
    expect(report.cleanup!.removed).toContainEqual(expect.stringMatching(/^API key eskeys-probe-/));
    expect(cluster.probeResources()).toEqual([]);
  });
});
