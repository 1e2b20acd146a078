import { ClusterBusyError } from '../errors.js';
import type { RawResponse } from './probe-transport.js';

/**
 * How probes ride out a busy cluster. Elasticsearch answers 429 on the first use of a new key
 * when its API key hashing pool is saturated and 503 during a master election (docs/es-facts.md
 * "Busy clusters"); neither says anything about the key's privileges. Probes are idempotent or
 * aimed at absent resources, so they are retried; when the budget runs out the probe's verdict
 * is `inconclusive`, never `fail`.
 */
export interface ProbeRetryPolicy {
  /** Tries after the first. @defaultValue 5 */
  readonly retries: number;
  /** Wait before the first retry; doubles each time. @defaultValue 250 */
  readonly baseDelayMs: number;
  /** Ceiling of one wait. @defaultValue 4000 */
  readonly maxDelayMs: number;
  /**
   * No new try starts once this much time has passed since the first, waits included: slow
   * answers (a request timing out after 30 s) use up the budget in fewer tries. @defaultValue 10000
   */
  readonly budgetMs: number;
  /** Waits `ms`; resolves early when `signal` aborts (tests pass an instant fake). */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Six tries over at most 7.75 s of waiting (250 + 500 + 1000 + 2000 + 4000 ms). */
export const DEFAULT_PROBE_RETRY: ProbeRetryPolicy = {
  retries: 5,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  budgetMs: 10_000,
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Statuses of a cluster that is up but cannot serve right now (429, 502, 503, 504). */
export function isBusyStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** The last answer of a request that was retried, with how many times it was sent. */
export type RetriedResponse = RawResponse & { readonly tries: number };

/**
 * Sends `send` until it gets an answer that is not busy, or the budget runs out: then the last
 * busy answer is returned (the caller rates it inconclusive), or the last ClusterBusyError
 * thrown with `tries` attached. Other errors propagate at once. Stops retrying when `signal`
 * aborts, or when the next wait would end past `budgetMs` on the `now` clock (epoch ms).
 */
export async function sendRetryingWhenBusy(
  send: () => Promise<RawResponse>,
  policy: ProbeRetryPolicy,
  now: () => number,
  signal?: AbortSignal,
): Promise<RetriedResponse> {
  const start = now();
  for (let attempt = 0; ; attempt++) {
    const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    // Decided after the answer: a slow try (a timeout) may have used up the budget.
    const last = () =>
      attempt >= policy.retries || signal?.aborted === true || now() - start + delay > policy.budgetMs;
    try {
      const res = await send();
      if (!isBusyStatus(res.status) || last()) return { ...res, tries: attempt + 1 };
    } catch (error) {
      if (!(error instanceof ClusterBusyError)) throw error;
      if (last()) throw new BusyAfterRetries(error, attempt + 1);
    }
    await policy.sleep(delay, signal);
  }
}

/** A request that found the cluster busy (no answer, or a timeout) on every try. */
export class BusyAfterRetries extends ClusterBusyError {
  readonly tries: number;
  constructor(last: ClusterBusyError, tries: number) {
    super(last.message, { cause: last });
    this.tries = tries;
  }
}
