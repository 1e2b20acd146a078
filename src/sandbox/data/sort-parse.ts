/**
 * `sort` and `search_after` as a search request carries them, read as SortBuilder.fromXContent,
 * FieldSortBuilder's object parser, RestSearchAction (`?sort=`) and SearchAfterBuilder.fromXContent
 * read them: their 400s come from the REST layer, before any shard runs.
 */
import { type ErrorCause, EsError, illegalArgument } from '../errors.js';
import { at, parseJsonWithPositions } from '../http/json.js';
import { notEmulated } from '../http/not-emulated.js';
import { isObject, tokenOf } from '../util.js';

/** Where in the body an object parser failed: the object's path and the key it was reading. */
interface Where {
  path: readonly (string | number)[];
  key: string;
  /** Jackson's token: the field name (unknown field) or its value (failed to parse field). */
  token: 'key' | 'value';
}

/**
 * An ObjectParser failure (400 x_content_parse_exception), whose reason Elasticsearch prefixes
 * with the token's `[line:col]`; {@link locateParseError} adds it from the request's text.
 */
export class SortParseError extends EsError {
  constructor(
    reason: string,
    readonly where: Where,
    causedBy?: ErrorCause,
  ) {
    super(400, 'x_content_parse_exception', reason, causedBy ? { causedBy } : {});
  }
}

/** The error with its `[line:col]` prefix, found by re-reading `text` with token positions. */
export function locateParseError(e: SortParseError, text: string): EsError {
  const doc = parseJsonWithPositions(text);
  let node: unknown = doc.value;
  for (const step of e.where.path)
    node = isObject(node) || Array.isArray(node) ? (node as never)[step] : undefined;
  const pos = isObject(node)
    ? e.where.token === 'key'
      ? doc.keyPosition(node, e.where.key)
      : doc.valuePosition(node, e.where.key)
    : { line: 1, col: 1 };
  return new EsError(400, e.type, `${at(pos)} ${e.reason}`, e.causedBy ? { causedBy: e.causedBy } : {});
}

/** How a document that has no value for the sort field sorts. */
export type Missing = '_last' | '_first' | { value: string | number };

/** MultiValueMode: which of a field's values a document sorts by. */
export type SortMode = 'min' | 'max' | 'sum' | 'avg' | 'median';

/** One sort key of a request. */
export type SortKey =
  | { kind: 'score'; desc: boolean }
  | { kind: 'doc'; desc: boolean }
  | { kind: 'shard_doc'; desc: boolean }
  | {
      kind: 'field';
      field: string;
      desc: boolean;
      missing: Missing;
      unmappedType?: string;
      mode?: SortMode;
    };

/** A `search_after` value as SearchAfterBuilder keeps it (numbers, strings, booleans, null). */
export type AfterValue = string | number | boolean | null;

/** SortOrder.fromString: `valueOf(op.toUpperCase())`, so a bad order is Java's enum error. */
function orderOf(op: string): boolean {
  const upper = op.toUpperCase();
  if (upper === 'ASC') return false;
  if (upper === 'DESC') return true;
  throw illegalArgument(`No enum constant org.elasticsearch.search.sort.SortOrder.${upper}`);
}

/** `"field"`, `"_score"`, `"_doc"` or `"_shard_doc"` with an explicit or default order. */
function keyOf(name: string, desc?: boolean): SortKey {
  switch (name) {
    case '_score':
      return { kind: 'score', desc: desc ?? true };
    case '_doc':
      return { kind: 'doc', desc: desc ?? false };
    case '_shard_doc':
      return { kind: 'shard_doc', desc: desc ?? false };
    default:
      return { kind: 'field', field: name, desc: desc ?? false, missing: '_last' };
  }
}

const SORT_MODES = new Set(['min', 'max', 'sum', 'avg', 'median']);
/** FieldSortBuilder options that change the answer in ways the sandbox does not emulate. */
const FIELD_SORT_NOT_EMULATED = new Set(['nested', 'numeric_type', 'format']);
/** Sort builders other than field and score sorts (SortBuilder's PARSERS). */
const OTHER_SORTS = new Set(['_script', '_geo_distance', '_geoDistance']);

function stringOption(parser: string, name: string, v: unknown, path: readonly (string | number)[]): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new SortParseError(`[${parser}] ${name} doesn't support values of type: ${tokenOf(v)}`, {
    path,
    key: name,
    token: 'value',
  });
}

/** `{"order": …}` of `_score` (ScoreSortBuilder's parser, named `_score`). */
function scoreSortOf(spec: Record<string, unknown>, path: readonly (string | number)[]): SortKey {
  let desc = true;
  for (const [k, v] of Object.entries(spec)) {
    if (k !== 'order')
      throw new SortParseError(`[_score] unknown field [${k}]`, { path, key: k, token: 'key' });
    desc = withParseCause('_score', 'order', path, () => orderOf(stringOption('_score', 'order', v, path)));
  }
  return { kind: 'score', desc };
}

/** Runs a value parser of ObjectParser, whose failures are wrapped "failed to parse field". */
function withParseCause<T>(
  parser: string,
  field: string,
  path: readonly (string | number)[],
  read: () => T,
): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof EsError && e.type === 'illegal_argument_exception')
      throw new SortParseError(
        `[${parser}] failed to parse field [${field}]`,
        { path, key: field, token: 'value' },
        { type: e.type, reason: e.reason },
      );
    throw e;
  }
}

/** `{"field": {order, missing, unmapped_type, mode}}` (FieldSortBuilder's parser, `field_sort`). */
function fieldSortOf(
  name: string,
  spec: Record<string, unknown>,
  path: readonly (string | number)[],
): SortKey {
  const base = keyOf(name);
  let desc = base.desc;
  let missing: Missing = '_last';
  let unmappedType: string | undefined;
  let mode: SortMode | undefined;
  for (const [k, v] of Object.entries(spec)) {
    const failed = (reason: string, causedBy?: ErrorCause) =>
      new SortParseError(reason, { path, key: k, token: 'value' }, causedBy);
    if (k === 'order')
      desc = withParseCause('field_sort', k, path, () => orderOf(stringOption('field_sort', k, v, path)));
    else if (k === 'missing') {
      // ValueType.VALUE also takes booleans (and null), whose meaning here is not emulated.
      if (typeof v === 'boolean' || v === null) throw notEmulated(`search.sort.missing=${String(v)}`);
      if (typeof v !== 'string' && typeof v !== 'number')
        throw failed(`[field_sort] missing doesn't support values of type: ${tokenOf(v)}`);
      missing = v === '_last' || v === '_first' ? v : { value: v };
    } else if (k === 'unmapped_type') unmappedType = stringOption('field_sort', k, v, path);
    else if (k === 'mode') {
      const m = stringOption('field_sort', k, v, path).toLowerCase();
      if (m === 'first') throw notEmulated('search.sort.mode=first');
      if (!SORT_MODES.has(m))
        throw failed('[field_sort] failed to parse field [mode]', {
          type: 'illegal_argument_exception',
          reason: `Unknown SortMode [${String(v)}]`,
        });
      mode = m as SortMode;
    } else if (FIELD_SORT_NOT_EMULATED.has(k)) throw notEmulated(`search.sort.${k}`);
    else throw new SortParseError(`[field_sort] unknown field [${k}]`, { path, key: k, token: 'key' });
  }
  if (base.kind !== 'field') return { kind: base.kind, desc };
  return {
    kind: 'field',
    field: name,
    desc,
    missing,
    ...(unmappedType === undefined ? {} : { unmappedType }),
    ...(mode === undefined ? {} : { mode }),
  };
}

/** One `{name: order | options}` object of the sort (parseCompoundSortField): one key per field. */
function compoundOf(obj: Record<string, unknown>, out: SortKey[], path: readonly (string | number)[]): void {
  for (const [name, spec] of Object.entries(obj)) {
    const inner = [...path, name];
    if (typeof spec === 'string') out.push(keyOf(name, orderOf(spec)));
    else if (OTHER_SORTS.has(name)) throw notEmulated(`search.sort.${name}`);
    else if (isObject(spec))
      out.push(name === '_score' ? scoreSortOf(spec, inner) : fieldSortOf(name, spec, inner));
    else throw notEmulated(`search.sort with a ${tokenOf(spec)} for [${name}]`);
  }
}

/**
 * Parses the body's `sort`: an object or an array go to SortBuilder.fromXContent; any scalar is
 * SearchSourceBuilder.sort(parser.text()), a field named by the value's text (`5` sorts on a
 * field named "5").
 */
export function parseSort(raw: unknown): SortKey[] {
  const out: SortKey[] = [];
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean')
    out.push(keyOf(String(raw)));
  else if (isObject(raw)) compoundOf(raw, out, ['sort']);
  else if (Array.isArray(raw)) {
    for (const [i, item] of raw.entries()) {
      if (typeof item === 'string') out.push(keyOf(item));
      else if (isObject(item)) compoundOf(item, out, ['sort', i]);
      else
        throw illegalArgument(
          'malformed sort format, within the sort array, an object, or an actual string are allowed',
        );
    }
  } else throw unknownKey('sort', raw);
  return out;
}

/**
 * The URL's `sort=f1,f2:desc` (RestSearchAction.parseSearchRequest), added after the body's sorts.
 * Split at the last `:`; a suffix other than `asc` or `desc` drops that entry, as Elasticsearch's
 * loop does (it only adds a sort for those two).
 */
export function parseSortParam(param: string): SortKey[] {
  const out: SortKey[] = [];
  for (const entry of param.split(',').filter((s) => s !== '')) {
    const at = entry.lastIndexOf(':');
    if (at === -1) {
      out.push(keyOf(entry));
      continue;
    }
    const order = entry.slice(at + 1);
    if (order === 'asc' || order === 'desc') out.push(keyOf(entry.slice(0, at), order === 'desc'));
  }
  return out;
}

/** SearchSourceBuilder.parseXContent's answer to a known key in a token it does not read it from. */
function unknownKey(key: string, v: unknown): EsError {
  return new EsError(400, 'parsing_exception', `Unknown key for a ${tokenOf(v)} in [${key}].`);
}

/**
 * Parses the body's `search_after` (SearchAfterBuilder.fromXContent and setSortValues).
 * SearchSourceBuilder.parseXContent reads the key only from an array: anything else is its
 * "Unknown key" error.
 */
export function parseSearchAfter(raw: unknown): AfterValue[] {
  if (!Array.isArray(raw)) throw unknownKey('search_after', raw);
  for (const v of raw) {
    if (isObject(v) || Array.isArray(v))
      throw new EsError(
        400,
        'parsing_exception',
        `Expected [VALUE_STRING] or [VALUE_NUMBER] or [VALUE_BOOLEAN] or [VALUE_NULL] but found [${tokenOf(v)}] inside search_after.`,
      );
  }
  if (raw.length === 0) throw illegalArgument('Values must contains at least one value.');
  return raw as AfterValue[];
}

/**
 * SearchSourceBuilder.validate's rules on sort and search_after, in its order, as the numbered
 * messages of one action_request_validation_exception (empty when valid).
 */
export function sortValidationErrors(
  sort: readonly SortKey[] | undefined,
  after: readonly AfterValue[] | undefined,
  from: number,
  hasPit: boolean,
): string[] {
  const errors: string[] = [];
  if (from > 0 && after !== undefined && after.length > 0)
    errors.push('[from] parameter must be set to 0 when [search_after] is used');
  if (!hasPit && sort?.some((k) => k.kind === 'shard_doc'))
    errors.push('[_shard_doc] sort field cannot be used without [point in time]');
  return errors;
}
