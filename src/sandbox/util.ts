/** The value under `key`, inserting `make()` first when absent. */
export function getOrInsert<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** True for plain JSON objects. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const wildcardCache = new Map<string, RegExp>();

/** An anchored RegExp for a simple `*` wildcard (as ES matches index, template and setting names). */
export function wildcardRegex(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('*')
        .map((s) => s.replace(/[\\^$.+?()[\]{}|/-]/g, '\\$&'))
        .join('.*')}$`,
    );
    if (wildcardCache.size > 10_000) wildcardCache.clear();
    wildcardCache.set(pattern, re);
  }
  return re;
}

/** True when `name` matches any of the comma-separated wildcard expressions (all names when absent). */
export function matchesAnyWildcard(expressions: string | undefined, name: string): boolean {
  if (!expressions) return true;
  return expressions.split(',').some((p) => wildcardRegex(p).test(name));
}
