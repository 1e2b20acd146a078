import type { Secret } from '../secret.js';

/** A raw HTTP exchange, for probes and canaries. */
export interface RawRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly querystring?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** ndjson lines for _bulk. */
  readonly bulkBody?: readonly unknown[];
}

/** The status and parsed body of a raw exchange (never throws for HTTP statuses). */
export interface RawResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Raw requests, for probes and canaries only: a probe IS an HTTP operation whose status and body
 * are the evidence. Everything else core asks of a cluster goes through ClusterPort's domain
 * operations, whose answers the Elasticsearch adapter parses.
 */
export interface ProbeTransport {
  /** Sends a raw request as the admin identity (canary setup/teardown). */
  adminRequest(req: RawRequest): Promise<RawResponse>;
  /** Sends a raw request authenticated as the given encoded API key (probes). */
  keyRequest(encodedKey: Secret, req: RawRequest): Promise<RawResponse>;
}
