/**
 * The `filter_path` response parameter as Elasticsearch applies it (FilterPath and
 * FilterPathBasedFilter under Jackson's FilteringGeneratorDelegate, INCLUDE_ALL_AND_PATH):
 * dot-separated field names (`\.` escapes a dot), `*` globs within one name, `**` spans any
 * depth, a leading `-` excludes. Objects and arrays left empty by filtering are dropped.
 */
import type { Tree } from './response-tree.js';

class FilterNode {
  readonly terms = new Map<string, FilterNode>();
  /** Keyed by pattern, in insertion order (a LinkedHashMap in Elasticsearch). */
  readonly wildcards = new Map<string, { re: RegExp; node: FilterNode }>();
  constructor(
    readonly doubleWildcard: boolean,
    readonly final: boolean,
  ) {}

  insert(filter: string): void {
    let split = -1;
    let escapes = false;
    for (let i = 0; i < filter.length; i++) {
      if (filter[i] === '.') {
        split = i;
        break;
      }
      if (filter[i] === '\\' && filter[i + 1] === '.') {
        i++;
        escapes = true;
      }
    }
    if (split > 0) {
      const field = filter.slice(0, split);
      // A name already complete (a final node) covers everything below it.
      const child = this.existing(field) ?? this.put(field, false);
      if (!child.final) child.insert(filter.slice(split + 1));
      return;
    }
    this.put(escapes ? filter.replaceAll('\\.', '.') : filter, true);
  }

  private existing(field: string): FilterNode | undefined {
    return field.includes('*') ? this.wildcards.get(field)?.node : this.terms.get(field);
  }

  private put(field: string, final: boolean): FilterNode {
    if (!field.includes('*')) {
      const node = new FilterNode(false, final);
      this.terms.set(field, node);
      return node;
    }
    const node = new FilterNode(field === '**', final);
    this.wildcards.set(field, { re: globRegExp(field), node });
    return node;
  }

  /** Whether `name` reaches a final node; the nodes to apply below `name` go to `next`. */
  matches(name: string, next: FilterNode[]): boolean {
    const term = this.terms.get(name);
    if (term) {
      if (term.final) return true;
      next.push(term);
    }
    for (const { re, node } of this.wildcards.values()) {
      if (re.test(name)) {
        if (node.final) return true;
        next.push(node);
      }
    }
    if (this.doubleWildcard) next.push(this);
    return false;
  }
}

/** Elasticsearch's Glob.globMatch: `*` matches any run of characters, nothing else is special. */
function globRegExp(pattern: string): RegExp {
  const body = pattern
    .split(/\*+/)
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

/** The parsed `filter_path`: Strings.tokenizeByCommaToSet, then includes and `-` excludes. */
export interface FilterPaths {
  includes?: FilterNode;
  excludes?: FilterNode;
}

export function parseFilterPath(param: string): FilterPaths {
  const filters = param
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const compile = (list: string[]) => {
    if (list.length === 0) return undefined;
    const root = new FilterNode(false, false);
    for (const f of list) root.insert(f);
    return root;
  };
  return {
    includes: compile(filters.filter((f) => !f.startsWith('-'))),
    excludes: compile(filters.filter((f) => f.startsWith('-')).map((f) => f.slice(1).trim())),
  };
}

const isScalar = (t: Tree) => !(t instanceof Map) && !Array.isArray(t);

/**
 * One filter over a value below a partially matched path: inclusive filters keep only what a
 * filter reaches (scalars in arrays are dropped), exclusive ones drop what a filter reaches and
 * keep the rest. `undefined` means nothing of the value is written.
 */
function filterValue(t: Tree, filters: FilterNode[], inclusive: boolean): Tree | undefined {
  if (t instanceof Map) {
    const out = new Map<string, Tree>();
    for (const [k, v] of t) {
      const next: FilterNode[] = [];
      const matched = filters.some((f) => f.matches(k, next));
      if (matched) {
        if (inclusive) out.set(k, v);
        continue;
      }
      if (next.length > 0) {
        const kept = filterValue(v, next, inclusive);
        if (kept !== undefined) out.set(k, kept);
      } else if (!inclusive) out.set(k, v);
    }
    return out.size > 0 ? out : undefined;
  }
  if (Array.isArray(t)) {
    const out: Tree[] = [];
    for (const v of t) {
      if (isScalar(v)) {
        if (!inclusive) out.push(v);
        continue;
      }
      const kept = filterValue(v, filters, inclusive);
      if (kept !== undefined) out.push(kept);
    }
    return out.length > 0 ? out : undefined;
  }
  return inclusive ? undefined : t;
}

/** Applies `filter_path` to a whole answer; the root object is always written (`{}` when empty). */
export function applyFilterPath(t: Tree, paths: FilterPaths): Tree {
  let out: Tree | undefined = t;
  // Elasticsearch wraps the exclusion filter inside the inclusion filter: what passes the
  // inclusions is then subject to the exclusions.
  if (paths.includes && out !== undefined) out = filterValue(out, [paths.includes], true);
  if (paths.excludes && out !== undefined) out = filterValue(out, [paths.excludes], false);
  return out ?? new Map();
}

/** How far one filter tree reaches a field: all of it, some of what it holds, or nothing. */
type Reach = 'whole' | 'part' | 'none';

function reachOf(root: FilterNode, path: readonly string[]): Reach {
  let nodes = [root];
  for (const name of path) {
    const next: FilterNode[] = [];
    if (nodes.some((n) => n.matches(name, next))) return 'whole';
    if (next.length === 0) return 'none';
    nodes = next;
  }
  return 'part';
}

/**
 * Whether applying `paths` to an answer holding the field at `path` would write any of it, by
 * the same matching {@link applyFilterPath} does: the inclusions must reach the field (or a
 * name below it), and the exclusions must not remove it whole. Used to refuse a request whose
 * filter selects a field the sandbox does not emulate, so the check and the filtering agree.
 */
export function filterReaches(paths: FilterPaths, path: readonly string[]): boolean {
  if (paths.includes && reachOf(paths.includes, path) === 'none') return false;
  return !(paths.excludes && reachOf(paths.excludes, path) === 'whole');
}
