/**
 * Failures that happen on a shard (building a sort, reading a search_after), answered as
 * Elasticsearch answers them: each failing shard is reported once (ExceptionsHelper.groupBy, by
 * index and cause); when every shard failed the search is a 400 `search_phase_execution_exception`
 * "all shards failed", otherwise the other shards' hits come back with the failures in `_shards`.
 * The sandbox holds every index in one shard (number 0).
 */
import { causeToJson, type ErrorCause, EsError } from '../errors.js';

/** The cause a shard failed with, thrown by the code that runs on one index. */
export class ShardFailure extends Error {
  constructor(readonly failure: ErrorCause) {
    super(failure.reason);
  }
}

/**
 * TextFieldMapper's fielddataBuilder refusal, which sorting and aggregating on a text field meet
 * on each shard (an IllegalArgumentException naming the field and the index).
 */
export function fielddataDisabled(field: string, index: string): ErrorCause {
  return {
    type: 'illegal_argument_exception',
    reason: `Fielddata is disabled on [${field}] in [${index}]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
  };
}

/** One entry of `failed_shards` / `_shards.failures` (ShardSearchFailure.toXContent). */
export interface FailedShard {
  index: string;
  cause: ErrorCause;
}

/** Java exceptions that are not ElasticsearchExceptions: REST rendering wraps them once more. */
const PLAIN_JAVA = new Set(['illegal_argument_exception', 'illegal_state_exception']);

function shardEntry(f: FailedShard, node: string): Record<string, unknown> {
  return { shard: 0, index: f.index, node, reason: causeToJson(f.cause) };
}

/** `_shards` of an answer some shards of which failed. */
export function shardsHeader(total: number, failures: readonly FailedShard[], node: string) {
  return {
    total,
    successful: total - failures.length,
    skipped: 0,
    failed: failures.length,
    ...(failures.length > 0 ? { failures: failures.map((f) => shardEntry(f, node)) } : {}),
  };
}

/**
 * The 400 of a search every shard of which failed. Its `caused_by` is the first guessed root
 * cause: an ElasticsearchException (query_shard_exception) as it is, a plain Java exception
 * (illegal_argument_exception) inside the generic wrapper ElasticsearchException.guessRootCauses
 * builds for it, which renders with the same type and reason and the exception as its cause.
 */
export function allShardsFailed(failures: readonly FailedShard[], node: string): EsError {
  const first = failures[0]!.cause;
  const causedBy: ErrorCause = PLAIN_JAVA.has(first.type) ? { ...first, causedBy: first } : first;
  return new EsError(400, 'search_phase_execution_exception', 'all shards failed', {
    metadata: { phase: 'query', grouped: true, failed_shards: failures.map((f) => shardEntry(f, node)) },
    causedBy,
    rootCauses: failures.map((f) => ({
      type: f.cause.type,
      reason: f.cause.reason,
      metadata: f.cause.metadata,
    })),
  });
}
