import type { Secret } from '../secret.js';

/**
 * The id inside an encoded API key (`base64(id:api_key)`, docs/es-facts.md), or
 * undefined when the value is not one: Elasticsearch decodes with the standard base64 alphabet
 * and splits at the first `:`, which must not be the first character. Only the id leaves.
 */
export function encodedKeyId(encoded: Secret): string | undefined {
  const value = encoded.reveal().trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 === 1) return undefined;
  let decoded: string;
  try {
    decoded = atob(value);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return undefined;
  const id = decoded.slice(0, colon);
  return /^[\x21-\x7e]+$/.test(id) ? id : undefined;
}
