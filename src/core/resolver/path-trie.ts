/**
 * A path trie like Elasticsearch's PathTrie: literal segments win over `{param}` segments,
 * with backtracking, so `/_security/user/_has_privileges` beats `/_security/user/{name}`.
 */

interface Node<H> {
  literal: Map<string, Node<H>>;
  param?: Node<H>;
  routes: Map<string, { handler: H; endpoint: string; paramNames: string[] }>;
}

/** A successful match: the handler, decoded path params and the normalised endpoint key. */
export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
  /** e.g. `GET /{index}/_doc/{id}`: the counter key. */
  endpoint: string;
}

/** The outcome of a lookup: a match, a path known under other methods (405), or nothing (400). */
export type RouteLookup<H> =
  | { kind: 'match'; match: RouteMatch<H> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'none' };

const newNode = <H>(): Node<H> => ({ literal: new Map(), routes: new Map() });

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** The non-empty segments of a raw path, percent-decoded (throws URIError on a malformed escape). */
function decodedSegments(rawPath: string): string[] {
  const out: string[] = [];
  for (const seg of rawPath.split('/')) {
    // Every request walks this: decode only the segments that have an escape to decode.
    if (seg.length > 0) out.push(seg.includes('%') ? decodeURIComponent(seg) : seg);
  }
  return out;
}

/** Method + path-pattern trie with compiled segments (shared by the resolver and the sandbox router). */
export class PathTrie<H> {
  readonly #root: Node<H> = newNode();

  /** Registers `handler` for each method on `pattern` (e.g. `/{index}/_doc/{id}`). */
  add(methods: string | readonly string[], pattern: string, handler: H): this {
    let node = this.#root;
    const paramNames: string[] = [];
    for (const seg of splitPath(pattern)) {
      if (seg.startsWith('{') && seg.endsWith('}')) {
        paramNames.push(seg.slice(1, -1));
        node.param ??= newNode();
        node = node.param;
      } else {
        let next = node.literal.get(seg);
        if (!next) {
          next = newNode<H>();
          node.literal.set(seg, next);
        }
        node = next;
      }
    }
    for (const m of typeof methods === 'string' ? [methods] : methods) {
      node.routes.set(m, { handler, endpoint: `${m} ${pattern}`, paramNames });
    }
    return this;
  }

  /** Registers `handler` for each method on `pattern` that has no route yet (first registration wins). */
  addMissing(methods: string | readonly string[], pattern: string, handler: H): this {
    const missing = (typeof methods === 'string' ? [methods] : methods).filter(
      (m) => this.lookupPattern(m, pattern) === undefined,
    );
    return missing.length > 0 ? this.add(missing, pattern, handler) : this;
  }

  /** The handler registered for exactly this method and pattern (params compared by position). */
  lookupPattern(method: string, pattern: string): H | undefined {
    let node: Node<H> | undefined = this.#root;
    for (const seg of splitPath(pattern)) {
      node = seg.startsWith('{') && seg.endsWith('}') ? node.param : node.literal.get(seg);
      if (!node) return undefined;
    }
    return node.routes.get(method)?.handler;
  }

  /** Every registered (method, pattern, handler), for audits such as "every route has an action". */
  routes(): { method: string; pattern: string; handler: H }[] {
    const out: { method: string; pattern: string; handler: H }[] = [];
    const walk = (node: Node<H>) => {
      for (const [m, r] of node.routes)
        out.push({ method: m, pattern: r.endpoint.slice(m.length + 1), handler: r.handler });
      for (const child of node.literal.values()) walk(child);
      if (node.param) walk(node.param);
    };
    walk(this.#root);
    return out;
  }

  /** Finds the route for `method` and a raw (still percent-encoded) path. */
  lookup(method: string, rawPath: string): RouteLookup<H> {
    let segments: string[];
    try {
      segments = decodedSegments(rawPath);
    } catch {
      return { kind: 'none' };
    }
    const values: string[] = [];
    let allowed: Set<string> | undefined;
    const walk = (node: Node<H>, i: number): RouteMatch<H> | undefined => {
      if (i === segments.length) {
        const r = node.routes.get(method);
        if (r) {
          const params: Record<string, string> = {};
          r.paramNames.forEach((n, k) => {
            params[n] = values[k]!;
          });
          return { handler: r.handler, params, endpoint: r.endpoint };
        }
        if (node.routes.size > 0 && !allowed) allowed = new Set(node.routes.keys());
        return undefined;
      }
      const seg = segments[i]!;
      const lit = node.literal.get(seg);
      if (lit) {
        const hit = walk(lit, i + 1);
        if (hit) return hit;
      }
      if (node.param) {
        values.push(seg);
        const hit = walk(node.param, i + 1);
        if (hit) return hit;
        values.pop();
      }
      return undefined;
    };
    const match = walk(this.#root, 0);
    if (match) return { kind: 'match', match };
    if (allowed) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
    return { kind: 'none' };
  }
}
