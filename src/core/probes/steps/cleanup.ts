import { AuthenticationError } from '../../errors.js';
import type { PlannedProbe } from '../plan.js';
import type { RawRequest, RawResponse } from '../probe-transport.js';
import { PROBE_KEY_EXPIRATION } from '../requests.js';
import type { Caller } from './caller.js';
import { type Cleanup, enc, ok, type ProbeRun } from './probe-run.js';

/** Registers the removal of whatever a live probe created (or may have created, when it got no answer). */
export function registerCleanup(run: ProbeRun, p: PlannedProbe, body: unknown): void {
  const name = p.target.name;
  const index = p.target.index;
  switch (p.op.id) {
    case 'template.put':
      if (name)
        run.cleanups.push(deleteCleanup(run, `index template ${name}`, `/_index_template/${enc(name)}`));
      break;
    case 'ilm.put':
      if (name) run.cleanups.push(deleteCleanup(run, `ILM policy ${name}`, `/_ilm/policy/${enc(name)}`));
      break;
    case 'pipeline.put':
      if (name)
        run.cleanups.push(deleteCleanup(run, `ingest pipeline ${name}`, `/_ingest/pipeline/${enc(name)}`));
      break;
    case 'security.create_api_key': {
      const id = (body as { id?: string } | undefined)?.id;
      if (id) run.cleanups.push(invalidateCleanup(run, id, name ?? id));
      break;
    }
    case 'index.create':
      // The stable probe index stays (repeated runs reuse it); any other index goes.
      if (index && !run.plan.stableIndices.includes(index))
        run.cleanups.push(deleteCleanup(run, `index ${index}`, `/${enc(index)}`));
      break;
    case 'aliases.update':
      if (index && name)
        run.cleanups.push(deleteCleanup(run, `alias ${name}`, `/${enc(index)}/_alias/${enc(name)}`));
      break;
    default:
      break;
  }
}

/**
 * A removal by DELETE. For an admin-made canary (`alreadyGoneIfProbeDeleted`), an `index.delete`
 * probe that succeeded on it already removed it: nothing more to send.
 */
export function deleteCleanup(
  run: ProbeRun,
  label: string,
  path: string,
  alreadyGoneIfProbeDeleted?: string,
): Cleanup {
  return {
    label,
    run: async (as) => {
      if (alreadyGoneIfProbeDeleted) {
        const deleter = [...run.results.values()].find(
          (r) =>
            r.op === 'index.delete' &&
            r.index === alreadyGoneIfProbeDeleted &&
            r.status !== undefined &&
            ok(r.status),
        );
        if (deleter) return true;
      }
      const res = await adminElseKey(run, as, { method: 'DELETE', path });
      return ok(res.status) || res.status === 404;
    },
  };
}

/** The invalidation of an API key a `security.create_api_key` allow probe minted. */
function invalidateCleanup(run: ProbeRun, id: string, name: string): Cleanup {
  return {
    label: `API key ${name} (expires within ${PROBE_KEY_EXPIRATION} anyway)`,
    run: async (as) => {
      const res = await adminElseKey(
        run,
        as,
        { method: 'DELETE', path: '/_security/api_key', body: { ids: [id] } },
        () => as.invalidate([id], 'teardown'),
      );
      return ok(res.status);
    },
  };
}

/**
 * Teardown goes through the admin identity when there is one; if the cluster rejects the admin
 * credentials, the key removes what it created itself (it held the privilege to create it), and
 * the run still ends with the AuthenticationError.
 */
async function adminElseKey(
  run: ProbeRun,
  as: Caller,
  req: RawRequest,
  adminCall?: () => Promise<void>,
): Promise<RawResponse> {
  if (as.adminAvailable && !run.adminRejected) {
    try {
      if (!adminCall) return await as.admin(req, 'teardown');
      await adminCall();
      return { status: 200, body: {} };
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      run.adminRejected ??= error;
    }
  }
  return as.key(req, 'teardown');
}

/**
 * Tear down, always (also after a failure or cancel): waits for requests still in flight, since
 * they may still create resources, then removes everything registered, concurrently. What cannot
 * be removed is reported as a leftover and warned about.
 */
export async function tearDown(run: ProbeRun): Promise<void> {
  while (run.inflight.size > 0) await Promise.allSettled([...run.inflight]);
  if (run.cleanups.length > 0) run.reporter.step(`removing ${run.cleanups.length} probe resource(s)`);
  await Promise.all(
    run.cleanups.map(async (c) => {
      try {
        if (await c.run(run.caller)) run.removed.push(c.label);
        else run.leftovers.push(c.label);
      } catch {
        run.leftovers.push(c.label);
      }
    }),
  );
  for (const l of run.leftovers) run.reporter.warn(`could not remove ${l}; remove it by hand`);
}
