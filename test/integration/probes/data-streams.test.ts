/**
 * runProbes against a stable probe target that is a data stream (the sandbox through the official
 * client). Facts: docs/es-facts.md "Probes against data streams".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleDescriptor } from '../../../src/core/privileges/role.js';
import { runProbes } from '../../../src/core/probes/run-probes.js';
import type { ProbeReport } from '../../../src/core/probes/types.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';
import { mintKey, type ProbeSandbox, startProbeSandbox } from '../../support/sandbox-helpers.js';

let env: ProbeSandbox;
let seq = 0;
const random = { hex: (n: number) => (++seq).toString(16).padStart(n, '0') };
const clock = { now: () => new Date() };

beforeAll(async () => {
  env = await startProbeSandbox();
  const tpl = await env.admin.adminRequest({
    method: 'PUT',
    path: '/_index_template/metrics-svc',
    body: { index_patterns: ['metrics-svc-*'], data_stream: {}, priority: 300 },
  });
  expect(tpl.status).toBe(200);
});
afterAll(async () => {
  await env?.close();
});

function template(privileges: string[], deny: string[], allow: string[] = ['doc.create']): RoleTemplate {
  return RoleTemplateSchema.parse({
    name: 'metrics-svc',
    role_descriptors: { r: { indices: [{ names: ['metrics-svc-*'], privileges }] } },
    probes: { allow, deny },
  });
}

async function run(t: RoleTemplate, adminAvailable = true): Promise<ProbeReport> {
  const key = await mintKey(env.admin, t.role_descriptors as Record<string, RoleDescriptor>);
  return runProbes({
    cluster: env.admin,
    template: t,
    environment: 'test',
    key: { id: key.id, encoded: key.encoded },
    random,
    clock,
    adminAvailable,
  });
}

const rows = (r: ProbeReport) => Object.fromEntries(r.results.map((x) => [`${x.expected} ${x.op}`, x]));

/** Names of data streams and indices the sandbox holds that carry the probe marker. */
async function probeStreamsAndIndices(): Promise<string[]> {
  const streams = await env.admin.adminRequest({ method: 'GET', path: '/_data_stream/*eskeys-probe*' });
  const indices = await env.admin.adminRequest({
    method: 'GET',
    path: '/*eskeys-probe*',
    querystring: { expand_wildcards: 'all' },
  });
  return [
    ...((streams.body as { data_streams?: { name: string }[] }).data_streams ?? []).map((s) => s.name),
    ...Object.keys(indices.body as object),
  ];
}

describe('runProbes: data streams', () => {
  it('deny probes a manage key holds fail with the 404 answered after authorization (stream delete, rollover)', async () => {
    const r = await run(
      template(['create_doc', 'auto_configure', 'manage'], ['data_stream.delete', 'rollover']),
    );
    const by = rows(r);
    expect(by['allow doc.create']).toMatchObject({ verdict: 'pass', got: '201' });
    // A missing concrete stream name is 404 index_not_found_exception once authorized.
    expect(by['deny data_stream.delete']).toMatchObject({
      verdict: 'fail',
      got: '404 index_not_found_exception',
    });
    // MetadataRolloverService: "rollover target [<n>] does not exist", a ResourceNotFoundException.
    expect(by['deny rollover']).toMatchObject({ verdict: 'fail', got: '404 resource_not_found_exception' });
    expect(by['deny data_stream.delete']!.explanation).toContain('granted by `manage` on `metrics-svc-*`');
    expect(await probeStreamsAndIndices()).toEqual([]);
  });

  it('document delete through the backing index gives an exact verdict: write holds it (404 not_found), create_doc does not', async () => {
    const writer = rows(await run(template(['write'], ['doc.delete', 'bulk.delete'])));
    expect(writer['deny doc.delete']).toMatchObject({ verdict: 'fail', got: '404 not_found' });
    expect(writer['deny doc.delete']!.index).toMatch(
      /^\.ds-metrics-svc-eskeys-probe-\d{4}\.\d{2}\.\d{2}-000001$/,
    );
    expect(writer['deny bulk.delete']).toMatchObject({ verdict: 'fail', got: '200, item 404 not_found' });
    const ingest = rows(await run(template(['create_doc', 'auto_configure'], ['doc.delete', 'bulk.delete'])));
    expect(ingest['deny doc.delete']).toMatchObject({ verdict: 'pass', got: '403 security_exception' });
    expect(ingest['deny bulk.delete']).toMatchObject({
      verdict: 'pass',
      got: '200, item 403 security_exception',
    });
    expect(await probeStreamsAndIndices()).toEqual([]);
  });

  it('a deny doc.create on a stream fails for a create_doc key even without auto_configure (no new field in the deny document)', async () => {
    const r = rows(await run(template(['create_doc'], ['doc.create'], [])));
    expect(r['deny doc.create']).toMatchObject({ verdict: 'fail', got: '201' });
    expect(await probeStreamsAndIndices()).toEqual([]);
  });

  it('a reader-and-ingest key passes its read probes on the stream (search, count, mapping, settings, get through the backing index)', async () => {
    const t = template(
      ['create_doc', 'auto_configure', 'read', 'view_index_metadata'],
      ['doc.delete', 'index.put_settings', 'aliases.update'],
      ['doc.create', 'search', 'count', 'doc.get', 'index.get_mapping', 'index.get_settings'],
    );
    const r = await run(t);
    expect(
      r.results.filter((x) => x.verdict !== 'pass').map((x) => `${x.expected} ${x.op}: ${x.got}`),
    ).toEqual([]);
    expect(r.results.filter((x) => x.mode === 'static')).toEqual([]);
    expect(rows(r)['allow doc.get']!.index).toMatch(/^\.ds-metrics-svc-eskeys-probe-/);
    expect(await probeStreamsAndIndices()).toEqual([]);
  });

  it('the probe stream is created fresh and removed on every run, so doc.create means the same each time', async () => {
    const t = template(['create_doc', 'auto_configure'], []);
    for (let i = 0; i < 2; i++) {
      const r = await run(t);
      expect(rows(r)['allow doc.create']).toMatchObject({ verdict: 'pass', got: '201' });
      expect(r.cleanup).toEqual({
        removed: ['data stream metrics-svc-eskeys-probe (with its probe documents)'],
        leftovers: [],
      });
      // Setup: the refused index creation, the stream creation, reading its write index.
      expect(r.requestsByPhase).toEqual({ setup: 3, probes: 1, teardown: 1 });
    }
    expect(await probeStreamsAndIndices()).toEqual([]);
  });

  it('a probe stream left by an interrupted run is made afresh, so its mapped marker field cannot pass a create_doc-only key', async () => {
    const left = await env.admin.adminRequest({
      method: 'PUT',
      path: '/metrics-svc-eskeys-probe/_create/eskeys-probe-create',
      body: { '@timestamp': '2026-01-01T00:00:00.000Z', eskeys_probe: true },
    });
    expect(left.status).toBe(201);
    const r = await run(template(['create_doc'], []));
    expect(rows(r)['allow doc.create']).toMatchObject({ verdict: 'fail', got: '403 security_exception' });
    // Setup: the refused index creation, the existing stream, its removal, the new stream, its write index.
    expect(r.requestsByPhase?.setup).toBe(5);
    expect(await probeStreamsAndIndices()).toEqual([]);
  });

  it("a probes.index naming an application's own stream is used as it is and never deleted", async () => {
    const app = await env.admin.adminRequest({
      method: 'PUT',
      path: '/metrics-svc-prod/_create/app-doc',
      body: { '@timestamp': '2026-01-01T00:00:00.000Z', value: 1 },
    });
    expect(app.status).toBe(201);
    const t = RoleTemplateSchema.parse({
      name: 'metrics-svc',
      role_descriptors: {
        r: { indices: [{ names: ['metrics-svc-*'], privileges: ['create_doc', 'auto_configure'] }] },
      },
      probes: { index: 'metrics-svc-prod', allow: ['doc.create'], deny: ['doc.delete'] },
    });
    const r = await run(t);
    expect(r.results.map((x) => [x.op, x.verdict, x.got])).toEqual([
      ['doc.create', 'pass', '201'],
      ['doc.delete', 'pass', '403 security_exception'],
    ]);
    expect(r.cleanup?.removed).toEqual([]);
    const still = await env.admin.adminRequest({ method: 'GET', path: '/_data_stream/metrics-svc-prod' });
    expect(still.status).toBe(200);
    const backing = (still.body as { data_streams: { indices: { index_name: string }[] }[] }).data_streams[0]!
      .indices[0]!.index_name;
    const doc = await env.admin.adminRequest({ method: 'GET', path: `/${backing}/_doc/app-doc` });
    expect((doc.body as { found: boolean }).found).toBe(true);
  });

  it('key-only (CI without admin credentials): the stream cannot be made, so data probes answer through has_privileges', async () => {
    const r = await run(template(['create_doc', 'auto_configure'], ['doc.delete']), false);
    const by = rows(r);
    expect(by['allow doc.create']).toMatchObject({ mode: 'static', verdict: 'pass' });
    expect(by['deny doc.delete']).toMatchObject({ mode: 'static', verdict: 'pass' });
    expect(await probeStreamsAndIndices()).toEqual([]);
  });
});
