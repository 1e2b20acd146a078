import { AuthenticationError } from '../../errors.js';
import type { ProbeReport, ProbeResult } from '../types.js';
import { KeyRejected } from './caller.js';
import type { ProbeRun } from './probe-run.js';

/**
 * After teardown, turns what stopped the run into the error its caller sees: a rejected key
 * becomes AuthenticationError naming the key's source; admin credentials rejected at teardown
 * also fail the run, since it cannot vouch for its own cleanup.
 */
export function throwIfRunFailed(run: ProbeRun, fatal: unknown): void {
  if (fatal instanceof KeyRejected) {
    const keySource = run.input.keySource ?? 'the key under test';
    throw new AuthenticationError(`${keySource} was rejected: ${fatal.message}`);
  }
  if (fatal !== undefined) throw fatal;
  if (run.adminRejected) throw run.adminRejected;
}

/** The permission matrix of a finished run: results in plan order, request counts, cleanup. */
export function buildReport(run: ProbeRun): ProbeReport {
  const { input, plan, counts } = run;
  const ordered = plan.probes.map((p) => run.results.get(p.key)).filter((r): r is ProbeResult => !!r);
  return {
    template: run.template.name,
    environment: input.environment,
    keyId: input.key.id,
    startedAt: run.startedAt,
    results: ordered,
    passed: ordered.every((r) => r.verdict === 'pass'),
    requests: counts.setup + counts.probes + counts.teardown,
    requestsByPhase: { ...counts },
    access: input.adminAvailable ? 'admin' : 'key-only',
    probeIndices: plan.stableIndices.filter((s) => !run.unavailable.has(s)),
    cleanup: { removed: run.removed, leftovers: run.leftovers },
    durationMs: run.clock.now().getTime() - run.startedAt.getTime(),
  };
}
