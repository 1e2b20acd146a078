import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEsCluster } from '../../../src/adapters/es/es-cluster.js';
import { AuthenticationError, CancelledError } from '../../../src/core/errors.js';
import type { RoleDescriptor } from '../../../src/core/privileges/role.js';
import { runProbes } from '../../../src/core/probes/run-probes.js';
import type { ProbeReport, RunProbesInput } from '../../../src/core/probes/types.js';
import { parseTemplate } from '../../../src/core/templates/load-template.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';
import {
  mintKey,
  type ProbeSandbox,
  probeLeftoversOverHttp,
  startProbeSandbox,
  type TestKey,
} from '../../support/sandbox-helpers.js';
import { usingRealCluster } from '../../support/test-cluster.js';

const load = (path: string): RoleTemplate =>
  parseTemplate(readFileSync(new URL(path, import.meta.url), 'utf8'), path).template;
const shipped = () => load('../../../roles/email-search.json');
const withWrite = () => load('../../fixtures/probes/email-search-write.json');
const descriptorsOf = (t: RoleTemplate) => t.role_descriptors as Record<string, RoleDescriptor>;

let env: ProbeSandbox;
let seq = 0;
const random = {
  hex: (n: number) => `${Date.now().toString(16)}${(++seq).toString(16)}`.slice(-n).padStart(n, '0'),
};
const clock = { now: () => new Date() };

beforeAll(async () => {
  env = await startProbeSandbox();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => {
  env.sandbox?.faults.clear();
});

function input(template: RoleTemplate, key: TestKey, extra: Partial<RunProbesInput> = {}): RunProbesInput {
  return {
    cluster: env.admin,
    template,
    environment: 'test',
    key: { id: key.id, encoded: key.encoded },
    random,
    clock,
    adminAvailable: true,
    ...extra,
  };
}

const failures = (r: ProbeReport) =>
  r.results
    .filter((x) => x.verdict !== 'pass')
    .map((x) => `${x.verdict} ${x.expected} ${x.op}: ${x.got} ${x.explanation ?? ''}`);

describe('runProbes against the sandbox (official client over HTTP)', () => {
  it('the shipped email-search template passes every probe live and leaves no canary', async () => {
    const t = shipped();
    const key = await mintKey(env.admin, descriptorsOf(t));
    const report = await runProbes(input(t, key));
    expect(failures(report)).toEqual([]);
    expect(report.results.every((r) => r.mode === 'live')).toBe(true);
    expect(report.results.length).toBe(t.probes.allow.length + t.probes.deny.length);
    expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
    expect(report.cleanup?.leftovers).toEqual([]);
  });

  it('a template that grants write fails its doc.delete deny probe with an explanation naming write', async () => {
    const t = withWrite();
    const key = await mintKey(env.admin, descriptorsOf(t));
    const report = await runProbes(input(t, key));
    expect(report.passed).toBe(false);
    const del = report.results.find((r) => r.op === 'doc.delete')!;
    expect(del.verdict).toBe('fail');
    expect(del.explanation).toMatch(
      /granted by `write` on `gmail_emails-\*`; use `index` or `create_doc` instead/,
    );
    expect(report.results.filter((r) => r.verdict !== 'pass').map((r) => r.op)).not.toContain('index.delete');
    expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
  });

  it.skipIf(usingRealCluster)(
    'issues no more requests than probes plus canary setup and teardown',
    async () => {
      const t = shipped();
      const key = await mintKey(env.admin, descriptorsOf(t));
      env.sandbox!.counters.reset();
      const report = await runProbes(input(t, key));
      const total = env.sandbox!.counters.total();
      expect(total).toBe(report.requests);
      const probes = report.results.length;
      // setup: at most the stable probe index; teardown: the throwaway template, ILM policy, pipeline
      expect(total).toBeLessThanOrEqual(probes + 1 + 3);
      expect(report.requestsByPhase!.probes).toBeLessThanOrEqual(probes);
    },
  );

  it('runs key-only (no admin calls) and reports admin-dependent probes as static', async () => {
    const t = shipped();
    t.probes.allow.push('index.delete');
    const key = await mintKey(env.admin, descriptorsOf(t));
    const keyOnly = createEsCluster({ ...env.settings, auth: { kind: 'api_key', apiKey: key.encoded } });
    try {
      const report = await runProbes(input(t, key, { cluster: keyOnly, adminAvailable: false }));
      const del = report.results.find((r) => r.op === 'index.delete' && r.expected === 'allow')!;
      expect(del.mode).toBe('static');
      expect(del.verdict).toBe('fail');
      expect(report.results.filter((r) => r.mode === 'live').length).toBeGreaterThan(10);
      expect(report.results.filter((r) => r.verdict !== 'pass').map((r) => r.op)).toEqual(['index.delete']);
      expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
    } finally {
      await keyOnly.close();
    }
  });

  it('an invalidated key is rejected with AuthenticationError naming the reason, after one request', async () => {
    const t = shipped();
    const key = await mintKey(env.admin, descriptorsOf(t));
    await env.admin.invalidateApiKeys([key.id]);
    env.sandbox!.counters.reset();
    const err = await runProbes(
      input(t, key, { keySource: 'the key in ELASTICSEARCH_API_KEY (.env)' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toBe(
      `the key in ELASTICSEARCH_API_KEY (.env) was rejected: api key [${key.id}] has been invalidated`,
    );
    if (env.sandbox) expect(env.sandbox.counters.total()).toBe(1);
  });

  it.skipIf(usingRealCluster)(
    'removes canaries when aborted mid-run and rethrows the cancellation',
    async () => {
      const t = shipped();
      const key = await mintKey(env.admin, descriptorsOf(t));
      env.sandbox!.faults.inject({ path: /.*/, latencyMs: 150, times: 1000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new CancelledError('interrupted by SIGINT')), 250);
      const err = await runProbes(input(t, key, { signal: controller.signal })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CancelledError);
      env.sandbox?.faults.clear();
      expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
    },
  );

  it('wrongly allowed cluster and key probes are cleaned up too (a template with cluster all)', async () => {
    const t = shipped();
    const descriptors = {
      admin_like: { cluster: ['all'], indices: [{ names: ['gmail_emails-*'], privileges: ['all'] }] },
    };
    const key = await mintKey(env.admin, descriptors);
    t.probes.deny.push('index.create', 'security.invalidate_api_key', 'template.put');
    const report = await runProbes(input(t, key));
    const failed = new Set(
      report.results.filter((r) => r.verdict === 'fail').map((r) => `${r.expected} ${r.op}`),
    );
    for (const p of [
      'deny doc.delete',
      'deny index.delete',
      'deny cluster.put_settings',
      'deny security.create_api_key',
    ])
      expect(failed).toContain(p);
    expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
  });

  it('cluster.info (GET /) passes live with monitor and is refused live without it', async () => {
    // GET / is authorized as cluster:monitor/main (RestMainAction → MainAction), which the
    // `monitor` cluster privilege grants and `read` on an index does not.
    const withMonitor = RoleTemplateSchema.parse({
      ...shipped(),
      role_descriptors: {
        r: { cluster: ['monitor'], indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }] },
      },
      probes: { allow: ['cluster.info'], deny: ['index.delete'] },
    });
    const allowed = await runProbes(input(withMonitor, await mintKey(env.admin, descriptorsOf(withMonitor))));
    expect(allowed.results.map((r) => [r.expected, r.op, r.mode, r.got, r.verdict])).toEqual([
      ['allow', 'cluster.info', 'live', '200', 'pass'],
      ['deny', 'index.delete', 'live', '403 security_exception', 'pass'],
    ]);
    const without = RoleTemplateSchema.parse({
      ...withMonitor,
      role_descriptors: { r: { indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }] } },
      probes: { allow: ['search'], deny: ['cluster.info'] },
    });
    const denied = await runProbes(input(without, await mintKey(env.admin, descriptorsOf(without))));
    expect(denied.results.find((r) => r.op === 'cluster.info')).toMatchObject({
      mode: 'live',
      got: '403 security_exception',
      verdict: 'pass',
    });
  });

  it('falls back to has_privileges (static) when no fresh name can match the patterns (a concrete index)', async () => {
    // Built with the schema alone: the loader's rules already reject such probes in files, but
    // runProbes must stay safe for any template it is handed (e.g. by rotation).
    const t = RoleTemplateSchema.parse({
      name: 'one-index-reader',
      role_descriptors: {
        r: { cluster: ['monitor'], indices: [{ names: ['gmail_emails-2025-10'], privileges: ['read'] }] },
      },
      probes: { allow: ['cluster.health', 'search'], deny: ['doc.delete', 'index.delete'] },
    });
    const key = await mintKey(env.admin, descriptorsOf(t));
    env.sandbox?.counters.reset();
    const report = await runProbes(input(t, key));
    const modes = Object.fromEntries(
      report.results.map((r) => [`${r.expected} ${r.op}`, `${r.mode} ${r.verdict}`]),
    );
    expect(modes).toEqual({
      'allow cluster.health': 'live pass',
      'allow search': 'static pass',
      'deny doc.delete': 'static pass',
      'deny index.delete': 'static pass',
    });
    expect(report.results.find((r) => r.op === 'search')!.note).toMatch(/^static: no concrete probe index/);
    // one live probe + one _has_privileges for all static probes
    if (env.sandbox) expect(env.sandbox.counters.total()).toBe(2);
  });

  it.skipIf(usingRealCluster)('reports what it could not remove instead of failing the run', async () => {
    const t = shipped();
    const key = await mintKey(env.admin, descriptorsOf(t));
    env.sandbox!.faults.inject({ method: 'DELETE', path: /^\/_index_template\//, status: 503, times: 1 });
    const warnings: string[] = [];
    const report = await runProbes(input(t, key, { reporter: { step() {}, warn: (m) => warnings.push(m) } }));
    expect(report.passed).toBe(true);
    expect(report.cleanup!.leftovers).toEqual([
      expect.stringMatching(/^index template eskeys-probe-[0-9a-f]+-tpl$/),
    ]);
    expect(warnings).toEqual([`could not remove ${report.cleanup!.leftovers[0]}; remove it by hand`]);
    const name = report.cleanup!.leftovers[0]!.replace('index template ', '');
    await env.admin.adminRequest({ method: 'DELETE', path: `/_index_template/${name}` });
    expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
  });

  it.skipIf(usingRealCluster)(
    // Busy is not denied (issue 10): a dropped connection is retried, and one that drops on
    // every try leaves its probe inconclusive; either way the canaries are removed.
    'a connection that drops on every try mid-run leaves that probe inconclusive, after the canaries are removed',
    async () => {
      const t = shipped();
      const key = await mintKey(env.admin, descriptorsOf(t));
      env.sandbox!.faults.inject({
        method: 'POST',
        path: /^\/gmail_emails-eskeys-probe\/_search$/,
        drop: true,
        times: 6,
      });
      const report = await runProbes(input(t, key, { retry: { sleep: async () => {} } }));
      expect(report.results.filter((x) => x.verdict !== 'pass').map((x) => [x.verdict, x.op, x.got])).toEqual(
        [['inconclusive', 'search', 'no answer after 6 tries']],
      );
      expect(await probeLeftoversOverHttp(env.admin)).toEqual([]);
    },
  );
});
