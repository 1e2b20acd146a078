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

/** Jackson token name of a JSON value, as ES messages print it (`VALUE_STRING`, `START_ARRAY`, …). */
export function tokenOf(v: unknown): string {
  if (v === null) return 'VALUE_NULL';
  if (Array.isArray(v)) return 'START_ARRAY';
  if (typeof v === 'object') return 'START_OBJECT';
  if (typeof v === 'number') return 'VALUE_NUMBER';
  if (typeof v === 'boolean') return 'VALUE_BOOLEAN';
  return 'VALUE_STRING';
}
