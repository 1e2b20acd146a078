import { REDACTED, Secret } from '../secret.js';

/**
 * What looks like a secret, defined once for every guard: the audit log and the journal refuse
 * it, the hook runner scrubs it from a command's captured output. These are defences in depth
 * behind the `Secret` type, so they err on the side of catching too much.
 */

/** Field names whose string values are secrets whatever they look like (`api_key`, `password`, ...). */
const SECRET_FIELD_NAME =
  /^(secret|password|passwd|pass|api_?key|encoded(_?key)?|token|access_?token|credentials?|private_?key)$/i;

/** Forms that are already masked or redacted and so fine under a secret-ish field name. */
const MASKED = /^(\[redacted\]|\*{3,}.*|….*)$/;

/**
 * A token this long made only of base64 characters looks like an API key or an encoded key
 * (an encoded key is 60 characters, a key's secret 22). Key ids are 20 characters and paths
 * contain `/` or `.`, so neither trips it.
 */
const LONG_BASE64_TOKEN = /^[A-Za-z0-9+_-]{40,}={0,2}$/;

/**
 * Where free text is cut into tokens: whitespace, quotes, JSON/list punctuation, and an `=` that
 * is not base64 padding (`KEY=value` of an env line; padding only ever ends a token).
 */
const TOKEN_SEPARATORS = /([\s"',:;()[\]{}]+|=(?=[^=\s"',:;()[\]{}]))/;

/** True when a field of this name holds a secret whatever its value looks like. */
export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD_NAME.test(name);
}

/** True for base64(`<id>:<key>`), how Elasticsearch's `encoded` API key credential is built (either base64 alphabet). */
export function looksLikeEncodedApiKey(s: string): boolean {
  if (s.length < 24 || s.length > 512 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return false;
  const decoded = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
  return /^[A-Za-z0-9_-]{8,}:[A-Za-z0-9_-]{8,}$/.test(decoded);
}

/** True when one token (no separators inside) looks like a key: an encoded key or a long base64 run. */
export function looksLikeSecretToken(token: string): boolean {
  return LONG_BASE64_TOKEN.test(token) || looksLikeEncodedApiKey(token);
}

/** True when some token of free text (an error reason, a command's output) looks like a secret. */
export function containsSecretLike(text: string): boolean {
  return text.split(TOKEN_SEPARATORS).some((t, i) => i % 2 === 0 && looksLikeSecretToken(t));
}

/**
 * `text` with every known secret value (8 characters or more: shorter ones would blank out
 * ordinary words) and every token that looks like a secret replaced by `[redacted]`. A hook's
 * output can carry a key eskeys never handed it (an old key `cat` from a file), hence the shapes.
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const s of known) if (s.length >= 8) out = out.split(s).join(REDACTED);
  return out
    .split(TOKEN_SEPARATORS)
    .map((t, i) => (i % 2 === 0 && looksLikeSecretToken(t) ? REDACTED : t))
    .join('');
}

/** Where a structured value holds a secret, and what kind; the value itself is never included. */
export interface SecretFinding {
  /** JSON-path-like location (`$.details.api_key`). */
  readonly path: string;
  readonly what: string;
}

/**
 * The first secret in a structured value (an audit event, a journal entry): a `Secret` anywhere,
 * a non-empty unmasked string under a secret-ish field name, or any string shaped like an
 * encoded API key. Other strings are not cut into tokens: structured fields carry ids, names,
 * paths and `sha256:<hex>` template hashes, which the free-text rule would mistake for keys.
 */
export function findSecret(value: unknown): SecretFinding | undefined {
  return walk(value, '$', new Set());
}

function walk(value: unknown, path: string, seen: Set<object>): SecretFinding | undefined {
  if (value instanceof Secret) return { path, what: 'a Secret' };
  if (typeof value === 'string') {
    return looksLikeEncodedApiKey(value)
      ? { path, what: 'a string shaped like an encoded API key' }
      : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = walk(v, `${path}[${i}]`, seen);
      if (found) return found;
    }
    return undefined;
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  for (const [k, v] of entries) {
    const key = String(k);
    if (isSecretFieldName(key) && typeof v === 'string' && v !== '' && !MASKED.test(v)) {
      return { path: `${path}.${key}`, what: 'a value under a secret field name' };
    }
    const found = walk(v, `${path}.${key}`, seen);
    if (found) return found;
  }
  return undefined;
}
