/** Dynamic and explicit mapping merges. */
import { illegalArgument } from '../errors.js';

type Props = Record<string, Record<string, unknown>>;

/**
 * The first default dynamic date format: Elasticsearch's default date format
 * (`strict_date_optional_time||epoch_millis`), so a field it detects shows no `format`. Strict:
 * four-digit year, optional two-digit month and day, then optionally `T`, hour, minutes,
 * seconds, a 1-9 digit fraction and a zone (`Z`, `+HH`, `+HHmm`, `+HH:mm`).
 */
const STRICT_DATE_OPTIONAL_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** The second default: `yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis`, shown as the field's format. */
const SLASH_DATE = /^(\d{4})\/(\d{2})\/(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;
const SLASH_DATE_FORMAT = 'yyyy/MM/dd HH:mm:ss||yyyy/MM/dd||epoch_millis';

/** Whether the captured year, month, day, hour, minute, second name a real calendar instant. */
function validParts(m: RegExpExecArray): boolean {
  const [year, month = 1, day = 1, hour = 0, minute = 0, second = 0] = m
    .slice(1)
    .map((p) => (p === undefined ? undefined : Number(p))) as (number | undefined)[];
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 59) return false;
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return day! >= 1 && day! <= daysInMonth;
}

/**
 * Date detection of a string over the default `dynamic_date_formats`, in order. Strings that
 * parse as a number are never dates (Elasticsearch refuses pure numbers, too likely to be false
 * positives with formats such as epoch_millis).
 */
function detectDate(v: string): Record<string, unknown> | undefined {
  if (v.trim() !== '' && !Number.isNaN(Number(v))) return undefined;
  const iso = STRICT_DATE_OPTIONAL_TIME.exec(v);
  if (iso && validParts(iso)) return { type: 'date' };
  const slash = SLASH_DATE.exec(v);
  if (slash && validParts(slash)) return { type: 'date', format: SLASH_DATE_FORMAT };
  return undefined;
}

/** The mapping dynamic mapping would create for a JSON value (defaults of ES 8/9). */
function inferMapping(v: unknown, dateDetection: boolean): Record<string, unknown> | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v))
    return inferMapping(
      v.find((x) => x !== null),
      dateDetection,
    );
  switch (typeof v) {
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: Number.isInteger(v) ? 'long' : 'float' };
    case 'string':
      return (
        (dateDetection ? detectDate(v) : undefined) ?? {
          type: 'text',
          fields: { keyword: { type: 'keyword', ignore_above: 256 } },
        }
      );
    case 'object': {
      const properties: Props = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const m = inferMapping(x, dateDetection);
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
  dateDetection = mappings.date_detection !== false && mappings.date_detection !== 'false',
): boolean {
  if (mappings.dynamic === false || mappings.dynamic === 'false') return false;
  mappings.properties ??= {};
  const props = mappings.properties as Props;
  let changed = false;
  for (const [k, v] of Object.entries(source)) {
    const existing = props[k];
    if (!existing) {
      const m = inferMapping(v, dateDetection);
      if (m) {
        changed = true;
        if (apply) props[k] = m;
      }
    } else if (existing.properties && v && typeof v === 'object' && !Array.isArray(v)) {
      if (
        dynamicUpdate(existing as Record<string, unknown>, v as Record<string, unknown>, apply, dateDetection)
      )
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
