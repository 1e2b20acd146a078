import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEsCluster } from '../../../src/adapters/es/es-cluster.js';
import { AuthenticationError } from '../../../src/core/errors.js';
import type { RoleDescriptor } from '../../../src/core/privileges/role.js';
import { KeyRejected } from '../../../src/core/probes/steps/caller.js';
import { ProbeRun } from '../../../src/core/probes/steps/probe-run.js';
import { throwIfRunFailed } from '../../../src/core/probes/steps/report.js';
import { chooseLiveOrStatic, runFirstProbeAlone } from '../../../src/core/probes/steps/schedule.js';
import { setUpProbeIndices } from '../../../src/core/probes/steps/setup.js';
import type { RunProbesInput } from '../../../src/core/probes/types.js';
import { parseTemplate } from '../../../src/core/templates/load-template.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';
import { mintKey, type ProbeSandbox, startProbeSandbox } from '../../support/sandbox-helpers.js';

/**
 * The phases of a probe run one at a time, against the sandbox over HTTP: what each phase sends
 * and decides, which runProbes' end-to-end report does not show on its own.
 */

const shipped = (): RoleTemplate =>
  parseTemplate(readFileSync(new URL('../../../roles/email-search.json', import.meta.url), 'utf8'), 'x')
    .template;

/** A read-only template: its key cannot create the stable probe index `gmail_emails-eskeys-probe`. */
const readOnly = (): RoleTemplate =>
  RoleTemplateSchema.parse({
    name: 'reader',
    role_descriptors: { reader: { indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }] } },
    rotation: { every: '90d', grace: '24h', review: '30d' },
    probes: { index: 'gmail_emails-eskeys-probe', allow: ['search', 'count'], deny: ['doc.delete'] },
    outputs: { env_files: ['.env'], key_var: 'ELASTICSEARCH_API_KEY' },
  });

const STABLE = 'gmail_emails-eskeys-probe';
const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const random = { hex: (n: number) => 'abcdef0123456789'.slice(0, n) };

let env: ProbeSandbox;
beforeAll(async () => {
  env = await startProbeSandbox();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => {
  env.sandbox?.counters.reset();
});

async function runFor(template: RoleTemplate, extra: Partial<RunProbesInput> = {}) {
  const key = await mintKey(env.admin, template.role_descriptors as Record<string, RoleDescriptor>);
  env.sandbox?.counters.reset();
  return new ProbeRun({
    cluster: env.admin,
    template,
    environment: 'test',
    key: { id: key.id, encoded: key.encoded },
    random,
    clock,
    adminAvailable: true,
    ...extra,
  });
}

const requestsSent = () => env.sandbox?.counters.total();

describe('setUpProbeIndices', () => {
  it("runs the template's own index.create allow probe as the setup of the stable index, in one request", async () => {
    const run = await runFor(shipped());
    expect(await setUpProbeIndices(run)).toEqual({ gatePassed: true });
    expect(run.results.get('allow index.create')?.verdict).toBe('pass');
    expect([...run.unavailable]).toEqual([]);
    if (env.sandbox) expect(requestsSent()).toBe(1);
  });

  it('key-only, a key that may not create the index: sends nothing and marks the index unavailable, saying why', async () => {
    const t = readOnly();
    const key = await mintKey(env.admin, t.role_descriptors as Record<string, RoleDescriptor>);
    const keyOnly = createEsCluster({ ...env.settings, auth: { kind: 'api_key', apiKey: key.encoded } });
    try {
      env.sandbox?.counters.reset();
      const run = new ProbeRun({
        cluster: keyOnly,
        template: t,
        environment: 'test',
        key: { id: key.id, encoded: key.encoded },
        random,
        clock,
        adminAvailable: false,
      });
      expect(await setUpProbeIndices(run)).toEqual({ gatePassed: false });
      const why =
        'the probe index gmail_emails-eskeys-probe needs create_index for the key or admin credentials to be created';
      expect([...run.unavailable]).toEqual([[STABLE, why]]);
      if (env.sandbox) expect(requestsSent()).toBe(0);

      // chooseLiveOrStatic: every probe needing that index falls back to _has_privileges with that reason.
      const { live, statics } = chooseLiveOrStatic(run, new Set());
      expect(live).toEqual([]);
      expect(statics.map((s) => [s.p.key, s.reason])).toEqual([
        ['allow search', why],
        ['allow count', why],
        ['deny doc.delete', why],
      ]);
    } finally {
      await keyOnly.close();
    }
  });

  it('with admin credentials, the admin creates the index the key may not create; no request as the key yet', async () => {
    const run = await runFor(readOnly());
    expect(await setUpProbeIndices(run)).toEqual({ gatePassed: false });
    expect([...run.unavailable]).toEqual([]);
    expect(run.counts).toEqual({ setup: 1, probes: 0, teardown: 0 });
    if (env.sandbox) expect(requestsSent()).toBe(1);
  });
});

describe('runFirstProbeAlone', () => {
  it('sends exactly one probe as the key when setup sent none, and hands back the others', async () => {
    const run = await runFor(readOnly());
    await setUpProbeIndices(run);
    const { live } = chooseLiveOrStatic(run, new Set());
    expect(live.map((p) => p.key)).toEqual(['allow search', 'allow count', 'deny doc.delete']);
    env.sandbox?.counters.reset();
    const rest = await runFirstProbeAlone(run, live, false);
    expect(rest.map((p) => p.key)).toEqual(['allow count', 'deny doc.delete']);
    expect([...run.results.keys()]).toEqual(['allow search']);
    if (env.sandbox) expect(requestsSent()).toBe(1);
  });

  it('sends nothing when setup already proved the key is accepted', async () => {
    const run = await runFor(readOnly());
    await setUpProbeIndices(run);
    const { live } = chooseLiveOrStatic(run, new Set());
    env.sandbox?.counters.reset();
    expect((await runFirstProbeAlone(run, live, true)).length).toBe(3);
    expect([...run.results.keys()]).toEqual([]);
    if (env.sandbox) expect(requestsSent()).toBe(0);
  });
});

describe('throwIfRunFailed', () => {
  it('a rejected key becomes AuthenticationError naming where the key came from', async () => {
    const run = await runFor(readOnly(), { keySource: 'ELASTICSEARCH_API_KEY (.env)' });
    expect(() => throwIfRunFailed(run, new KeyRejected('api key [k1] has been invalidated'))).toThrow(
      new AuthenticationError('ELASTICSEARCH_API_KEY (.env) was rejected: api key [k1] has been invalidated'),
    );
  });

  it('nothing failed: returns', async () => {
    const run = await runFor(readOnly());
    expect(throwIfRunFailed(run, undefined)).toBeUndefined();
  });
});
