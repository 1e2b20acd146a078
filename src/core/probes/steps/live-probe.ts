import { BusyAfterRetries, type RetriedResponse } from '../busy-retry.js';
import { isProbeName } from '../canary-names.js';
import { explain } from '../explain.js';
import { type AuthorizedReason, classify, type Outcome, verdictOf } from '../interpret.js';
import type { PlannedProbe } from '../plan.js';
import { probeRequest } from '../requests.js';
import type { ProbeResult } from '../types.js';
import { KeyRejected, type Phase } from './caller.js';
import { registerCleanup } from './cleanup.js';
import type { ProbeRun } from './probe-run.js';

/** Why an authorized 404/409/400 counts as a pass for an allow probe (see interpret.ts). */
const AUTHORIZED_NOTE: Record<AuthorizedReason, string> = {
  doc_absent: 'authorized; the probe document was absent',
  doc_exists: 'authorized; the probe document exists from an earlier run',
  index_exists: 'authorized; the probe index exists from an earlier run',
  index_absent: 'authorized; the index was absent',
  setting_unknown: 'authorized; the cluster refused the no-op setting removal after the privilege check',
};

/**
 * Runs one live probe as the key and records its result. Registers a cleanup for whatever the
 * request may have created. Returns the outcome (undefined when the run was already stopped);
 * throws KeyRejected on a 401, which stops the run.
 */
export async function runLiveProbe(
  run: ProbeRun,
  p: PlannedProbe,
  phase: Phase = 'probes',
): Promise<Outcome | undefined> {
  if (run.aborted()) return undefined;
  assertSafeTarget(p, run.plan.stableIndices);
  const t0 = run.nowMs();
  const req = probeRequest(p.op.id, p.target);
  let res: RetriedResponse;
  try {
    res = await run.track(run.caller.key(req, phase));
  } catch (error) {
    // The request may have reached the cluster: remove what it could have created.
    registerCleanup(run, p, undefined);
    if (!(error instanceof BusyAfterRetries)) throw error;
    // No answer on any try (dropped connections, timeouts): nothing is known; others still run.
    const got = `no answer after ${error.tries} tries`;
    run.results.set(p.key, inconclusiveResult(p, got, run.nowMs() - t0));
    return { kind: 'busy', got };
  }
  const outcome = classify(p.op.id, res);
  if (outcome.kind === 'rejected') {
    run.stop = true;
    throw new KeyRejected(outcome.detail ?? 'authentication failed');
  }
  if (outcome.kind === 'allowed') registerCleanup(run, p, res.body);
  const verdict = verdictOf(p.op.id, p.expected, outcome);
  if (verdict === 'inconclusive') {
    const got = `${outcome.got} after ${res.tries} tries`;
    run.results.set(p.key, inconclusiveResult(p, got, run.nowMs() - t0, res.status));
    return outcome;
  }
  run.results.set(p.key, {
    op: p.op.id,
    action: p.op.action,
    index: p.index,
    target: p.op.scope === 'cluster' ? p.target.name : undefined,
    expected: p.expected,
    mode: 'live',
    status: res.status,
    got: outcome.got,
    verdict,
    explanation: explain({
      template: run.template,
      op: p.op,
      expected: p.expected,
      verdict,
      index: p.index,
      outcome,
      dataStream: p.target.dataStream,
    }),
    note: verdict === 'pass' && outcome.kind === 'authorized' ? AUTHORIZED_NOTE[outcome.reason!] : undefined,
    durationMs: run.nowMs() - t0,
  });
  return outcome;
}

/** A probe the busy cluster never answered usably: no verdict on the privilege. */
export function inconclusiveResult(
  p: PlannedProbe,
  got: string,
  durationMs: number,
  status?: number,
): ProbeResult {
  return {
    op: p.op.id,
    action: p.op.action,
    index: p.index,
    target: p.op.scope === 'cluster' ? p.target.name : undefined,
    expected: p.expected,
    mode: p.staticReason ? 'static' : 'live',
    status,
    got,
    verdict: 'inconclusive',
    explanation: `the cluster was busy on every try (${got}); nothing is known about ${p.op.action}: retry later`,
    durationMs,
  };
}

/**
 * Defence in depth for the safety invariant "a deny probe never runs against data eskeys did
 * not create": destructive operations must aim at probe names or fresh probe document ids.
 */
export function assertSafeTarget(p: PlannedProbe, stableIndices: readonly string[]): void {
  if (!p.op.destructive) return;
  const { index, docId, name } = p.target;
  const docLevel = ['doc.delete', 'bulk.delete', 'delete_by_query'].includes(p.op.id);
  const safe =
    p.op.scope === 'cluster'
      ? name === undefined || isProbeName(name)
      : docLevel
        ? docId !== undefined && isProbeName(docId)
        : index !== undefined && (isProbeName(index) || stableIndices.includes(index));
  if (!safe) throw new Error(`refusing to run destructive probe ${p.key} against ${index ?? name ?? '?'}`);
}
