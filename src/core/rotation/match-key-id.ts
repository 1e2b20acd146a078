import type { ManagedKey } from './key-metadata.js';

/**
 * The fewest characters a partial id may have. Tables show ids masked to their last four
 * characters (`…XWxG`); fewer would match keys by accident.
 */
export const MIN_PARTIAL_ID = 4;

/** Which key(s) an id typed by a person names, among the keys a command would act on. */
export type KeyIdMatch =
  | { readonly kind: 'exact'; readonly key: ManagedKey }
  /** The only key whose id starts or ends with what was typed. */
  | { readonly kind: 'partial'; readonly key: ManagedKey }
  /** Several keys start or end with it: the person must say which (oldest first). */
  | { readonly kind: 'ambiguous'; readonly candidates: readonly ManagedKey[] }
  | { readonly kind: 'none' }
  /** No key has this exact id, and it is too short to stand for part of one. */
  | { readonly kind: 'too_short' };

/**
 * Resolves an id typed by a person (pure): the exact id always wins; otherwise a prefix or a
 * suffix of at least {@link MIN_PARTIAL_ID} characters that exactly one key's id starts or ends
 * with. Ids are case-sensitive (Elasticsearch's are URL-safe base64), so no case folding.
 * `keys` are the keys the command would act on (e.g. the valid managed keys for `revoke`).
 */
export function matchKeyId(typed: string, keys: readonly ManagedKey[]): KeyIdMatch {
  const exact = keys.find((k) => k.info.id === typed);
  if (exact) return { kind: 'exact', key: exact };
  if (typed.length < MIN_PARTIAL_ID) return { kind: 'too_short' };
  const candidates = keys
    .filter((k) => k.info.id.startsWith(typed) || k.info.id.endsWith(typed))
    .sort((a, b) => a.info.creation.getTime() - b.info.creation.getTime());
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1) return { kind: 'partial', key: candidates[0]! };
  return { kind: 'ambiguous', candidates };
}
