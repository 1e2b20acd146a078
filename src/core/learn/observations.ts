/**
 * What `eskeys learn` keeps of the traffic: counts of (action, names, outcome) and of requests
 * it could not map. Never bodies, header values or query values: the evidence a least-privilege
 * template needs is which action ran on which names and whether Elasticsearch allowed it.
 */

/** How Elasticsearch answered, as evidence about authorization. */
export type Outcome =
  /** 2xx/3xx, or 404/409 (those come after authorization): the credentials hold the action. */
  | 'allowed'
  /** 403: the credentials used while learning lack the action. */
  | 'denied'
  /** 401: the request carried no valid credentials. */
  | 'unauthenticated'
  /** Any other error (400 validation, 5xx, 502 from the proxy): no evidence either way. */
  | 'failed';

/** The outcome a status code is evidence of. */
export function outcomeOf(status: number): Outcome {
  if (status < 400 || status === 404 || status === 409) return 'allowed';
  if (status === 403) return 'denied';
  if (status === 401) return 'unauthenticated';
  return 'failed';
}

/** One observed (action, names, outcome) with its count. */
export interface ObservedOperation {
  /** The transport action Elasticsearch authorizes (for bulk items: the per-item action). */
  readonly action: string;
  readonly scope: 'cluster' | 'index';
  /** Index, alias or data-stream names as requested (date math resolved), sorted; empty for cluster actions. */
  readonly names: readonly string[];
  readonly outcome: Outcome;
  /** The REST APIs (rest-api-spec names) that carried it. */
  readonly apis: readonly string[];
  readonly count: number;
  /**
   * A data stream backing index (`.ds-<stream>-<date>-<generation>`) the answers said these
   * writes landed in: the names are data streams, whose mapping updates `create_doc` does not
   * grant. Absent when no write answer named one.
   */
  readonly backingIndex?: string;
}

/** A request the resolver could not turn into an action; listed in the report, never dropped. */
export interface UnmappedRequest {
  readonly method: string;
  /** The rest-api-spec API when the path routes to one. */
  readonly api?: string;
  /** The path, only when no API serves it (so the operator can see what it was). */
  readonly path?: string;
  readonly reason: string;
  readonly count: number;
}

/** Everything one learning session observed. */
export interface Observations {
  readonly requests: number;
  readonly operations: readonly ObservedOperation[];
  readonly unmapped: readonly UnmappedRequest[];
  /** Bulk/mget/msearch bodies whose item names could not all be read (a line over the cap). */
  readonly incompleteBodies: number;
}
