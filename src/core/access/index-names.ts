import { parseIndexPattern } from '../privileges/index.js';
import { isRestrictedIndex } from '../privileges/index-pattern.js';

/**
 * Concrete index names for probes: checked against Elasticsearch's index-name rules and
 * derived from a template's wildcard patterns (`gmail_emails-*` → `gmail_emails-eskeys-probe`),
 * so a probe hits a name the template's privileges are about (docs/TEMPLATES.md, probes).
 */

const ILLEGAL = /[\\/*?"<>| ,#:]/;

/** Why `name` is not a valid concrete index name, or undefined when it is. */
export function indexNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'an index name must not be empty';
  if (name !== name.toLowerCase()) return `index name "${name}" must be lowercase`;
  const bad = ILLEGAL.exec(name);
  if (bad) return `index name "${name}" must not contain "${bad[0]}"`;
  if (/^[-_+]/.test(name)) return `index name "${name}" must not start with "-", "_" or "+"`;
  if (name === '.' || name === '..') return `index name "${name}" is not allowed`;
  if (new TextEncoder().encode(name).length > 255)
    return `index name "${name.slice(0, 20)}…" is longer than 255 bytes`;
  return undefined;
}

/** The default token substituted for wildcards when deriving a probe index name. */
export const PROBE_NAME_TOKEN = 'eskeys-probe';

/**
 * A concrete, valid, non-restricted index name matched by the wildcard `pattern`
 * (`*` runs → `token`, `?` → `x`), or undefined for regex patterns and names that cannot
 * be made valid.
 */
export function exampleIndexName(pattern: string, token = PROBE_NAME_TOKEN): string | undefined {
  let parsed: ReturnType<typeof parseIndexPattern>;
  try {
    parsed = parseIndexPattern(pattern);
  } catch {
    return undefined;
  }
  if (parsed.kind !== 'glob') return undefined;
  let out = '';
  let lastWasStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (!lastWasStar) out += token;
      lastWasStar = true;
      continue;
    }
    lastWasStar = false;
    if (c === '?') out += 'x';
    else if (c === '\\' && i + 1 < pattern.length) out += pattern[++i];
    else out += c;
  }
  if (indexNameProblem(out) !== undefined || isRestrictedIndex(out)) return undefined;
  return parsed.glob.regex.test(out) ? out : undefined;
}
