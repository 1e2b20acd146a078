import { illegalArgument } from '../errors.js';
import { atLeast } from '../version.js';
import type { Handler, RequestContext } from './context.js';

const allowedParams = new WeakMap<Handler, ReadonlySet<string>>();
const paramSince = new WeakMap<Handler, Readonly<Record<string, readonly [number, number]>>>();

/** Parameters every REST handler accepts (BaseRestHandler / RestRequest response params). */
const ALWAYS = ['pretty', 'human', 'error_trace', 'filter_path', 'format', 'source', 'source_content_type'];

/** Declares the URL parameters a handler consumes; others are rejected as ES does. */
export function withParams(
  params: readonly string[],
  handler: Handler,
  since: Readonly<Record<string, readonly [number, number]>> = {},
): Handler {
  allowedParams.set(handler, new Set([...params, ...ALWAYS]));
  paramSince.set(handler, since);
  return handler;
}

/** Lucene's LevenshteinDistance similarity: 1 - edits / max length. */
function similarity(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return 1 - d[b.length]! / Math.max(a.length, b.length);
}

/**
 * SuggestingErrorOnUnknown.suggest: " did you mean [x]?" or " did you mean any of [x, y]?" for the
 * candidates more than 50% similar (most similar first, then by name); '' when none is.
 */
export function didYouMean(unknown: string, candidates: Iterable<string>): string {
  const close = [...candidates]
    .map((c) => ({ c, s: similarity(unknown, c) }))
    .filter((x) => x.s > 0.5)
    .sort((x, y) => y.s - x.s || (x.c < y.c ? -1 : 1))
    .map((x) => x.c);
  if (close.length === 0) return '';
  return close.length === 1 ? ` did you mean [${close[0]}]?` : ` did you mean any of [${close.join(', ')}]?`;
}

/**
 * BaseRestHandler's unconsumed-parameter check: runs after authentication, before the action,
 * with "did you mean" hints for close names.
 */
export function checkParams(ctx: RequestContext, handler: Handler): void {
  // A request without a query string has no parameter to refuse (the common case: no work).
  if (ctx.query.size === 0) return;
  let allowed = allowedParams.get(handler);
  if (!allowed) return;
  // Parameters newer than the emulated version are unknown to it.
  const since = Object.entries(paramSince.get(handler) ?? {}).filter(
    ([, [ma, mi]]) => !atLeast(ctx.state.version, ma, mi),
  );
  if (since.length > 0) {
    const newer = new Set(since.map(([p]) => p));
    allowed = new Set([...allowed].filter((p) => !newer.has(p)));
  }
  const unknown = [...new Set(ctx.query.keys())].filter((k) => !allowed.has(k)).sort();
  if (unknown.length === 0) return;
  const parts = unknown.map((u) => {
    const close = [...allowed]
      .map((a) => ({ a, s: similarity(u, a) }))
      .filter((x) => x.s > 0.5)
      .sort((x, y) => y.s - x.s || (x.a < y.a ? -1 : 1))
      .map((x) => x.a);
    if (close.length === 0) return `[${u}]`;
    return close.length === 1
      ? `[${u}] -> did you mean [${close[0]}]?`
      : `[${u}] -> did you mean any of [${close.join(', ')}]?`;
  });
  const noun = unknown.length === 1 ? 'parameter' : 'parameters';
  throw illegalArgument(`request [${ctx.path}] contains unrecognized ${noun}: ${parts.join(', ')}`);
}
