import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { ConnectionSettings } from '../../core/config/connection.js';
import { ConfigError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';

/** Keys whose values the client redacts from errors and diagnostics, beyond its defaults. */
const REDACTED_KEYS = ['api_key', 'encoded', 'password', 'authorization'];

/** Options shared by the admin client and per-key probe clients. */
export interface ClientFactoryOptions {
  /** Per-request timeout; default 30 s. */
  requestTimeoutMs?: number;
  /** Called once when TLS verification is off, so the CLI can warn. */
  onInsecure?: () => void;
}

/**
 * Builds the official client for the admin identity. Retries are off in the client: eskeys
 * retries only idempotent steps itself (src/adapters/es/retry.ts), because the client's own
 * retry of a 502 on `POST /_security/api_key` could mint a second key.
 */
export function createAdminClient(settings: ConnectionSettings, opts: ClientFactoryOptions = {}): Client {
  const options: ClientOptions = {
    node: settings.url,
    auth:
      settings.auth.kind === 'basic'
        ? { username: settings.auth.username, password: settings.auth.password.reveal() }
        : { apiKey: settings.auth.apiKey.reveal() },
    maxRetries: 0,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    redaction: { type: 'replace', additionalKeys: REDACTED_KEYS },
    compression: false,
  };
  if (settings.url.startsWith('https:')) {
    const tls: NonNullable<ClientOptions['tls']> = {};
    if (settings.caCertPath) {
      try {
        tls.ca = readFileSync(settings.caCertPath, 'utf8');
      } catch (error) {
        throw new ConfigError(
          `cannot read CA certificate ${settings.caCertPath}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    if (settings.insecure) {
      tls.rejectUnauthorized = false;
      opts.onInsecure?.();
    }
    if (settings.caFingerprint) {
      options.caFingerprint = normaliseFingerprint(settings.caFingerprint);
      // Pinning replaces chain verification: the transport checks the fingerprint of the
      // server's CA on every new TLS session and aborts on mismatch. Without a CA file the chain
      // of a self-signed cluster cannot verify, so the handshake must not reject it first
      // (the client's documented setup for fingerprint pinning).
      if (!settings.caCertPath) tls.rejectUnauthorized = false;
    }
    options.tls = tls;
  } else if (settings.caFingerprint) {
    throw new ConfigError(
      'a CA fingerprint was given but the cluster URL is http://; use https:// or drop the fingerprint',
    );
  }
  return new Client(options);
}

/**
 * A client that shares the admin client's connections but authenticates as the given API key.
 * The Authorization header is set explicitly: `child({ auth })` alone keeps the parent's header
 * (the client only derives it from `auth` when none is present), so every "key" request would
 * silently go out as the admin identity and every probe would see the admin's privileges.
 */
export function keyClient(admin: Client, encodedKey: Secret): Client {
  const apiKey = encodedKey.reveal();
  return admin.child({ auth: { apiKey }, headers: { authorization: `ApiKey ${apiKey}` } });
}

/** The client expects `AA:BB:...` upper-case hex; accept any case, with or without colons. */
export function normaliseFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 64)
    throw new ConfigError(`CA fingerprint must be a SHA-256 hex digest (64 hex digits), got ${hex.length}`);
  return hex.match(/../g)!.join(':');
}
