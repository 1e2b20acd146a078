/**
 * Elasticsearch error envelopes (reference §8): `{"error":{"root_cause":[…],"type","reason",…},"status"}`.
 * Metadata keys are flattened into the error object after `reason`, then `caused_by`, then `header`;
 * root causes are rendered without their `caused_by` (ES sets rest.exception.skip_cause for them).
 */

/** A cause inside an envelope: `{type, reason, …metadata, caused_by?}`. */
export interface ErrorCause {
  type: string;
  reason: string;
  metadata?: Record<string, unknown>;
  causedBy?: ErrorCause;
  headers?: Record<string, string[]>;
}

/** An Elasticsearch exception: thrown by handlers and rendered by the server as ES does. */
export class EsError extends Error implements ErrorCause {
  readonly type: string;
  readonly reason: string;
  metadata?: Record<string, unknown>;
  causedBy?: ErrorCause;
  headers?: Record<string, string[]>;
  /** Overrides the default root cause (the innermost cause that is itself an ES exception). */
  rootCauses?: ErrorCause[];

  constructor(
    readonly status: number,
    type: string,
    reason: string,
    extra: Omit<ErrorCause, 'type' | 'reason'> & { rootCauses?: ErrorCause[] } = {},
  ) {
    super(reason);
    this.type = type;
    this.reason = reason;
    if (extra.metadata) this.metadata = extra.metadata;
    if (extra.causedBy) this.causedBy = extra.causedBy;
    if (extra.headers) this.headers = extra.headers;
    if (extra.rootCauses) this.rootCauses = extra.rootCauses;
  }
}

/** Renders a cause as ES's `toXContent` does (skipCause for root causes). */
export function causeToJson(c: ErrorCause, skipCause = false): Record<string, unknown> {
  const out: Record<string, unknown> = { type: c.type, reason: c.reason };
  if (c.metadata) Object.assign(out, c.metadata);
  if (c.causedBy && !skipCause) out.caused_by = causeToJson(c.causedBy);
  if (c.headers) out.header = c.headers;
  return out;
}

/**
 * Types that are not ElasticsearchExceptions in Java (IllegalArgumentException & co.) never
 * become the guessed root cause while an ES exception wraps them.
 */
const JAVA_TYPES = new Set(['illegal_argument_exception', 'illegal_state_exception', 'status_exception']);

function guessRootCause(e: ErrorCause): ErrorCause {
  let root: ErrorCause = e;
  for (let c = e.causedBy; c; c = c.causedBy) if (!JAVA_TYPES.has(c.type)) root = c;
  return root;
}

/** The full envelope body for an error. */
export function errorBody(e: EsError): Record<string, unknown> {
  const roots = e.rootCauses ?? [guessRootCause(e)];
  return {
    error: { root_cause: roots.map((r) => causeToJson(r, true)), ...causeToJson(e) },
    status: e.status,
  };
}

/** 400 action_request_validation_exception with ES's numbered `Validation Failed: 1: …;` reason. */
export function validationError(messages: readonly string[]): EsError {
  const reason = 'Validation Failed: ' + messages.map((m, i) => `${i + 1}: ${m};`).join('');
  return new EsError(400, 'action_request_validation_exception', reason);
}

/** 400 illegal_argument_exception. */
export function illegalArgument(reason: string, causedBy?: ErrorCause): EsError {
  return new EsError(400, 'illegal_argument_exception', reason, causedBy ? { causedBy } : {});
}

/** 400 x_content_parse_exception (`[line:col] …`). */
export function parseError(reason: string, causedBy?: ErrorCause): EsError {
  return new EsError(400, 'x_content_parse_exception', reason, causedBy ? { causedBy } : {});
}

/** 404 index_not_found_exception with the metadata order seen on the wire (§8). */
export function indexNotFound(index: string): EsError {
  return new EsError(404, 'index_not_found_exception', `no such index [${index}]`, {
    metadata: { 'resource.type': 'index_or_alias', 'resource.id': index, index_uuid: '_na_', index },
  });
}

/** 400 index_closed_exception: IndexClosedException is built with reason `closed` and the index set. */
export function indexClosed(index: string, uuid: string): EsError {
  return new EsError(400, 'index_closed_exception', 'closed', { metadata: { index_uuid: uuid, index } });
}

/** 404 resource_not_found_exception. */
export function resourceNotFound(reason: string): EsError {
  return new EsError(404, 'resource_not_found_exception', reason);
}

/** 403 security_exception (no header field, §8). */
export function forbidden(reason: string): EsError {
  return new EsError(403, 'security_exception', reason);
}

/**
 * A plain string error (`{"error":"…","status":n}`), as RestController answers for requests
 * that reach no handler (BytesRestResponse.createSimpleErrorResponse).
 */
export class SimpleError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}
