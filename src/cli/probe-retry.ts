import type { ProbeRetryPolicy } from '../core/probes/busy-retry.js';

/**
 * The test-only probe back-off hook: `ESKEYS_TEST_PROBE_RETRY_MS=<ms>` sets the first wait
 * between tries of a probe the busy cluster refused (doubling, up to 16×), so end-to-end tests
 * can exhaust the retries without sleeping for seconds. Unset (always, outside tests), probes
 * use the default budget (busy-retry.ts).
 */
export function testProbeRetry(
  env: Readonly<Record<string, string | undefined>>,
): Partial<ProbeRetryPolicy> | undefined {
  const raw = env.ESKEYS_TEST_PROBE_RETRY_MS;
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const ms = Number(raw);
  return { baseDelayMs: ms, maxDelayMs: ms * 16 };
}
