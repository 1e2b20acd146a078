import { errors } from '@elastic/elasticsearch';
import {
  AuthenticationError,
  AuthorizationError,
  type ClusterAnswer,
  ClusterBusyError,
  ClusterResponseError,
  ClusterUnavailableError,
  ConfigError,
  type EskeysError,
  isEskeysError,
} from '../../core/errors.js';

/**
 * Reads an error answer into the facts core branches on (docs/es-facts.md "Error answers"):
 * `error.type` and `error.reason` (or the bare string of `{error: "..."}`), whether the
 * security or API key feature is off, and which request parameters the cluster did not know.
 */
export function clusterAnswerFrom(status: number, body: unknown): ClusterAnswer {
  const { type, reason, disabledFeature } = errorFields(body);
  const off = featureOff(status, reason, disabledFeature);
  const unknown = status === 400 ? unrecognizedParameters(reason) : undefined;
  const privilege = status === 400 ? unknownPrivilege(reason) : undefined;
  return {
    status,
    ...(type !== undefined ? { type } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(off ? { disabledFeature: off } : {}),
    ...(unknown ? { unrecognizedParameters: unknown } : {}),
    ...(privilege ? { unknownPrivilege: privilege } : {}),
  };
}

/**
 * The name in `unknown cluster privilege [x]. a privilege must be either one of the predefined
 * …` or `unknown index privilege [x]. …` (RoleDescriptorRequestValidator, behind create, grant
 * and update API key; docs/es-facts.md "How Elasticsearch refuses an unknown name").
 */
function unknownPrivilege(reason: string | undefined): ClusterAnswer['unknownPrivilege'] {
  const m = /unknown (cluster|index) privilege \[([^\]]+)\]/.exec(reason ?? '');
  return m ? { scope: m[1] as 'cluster' | 'index', name: m[2]! } : undefined;
}

function errorFields(body: unknown): { type?: string; reason?: string; disabledFeature?: string } {
  if (typeof body === 'string') return { reason: body };
  const e = (body as { error?: unknown } | undefined)?.error;
  if (typeof e === 'string') return { reason: e };
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    return {
      ...(typeof o.type === 'string' ? { type: o.type } : {}),
      ...(typeof o.reason === 'string' ? { reason: o.reason } : {}),
      ...(typeof o['disabled.feature'] === 'string' ? { disabledFeature: o['disabled.feature'] } : {}),
    };
  }
  return {};
}

/**
 * With security off the security REST handlers are not registered ("no handler found for uri
 * …"), or older nodes answer "Security must be explicitly enabled …"; with the API key service
 * off every API key endpoint answers `"disabled.feature": "api_keys"` ("api keys are not
 * enabled"). Kibana relies on the same field (docs/es-facts.md).
 */
function featureOff(
  status: number,
  reason: string | undefined,
  disabledFeature: string | undefined,
): ClusterAnswer['disabledFeature'] {
  if (disabledFeature === 'api_keys' || /api keys are not enabled/i.test(reason ?? '')) return 'api_keys';
  if (status < 400 || status === 401 || status === 403) return undefined;
  if (
    /no handler found for uri|security must be explicitly enabled|security is not enabled/i.test(reason ?? '')
  )
    return 'security';
  return undefined;
}

/**
 * The names of `request [/_security/_query/api_key] contains unrecognized parameter:
 * [with_limited_by]` (a 400 before 8.5), or `parameters: [a], [b] -> did you mean [c]?`.
 */
function unrecognizedParameters(reason: string | undefined): string[] | undefined {
  const m = /unrecognized parameters?: (.*)$/.exec(reason ?? '');
  if (!m) return undefined;
  // Each name may be followed by ` -> did you mean [x]?` or `any of [x, y]?`, consumed here.
  const each = /\[([^\]]+)\](?: -> did you mean (?:any of )?\[[^\]]*\]\?)?/g;
  const names = [...m[1]!.matchAll(each)].map((x) => x[1]!);
  return names.length > 0 ? names : undefined;
}

/**
 * The eskeys error for an error answer (status ≥ 400): 401 → AuthenticationError, 403 →
 * AuthorizationError, 429/502/503/504 → ClusterBusyError, other 5xx → ClusterUnavailableError,
 * any other status → ClusterResponseError. Each carries the answer's facts.
 */
export function errorFromAnswer(
  url: string,
  doing: string,
  answer: ClusterAnswer,
  cause?: unknown,
): EskeysError {
  const { status, type, reason } = answer;
  const detail = reason ? `: ${reason}` : type ? `: ${type}` : '';
  const options = { answer, ...(cause !== undefined ? { cause } : {}) };
  if (status === 401)
    return new AuthenticationError(
      `cluster ${url} rejected the admin credentials while ${doing}${detail}`,
      options,
    );
  if (status === 403)
    return new AuthorizationError(`admin identity may not ${doing} on ${url}${detail}`, options);
  if (BUSY_STATUSES.has(status))
    return new ClusterBusyError(`cluster ${url} answered ${status} while ${doing}${detail}`, options);
  if (status >= 500)
    return new ClusterUnavailableError(`cluster ${url} answered ${status} while ${doing}${detail}`, options);
  return new ClusterResponseError(`cluster ${url} refused ${doing} (${status})${detail}`, answer, options);
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Maps a client error to eskeys' errors (and so to exit codes): 401 → AuthenticationError,
 * 403 → AuthorizationError, connection/TLS/timeouts/5xx → ClusterUnavailableError. Messages are
 * one line, name the cluster and what was being done, and carry no secret.
 */
export function mapEsError(error: unknown, url: string, doing: string): EskeysError {
  if (isEskeysError(error)) return error;
  if (error instanceof errors.ResponseError) {
    return errorFromAnswer(url, doing, clusterAnswerFrom(error.meta.statusCode ?? 0, error.meta.body), error);
  }
  if (error instanceof errors.DeserializationError) {
    // The message of this error quotes the body, which may hold a secret: never pass it on.
    return new ClusterUnavailableError(`cluster ${url} sent a body that is not valid JSON while ${doing}`, {
      cause: error,
    });
  }
  if (error instanceof errors.ProductNotSupportedError) {
    return new ClusterUnavailableError(`${url} is not Elasticsearch (no X-Elastic-Product header)`, {
      cause: error,
    });
  }
  if (error instanceof errors.ConfigurationError) {
    return new ConfigError(`client configuration: ${error.message}`, { cause: error });
  }
  if (error instanceof errors.TimeoutError) {
    return new ClusterBusyError(`cluster ${url} timed out while ${doing}`, { cause: error });
  }
  if (error instanceof errors.ConnectionError) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? tlsCodeIn(error.message);
    if (code === 'CERT_FINGERPRINT_MISMATCH') {
      return new ClusterUnavailableError(
        `TLS: the certificate of ${url} does not match the configured CA fingerprint (--ca-fingerprint / ESKEYS_CA_FINGERPRINT)`,
        { cause: error },
      );
    }
    if (code && TLS_CODES.has(code)) {
      return new ClusterUnavailableError(
        `TLS verification of ${url} failed (${code}); pass --ca FILE or --ca-fingerprint SHA256 (or, knowingly, --insecure)`,
        { cause: error },
      );
    }
    // Nobody listening (or no such host) is an outage; a connection that dropped mid-request is
    // a node under load or restarting, worth another try.
    const Unavailable = isUnreachable(code, error.message) ? ClusterUnavailableError : ClusterBusyError;
    return new Unavailable(`cannot reach cluster ${url} while ${doing}: ${oneLine(error.message)}`, {
      cause: error,
    });
  }
  return new ClusterUnavailableError(
    `unexpected error talking to ${url} while ${doing}: ${oneLine(String(error))}`,
    {
      cause: error,
    },
  );
}

/** Statuses of a cluster that is up but momentarily cannot serve (see ClusterBusyError). */
const BUSY_STATUSES = new Set([429, 502, 503, 504]);

const UNREACHABLE_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

function isUnreachable(code: string | undefined, message: string): boolean {
  return UNREACHABLE_CODES.some((c) => code === c || message.includes(c));
}

function tlsCodeIn(message: string): string | undefined {
  for (const code of TLS_CODES)
    if (message.includes(code) || message.toLowerCase().includes(code.toLowerCase())) return code;
  if (/self[- ]signed certificate/i.test(message)) return 'SELF_SIGNED_CERT_IN_CHAIN';
  if (/fingerprint/i.test(message)) return 'CERT_FINGERPRINT_MISMATCH';
  return undefined;
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

/** True for failures worth retrying on an idempotent request: 429, 5xx, connection drops, timeouts. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof errors.ResponseError) {
    const s = error.meta.statusCode ?? 0;
    return s === 429 || s >= 500;
  }
  return error instanceof errors.ConnectionError || error instanceof errors.TimeoutError;
}
