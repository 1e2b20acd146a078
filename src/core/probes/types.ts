import type { ClusterPort } from '../cluster-port.js';
import type { Random, Reporter } from '../ports.js';
import type { Secret } from '../secret.js';
import type { RoleTemplate } from '../templates/schema.js';
import type { ProbeRetryPolicy } from './busy-retry.js';

/** What a probe expects: the key may do it (2xx) or must be refused (403 security_exception). */
export type Expectation = 'allow' | 'deny';

/** How a probe ran: live against the cluster, or statically through _has_privileges. */
export type ProbeMode = 'live' | 'static';

/**
 * pass: as expected; fail: the opposite happened; error: neither (e.g. 404/400/500 where 2xx/403
 * was due); inconclusive: the cluster was busy (429/502/503/504, timeout, dropped connection) on
 * every try, so nothing is known about the privilege.
 */
export type Verdict = 'pass' | 'fail' | 'error' | 'inconclusive';

/** The outcome of one probe. */
export interface ProbeResult {
  readonly op: string;
  readonly action: string;
  /** Index targeted, for index-scope operations. */
  readonly index?: string;
  readonly expected: Expectation;
  readonly mode: ProbeMode;
  /** HTTP status (live) or undefined (static). */
  readonly status?: number;
  /** Short description of what came back: `201`, `403 security_exception`, `has_privileges: false`. */
  readonly got: string;
  readonly verdict: Verdict;
  /** Why it failed and what to change (only for fail/error), e.g. granted by `write`; use `index`. */
  readonly explanation?: string;
  readonly durationMs: number;
  /** Throwaway resource a cluster-scope probe aimed at (`eskeys-probe-1a2b3c4d-tpl`). */
  readonly target?: string;
  /** Context for the row: why it ran statically, or why an authorized 404/409 counts as allowed. */
  readonly note?: string;
}

/** What the run created and removed again (the stable probe index is kept on purpose). */
export interface ProbeCleanup {
  /** Resources removed at teardown, e.g. `index template eskeys-probe-1a2b3c4d-tpl`. */
  readonly removed: readonly string[];
  /** Resources that could not be removed (reported as warnings; remove them by hand). */
  readonly leftovers: readonly string[];
}

/** All probes of one run. */
export interface ProbeReport {
  readonly template: string;
  readonly environment: string;
  readonly keyId: string;
  readonly startedAt: Date;
  readonly results: readonly ProbeResult[];
  /** True when every result passed. */
  readonly passed: boolean;
  /** HTTP requests issued (probes + canary setup/teardown), for request-economy checks. */
  readonly requests: number;
  /** `requests` split by phase: setup (probe index, canaries), probes (live + one has_privileges), teardown. */
  readonly requestsByPhase?: { readonly setup: number; readonly probes: number; readonly teardown: number };
  /** `admin` when admin calls were available for canaries, `key-only` otherwise (CI). */
  readonly access?: 'admin' | 'key-only';
  /** The stable probe indices used, if any. */
  readonly probeIndices?: readonly string[];
  readonly cleanup?: ProbeCleanup;
  /** Wall time of the run. */
  readonly durationMs?: number;
}

/** Input of a probe run. */
export interface RunProbesInput {
  readonly cluster: ClusterPort;
  readonly template: RoleTemplate;
  readonly environment: string;
  /** The key under test. */
  readonly key: { readonly id: string; readonly encoded: Secret };
  readonly random: Random;
  /** The run's tag (in the names of its per-run resources); drawn from `random` when absent. */
  readonly tag?: string;
  readonly clock: { now(): Date };
  /** Aborting stops new probes and still runs canary teardown. */
  readonly signal?: AbortSignal;
  /** Whether admin calls are available for canary setup/teardown (verify in CI may run key-only). */
  readonly adminAvailable: boolean;
  readonly reporter?: Reporter;
  /** Where the key came from, for messages (`ELASTICSEARCH_API_KEY (.env)`); never the key itself. */
  readonly keySource?: string;
  /** How requests as the key ride out a busy cluster. @defaultValue DEFAULT_PROBE_RETRY */
  readonly retry?: Partial<ProbeRetryPolicy>;
}
