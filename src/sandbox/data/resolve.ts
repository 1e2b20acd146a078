/** Index-expression resolution: existing names, concrete indices, write indices. */
import { DateMathNameError, isDateMathName, resolveDateMathName } from '../../core/resolver/index.js';
import { EsError, illegalArgument, indexClosed, indexNotFound } from '../errors.js';
import type { DataStreamRecord, IndexRecord, SandboxState } from '../state.js';

/** The data stream a concrete index backs, if any (backing index names start with `.ds-`). */
export function parentDataStream(state: SandboxState, index: string): DataStreamRecord | undefined {
  if (!index.startsWith('.ds-') || state.dataStreams.size === 0) return undefined;
  for (const ds of state.dataStreams.values()) if (ds.indices.includes(index)) return ds;
  return undefined;
}

/**
 * Every index, alias and data stream name that exists, with whether it is hidden (`index.hidden`,
 * alias `is_hidden`; backing indices are hidden, their streams are not).
 */
export function existingNames(state: SandboxState): Map<string, boolean> {
  const names = new Map<string, boolean>();
  for (const ds of state.dataStreams.keys()) names.set(ds, false);
  for (const idx of state.indices.values()) {
    names.set(idx.name, String(idx.settings['index.hidden']) === 'true');
    for (const [a, def] of idx.aliases) names.set(a, def.is_hidden === true);
  }
  return names;
}

/** The names of closed indices (wildcards skip them unless `expand_wildcards` includes `closed`). */
export function closedIndexNames(state: SandboxState): Set<string> {
  const out = new Set<string>();
  for (const idx of state.indices.values()) if (idx.closed) out.add(idx.name);
  return out;
}

/** Refuses document reads and writes on a closed index, as Elasticsearch does (400 index_closed_exception). */
export function refuseClosed(indices: readonly IndexRecord[]): void {
  const closed = indices.find((i) => i.closed);
  if (closed) throw indexClosed(closed.name, closed.uuid);
}

/** The concrete indices behind names (aliases and data streams expand); missing names 404 unless ignored. */
export function concreteIndices(
  state: SandboxState,
  names: readonly string[],
  ignoreUnavailable = false,
): IndexRecord[] {
  const out = new Map<string, IndexRecord>();
  for (const n of names) {
    const idx = state.indices.get(n);
    if (idx) {
      out.set(idx.name, idx);
      continue;
    }
    const stream = state.dataStreams.get(n);
    if (stream) {
      for (const b of stream.indices) {
        const backing = state.indices.get(b);
        if (backing) out.set(b, backing);
      }
      continue;
    }
    let found = false;
    for (const i of state.indices.values()) {
      if (i.aliases.has(n)) {
        out.set(i.name, i);
        found = true;
      }
    }
    if (!found && !ignoreUnavailable) throw indexNotFound(n);
  }
  return [...out.values()];
}

/**
 * Aliases of data streams point at streams, not at backing indices [mem]; the
 * sandbox does not emulate them, so an alias change through a stream name is refused loudly
 * instead of being applied to the backing indices.
 */
export function refuseDataStreamAliases(state: SandboxState, names: readonly string[]): void {
  const stream = names.find((n) => state.dataStreams.has(n));
  if (stream !== undefined)
    throw illegalArgument(`the eskeys sandbox does not emulate data stream aliases [${stream}]`);
}

/** A data stream's write index (its newest backing index); undefined for other names. */
export function streamWriteIndex(state: SandboxState, name: string): IndexRecord | undefined {
  const stream = state.dataStreams.get(name);
  return stream ? state.indices.get(stream.indices.at(-1)!) : undefined;
}

/**
 * Resolves a single-index target (index, or alias with a single/write index); undefined when
 * missing. A data stream is no single index: writes resolve it with {@link streamWriteIndex}
 * first, and a read by id through a stream is refused here rather than answered from the
 * write index alone (older backing indices would be missed).
 */
export function writeIndex(state: SandboxState, name: string): IndexRecord | undefined {
  const target = writeTarget(state, name);
  if (target?.closed) throw indexClosed(target.name, target.uuid);
  return target;
}

function writeTarget(state: SandboxState, name: string): IndexRecord | undefined {
  const direct = state.indices.get(name);
  if (direct) return direct;
  if (state.dataStreams.has(name)) {
    throw illegalArgument(
      `the eskeys sandbox does not emulate reading a document by id through data stream [${name}]; address its backing index`,
    );
  }
  const holders = [...state.indices.values()].filter((i) => i.aliases.has(name));
  if (holders.length === 0) return undefined;
  const explicit = holders.find((i) => i.aliases.get(name)?.is_write_index === true);
  if (explicit) return explicit;
  if (holders.length === 1) return holders[0];
  throw illegalArgument(
    `no write index is defined for alias [${name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`,
  );
}

/**
 * A name as Elasticsearch reads it before authorizing and running a request: date math
 * (`<logs-{now/d}>`) evaluated at `now`; a bad expression is the request's 400 parse_exception,
 * as the authorization step answers it for path names.
 */
export function resolvedName(name: string, now: number): string {
  if (!isDateMathName(name)) return name;
  try {
    return resolveDateMathName(name, now);
  } catch (e) {
    if (e instanceof DateMathNameError) throw new EsError(400, 'parse_exception', e.message);
    throw e;
  }
}
