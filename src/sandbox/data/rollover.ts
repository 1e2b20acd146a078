/**
 * `POST /{target}/_rollover[/{new_index}]` without conditions: a data stream gains a backing index
 * of the next generation; an alias with a write index moves its writes to a new index whose name
 * ends in the next 6-digit number (MetadataRolloverService). Conditions, `dry_run` and `lazy`
 * change the outcome, so they are refused loudly rather than ignored.
 */
import { illegalArgument, resourceNotFound } from '../errors.js';
import { type Handler, jsonBody, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { IndexRecord, SandboxState } from '../state.js';
import { isObject } from '../util.js';
import { rolloverDataStream } from './data-streams.js';
import { createIndexRecord } from './indices.js';

/** The body keys Elasticsearch accepts; only the ones that do not change the outcome are emulated. */
const EMULATED_BODY_KEYS = new Set(['aliases', 'settings', 'mappings']);
const NOT_EMULATED_BODY_KEYS = new Set(['conditions']);

function rolloverBody(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx) ?? {};
  if (!isObject(body)) throw illegalArgument('request body must be an object');
  for (const k of Object.keys(body)) {
    if (NOT_EMULATED_BODY_KEYS.has(k))
      throw illegalArgument(`the eskeys sandbox does not emulate rollover [${k}]`);
    if (!EMULATED_BODY_KEYS.has(k)) throw illegalArgument(`unknown key [${k}] for rollover`);
  }
  return body;
}

/** MetadataRolloverService.generateRolloverIndexName: `…-NNNNNN` + 1, kept 6 digits wide. */
export function nextRolloverName(source: string): string {
  const m = /^(.*)-(\d+)$/.exec(source);
  if (!m) {
    throw illegalArgument(`index name [${source}] does not match pattern '^.*-\\d+$'`);
  }
  return `${m[1]}-${String(Number(m[2]) + 1).padStart(6, '0')}`;
}

/** The alias's write index: the one flagged `is_write_index`, or its only index. */
function aliasWriteIndex(state: SandboxState, alias: string): IndexRecord {
  const holders = [...state.indices.values()].filter((i) => i.aliases.has(alias));
  const flagged = holders.find((i) => i.aliases.get(alias)?.is_write_index === true);
  if (flagged) return flagged;
  if (holders.length === 1) return holders[0]!;
  // MetadataRolloverService.validate (a ResourceNotFoundException in the newest source).
  if (holders.length === 0) throw resourceNotFound(`rollover target [${alias}] does not exist`);
  throw illegalArgument(`rollover target [${alias}] does not point to a write index`);
}

function rolloverAlias(
  state: SandboxState,
  alias: string,
  newName: string | undefined,
  body: Record<string, unknown>,
): { oldIndex: string; newIndex: string } {
  if (state.indices.has(alias)) {
    throw illegalArgument(
      `rollover target is a [concrete index] but one of [alias,data_stream] was expected`,
    );
  }
  const old = aliasWriteIndex(state, alias);
  const name = newName ?? nextRolloverName(old.name);
  const def = old.aliases.get(alias)!;
  const created = createIndexRecord(state, name, {
    ...(isObject(body.settings) ? { settings: body.settings } : {}),
    ...(isObject(body.mappings) ? { mappings: body.mappings } : {}),
    ...(isObject(body.aliases) ? { aliases: body.aliases } : {}),
  });
  if (def.is_write_index === true) {
    // An explicit write alias stays on the old index, no longer the write index.
    old.aliases.set(alias, { ...def, is_write_index: false });
    created.aliases.set(alias, { ...def, is_write_index: true });
  } else {
    old.aliases.delete(alias);
    created.aliases.set(alias, { ...def });
  }
  return { oldIndex: old.name, newIndex: name };
}

const rollover: Handler = (ctx) => {
  const body = rolloverBody(ctx);
  for (const p of ['dry_run', 'lazy']) {
    const v = ctx.query.get(p);
    if (v !== null && v !== 'false')
      throw illegalArgument(`the eskeys sandbox does not emulate rollover [${p}]`);
  }
  const target = ctx.params.alias!;
  const stream = ctx.state.dataStreams.get(target);
  let names: { oldIndex: string; newIndex: string };
  if (stream) {
    if (ctx.params.new_index !== undefined) {
      throw illegalArgument('new index name may not be specified when rolling over a data stream');
    }
    if (Object.keys(body).length > 0) {
      throw illegalArgument(
        'aliases, mappings, and index settings may not be specified when rolling over a data stream',
      );
    }
    names = rolloverDataStream(ctx.state, stream);
  } else {
    names = rolloverAlias(ctx.state, target, ctx.params.new_index, body);
  }
  return ok({
    acknowledged: true,
    shards_acknowledged: true,
    old_index: names.oldIndex,
    new_index: names.newIndex,
    rolled_over: true,
    dry_run: false,
    lazy: false,
    conditions: {},
  });
};

/** Registers rollover. */
export function registerRolloverRoutes(r: Router<Handler>): void {
  const h = withParams(['dry_run', 'lazy', 'master_timeout', 'timeout', 'wait_for_active_shards'], rollover);
  r.add('POST', '/{alias}/_rollover', h).add('POST', '/{alias}/_rollover/{new_index}', h);
}
