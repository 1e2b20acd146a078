/**
 * The search request body as SearchSourceBuilder.parseXContent reads it: unknown keys are a 400
 * `parsing_exception`, known features the sandbox does not emulate a 400 naming them — never a
 * 200 that silently drops part of the request.
 */
import { EsError, illegalArgument } from '../errors.js';
import { notEmulated } from '../http/not-emulated.js';
import type { IndexRecord } from '../state.js';
import { isObject, tokenOf } from '../util.js';
import { atLeast, type VersionProfile } from '../version.js';
import type { AggNode } from './aggregations/parse.js';
import { parseAggregations } from './aggregations/parse.js';
import { type PitRequest, parsePitBody } from './point-in-time.js';
import { compileQuery } from './query/compile.js';
import { type AfterValue, parseSearchAfter, parseSort, type SortKey } from './sort-parse.js';
import { type SourceFilter, sourceFilterFromBody } from './source-filter.js';

/** Body keys the sandbox honours (`timeout` and `stats` change no emulated answer). */
const EMULATED = new Set([
  'query',
  '_source',
  'from',
  'size',
  'track_total_hits',
  'aggs',
  'aggregations',
  'timeout',
  'stats',
  'track_scores',
  'pit',
  'sort',
  'search_after',
]);

/** Body keys Elasticsearch parses that the sandbox does not emulate (yet): refused by name. */
const NOT_EMULATED = new Set([
  'collapse',
  'docvalue_fields',
  'explain',
  'ext',
  'fields',
  'highlight',
  'indices_boost',
  'knn',
  'min_score',
  'post_filter',
  'profile',
  'rank',
  'rescore',
  'retriever',
  'runtime_mappings',
  'script_fields',
  'seq_no_primary_term',
  'slice',
  'stored_fields',
  'suggest',
  'terminate_after',
  'version',
]);

/** `true` (exact), `false` (not tracked) or the count up to which totals are exact. */
export type TrackTotalHits = boolean | number;

/** The validated parts of a search request the handler runs. */
export interface ParsedSearch {
  query: unknown;
  from: number;
  size: number;
  /** Unset: Elasticsearch's default, exact up to 10,000 (SearchContext.DEFAULT_TRACK_TOTAL_HITS_UP_TO). */
  trackTotalHits: TrackTotalHits | undefined;
  aggs: AggNode[] | undefined;
  /** The body's `_source` (FetchSourceContext); unset: the whole source. */
  source?: SourceFilter;
  /** The body's point in time. */
  pit?: PitRequest;
  /** The body's sort keys, then the URL's (`sort=`); unset: by score. */
  sort?: SortKey[];
  searchAfter?: AfterValue[];
  /** Score hits even when sorting by a field. */
  trackScores: boolean;
}

/** An index with no mapping: compiling against it checks a query's shape before any index is read. */
const NO_INDEX: IndexRecord = {
  name: '',
  uuid: '',
  creationDate: 0,
  settings: {},
  mappings: {},
  aliases: new Map(),
  docs: new Map(),
  searchable: new Map(),
  lastRefresh: 0,
  seqNo: 0,
};

/** Throws the 400 a malformed or unsupported query gets (parse phase, before authorization). */
export function validateQuery(q: unknown, now: number): void {
  compileQuery(q, NO_INDEX, now);
}

function intOf(name: string, v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new EsError(400, 'x_content_parse_exception', `[${name}] failed to parse field [${name}]`);
  }
  return n;
}

/** SearchContext.TRACK_TOTAL_HITS_DISABLED and TRACK_TOTAL_HITS_ACCURATE (Integer.MAX_VALUE). */
const TRACK_DISABLED = -1;
const TRACK_ACCURATE = 2_147_483_647;

/** An integer `track_total_hits`: -1 turns tracking off, Integer.MAX_VALUE makes it exact. */
function trackUpTo(n: number): TrackTotalHits {
  if (n === TRACK_DISABLED) return false;
  if (n === TRACK_ACCURATE) return true;
  if (n < 0) throw illegalArgument(`[track_total_hits] parameter must be positive or equals to -1, got ${n}`);
  return n;
}

/** Reads `track_total_hits` from the body (boolean or integer). */
function trackTotalHitsOf(v: unknown): TrackTotalHits {
  if (typeof v === 'boolean') return v;
  return trackUpTo(intOf('track_total_hits', v));
}

/** Parses the search body (SearchSourceBuilder.parseXContent): throws the 400s. */
export function parseSearchBody(body: unknown, now: number, version: VersionProfile): ParsedSearch {
  const parsed: ParsedSearch = {
    query: undefined,
    from: 0,
    size: 10,
    trackTotalHits: undefined,
    aggs: undefined,
    trackScores: false,
  };
  if (body === undefined) return parsed;
  if (!isObject(body))
    throw new EsError(400, 'parsing_exception', `Expected [START_OBJECT] but found [${tokenOf(body)}]`);
  for (const [key, value] of Object.entries(body)) {
    if (!EMULATED.has(key)) {
      if (NOT_EMULATED.has(key)) throw notEmulated(`search.${key}`);
      throw new EsError(400, 'parsing_exception', `Unknown key for a ${tokenOf(value)} in [${key}].`);
    }
  }
  if (body.query !== undefined) {
    validateQuery(body.query, now);
    parsed.query = body.query;
  }
  if (body.from !== undefined) parsed.from = intOf('from', body.from);
  if (body.size !== undefined) parsed.size = intOf('size', body.size);
  if (body.track_total_hits !== undefined) parsed.trackTotalHits = trackTotalHitsOf(body.track_total_hits);
  if (body._source !== undefined) parsed.source = sourceFilterFromBody(body._source);
  if (body.pit !== undefined) parsed.pit = parsePitBody(body.pit);
  if (body.sort !== undefined) parsed.sort = parseSort(body.sort);
  if (body.search_after !== undefined) parsed.searchAfter = parseSearchAfter(body.search_after);
  parsed.trackScores = body.track_scores === true || body.track_scores === 'true';
  const aggs = body.aggs ?? body.aggregations;
  if (aggs !== undefined)
    parsed.aggs = parseAggregations(aggs, {
      validateQuery: (q) => validateQuery(q, now),
      leafSubAggsIsBadRequest: atLeast(version, 8, 14),
    });
  return parsed;
}

/** Parses a `_count` body (RestActions.getQueryContent): only `query` is allowed. */
export function parseCountBody(body: unknown, now: number): unknown {
  if (body === undefined) return undefined;
  if (!isObject(body))
    throw new EsError(400, 'parsing_exception', `Expected [START_OBJECT] but found [${tokenOf(body)}]`);
  for (const key of Object.keys(body)) {
    if (key !== 'query') throw new EsError(400, 'parsing_exception', `request does not support [${key}]`);
  }
  if (body.query !== undefined) validateQuery(body.query, now);
  return body.query;
}

/** Reads the URL's `track_total_hits` (a boolean or an integer), which overrides the body's. */
export function trackTotalHitsParam(raw: string): TrackTotalHits {
  if (raw === 'true' || raw === '') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  if (!Number.isInteger(n))
    throw illegalArgument(`Failed to parse int parameter [track_total_hits] with value [${raw}]`);
  return trackUpTo(n);
}
