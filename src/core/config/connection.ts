import { ConfigError } from '../errors.js';
import { Secret } from '../secret.js';

/** How eskeys authenticates its admin identity. */
export type AdminAuth =
  | { readonly kind: 'basic'; readonly username: string; readonly password: Secret }
  | { readonly kind: 'api_key'; readonly apiKey: Secret };

/** Everything needed to reach a cluster as the admin identity. */
export interface ConnectionSettings {
  readonly url: string;
  readonly auth: AdminAuth;
  /** Path to a PEM CA bundle. */
  readonly caCertPath?: string;
  /** SHA-256 fingerprint of the CA or server certificate (hex, colons optional). */
  readonly caFingerprint?: string;
  /** TLS verification off: only by explicit request. */
  readonly insecure: boolean;
  /** Where each setting came from (`flag`, `env:ESKEYS_URL`, `file:.eskeys.env`, `config`), for `doctor` and errors. */
  readonly sources: Readonly<Record<string, string>>;
}

/** Connection flags as commander parsed them. */
export interface ConnectionFlags {
  url?: string;
  username?: string;
  password?: string;
  apiKey?: string;
  ca?: string;
  caFingerprint?: string;
  insecure?: boolean;
}

/** A dotenv file already parsed (dotenv parses; it never writes to process.env). */
export interface ParsedEnvFile {
  readonly path: string;
  readonly vars: Readonly<Record<string, string>>;
}

/** Defaults from the project config for the chosen environment. */
export interface ConnectionDefaults {
  url?: string;
  caCertPath?: string;
  caFingerprint?: string;
}

const VARS = {
  url: 'ESKEYS_URL',
  username: 'ESKEYS_USERNAME',
  password: 'ESKEYS_PASSWORD',
  apiKey: 'ESKEYS_API_KEY',
  ca: 'ESKEYS_CA_CERT',
  caFingerprint: 'ESKEYS_CA_FINGERPRINT',
  insecure: 'ESKEYS_INSECURE',
} as const;

/**
 * Resolves the admin connection with the documented precedence (README, "Connecting to a cluster"): flag >
 * environment >
 * env files (in the order given) > project config. Pure: takes everything as arguments.
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
  files: readonly ParsedEnvFile[],
  defaults: ConnectionDefaults = {},
): ConnectionSettings {
  const sources: Record<string, string> = {};
  const pick = (key: keyof typeof VARS, flag: string | undefined, fallback?: string): string | undefined => {
    if (flag !== undefined && flag !== '') {
      sources[key] = 'flag';
      return flag;
    }
    const fromEnv = env[VARS[key]];
    if (fromEnv !== undefined && fromEnv !== '') {
      sources[key] = `env:${VARS[key]}`;
      return fromEnv;
    }
    for (const f of files) {
      const v = f.vars[VARS[key]];
      if (v !== undefined && v !== '') {
        sources[key] = `file:${f.path}`;
        return v;
      }
    }
    if (fallback !== undefined) sources[key] = 'config';
    return fallback;
  };

  const url = pick('url', flags.url, defaults.url);
  if (!url) {
    throw new ConfigError(
      "no cluster URL: pass --url, set ESKEYS_URL, or put it in .eskeys.env (or the environment's connection in eskeys.config.json)",
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`cluster URL [${withoutUserinfo(url)}] (${sources.url}) is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(
      `cluster URL [${withoutUserinfo(url)}] (${sources.url}) must start with http:// or https://`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError('cluster URL must not embed credentials; use ESKEYS_USERNAME/ESKEYS_PASSWORD');
  }

  const apiKey = pick('apiKey', flags.apiKey);
  const username = pick('username', flags.username);
  const password = pick('password', flags.password);
  let auth: AdminAuth;
  if (username || password) {
    if (!username)
      throw new ConfigError(`a password is set (${sources.password}) but no username: set ESKEYS_USERNAME`);
    if (!password)
      throw new ConfigError(`no password for user [${username}]: set ESKEYS_PASSWORD or pass --password`);
    auth = { kind: 'basic', username, password: new Secret(password) };
  } else if (apiKey) {
    auth = { kind: 'api_key', apiKey: new Secret(apiKey) };
  } else {
    throw new ConfigError(
      'no admin credentials: set ESKEYS_USERNAME and ESKEYS_PASSWORD (or ESKEYS_API_KEY) in the environment or .eskeys.env',
    );
  }

  const insecureRaw = flags.insecure ? 'true' : pick('insecure', undefined);
  const insecure = insecureRaw === 'true' || insecureRaw === '1';
  if (flags.insecure) sources.insecure = 'flag';
  const caCertPath = pick('ca', flags.ca, defaults.caCertPath);
  const caFingerprint = pick('caFingerprint', flags.caFingerprint, defaults.caFingerprint);
  return { url: parsed.toString().replace(/\/$/, ''), auth, caCertPath, caFingerprint, insecure, sources };
}

/**
 * The URL as it may be shown in a message: any `user:password@` part replaced, found by text
 * because the URL may be too malformed for the URL parser (that is why it is being reported).
 */
export function withoutUserinfo(url: string): string {
  return url.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^/?#\s]*@/i,
    (_m, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}
