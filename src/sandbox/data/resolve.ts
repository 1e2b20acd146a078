/** Index-expression authorization and resolution in the order of §3a. */
import { illegalArgument, indexNotFound } from '../errors.js';
import type { RequestContext } from '../http/context.js';
import { requireIndexActionOnAny, requireIndices } from '../security/authorize.js';
import type { IndexRecord, SandboxState } from '../state.js';
import { wildcardRegex } from '../util.js';

/** How an index expression is resolved (IndicesOptions subset). */
export interface ResolveOptions {
  /** Honour `ignore_unavailable`: drop missing (and unauthorized concrete) names instead of failing. */
  ignoreUnavailable?: boolean;
  /** Whether wildcards are expanded at all (false for APIs that take concrete names only). */
  expandWildcards?: boolean;
  /** The `expand_wildcards` parameter (default `open`). */
  expandWildcardsParam?: string;
}

const isWildcard = (p: string) => p.includes('*') || p === '_all';

function expressionRegex(p: string): RegExp {
  return wildcardRegex(p === '_all' ? '*' : p);
}

/** Every index and alias name that exists, with whether it is hidden (`index.hidden`, alias `is_hidden`). */
export function existingNames(state: SandboxState): Map<string, boolean> {
  const names = new Map<string, boolean>();
  for (const idx of state.indices.values()) {
    names.set(idx.name, String(idx.settings['index.hidden']) === 'true');
    for (const [a, def] of idx.aliases) names.set(a, def.is_hidden === true);
  }
  return names;
}

/**
 * Authorizes and resolves an index expression the way §3a orders it: (1) the action must be
 * granted on some index, else 403 naming the expression as sent; (2) wildcards expand only to
 * existing names the caller may use; (3) concrete names must each be granted, else 403 listing
 * the denied ones. Existence is not consulted for concrete names (404 comes later, at execution).
 */
export function authorizeIndexExpression(
  ctx: RequestContext,
  action: string,
  expression: string,
  opts: ResolveOptions = {},
): string[] {
  const parts = expression === '' ? ['_all'] : expression.split(',');
  // A request without index names (`GET /_search`) has no indices clause in its denial.
  requireIndexActionOnAny(ctx.auth, action, expression === '' ? undefined : parts);
  const perm = ctx.auth.permission;
  const out = new Set<string>();
  const concrete: string[] = [];
  let existing: Map<string, boolean> | undefined;
  const expand = (opts.expandWildcardsParam ?? 'open').split(',');
  const includeHidden = expand.includes('hidden') || expand.includes('all');
  for (const part of parts) {
    if (part.startsWith('-') && out.size > 0) {
      const re = expressionRegex(part.slice(1));
      for (const n of [...out]) if (re.test(n)) out.delete(n);
      continue;
    }
    if (isWildcard(part) && opts.expandWildcards !== false) {
      existing ??= existingNames(ctx.state);
      const re = expressionRegex(part);
      for (const [n, hidden] of existing) {
        // Hidden names match only with expand_wildcards=hidden|all, or a dot pattern for dot names.
        if (hidden && !includeHidden && !(part.startsWith('.') && n.startsWith('.'))) continue;
        if (re.test(n) && perm.checkIndex(action, n)) out.add(n);
      }
      continue;
    }
    concrete.push(part);
    out.add(part);
  }
  if (opts.ignoreUnavailable) {
    for (const n of concrete) if (!perm.checkIndex(action, n)) out.delete(n);
  } else {
    requireIndices(ctx.auth, action, concrete);
  }
  return [...out];
}

/** The concrete indices behind names (aliases expand); missing names 404 unless ignored. */
export function concreteIndices(
  state: SandboxState,
  names: readonly string[],
  ignoreUnavailable = false,
): IndexRecord[] {
  const out = new Map<string, IndexRecord>();
  for (const n of names) {
    const idx = state.indices.get(n);
    if (idx) {
      out.set(idx.name, idx);
      continue;
    }
    let found = false;
    for (const i of state.indices.values()) {
      if (i.aliases.has(n)) {
        out.set(i.name, i);
        found = true;
      }
    }
    if (!found && !ignoreUnavailable) throw indexNotFound(n);
  }
  return [...out.values()];
}

/** Resolves a write target (index or alias with a single/write index); undefined when missing. */
export function writeIndex(state: SandboxState, name: string): IndexRecord | undefined {
  const direct = state.indices.get(name);
  if (direct) return direct;
  const holders = [...state.indices.values()].filter((i) => i.aliases.has(name));
  if (holders.length === 0) return undefined;
  const explicit = holders.find((i) => i.aliases.get(name)?.is_write_index === true);
  if (explicit) return explicit;
  if (holders.length === 1) return holders[0];
  throw illegalArgument(
    `no write index is defined for alias [${name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`,
  );
}
