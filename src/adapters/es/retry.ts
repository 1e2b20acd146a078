import { isRetryable } from './map-error.js';

/** Retry policy for idempotent cluster calls. */
export interface RetryPolicy {
  /** Attempts after the first; default 3. */
  retries: number;
  /** First back-off; doubles each attempt; default 200 ms. */
  baseDelayMs: number;
  /** Back-off ceiling; default 5 s. */
  maxDelayMs: number;
  /** Sleep, injectable for tests. */
  sleep: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1); injectable for tests. */
  random: () => number;
}

/** The default policy: 3 retries, 200 ms doubling, full jitter, 5 s ceiling. */
export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
};

/**
 * Runs an idempotent call, retrying on 429/5xx/connection errors with exponential back-off and
 * full jitter (so a fleet of cron jobs does not retry in lock-step against a struggling cluster).
 * Non-idempotent calls (creating a key) must not go through here.
 */
export async function withRetry<T>(fn: () => Promise<T>, policy: Partial<RetryPolicy> = {}): Promise<T> {
  const p = { ...DEFAULT_RETRY, ...policy };
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= p.retries || !isRetryable(error)) throw error;
      const cap = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** attempt);
      await p.sleep(Math.floor(p.random() * cap));
    }
  }
}
