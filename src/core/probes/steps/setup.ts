import { isProbeName } from '../canary-names.js';
import { writeIndexOf } from '../data-streams.js';
import { classify } from '../interpret.js';
import type { RawResponse } from '../probe-transport.js';
import { PROBE_INDEX_BODY } from '../requests.js';
import { KeyRejected } from './caller.js';
import { deleteCleanup } from './cleanup.js';
import { runLiveProbe } from './live-probe.js';
import { enc, isAlreadyExists, keyMayCreate, ok, type ProbeRun } from './probe-run.js';

/**
 * Setup, stable probe indices: each is created by the key when its template lets it (through
 * its own `index.create` allow probe when there is one, which then counts as run), else by the
 * admin identity; one neither can create is recorded in `run.unavailable`, so its probes fall
 * back to static. Returns whether a request as the key already went out: it is the gate that
 * proves the key is not rejected before probes run concurrently.
 */
export async function setUpProbeIndices(run: ProbeRun): Promise<{ readonly gatePassed: boolean }> {
  let gatePassed = false;
  for (const stable of run.plan.stableIndices) {
    const createProbe = run.plan.probes.find(
      (p) => p.op.id === 'index.create' && p.expected === 'allow' && p.index === stable && !p.staticReason,
    );
    let ready = false;
    if (createProbe) {
      const o = await runLiveProbe(run, createProbe, 'probes');
      gatePassed = true;
      ready = o?.kind === 'allowed' || (o?.kind === 'authorized' && o.reason === 'index_exists');
    } else if (keyMayCreate(run.template, stable)) {
      const res = await run.track(
        run.caller.key({ method: 'PUT', path: `/${enc(stable)}`, body: PROBE_INDEX_BODY }, 'setup'),
      );
      if (res.status === 401)
        throw new KeyRejected(classify('index.create', res).detail ?? 'authentication failed');
      gatePassed = true;
      ready = ok(res.status) || isAlreadyExists(res);
    }
    if (!ready && run.caller.adminAvailable && !run.aborted()) {
      const res = await run.track(
        run.caller.admin({ method: 'PUT', path: `/${enc(stable)}`, body: PROBE_INDEX_BODY }, 'setup'),
      );
      ready = ok(res.status) || isAlreadyExists(res) || (await setUpProbeStream(run, stable, res));
      if (!ready)
        run.unavailable.set(
          stable,
          `the probe index ${stable} could not be created (${classify('index.create', res).got})`,
        );
    } else if (!ready) {
      run.unavailable.set(
        stable,
        `the probe index ${stable} needs create_index for the key or admin credentials to be created`,
      );
    }
  }
  return { gatePassed };
}

/**
 * Setup, a stable probe target that matches an index template with `data_stream`: Elasticsearch
 * refuses to create it as an index (400, "use create data stream api instead"), so when the
 * admin's index creation was refused with a 400 the admin creates it as a data stream and reads
 * its write index. A stream left by an interrupted run (resource_already_exists) is deleted and
 * created again, since its mapping may already hold the probe document's field. A stable name
 * without the probe marker (`probes.index` naming the application's stream) is never deleted.
 * The stream is removed at teardown with its probe documents: they cannot be deleted through
 * the stream name, and a fresh stream on every run keeps the probe document's field unmapped, so
 * the mapping-update check of the doc.create probe means the same on every run. Returns whether
 * the stream is ready; it is then recorded in `run.streams`.
 */
async function setUpProbeStream(run: ProbeRun, stable: string, indexAnswer: RawResponse): Promise<boolean> {
  if (indexAnswer.status !== 400 || run.aborted()) return false;
  const path = `/_data_stream/${enc(stable)}`;
  // Only a stream named as eskeys names probe resources is ever deleted: `probes.index` may name
  // an application's own stream, which is then used as it is and kept, like a declared index.
  const ours = isProbeName(stable);
  let created = await run.track(run.caller.admin({ method: 'PUT', path }, 'setup'));
  if (ours && isAlreadyExists(created) && !run.aborted()) {
    const removed = await run.track(run.caller.admin({ method: 'DELETE', path }, 'setup'));
    if (ok(removed.status)) created = await run.track(run.caller.admin({ method: 'PUT', path }, 'setup'));
  }
  if (!ok(created.status) && (ours || !isAlreadyExists(created))) return false;
  if (ours) run.cleanups.push(deleteCleanup(run, `data stream ${stable} (with its probe documents)`, path));
  const got = await run.track(run.caller.admin({ method: 'GET', path }, 'setup'));
  const writeIndex = ok(got.status) ? writeIndexOf(got.body, stable) : undefined;
  if (!writeIndex) return false;
  run.streams.set(stable, { name: stable, writeIndex });
  return true;
}

/**
 * Setup, canaries: the admin identity creates this run's canary indices (for the `index.delete`
 * allow probe) and registers their removal. Returns the canaries that exist.
 */
export async function setUpCanaries(run: ProbeRun): Promise<ReadonlySet<string>> {
  const canariesReady = new Set<string>();
  for (const canary of run.plan.canaryIndices) {
    if (run.aborted()) break;
    const res = await run.track(
      run.caller.admin({ method: 'PUT', path: `/${enc(canary)}`, body: PROBE_INDEX_BODY }, 'setup'),
    );
    if (ok(res.status)) {
      canariesReady.add(canary);
      run.cleanups.push(deleteCleanup(run, `index ${canary}`, `/${enc(canary)}`, canary));
    }
  }
  return canariesReady;
}
