import { tearDown } from './steps/cleanup.js';
import { cancelled, ProbeRun } from './steps/probe-run.js';
import { buildReport, throwIfRunFailed } from './steps/report.js';
import { chooseLiveOrStatic, runFirstProbeAlone, runProbesConcurrently } from './steps/schedule.js';
import { setUpCanaries, setUpProbeIndices } from './steps/setup.js';
import type { ProbeReport, RunProbesInput } from './types.js';

/**
 * Runs a template's probes against the cluster with the key under test and returns the
 * permission matrix. Never throws for a failing probe (see `report.passed`); throws
 * AuthenticationError when the key itself is rejected (401), ClusterUnavailableError when the
 * cluster cannot be reached, CancelledError when `signal` aborts, TemplateError for unknown
 * probe ids. Everything the run created is removed before it returns or throws.
 *
 * The phases (src/core/probes/steps/): plan the probes; set up the stable probe indices and
 * canaries (a stable target that is a data stream is created as one, and the plan adjusted to
 * it, data-streams.ts); decide live or static; run the first live probe alone (a rejected key costs one
 * request), then the rest concurrently with one `_has_privileges` for the static ones; always
 * tear down; interpret the outcome into the report or the error.
 *
 * Request economy: one request per live probe, one `_has_privileges` for all static probes,
 * plus canary setup (the stable probe index when the key cannot create it through its own
 * `index.create` probe, the admin-made canary for `index.delete`) and teardown (one request per
 * created resource). `report.requests` counts them all.
 */
export async function runProbes(input: RunProbesInput): Promise<ProbeReport> {
  const run = new ProbeRun(input);
  let fatal: unknown;
  try {
    if (run.aborted()) throw cancelled(run.signal);
    const { gatePassed } = await setUpProbeIndices(run);
    run.adoptStreams();
    const canariesReady = await setUpCanaries(run);
    const { live, statics } = chooseLiveOrStatic(run, canariesReady);
    run.reporter.step(
      `running ${live.length} live probe(s)${statics.length ? ` and ${statics.length} static (_has_privileges)` : ''}`,
    );
    const rest = await runFirstProbeAlone(run, live, gatePassed);
    await runProbesConcurrently(run, { live: rest, statics });
  } catch (error) {
    run.stop = true;
    fatal = error;
  } finally {
    await tearDown(run);
  }
  throwIfRunFailed(run, fatal);
  return buildReport(run);
}
