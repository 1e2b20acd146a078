import { errors } from '@elastic/elasticsearch';
import {
  AuthenticationError,
  AuthorizationError,
  ClusterBusyError,
  ClusterUnavailableError,
  ConfigError,
  type EskeysError,
  isEskeysError,
} from '../../core/errors.js';

/** The `{error: {type, reason}}` of an Elasticsearch error response, when there is one. */
export function esErrorCause(error: unknown): { type?: string; reason?: string; status?: number } {
  if (error instanceof errors.ResponseError) {
    const body = error.meta.body as { error?: { type?: string; reason?: string } | string } | undefined;
    const e = body?.error;
    if (typeof e === 'string') return { reason: e, status: error.meta.statusCode };
    return { type: e?.type, reason: e?.reason, status: error.meta.statusCode };
  }
  return {};
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
    const { type, reason, status } = esErrorCause(error);
    const detail = reason ? `: ${reason}` : type ? `: ${type}` : '';
    if (status === 401) {
      return new AuthenticationError(
        `cluster ${url} rejected the admin credentials while ${doing}${detail}`,
        { cause: error },
      );
    }
    if (status === 403) {
      return new AuthorizationError(`admin identity may not ${doing} on ${url}${detail}`, { cause: error });
    }
    if (status !== undefined && BUSY_STATUSES.has(status)) {
      return new ClusterBusyError(`cluster ${url} answered ${status} while ${doing}${detail}`, {
        cause: error,
      });
    }
    if (status !== undefined && status >= 500) {
      return new ClusterUnavailableError(`cluster ${url} answered ${status} while ${doing}${detail}`, {
        cause: error,
      });
    }
    return new ClusterUnavailableError(`cluster ${url} refused ${doing} (${status})${detail}`, {
      cause: error,
    });
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
