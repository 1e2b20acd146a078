import type { AuthenticationError } from '../../errors.js';
import { CancelledError } from '../../errors.js';
import type { Reporter } from '../../ports.js';
import { silentReporter } from '../../ports.js';
import { type ProbeStream, retargetForStreams } from '../data-streams.js';
import { grantsInTemplate } from '../explain.js';
import { classify } from '../interpret.js';
import { type ProbePlan, planProbes } from '../plan.js';
import type { RawResponse } from '../probe-transport.js';
import type { ProbeResult, RunProbesInput } from '../types.js';
import { type Caller, makeCaller, type Phase } from './caller.js';

/** Something the run created and must remove at teardown. */
export interface Cleanup {
  readonly label: string;
  /** Runs the removal; resolves true when removed (or already gone). */
  readonly run: (as: Caller) => Promise<boolean>;
}

/**
 * The state of one probe run, shared by its steps: the plan, the caller, the results so far,
 * what teardown must remove, and the requests still in flight (teardown waits for them, since a
 * request that has not answered may still create a resource).
 */
export class ProbeRun {
  readonly template: RunProbesInput['template'];
  readonly clock: RunProbesInput['clock'];
  readonly signal: AbortSignal | undefined;
  readonly reporter: Reporter;
  readonly startedAt: Date;
  /** The plan; adjusted once after setup when stable targets turned out to be data streams. */
  plan: ProbePlan;
  readonly counts: Record<Phase, number> = { setup: 0, probes: 0, teardown: 0 };
  readonly caller: Caller;
  /** Results by planned probe key; the report lists them in plan order. */
  readonly results = new Map<string, ProbeResult>();
  readonly cleanups: Cleanup[] = [];
  readonly removed: string[] = [];
  readonly leftovers: string[] = [];
  readonly inflight = new Set<Promise<unknown>>();
  /** Stable probe index → why it could not be created (its probes then run statically). */
  readonly unavailable = new Map<string, string>();
  /** Stable probe targets that are data streams (created at setup), by name. */
  readonly streams = new Map<string, ProbeStream>();
  /** Set when the run must launch nothing more (a rejected key, a fatal error). */
  stop = false;
  /** The admin credentials were rejected during teardown: the run cannot vouch for its cleanup. */
  adminRejected: AuthenticationError | undefined;

  constructor(readonly input: RunProbesInput) {
    this.template = input.template;
    this.clock = input.clock;
    this.signal = input.signal;
    this.reporter = input.reporter ?? silentReporter;
    this.startedAt = input.clock.now();
    this.plan = planProbes(input.template, {
      tag: input.tag ?? input.random.hex(8),
      adminAvailable: input.adminAvailable,
      at: this.startedAt.toISOString(),
    });
    this.caller = makeCaller(input, this.counts);
  }

  /** Aims the planned probes at what the data streams found at setup accept (data-streams.ts). */
  adoptStreams(): void {
    this.plan = retargetForStreams(this.plan, this.streams);
  }

  /** Whether the run must launch nothing more: stopped, or the caller's signal aborted. */
  aborted(): boolean {
    return this.stop || this.signal?.aborted === true;
  }

  /** Remembers a request until it settles, so teardown can wait for it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  /** Milliseconds on the run's clock, for probe durations. */
  nowMs(): number {
    return this.clock.now().getTime();
  }
}

/** A 2xx status. */
export function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A path segment, percent-encoded. */
export function enc(s: string): string {
  return encodeURIComponent(s);
}

/** The index already existed (an authorized `resource_already_exists_exception`). */
export function isAlreadyExists(res: RawResponse): boolean {
  return classify('index.create', res).reason === 'index_exists';
}

/** The abort reason when it is an error, else a CancelledError. */
export function cancelled(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  return reason instanceof Error ? reason : new CancelledError('probe run cancelled');
}

/** Whether the template lets the key create this index (the key may still lack it through its owner). */
export function keyMayCreate(template: RunProbesInput['template'], index: string): boolean {
  return grantsInTemplate(template, 'indices:admin/create', index).length > 0;
}
