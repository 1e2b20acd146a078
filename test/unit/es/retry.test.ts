import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { withRetry } from '../../../src/adapters/es/retry.js';

function responseError(status: number): errors.ResponseError {
  return new errors.ResponseError({
    body: { error: { type: 'x', reason: 'y' }, status },
    statusCode: status,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

/** A call that fails with the given errors, then returns 'ok'. */
function flaky(failures: unknown[]) {
  let calls = 0;
  const fn = async () => {
    calls++;
    const e = failures.shift();
    if (e) throw e;
    return 'ok';
  };
  return { fn, calls: () => calls };
}

describe('withRetry (idempotent cluster calls)', () => {
  it.each([
    ['429', responseError(429)],
    ['503', responseError(503)],
    ['502', responseError(502)],
    ['a dropped connection', new errors.ConnectionError('socket hang up')],
    ['a timeout', new errors.TimeoutError('timed out')],
  ])('retries after %s and succeeds', async (_name, error) => {
    const sleeps: number[] = [];
    const c = flaky([error, error]);
    await expect(
      withRetry(c.fn, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 }),
    ).resolves.toBe('ok');
    expect(c.calls()).toBe(3);
    expect(sleeps).toEqual([100, 200]); // full jitter at 0.5 of 200 ms, then of 400 ms
  });

  it.each([
    ['400', responseError(400)],
    ['401', responseError(401)],
    ['403', responseError(403)],
    ['404', responseError(404)],
  ])('does not retry %s', async (_name, error) => {
    const c = flaky([error]);
    await expect(withRetry(c.fn, { sleep: async () => {} })).rejects.toBe(error);
    expect(c.calls()).toBe(1);
  });

  it('gives up after the configured retries and rethrows the last error', async () => {
    const e = responseError(503);
    const c = flaky([e, e, e, e, e]);
    await expect(withRetry(c.fn, { retries: 2, sleep: async () => {} })).rejects.toBe(e);
    expect(c.calls()).toBe(3);
  });

  it('backs off exponentially with full jitter, capped', async () => {
    const sleeps: number[] = [];
    const e = responseError(429);
    const c = flaky([e, e, e, e, e]);
    await withRetry(c.fn, {
      retries: 5,
      baseDelayMs: 100,
      maxDelayMs: 500,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.999,
    });
    expect(sleeps).toEqual([99, 199, 399, 499, 499]);
  });
});
