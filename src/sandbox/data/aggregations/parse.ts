/**
 * Parses a search body's `aggs`: the aggregations the sandbox computes, a 400 naming any other
 * (`Unknown aggregation type [x]` for names Elasticsearch does not know either).
 */
import { EsError } from '../../errors.js';
import { notEmulated } from '../../http/not-emulated.js';
import { didYouMean } from '../../http/params.js';
import { isObject } from '../../util.js';

/** One parsed aggregation and its sub-aggregations. */
export interface AggNode {
  readonly name: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
  readonly subs: readonly AggNode[];
}

/** What each computed aggregation accepts in its body (others: 400 naming the option). */
const OPTIONS: Record<string, readonly string[]> = {
  terms: [
    'field',
    'size',
    'shard_size',
    'min_doc_count',
    'shard_min_doc_count',
    'order',
    'missing',
    'execution_hint',
    'collect_mode',
    'show_term_doc_count_error',
  ],
  filter: [],
  filters: ['filters'],
  value_count: ['field'],
  cardinality: ['field', 'precision_threshold'],
  min: ['field'],
  max: ['field'],
  avg: ['field'],
  sum: ['field'],
  date_histogram: ['field', 'calendar_interval', 'fixed_interval', 'min_doc_count', 'time_zone'],
  composite: ['sources', 'size', 'after'],
};

/** Options Elasticsearch's aggregation parsers know that the sandbox does not emulate. */
const OPTIONS_ELSEWHERE = new Set([
  'script',
  'format',
  'include',
  'exclude',
  'missing',
  'missing_bucket',
  'missing_order',
  'offset',
  'order',
  'keyed',
  'extended_bounds',
  'hard_bounds',
  'value_type',
  'other_bucket',
  'other_bucket_key',
]);

/** Metric aggregations: leaves, they take no sub-aggregations. */
export const METRICS = new Set(['value_count', 'cardinality', 'min', 'max', 'avg', 'sum']);

/** Aggregation types Elasticsearch registers (SearchModule and the default x-pack plugins) that the sandbox does not compute. */
const KNOWN_ELSEWHERE = new Set([
  'adjacency_matrix',
  'auto_date_histogram',
  'boxplot',
  'categorize_text',
  'children',
  'date_range',
  'diversified_sampler',
  'extended_stats',
  'frequent_item_sets',
  'geo_bounds',
  'geo_centroid',
  'geo_distance',
  'geo_line',
  'geohash_grid',
  'geohex_grid',
  'geotile_grid',
  'global',
  'histogram',
  'ip_prefix',
  'ip_range',
  'matrix_stats',
  'median_absolute_deviation',
  'missing',
  'multi_terms',
  'nested',
  'parent',
  'percentile_ranks',
  'percentiles',
  'random_sampler',
  'range',
  'rare_terms',
  'rate',
  'reverse_nested',
  'sampler',
  'scripted_metric',
  'significant_terms',
  'significant_text',
  'stats',
  'string_stats',
  't_test',
  'time_series',
  'top_hits',
  'top_metrics',
  'variable_width_histogram',
  'weighted_avg',
]);

/** Pipeline aggregations Elasticsearch registers (none computed by the sandbox). */
export const PIPELINE_AGGREGATIONS: ReadonlySet<string> = new Set([
  'avg_bucket',
  'bucket_count_ks_test',
  'bucket_correlation',
  'bucket_script',
  'bucket_selector',
  'bucket_sort',
  'change_point',
  'cumulative_cardinality',
  'cumulative_sum',
  'derivative',
  'extended_stats_bucket',
  'inference',
  'max_bucket',
  'min_bucket',
  'moving_fn',
  'moving_percentiles',
  'normalize',
  'percentiles_bucket',
  'serial_diff',
  'stats_bucket',
  'sum_bucket',
]);

const parsing = (reason: string) => new EsError(400, 'parsing_exception', reason);

/** Whether Elasticsearch registers an aggregation type of this name. */
export function isAggregationType(type: string): boolean {
  return type in OPTIONS || KNOWN_ELSEWHERE.has(type) || PIPELINE_AGGREGATIONS.has(type);
}

/** The parse error of an aggregation type Elasticsearch does not register. */
export function unknownAggregationType(type: string): EsError {
  const known = [...Object.keys(OPTIONS), ...KNOWN_ELSEWHERE, ...PIPELINE_AGGREGATIONS];
  return parsing(`Unknown aggregation type [${type}]${didYouMean(type, known)}`);
}

/** Parses `aggs`/`aggregations` (AggregatorFactories.parseAggregators); `validateQuery` checks filter queries. */
export interface AggParseContext {
  /** Throws the 400 a malformed filter query gets. */
  validateQuery(q: unknown): void;
  /**
   * Whether a metric with sub-aggregations is a 400 illegal_argument_exception (8.14+, elastic/elasticsearch#106074)
   * rather than the 500 aggregation_initialization_exception of earlier versions.
   */
  leafSubAggsIsBadRequest: boolean;
}

export function parseAggregations(aggs: unknown, ctx: AggParseContext): AggNode[] {
  if (!isObject(aggs))
    throw parsing('Expected [START_OBJECT] under [aggregations], but got a different token');
  const out: AggNode[] = [];
  for (const [name, spec] of Object.entries(aggs)) {
    if (!isObject(spec)) throw parsing(`Expected [START_OBJECT] under [${name}], but got a different token`);
    let type: string | undefined;
    let subs: AggNode[] = [];
    for (const [key, value] of Object.entries(spec)) {
      if (key === 'meta') throw notEmulated('aggregations.meta');
      if (key === 'aggs' || key === 'aggregations') {
        subs = parseAggregations(value, ctx);
        continue;
      }
      if (type !== undefined) {
        throw parsing(`Found two aggregation type definitions in [${name}]: [${type}] and [${key}]`);
      }
      type = key;
    }
    if (type === undefined) throw parsing(`Missing definition for aggregation [${name}]`);
    const body = spec[type];
    const options = OPTIONS[type];
    if (!options) {
      if (KNOWN_ELSEWHERE.has(type) || PIPELINE_AGGREGATIONS.has(type)) {
        throw notEmulated(`aggregations.${type}`);
      }
      throw unknownAggregationType(type);
    }
    if (!isObject(body))
      throw parsing(`Expected [START_OBJECT] under [${type}], but got a different token in [${name}]`);
    if (type === 'filter') ctx.validateQuery(body);
    else {
      for (const k of Object.keys(body)) {
        if (!options.includes(k)) {
          if (OPTIONS_ELSEWHERE.has(k)) throw notEmulated(`aggregations.${type}.${k}`);
          throw new EsError(400, 'x_content_parse_exception', `[${type}] unknown field [${k}]`);
        }
      }
      if (type !== 'filters' && type !== 'composite' && typeof body.field !== 'string') {
        throw new EsError(
          400,
          'illegal_argument_exception',
          `the eskeys sandbox needs a [field] for aggregation [${name}] (scripts are not emulated)`,
        );
      }
    }
    if (METRICS.has(type) && subs.length > 0) {
      const reason = `Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`;
      throw ctx.leafSubAggsIsBadRequest
        ? new EsError(400, 'illegal_argument_exception', reason)
        : new EsError(500, 'aggregation_initialization_exception', reason);
    }
    if (type === 'filters') {
      const filters = body.filters;
      const queries = Array.isArray(filters)
        ? filters
        : isObject(filters)
          ? Object.values(filters)
          : undefined;
      if (!queries) throw parsing('[filters] cannot be empty.');
      for (const q of queries) ctx.validateQuery(q);
    }
    out.push({ name, type, body, subs });
  }
  return out;
}
