/** One injected fault: applies to the next `times` requests matching method + path. */
export interface FaultSpec {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Exact path or a RegExp tested against the path (without query string). */
  path: string | RegExp;
  /** How many matching requests it applies to (default 1). */
  times?: number;
  /** Added latency before the request is handled (or failed). */
  latencyMs?: number;
  /** Answer with this status and an ES-like error body instead of handling the request. */
  status?: 429 | 503 | number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /**
   * Answer with this body text verbatim (status `status`, default 200) instead of handling the
   * request: HTML from a proxy, an empty body, or JSON whose fields have the wrong shape.
   */
  body?: string;
  /** Content type of `body`; default `application/json`. */
  contentType?: string;
  /**
   * Only requests authenticated this way match: `api_key` (an `Authorization: ApiKey` header,
   * e.g. probes sent as a freshly minted key) or `basic` (the admin user).
   */
  auth?: 'api_key' | 'basic';
  /**
   * Destroy the socket without answering, but keep the request and execute it when
   * {@link FaultInjector.releaseHeld} is called: the cluster ran a request its client had already
   * given up on (e.g. a create API key whose response never arrived), at a moment the test picks.
   */
  executeLate?: boolean;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

/** Fault injection for reliability tests (latency, error status, dropped connection). */
export class FaultInjector {
  readonly #faults: ActiveFault[] = [];
  readonly #held: (() => Promise<number>)[] = [];

  /** Adds a fault for the next `times` (default 1) matching requests. */
  inject(spec: FaultSpec): void {
    this.#faults.push({ ...spec, remaining: spec.times ?? 1 });
  }
  /** Removes every pending fault (held requests stay held until released). */
  clear(): void {
    this.#faults.length = 0;
  }
  /** Keeps a request whose client was disconnected (`executeLate`), to run at releaseHeld. */
  hold(run: () => Promise<number>): void {
    this.#held.push(run);
  }
  /** Runs every held request in arrival order; their answers go nowhere. Returns each one's status. */
  async releaseHeld(): Promise<number[]> {
    const statuses: number[] = [];
    for (let run = this.#held.shift(); run; run = this.#held.shift()) statuses.push(await run());
    return statuses;
  }
  /** How many requests are held. */
  heldCount(): number {
    return this.#held.length;
  }
  /** Pending faults (for the /_sandbox route). */
  pending(): { method?: string; path: string; auth?: string; remaining: number }[] {
    return this.#faults.map((f) => ({
      ...(f.method ? { method: f.method } : {}),
      ...(f.auth ? { auth: f.auth } : {}),
      path: f.path instanceof RegExp ? f.path.source : f.path,
      remaining: f.remaining,
    }));
  }
  /** Takes the first fault matching the request, consuming one use. */
  take(method: string, path: string, authorization?: string): FaultSpec | undefined {
    if (this.#faults.length === 0) return undefined;
    const scheme = authorizationScheme(authorization);
    const i = this.#faults.findIndex(
      (f) =>
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.auth || f.auth === scheme) &&
        (f.path instanceof RegExp ? f.path.test(path) : f.path === path),
    );
    if (i < 0) return undefined;
    const f = this.#faults[i]!;
    if (--f.remaining <= 0) this.#faults.splice(i, 1);
    return f;
  }
}

function authorizationScheme(header: string | undefined): 'api_key' | 'basic' | undefined {
  const scheme = header?.split(' ', 1)[0]?.toLowerCase();
  return scheme === 'apikey' ? 'api_key' : scheme === 'basic' ? 'basic' : undefined;
}

/** The error body ES sends for an injected status (429 = rejected execution, otherwise unavailable). */
export function faultBody(status: number): Record<string, unknown> {
  if (status === 429) {
    const cause = {
      type: 'es_rejected_execution_exception',
      reason:
        'rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1024, max_coordinating_and_primary_bytes=0]',
    };
    return { error: { root_cause: [cause], ...cause }, status };
  }
  if (status === 503) {
    const cause = {
      type: 'cluster_block_exception',
      reason: 'blocked by: [SERVICE_UNAVAILABLE/2/no master];',
    };
    return { error: { root_cause: [cause], ...cause }, status };
  }
  const cause = { type: 'exception', reason: `injected fault with status [${status}]` };
  return { error: { root_cause: [cause], ...cause }, status };
}
