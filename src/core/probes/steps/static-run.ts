import { BusyAfterRetries, isBusyStatus, type RetriedResponse } from '../busy-retry.js';
import { classify } from '../interpret.js';
import { hasPrivilegesRequest, type StaticProbe, staticResults } from '../static-probes.js';
import { KeyRejected } from './caller.js';
import { inconclusiveResult } from './live-probe.js';
import type { ProbeRun } from './probe-run.js';

/**
 * Answers every static probe with one `_has_privileges` request as the key and records the
 * results (inconclusive when the cluster stayed busy). Throws KeyRejected on a 401.
 */
export async function runStaticProbes(run: ProbeRun, list: StaticProbe[]): Promise<void> {
  if (run.aborted()) return;
  const t0 = run.nowMs();
  let res: RetriedResponse;
  try {
    res = await run.track(run.caller.key(hasPrivilegesRequest(list), 'probes'));
  } catch (error) {
    if (!(error instanceof BusyAfterRetries)) throw error;
    for (const { p } of list)
      run.results.set(p.key, inconclusiveResult(p, `no answer after ${error.tries} tries`, run.nowMs() - t0));
    return;
  }
  if (isBusyStatus(res.status)) {
    const got = `_has_privileges ${classify('has_privileges', res).got} after ${res.tries} tries`;
    for (const { p } of list) run.results.set(p.key, inconclusiveResult(p, got, run.nowMs() - t0));
    return;
  }
  if (res.status === 401) {
    run.stop = true;
    throw new KeyRejected(classify('has_privileges', res).detail ?? 'authentication failed');
  }
  for (const [i, r] of staticResults(run.template, list, res, run.nowMs() - t0).entries())
    run.results.set(list[i]!.p.key, r);
}
