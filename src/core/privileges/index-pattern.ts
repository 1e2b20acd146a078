import { type Glob, glob, isConcrete } from './glob.js';

/**
 * Index-name patterns as role descriptors declare them (Elasticsearch's security reference; docs/es-facts.md):
 * simple wildcards (`*`, `?`, `\` escapes) or, between slashes, a Lucene regular expression.
 */
export type IndexPattern =
  | { readonly kind: 'glob'; readonly source: string; readonly glob: Glob }
  | { readonly kind: 'regex'; readonly source: string; readonly regex: RegExp };

/** Why a pattern cannot be used; the text follows Elasticsearch's where it has one. */
export class InvalidIndexPatternError extends Error {}

const patternCache = new Map<string, IndexPattern>();

/** Parses a role index-name pattern, throwing InvalidIndexPatternError with Elasticsearch's message. */
export function parseIndexPattern(source: string): IndexPattern {
  const hit = patternCache.get(source);
  if (hit) return hit;
  let parsed: IndexPattern;
  if (source.startsWith('/')) {
    if (source.length < 2 || !source.endsWith('/')) {
      throw new InvalidIndexPatternError(
        `invalid pattern [${source}]. patterns starting with '/' indicate regular expression pattern and therefore must also end with '/'. other patterns (those that do not start with '/') will be treated as simple wildcard patterns`,
      );
    }
    parsed = { kind: 'regex', source, regex: luceneRegexToJs(source.slice(1, -1)) };
  } else {
    parsed = { kind: 'glob', source, glob: glob(source) };
  }
  patternCache.set(source, parsed);
  return parsed;
}

/** True when the pattern names exactly one index (no wildcard, no regex). */
export function isConcretePattern(p: IndexPattern): boolean {
  return p.kind === 'glob' && isConcrete(p.glob);
}

/** Membership test. */
export function patternMatches(p: IndexPattern, name: string): boolean {
  return p.kind === 'glob' ? p.glob.regex.test(name) : p.regex.test(name);
}

/**
 * Translates the Lucene RegExp dialect Elasticsearch uses for index patterns into an anchored
 * JavaScript RegExp. Supported: literals, `.`, `?`, `*`, `+`, `{n,m}`, `|`, groups, classes,
 * `"quoted"` strings, `@` (any string) and `#` (empty language). Complement (`~`), intersection
 * (`&`) and numeric intervals (`<1-9>`) are rejected rather than guessed.
 */
function luceneRegexToJs(body: string): RegExp {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      out += '\\' + (body[++i] ?? '\\');
    } else if (c === '.') {
      out += '[\\s\\S]';
    } else if (c === '@') {
      out += '[\\s\\S]*';
    } else if (c === '#') {
      out += '(?!)';
    } else if (c === '"') {
      const end = body.indexOf('"', i + 1);
      if (end < 0) throw new InvalidIndexPatternError(`invalid regular expression pattern [/${body}/]`);
      out += body.slice(i + 1, end).replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
      i = end;
    } else if (c === '~' || c === '&' || c === '<') {
      throw new InvalidIndexPatternError(
        `regular expression pattern [/${body}/] uses '${c}', which eskeys cannot evaluate; use a simpler pattern`,
      );
    } else if (c === '^' || c === '$' || c === '/') {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  try {
    return new RegExp('^(?:' + out + ')$');
  } catch {
    throw new InvalidIndexPatternError(`invalid regular expression pattern [/${body}/]`);
  }
}

/**
 * Restricted (system) indices: never matched by wildcards unless the index group sets
 * `allow_restricted_indices`, and named explicitly only with that flag (§11). Elasticsearch
 * derives the set from its system-index registry; these are the security, async-search and
 * fleet-secrets system indices an API-key tool can meet. Kept as globs so that offline
 * language checks (_has_privileges, lint) and request-time checks agree.
 */
export const RESTRICTED_INDEX_PATTERNS: readonly string[] = [
  '.security',
  '.security-*',
  '.async-search*',
  '.fleet-secrets*',
];

const restrictedGlobs = RESTRICTED_INDEX_PATTERNS.map((p) => glob(p));

/** The restricted indices as a glob set. */
export const RESTRICTED_SET = { include: restrictedGlobs } as const;

/** True when `name` is a restricted index. */
export function isRestrictedIndex(name: string): boolean {
  return restrictedGlobs.some((g) => g.regex.test(name));
}
