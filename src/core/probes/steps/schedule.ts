import type { PlannedProbe } from '../plan.js';
import type { StaticProbe } from '../static-probes.js';
import { runLiveProbe } from './live-probe.js';
import { cancelled, type ProbeRun } from './probe-run.js';
import { runStaticProbes } from './static-run.js';

/** The probes still to run once setup is known, split by how they run. */
export interface ProbeSchedule {
  readonly live: PlannedProbe[];
  readonly statics: StaticProbe[];
}

/**
 * Decides live or static for every probe not yet run: static when planned so, or when the
 * resource it needs (stable probe index, canary) could not be created, with that as its reason.
 */
export function chooseLiveOrStatic(run: ProbeRun, canariesReady: ReadonlySet<string>): ProbeSchedule {
  const live: PlannedProbe[] = [];
  const statics: StaticProbe[] = [];
  for (const p of run.plan.probes) {
    if (run.results.has(p.key)) continue; // the index.create probe already ran as setup
    if (p.staticReason) statics.push({ p, reason: p.staticReason });
    else if (p.needs?.kind === 'stable' && run.unavailable.has(p.needs.index))
      statics.push({ p, reason: run.unavailable.get(p.needs.index)! });
    else if (p.needs?.kind === 'canary' && !canariesReady.has(p.needs.index))
      statics.push({ p, reason: `the canary index ${p.needs.index} could not be created` });
    else live.push(p);
  }
  return { live, statics };
}

/**
 * The first request as the key runs alone, so a rejected key (401) stops the run after one
 * request instead of one per probe. Skipped when setup already sent one. Returns the live probes
 * left to run.
 */
export async function runFirstProbeAlone(
  run: ProbeRun,
  live: readonly PlannedProbe[],
  gatePassed: boolean,
): Promise<PlannedProbe[]> {
  const rest = [...live];
  if (gatePassed || rest.length === 0 || run.aborted()) return rest;
  const first = rest.find((p) => !p.after) ?? rest[0]!;
  rest.splice(rest.indexOf(first), 1);
  await runLiveProbe(run, first);
  return rest;
}

/**
 * Runs the live probes concurrently (a dependent, e.g. doc.get after doc.index, waits for its
 * writer) alongside the one `_has_privileges` request for the static probes. Rethrows the first
 * failure once all have settled; throws the cancel reason when the signal aborted.
 */
export async function runProbesConcurrently(run: ProbeRun, schedule: ProbeSchedule): Promise<void> {
  const { live, statics } = schedule;
  const running = new Map<string, Promise<unknown>>();
  const launch = (p: PlannedProbe) => {
    const deps = (p.after ?? []).map((k) => running.get(k)).filter((d): d is Promise<unknown> => !!d);
    const task = (async () => {
      if (deps.length > 0) await Promise.allSettled(deps);
      return runLiveProbe(run, p);
    })();
    running.set(p.key, task);
    return task;
  };
  const ordered = [...live.filter((p) => !p.after), ...live.filter((p) => p.after)];
  const tasks: Promise<unknown>[] = ordered.map(launch);
  if (statics.length > 0 && !run.aborted()) tasks.push(runStaticProbes(run, statics));
  const settled = await Promise.allSettled(tasks);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  if (run.signal?.aborted) throw cancelled(run.signal);
}
