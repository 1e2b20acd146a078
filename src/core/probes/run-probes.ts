import type { RawRequest, RawResponse } from '../cluster-port.js';
import { AuthenticationError, CancelledError } from '../errors.js';
import { silentReporter } from '../ports.js';
import {
  BusyAfterRetries,
  DEFAULT_PROBE_RETRY,
  isBusyStatus,
  type RetriedResponse,
  sendRetryingWhenBusy,
} from './busy-retry.js';
import { isProbeName } from './canary-names.js';
import { explain, grantsInTemplate } from './explain.js';
import { type AuthorizedReason, classify, type Outcome, rejectionReason, verdictOf } from './interpret.js';
import { type PlannedProbe, planProbes } from './plan.js';
import { PROBE_INDEX_BODY, PROBE_KEY_EXPIRATION, probeRequest } from './requests.js';
import { hasPrivilegesRequest, type StaticProbe, staticResults } from './static-probes.js';
import type { ProbeReport, ProbeResult, RunProbesInput } from './types.js';

type Phase = 'setup' | 'probes' | 'teardown';

/** Why an authorized 404/409/400 counts as a pass for an allow probe (see interpret.ts). */
const AUTHORIZED_NOTE: Record<AuthorizedReason, string> = {
  doc_absent: 'authorized; the probe document was absent',
  doc_exists: 'authorized; the probe document exists from an earlier run',
  index_exists: 'authorized; the probe index exists from an earlier run',
  index_absent: 'authorized; the index was absent',
  setting_unknown: 'authorized; the cluster refused the no-op setting removal after the privilege check',
};

/** Something the run created and must remove at teardown. */
interface Cleanup {
  readonly label: string;
  /** Runs the removal; resolves true when removed (or already gone). */
  readonly run: (as: Caller) => Promise<boolean>;
}

/**
 * Sends requests as the key or as the admin identity, counting them per phase. Requests as the
 * key are retried while the cluster is busy (busy-retry.ts); admin requests are retried by the
 * adapter.
 */
interface Caller {
  key(req: RawRequest, phase: Phase): Promise<RetriedResponse>;
  admin(req: RawRequest, phase: Phase): Promise<RawResponse>;
  invalidate(ids: string[], phase: Phase): Promise<void>;
  readonly adminAvailable: boolean;
}

class KeyRejected extends Error {}

const ok = (status: number) => status >= 200 && status < 300;

/**
 * Runs a template's probes against the cluster with the key under test and returns the
 * permission matrix. Never throws for a failing probe (see `report.passed`); throws
 * AuthenticationError when the key itself is rejected (401), ClusterUnavailableError when the
 * cluster cannot be reached, CancelledError when `signal` aborts, TemplateError for unknown
 * probe ids. Everything the run created is removed before it returns or throws.
 *
 * Request economy: one request per live probe, one `_has_privileges` for all static probes,
 * plus canary setup (the stable probe index when the key cannot create it through its own
 * `index.create` probe, the admin-made canary for `index.delete`) and teardown (one request per
 * created resource). `report.requests` counts them all.
 */
export async function runProbes(input: RunProbesInput): Promise<ProbeReport> {
  const { template, clock, signal } = input;
  const reporter = input.reporter ?? silentReporter;
  const startedAt = clock.now();
  const plan = planProbes(template, {
    tag: input.tag ?? input.random.hex(8),
    adminAvailable: input.adminAvailable,
    at: startedAt.toISOString(),
  });
  const counts = { setup: 0, probes: 0, teardown: 0 };
  const caller: Caller = makeCaller(input, counts);
  const results = new Map<string, ProbeResult>();
  const cleanups: Cleanup[] = [];
  const removed: string[] = [];
  const leftovers: string[] = [];
  const inflight = new Set<Promise<unknown>>();
  const unavailable = new Map<string, string>(); // stable index → why it could not be created
  let stop = false;
  let fatal: unknown;
  let adminRejected: AuthenticationError | undefined;

  const keySource = input.keySource ?? 'the key under test';
  const aborted = () => stop || signal?.aborted === true;
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  };

  const runLive = async (p: PlannedProbe, phase: Phase = 'probes'): Promise<Outcome | undefined> => {
    if (aborted()) return undefined;
    assertSafeTarget(p, plan.stableIndices);
    const t0 = clock.now().getTime();
    const req = probeRequest(p.op.id, p.target);
    let res: RetriedResponse;
    try {
      res = await track(caller.key(req, phase));
    } catch (error) {
      // The request may have reached the cluster: remove what it could have created.
      registerCleanup(p, undefined);
      if (!(error instanceof BusyAfterRetries)) throw error;
      // No answer on any try (dropped connections, timeouts): nothing is known; others still run.
      const got = `no answer after ${error.tries} tries`;
      results.set(p.key, inconclusiveResult(p, got, clock.now().getTime() - t0));
      return { kind: 'busy', got };
    }
    const outcome = classify(p.op.id, res);
    if (outcome.kind === 'rejected') {
      stop = true;
      throw new KeyRejected(outcome.detail ?? 'authentication failed');
    }
    if (outcome.kind === 'allowed') registerCleanup(p, res.body);
    const verdict = verdictOf(p.op.id, p.expected, outcome);
    if (verdict === 'inconclusive') {
      const got = `${outcome.got} after ${res.tries} tries`;
      results.set(p.key, inconclusiveResult(p, got, clock.now().getTime() - t0, res.status));
      return outcome;
    }
    results.set(p.key, {
      op: p.op.id,
      action: p.op.action,
      index: p.index,
      target: p.op.scope === 'cluster' ? p.target.name : undefined,
      expected: p.expected,
      mode: 'live',
      status: res.status,
      got: outcome.got,
      verdict,
      explanation: explain({ template, op: p.op, expected: p.expected, verdict, index: p.index, outcome }),
      note:
        verdict === 'pass' && outcome.kind === 'authorized' ? AUTHORIZED_NOTE[outcome.reason!] : undefined,
      durationMs: clock.now().getTime() - t0,
    });
    return outcome;
  };

  const registerCleanup = (p: PlannedProbe, body: unknown) => {
    const name = p.target.name;
    const index = p.target.index;
    switch (p.op.id) {
      case 'template.put':
        if (name) cleanups.push(deleteCleanup(`index template ${name}`, `/_index_template/${enc(name)}`));
        break;
      case 'ilm.put':
        if (name) cleanups.push(deleteCleanup(`ILM policy ${name}`, `/_ilm/policy/${enc(name)}`));
        break;
      case 'pipeline.put':
        if (name) cleanups.push(deleteCleanup(`ingest pipeline ${name}`, `/_ingest/pipeline/${enc(name)}`));
        break;
      case 'security.create_api_key': {
        const id = (body as { id?: string } | undefined)?.id;
        if (id) cleanups.push(invalidateCleanup(id, name ?? id));
        break;
      }
      case 'index.create':
        // The stable probe index stays (repeated runs reuse it); any other index goes.
        if (index && !plan.stableIndices.includes(index))
          cleanups.push(deleteCleanup(`index ${index}`, `/${enc(index)}`));
        break;
      case 'aliases.update':
        if (index && name)
          cleanups.push(deleteCleanup(`alias ${name}`, `/${enc(index)}/_alias/${enc(name)}`));
        break;
      default:
        break;
    }
  };

  try {
    if (aborted()) throw cancelled(signal);
    let gatePassed = false;

    // 1. Setup: the stable probe indices, created by the key when its template lets it (through its
    //    own `index.create` allow probe when there is one), else by the admin identity.
    for (const stable of plan.stableIndices) {
      const createProbe = plan.probes.find(
        (p) => p.op.id === 'index.create' && p.expected === 'allow' && p.index === stable && !p.staticReason,
      );
      let ready = false;
      if (createProbe) {
        const o = await runLive(createProbe, 'probes');
        gatePassed = true;
        ready = o?.kind === 'allowed' || (o?.kind === 'authorized' && o.reason === 'index_exists');
      } else if (keyMayCreate(template, stable)) {
        const res = await track(
          caller.key({ method: 'PUT', path: `/${enc(stable)}`, body: PROBE_INDEX_BODY }, 'setup'),
        );
        if (res.status === 401)
          throw new KeyRejected(classify('index.create', res).detail ?? 'authentication failed');
        gatePassed = true;
        ready = ok(res.status) || isAlreadyExists(res);
      }
      if (!ready && caller.adminAvailable && !aborted()) {
        const res = await track(
          caller.admin({ method: 'PUT', path: `/${enc(stable)}`, body: PROBE_INDEX_BODY }, 'setup'),
        );
        ready = ok(res.status) || isAlreadyExists(res);
        if (!ready)
          unavailable.set(
            stable,
            `the probe index ${stable} could not be created (${classify('index.create', res).got})`,
          );
      } else if (!ready) {
        unavailable.set(
          stable,
          `the probe index ${stable} needs create_index for the key or admin credentials to be created`,
        );
      }
    }

    // 2. Setup: admin-made canary indices (for the `index.delete` allow probe).
    const canariesReady = new Set<string>();
    for (const canary of plan.canaryIndices) {
      if (aborted()) break;
      const res = await track(
        caller.admin({ method: 'PUT', path: `/${enc(canary)}`, body: PROBE_INDEX_BODY }, 'setup'),
      );
      if (ok(res.status)) {
        canariesReady.add(canary);
        cleanups.push(deleteCleanup(`index ${canary}`, `/${enc(canary)}`, canary));
      }
    }

    // 3. Decide live or static now that setup is known.
    const live: PlannedProbe[] = [];
    const statics: StaticProbe[] = [];
    for (const p of plan.probes) {
      if (results.has(p.key)) continue; // the index.create probe already ran as setup
      if (p.staticReason) statics.push({ p, reason: p.staticReason });
      else if (p.needs?.kind === 'stable' && unavailable.has(p.needs.index))
        statics.push({ p, reason: unavailable.get(p.needs.index)! });
      else if (p.needs?.kind === 'canary' && !canariesReady.has(p.needs.index))
        statics.push({ p, reason: `the canary index ${p.needs.index} could not be created` });
      else live.push(p);
    }

    reporter.step(
      `running ${live.length} live probe(s)${statics.length ? ` and ${statics.length} static (_has_privileges)` : ''}`,
    );

    // 4. The first request as the key runs alone: a rejected key (401) stops the run after one request.
    if (!gatePassed && live.length > 0 && !aborted()) {
      const first = live.find((p) => !p.after) ?? live[0]!;
      live.splice(live.indexOf(first), 1);
      await runLive(first);
      gatePassed = true;
    }

    // 5. Everything else concurrently; dependents wait for their writer.
    const running = new Map<string, Promise<unknown>>();
    const launch = (p: PlannedProbe) => {
      const deps = (p.after ?? []).map((k) => running.get(k)).filter((d): d is Promise<unknown> => !!d);
      const task = (async () => {
        if (deps.length > 0) await Promise.allSettled(deps);
        return runLive(p);
      })();
      running.set(p.key, task);
      return task;
    };
    const ordered = [...live.filter((p) => !p.after), ...live.filter((p) => p.after)];
    const tasks: Promise<unknown>[] = ordered.map(launch);
    if (statics.length > 0 && !aborted()) tasks.push(runStatic(statics));
    const settled = await Promise.allSettled(tasks);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    if (signal?.aborted) throw cancelled(signal);
  } catch (error) {
    stop = true;
    fatal = error;
  } finally {
    // In-flight requests may still create resources: wait for them before cleaning up.
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
    if (cleanups.length > 0) reporter.step(`removing ${cleanups.length} probe resource(s)`);
    await Promise.all(
      cleanups.map(async (c) => {
        try {
          if (await c.run(caller)) removed.push(c.label);
          else leftovers.push(c.label);
        } catch {
          leftovers.push(c.label);
        }
      }),
    );
    for (const l of leftovers) reporter.warn(`could not remove ${l}; remove it by hand`);
  }

  if (fatal instanceof KeyRejected) {
    throw new AuthenticationError(`${keySource} was rejected: ${fatal.message}`);
  }
  if (fatal !== undefined) throw fatal;
  // Admin credentials rejected at teardown: the run cannot vouch for its own cleanup.
  if (adminRejected) throw adminRejected;

  const ordered = plan.probes.map((p) => results.get(p.key)).filter((r): r is ProbeResult => !!r);
  return {
    template: template.name,
    environment: input.environment,
    keyId: input.key.id,
    startedAt,
    results: ordered,
    passed: ordered.every((r) => r.verdict === 'pass'),
    requests: counts.setup + counts.probes + counts.teardown,
    requestsByPhase: { ...counts },
    access: input.adminAvailable ? 'admin' : 'key-only',
    probeIndices: plan.stableIndices.filter((s) => !unavailable.has(s)),
    cleanup: { removed, leftovers },
    durationMs: clock.now().getTime() - startedAt.getTime(),
  };

  /** A probe the busy cluster never answered usably: no verdict on the privilege. */
  function inconclusiveResult(
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

  /** One _has_privileges request (as the key) answers every static probe. */
  async function runStatic(list: StaticProbe[]): Promise<void> {
    if (aborted()) return;
    const t0 = clock.now().getTime();
    let res: RetriedResponse;
    try {
      res = await track(caller.key(hasPrivilegesRequest(list), 'probes'));
    } catch (error) {
      if (!(error instanceof BusyAfterRetries)) throw error;
      for (const { p } of list)
        results.set(
          p.key,
          inconclusiveResult(p, `no answer after ${error.tries} tries`, clock.now().getTime() - t0),
        );
      return;
    }
    if (isBusyStatus(res.status)) {
      const got = `_has_privileges ${classify('has_privileges', res).got} after ${res.tries} tries`;
      for (const { p } of list) results.set(p.key, inconclusiveResult(p, got, clock.now().getTime() - t0));
      return;
    }
    if (res.status === 401) {
      stop = true;
      throw new KeyRejected(classify('has_privileges', res).detail ?? 'authentication failed');
    }
    for (const [i, r] of staticResults(template, list, res, clock.now().getTime() - t0).entries())
      results.set(list[i]!.p.key, r);
  }

  function deleteCleanup(label: string, path: string, alreadyGoneIfProbeDeleted?: string): Cleanup {
    return {
      label,
      run: async (as) => {
        if (alreadyGoneIfProbeDeleted) {
          const deleter = [...results.values()].find(
            (r) =>
              r.op === 'index.delete' &&
              r.index === alreadyGoneIfProbeDeleted &&
              r.status !== undefined &&
              ok(r.status),
          );
          if (deleter) return true;
        }
        const res = await adminElseKey(as, { method: 'DELETE', path });
        return ok(res.status) || res.status === 404;
      },
    };
  }

  function invalidateCleanup(id: string, name: string): Cleanup {
    return {
      label: `API key ${name} (expires within ${PROBE_KEY_EXPIRATION} anyway)`,
      run: async (as) => {
        const res = await adminElseKey(
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
    as: Caller,
    req: RawRequest,
    adminCall?: () => Promise<void>,
  ): Promise<RawResponse> {
    if (as.adminAvailable && !adminRejected) {
      try {
        if (!adminCall) return await as.admin(req, 'teardown');
        await adminCall();
        return { status: 200, body: {} };
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        adminRejected ??= error;
      }
    }
    return as.key(req, 'teardown');
  }
}

function makeCaller(input: RunProbesInput, counts: Record<Phase, number>): Caller {
  const { cluster, key } = input;
  const retry = { ...DEFAULT_PROBE_RETRY, ...input.retry };
  return {
    adminAvailable: input.adminAvailable,
    key(req, phase) {
      return sendRetryingWhenBusy(
        () => {
          counts[phase]++;
          return cluster.keyRequest(key.encoded, req);
        },
        retry,
        () => input.clock.now().getTime(),
        input.signal,
      );
    },
    async admin(req, phase) {
      if (!input.adminAvailable) throw new Error('admin request in key-only mode');
      counts[phase]++;
      const res = await cluster.adminRequest(req);
      if (res.status === 401) {
        throw new AuthenticationError(
          `cluster ${cluster.url} rejected the admin credentials while ${req.method} ${req.path}: ${rejectionReason(res.body)}`,
        );
      }
      return res;
    },
    async invalidate(ids, phase) {
      counts[phase]++;
      await cluster.invalidateApiKeys(ids);
    },
  };
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function isAlreadyExists(res: RawResponse): boolean {
  return classify('index.create', res).reason === 'index_exists';
}

function cancelled(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  return reason instanceof Error ? reason : new CancelledError('probe run cancelled');
}

/** Whether the template lets the key create this index (the key may still lack it through its owner). */
function keyMayCreate(template: RunProbesInput['template'], index: string): boolean {
  return grantsInTemplate(template, 'indices:admin/create', index).length > 0;
}

/**
 * Defence in depth for the safety invariant "a deny probe never runs against data eskeys did
 * not create": destructive operations must aim at probe names or fresh probe document ids.
 */
function assertSafeTarget(p: PlannedProbe, stableIndices: readonly string[]): void {
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
