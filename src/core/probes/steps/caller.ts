import { AuthenticationError } from '../../errors.js';
import { DEFAULT_PROBE_RETRY, type RetriedResponse, sendRetryingWhenBusy } from '../busy-retry.js';
import { rejectionReason } from '../interpret.js';
import type { RawRequest, RawResponse } from '../probe-transport.js';
import type { RunProbesInput } from '../types.js';

/** The phases a probe run counts its requests in (ProbeReport.requestsByPhase). */
export type Phase = 'setup' | 'probes' | 'teardown';

/**
 * Sends requests as the key or as the admin identity, counting them per phase. Requests as the
 * key are retried while the cluster is busy (busy-retry.ts); admin requests are retried by the
 * adapter.
 */
export interface Caller {
  key(req: RawRequest, phase: Phase): Promise<RetriedResponse>;
  admin(req: RawRequest, phase: Phase): Promise<RawResponse>;
  invalidate(ids: string[], phase: Phase): Promise<void>;
  readonly adminAvailable: boolean;
}

/** The key under test was rejected (401): the run stops and ends with AuthenticationError. */
export class KeyRejected extends Error {}

/** Builds the run's caller over the cluster port, counting each request sent into `counts`. */
export function makeCaller(input: RunProbesInput, counts: Record<Phase, number>): Caller {
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
