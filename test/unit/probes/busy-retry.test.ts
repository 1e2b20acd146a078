import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ClusterBusyError, ClusterUnavailableError } from '../../../src/core/errors.js';
import type { RoleDescriptor } from '../../../src/core/privileges/role.js';
import {
  BusyAfterRetries,
  DEFAULT_PROBE_RETRY,
  type ProbeRetryPolicy,
  sendRetryingWhenBusy,
} from '../../../src/core/probes/busy-retry.js';
import type { RawResponse } from '../../../src/core/probes/probe-transport.js';
import { runProbes } from '../../../src/core/probes/run-probes.js';
import type { RunProbesInput } from '../../../src/core/probes/types.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';
import { FakeProbeCluster } from './fake-probe-cluster.js';

/** Elasticsearch's answer when a thread pool (e.g. API key hashing) is saturated. */
const TOO_BUSY: RawResponse = {
  status: 429,
  body: {
    error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of ...' },
    status: 429,
  },
};
/** Elasticsearch's answer while no master is elected. */
const NO_MASTER: RawResponse = {
  status: 503,
  body: {
    error: { type: 'cluster_block_exception', reason: 'blocked by: [SERVICE_UNAVAILABLE/2/no master];' },
    status: 503,
  },
};
const OK: RawResponse = { status: 200, body: {} };

/** A policy whose waits are recorded instead of slept, on a fake clock that the waits advance. */
function recordingPolicy(overrides: Partial<ProbeRetryPolicy> = {}) {
  const waits: number[] = [];
  const clock = { ms: 0 };
  const policy: ProbeRetryPolicy = {
    ...DEFAULT_PROBE_RETRY,
    sleep: async (ms) => {
      waits.push(ms);
      clock.ms += ms;
    },
    ...overrides,
  };
  return { policy, waits, clock, now: () => clock.ms };
}

/** Answers from a script, one per call. */
function scripted(answers: (RawResponse | Error)[]) {
  let calls = 0;
  const send = async () => {
    const a = answers[Math.min(calls++, answers.length - 1)]!;
    if (a instanceof Error) throw a;
    return a;
  };
  return { send, calls: () => calls };
}

describe('sendRetryingWhenBusy', () => {
  it.each([
    ['429 twice, then 200', [TOO_BUSY, TOO_BUSY, OK], 200, 3, [250, 500]],
    ['503 once, then 200', [NO_MASTER, OK], 200, 2, [250]],
    ['a dropped connection, then 200', [new ClusterBusyError('socket hang up'), OK], 200, 2, [250]],
    ['429 on every try: the last 429 after 6 tries', [TOO_BUSY], 429, 6, [250, 500, 1000, 2000, 4000]],
    ['403 is an answer, not busy', [{ status: 403, body: {} }], 403, 1, []],
    ['401 is an answer, not busy', [{ status: 401, body: {} }], 401, 1, []],
    ['500 is an answer, not busy', [{ status: 500, body: {} }], 500, 1, []],
  ] as const)('%s', async (_name, answers, status, tries, waits) => {
    const { policy, waits: slept, now } = recordingPolicy();
    const s = scripted([...answers]);
    const res = await sendRetryingWhenBusy(s.send, policy, now);
    expect(res.status).toBe(status);
    expect(res.tries).toBe(tries);
    expect(s.calls()).toBe(tries);
    expect(slept).toEqual(waits);
  });

  it('the default budget waits at most 7.75 s in all (a handful of tries within ~10 s)', async () => {
    const { policy, waits, now } = recordingPolicy();
    await sendRetryingWhenBusy(scripted([TOO_BUSY]).send, policy, now);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(7_750);
  });

  it('slow tries use up the 10 s budget in fewer tries (each try here takes 4 s, like a slow timeout)', async () => {
    const { policy, waits, clock, now } = recordingPolicy();
    let calls = 0;
    const send = async (): Promise<RawResponse> => {
      calls++;
      clock.ms += 4_000;
      throw new ClusterBusyError('timed out');
    };
    const err = await sendRetryingWhenBusy(send, policy, now).catch((e: unknown) => e);
    // 0-4 s try, 250 ms wait, 4.25-8.25 s try, 500 ms wait, 8.75-12.75 s try: a fourth would start past 10 s.
    expect((err as BusyAfterRetries).tries).toBe(3);
    expect(calls).toBe(3);
    expect(waits).toEqual([250, 500]);
  });

  it('throws BusyAfterRetries (a ClusterBusyError, exit 3) with the tries when no try got an answer', async () => {
    const { policy, now } = recordingPolicy({ retries: 2 });
    const err = await sendRetryingWhenBusy(
      scripted([new ClusterBusyError('timed out')]).send,
      policy,
      now,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusyAfterRetries);
    expect(err).toBeInstanceOf(ClusterBusyError);
    expect((err as BusyAfterRetries).tries).toBe(3);
    expect((err as BusyAfterRetries).exitCode).toBe(3);
  });

  it('does not retry an unreachable cluster or a rejected admin', async () => {
    for (const e of [new ClusterUnavailableError('ECONNREFUSED'), new AuthenticationError('401')]) {
      const { policy, waits, now } = recordingPolicy();
      const s = scripted([e]);
      await expect(sendRetryingWhenBusy(s.send, policy, now)).rejects.toBe(e);
      expect(s.calls()).toBe(1);
      expect(waits).toEqual([]);
    }
  });

  it('stops retrying once the run is aborted', async () => {
    const controller = new AbortController();
    const { policy } = recordingPolicy({
      sleep: async () => controller.abort(),
    });
    const s = scripted([TOO_BUSY]);
    const res = await sendRetryingWhenBusy(s.send, policy, () => 0, controller.signal);
    expect(res.status).toBe(429);
    expect(s.calls()).toBe(2);
  });
});

const template = (): RoleTemplate =>
  RoleTemplateSchema.parse(
    JSON.parse(readFileSync(new URL('../../fixtures/probes/email-search.json', import.meta.url), 'utf8')),
  );

function setup() {
  const t = template();
  const cluster = new FakeProbeCluster();
  const encoded = cluster.addKey('S0VZ', Object.values(t.role_descriptors) as RoleDescriptor[]);
  const { policy, waits } = recordingPolicy();
  let seq = 0;
  const input: RunProbesInput = {
    cluster,
    template: t,
    environment: 'prod',
    key: { id: 'key-id', encoded },
    random: { hex: (n) => (++seq).toString(16).padStart(n, '0').slice(-n) },
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    adminAvailable: true,
    retry: policy,
  };
  return { cluster, input, waits };
}

describe('runProbes on a busy cluster', () => {
  it('a 429 on the first use of the new key is retried and the run passes', async () => {
    const { cluster, input, waits } = setup();
    let busy = 2;
    cluster.answerAsKey = () => (busy-- > 0 ? TOO_BUSY : undefined);
    const report = await runProbes(input);
    expect(report.results.filter((r) => r.verdict !== 'pass')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(waits).toEqual([250, 500]);
    expect(report.requests).toBe(cluster.calls.length);
  });

  it('a deny probe answered 429 on every try is inconclusive, not failed; the others still pass', async () => {
    const { cluster, input } = setup();
    cluster.answerAsKey = (c) => (c.method === 'DELETE' && c.path.includes('/_doc/') ? TOO_BUSY : undefined);
    const report = await runProbes(input);
    expect(report.passed).toBe(false);
    const notPassed = report.results.filter((r) => r.verdict !== 'pass');
    expect(notPassed.map((r) => [r.verdict, r.expected, r.op, r.got])).toEqual([
      ['inconclusive', 'deny', 'doc.delete', '429 es_rejected_execution_exception after 6 tries'],
    ]);
    expect(notPassed[0]!.explanation).toMatch(/the cluster was busy on every try/);
    expect(cluster.calls.filter((c) => c.method === 'DELETE' && c.path.includes('/_doc/'))).toHaveLength(6);
  });

  it('an allow probe that never gets an answer (dropped connections) is inconclusive', async () => {
    const { cluster, input } = setup();
    cluster.onRequest = (c) => {
      if (c.as === 'key' && c.path === '/_cluster/health') throw new ClusterBusyError('socket hang up');
    };
    const report = await runProbes(input);
    const health = report.results.find((r) => r.op === 'cluster.health')!;
    expect([health.verdict, health.got]).toEqual(['inconclusive', 'no answer after 6 tries']);
    expect(report.results.filter((r) => r.verdict === 'fail')).toEqual([]);
  });

  it('a 503 on has_privileges makes the static probes inconclusive', async () => {
    const { cluster, input } = setup();
    // A concrete index with no probe name to aim at: both probes run statically (static-probes.ts).
    const t = RoleTemplateSchema.parse({
      name: 't',
      role_descriptors: { r: { indices: [{ names: ['gmail_emails-2025-10'], privileges: ['read'] }] } },
      probes: { allow: ['search'], deny: ['doc.delete'] },
    });
    cluster.answerAsKey = (c) => (c.path === '/_security/user/_has_privileges' ? NO_MASTER : undefined);
    const report = await runProbes({ ...input, template: t });
    const statics = report.results.filter((r) => r.mode === 'static');
    expect(statics.length).toBeGreaterThan(0);
    for (const r of statics) {
      expect(r.verdict).toBe('inconclusive');
      expect(r.got).toBe('_has_privileges 503 cluster_block_exception after 6 tries');
    }
  });

  it('a 401 on the first use is not retried (the key is rejected)', async () => {
    const { cluster, input, waits } = setup();
    cluster.rejected.set('S0VZ', 'invalid credentials');
    await expect(runProbes(input)).rejects.toBeInstanceOf(AuthenticationError);
    expect(waits).toEqual([]);
  });
});
