/** Dynamic and explicit mapping merges. */
import { illegalArgument } from '../errors.js';

type Props = Record<string, Record<string, unknown>>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The mapping dynamic mapping would create for a JSON value (defaults of ES 8/9). */
function inferMapping(v: unknown): Record<string, unknown> | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return inferMapping(v.find((x) => x !== null));
  switch (typeof v) {
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: Number.isInteger(v) ? 'long' : 'float' };
    case 'string':
      if (ISO_DATE.test(v)) return { type: 'date' };
      return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
    case 'object': {
      const properties: Props = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const m = inferMapping(x);
        if (m) properties[k] = m;
      }
      return { properties };
    }
  }
  return undefined;
}

/**
 * Merges the fields of `source` into `mappings`; returns true when new fields were added (a
 * dynamic mapping update, which needs `indices:admin/mapping/auto_put`).
 */
export function dynamicUpdate(
  mappings: Record<string, unknown>,
  source: Record<string, unknown>,
  apply: boolean,
): boolean {
  if (mappings.dynamic === false || mappings.dynamic === 'false') return false;
  mappings.properties ??= {};
  const props = mappings.properties as Props;
  let changed = false;
  for (const [k, v] of Object.entries(source)) {
    const existing = props[k];
    if (!existing) {
      const m = inferMapping(v);
      if (m) {
        changed = true;
        if (apply) props[k] = m;
      }
    } else if (existing.properties && v && typeof v === 'object' && !Array.isArray(v)) {
      if (dynamicUpdate(existing as Record<string, unknown>, v as Record<string, unknown>, apply))
        changed = true;
    }
  }
  return changed;
}

/** Merges an explicit mapping (PUT _mapping / create index), rejecting type changes as ES does. */
export function mergeMappings(target: Record<string, unknown>, update: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(update)) {
    if (k !== 'properties') {
      target[k] = v;
      continue;
    }
    target.properties ??= {};
    const tp = target.properties as Props;
    for (const [field, def] of Object.entries((v ?? {}) as Props)) {
      const cur = tp[field];
      if (cur && def.type !== undefined && cur.type !== undefined && cur.type !== def.type) {
        throw illegalArgument(
          `mapper [${field}] cannot be changed from type [${String(cur.type)}] to [${String(def.type)}]`,
        );
      }
      if (cur?.properties && def.properties) mergeMappings(cur, def);
      else tp[field] = { ...(cur ?? {}), ...def };
    }
  }
}
