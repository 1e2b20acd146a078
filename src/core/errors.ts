/** Exit codes (README, "Exit codes"), decided in one place (src/cli/main.ts maps errors to them). */
export const ExitCode = {
  ok: 0,
  verificationFailed: 1,
  usage: 2,
  unavailable: 3,
  locked: 4,
  partialFailure: 5,
  /** A bug in eskeys (EX_SOFTWARE of sysexits.h). */
  internal: 70,
  cancelled: 130,
} as const;

/** Base of every error eskeys expects; carries its exit code and a stable machine code. */
export abstract class EskeysError extends Error {
  abstract readonly exitCode: number;
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A probe or verification failed (exit 1). */
export class VerificationError extends EskeysError {
  readonly exitCode = ExitCode.verificationFailed;
  readonly code = 'verification_failed';
}

/** Bad flags or flag combinations (exit 2). */
export class UsageError extends EskeysError {
  readonly exitCode = ExitCode.usage;
  readonly code = 'usage';
}

/** Bad configuration file or environment (exit 2). */
export class ConfigError extends EskeysError {
  readonly exitCode = ExitCode.usage;
  readonly code = 'config';
}

/** A role template that does not parse or validate (exit 2). */
export class TemplateError extends EskeysError {
  readonly exitCode = ExitCode.usage;
  readonly code = 'template';
  /** Every problem found, one line each (`file: /json/path: message`). */
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = [message], options?: { cause?: unknown }) {
    super(message, options);
    this.problems = problems;
  }
}

/**
 * What an Elasticsearch error answer said, read by the ES adapter from `{error: {type, reason}}`
 * so core can branch on it instead of on message text. Holds no secret: eskeys never sends one
 * in a field Elasticsearch echoes into `reason`.
 */
export interface ClusterAnswer {
  readonly status: number;
  /** `error.type`, e.g. `security_exception`, `illegal_argument_exception`. */
  readonly type?: string;
  /** `error.reason` (or the bare string of `{error: "..."}`). */
  readonly reason?: string;
  /**
   * A feature the answer says is switched off on the cluster: `security` (the security REST
   * handlers are not registered) or `api_keys` (`"disabled.feature": "api_keys"`), docs/es-facts.md.
   */
  readonly disabledFeature?: 'security' | 'api_keys';
  /** Request parameters the cluster does not know (a 400 from an older version), e.g. `with_limited_by`. */
  readonly unrecognizedParameters?: readonly string[];
  /**
   * A privilege name the cluster's release does not know (a 400 from a role descriptor
   * validation: `unknown cluster privilege [monitor_esql]. a privilege must be either …`).
   */
  readonly unknownPrivilege?: { readonly scope: 'cluster' | 'index'; readonly name: string };
}

/** Options of the cluster errors: the cause and, when the cluster answered, what it said. */
export interface ClusterErrorOptions {
  cause?: unknown;
  answer?: ClusterAnswer;
}

/** The cluster cannot be reached or answered with a server error (exit 3). */
export class ClusterUnavailableError extends EskeysError {
  readonly exitCode = ExitCode.unavailable;
  readonly code = 'cluster_unavailable';
  /** The cluster's error answer; absent when it did not answer (connection, TLS, timeout, bad body). */
  readonly answer?: ClusterAnswer;
  constructor(message: string, options?: ClusterErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.answer) this.answer = options.answer;
  }
}

/**
 * The cluster answered a request with an error status other than 401, 403, 429 or 5xx (a 400
 * for a parameter an older version does not know, a 404 for a missing handler, ...). Exit 3 like
 * every cluster failure; a ClusterUnavailableError so callers that treat any cluster failure
 * alike keep doing so, while those that care branch on `answer`.
 */
export class ClusterResponseError extends ClusterUnavailableError {
  declare readonly answer: ClusterAnswer;
  constructor(message: string, answer: ClusterAnswer, options?: { cause?: unknown }) {
    super(message, { ...options, answer });
  }
}

/**
 * The cluster is there but busy: it answered 429 (a saturated thread pool, e.g. API key hashing
 * on a key's first use), 502/503/504 (a master election, a proxy in between), timed out, or
 * dropped the connection mid-request. Worth retrying an idempotent request with back-off (exit 3).
 */
export class ClusterBusyError extends ClusterUnavailableError {}

/** The cluster rejected the credentials (401) (exit 3). */
export class AuthenticationError extends EskeysError {
  readonly exitCode = ExitCode.unavailable;
  readonly code = 'authentication_failed';
  /** The cluster's 401 answer, when it came from one. */
  readonly answer?: ClusterAnswer;
  constructor(message: string, options?: ClusterErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.answer) this.answer = options.answer;
  }
}

/** The admin identity lacks a privilege eskeys needs (403 on an admin call) (exit 3). */
export class AuthorizationError extends EskeysError {
  readonly exitCode = ExitCode.unavailable;
  readonly code = 'authorization_failed';
  /** The cluster's 403 answer, when it came from one. */
  readonly answer?: ClusterAnswer;
  constructor(message: string, options?: ClusterErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.answer) this.answer = options.answer;
  }
}

/** What the cluster answered, when `error` is a cluster error that carries its answer. */
export function clusterAnswerOf(error: unknown): ClusterAnswer | undefined {
  if (
    error instanceof ClusterUnavailableError ||
    error instanceof AuthenticationError ||
    error instanceof AuthorizationError
  )
    return error.answer;
  return undefined;
}

/** Another rotation of the same (template, environment) holds the lock (exit 4). */
export class LockedError extends EskeysError {
  readonly exitCode = ExitCode.locked;
  readonly code = 'locked';
}

/** A rotation stopped half way; `eskeys recover` resumes or rolls it back (exit 5). */
export class PartialFailureError extends EskeysError {
  readonly exitCode = ExitCode.partialFailure;
  readonly code = 'partial_failure';
}

/** The user cancelled a prompt or pressed Ctrl-C (exit 130). */
export class CancelledError extends EskeysError {
  readonly exitCode = ExitCode.cancelled;
  readonly code = 'cancelled';
  constructor(message = 'cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bug in eskeys; the message asks for an issue to be filed. */
export class InternalError extends EskeysError {
  readonly exitCode = ExitCode.internal;
  readonly code = 'internal';
}

/** Already rendered to the user; exit with `exitCode` and print nothing more (cli/cli's SilentError). */
export class ReportedError extends EskeysError {
  readonly code = 'reported';
  readonly exitCode: number;
  constructor(exitCode: number, message = 'reported') {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * A long-running command (`eskeys schedule`) that stopped cleanly on SIGINT/SIGTERM, which is
 * how it is meant to end: exit with `exitCode` (0 for a clean stop) instead of 130.
 */
export class StoppedError extends ReportedError {
  constructor(exitCode: number = ExitCode.ok) {
    super(exitCode, 'stopped');
  }
}

/** True when `error` is one of ours (so its message is safe and meant for the user). */
export function isEskeysError(error: unknown): error is EskeysError {
  return error instanceof EskeysError;
}
