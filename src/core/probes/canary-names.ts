import { isRestrictedIndex, parseIndexPattern, patternMatches } from '../privileges/index-pattern.js';
import type { RoleTemplate } from '../templates/schema.js';

/** The marker every name eskeys creates for probing carries (`gmail_emails-eskeys-probe-7f3a`). */
export const PROBE_MARKER = 'eskeys-probe';

/** Characters Elasticsearch refuses in index names (MetadataCreateIndexService.validateIndexOrAliasName). */
const INVALID_INDEX_CHARS = /[\\/*?"<>| ,#:]/;

/** True when Elasticsearch would accept `name` as a new index or alias name. */
export function isValidIndexName(name: string): boolean {
  if (name.length === 0 || new TextEncoder().encode(name).length > 255) return false;
  if (name === '.' || name === '..') return false;
  if (/^[-_+]/.test(name)) return false;
  if (name !== name.toLowerCase()) return false;
  return !INVALID_INDEX_CHARS.test(name);
}

/**
 * A concrete index name that matches a role's index pattern and carries `core`
 * (`gmail_emails-*` + `eskeys-probe-7f3a` → `gmail_emails-eskeys-probe-7f3a`), or undefined
 * when no such name exists or cannot be derived safely: a concrete pattern (no fresh name can
 * match it), a regular expression, date math, a remote-cluster or exclusion pattern, or a
 * pattern that only matches restricted (system) indices.
 */
export function nameFromPattern(pattern: string, core: string): string | undefined {
  if (pattern.startsWith('/') || pattern.startsWith('<') || pattern.startsWith('-')) return undefined;
  if (pattern.includes(':') || pattern.includes(',')) return undefined;
  let out = '';
  let filled = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out += pattern[++i]!;
    } else if (c === '*') {
      if (!filled) {
        // Keep the marker a separate word so humans (and cleanup checks) can spot it.
        if (/[a-z0-9]$/.test(out)) out += '-';
        out += core;
        const next = pattern[i + 1];
        if (next !== undefined && /[a-z0-9]/.test(next)) out += '-';
        filled = true;
      }
    } else if (c === '?') {
      out += 'x';
    } else {
      out += c;
    }
  }
  if (!filled) return undefined;
  if (!isValidIndexName(out) || isRestrictedIndex(out)) return undefined;
  try {
    return patternMatches(parseIndexPattern(pattern), out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** The template's index patterns, in declaration order (role descriptors, then their `indices` entries). */
export function templateIndexPatterns(template: RoleTemplate): string[] {
  const out: string[] = [];
  for (const descriptor of Object.values(template.role_descriptors)) {
    for (const entry of descriptor.indices ?? []) for (const n of entry.names) out.push(n);
  }
  return out;
}

/** The first pattern of the template a fresh probe name can be derived from, if any. */
export function primaryCanaryPattern(template: RoleTemplate): string | undefined {
  return templateIndexPatterns(template).find((p) => nameFromPattern(p, PROBE_MARKER) !== undefined);
}

/**
 * The stable probe index of a template: `probes.index` when declared, else derived from the
 * first usable pattern without a random part (`gmail_emails-eskeys-probe`), so repeated runs
 * reuse one index with fixed document ids instead of accumulating.
 */
export function stableProbeIndex(template: RoleTemplate): string | undefined {
  if (template.probes.index) return template.probes.index;
  const pattern = primaryCanaryPattern(template);
  return pattern ? nameFromPattern(pattern, PROBE_MARKER) : undefined;
}

/** True when `name` was made by eskeys for probing (contains the probe marker). */
export function isProbeName(name: string): boolean {
  return name.includes(PROBE_MARKER);
}
