/** Index-expression resolution: existing names, concrete indices, write indices. */
import { illegalArgument, indexClosed, indexNotFound } from '../errors.js';
import type { IndexRecord, SandboxState } from '../state.js';

/** Every index and alias name that exists, with whether it is hidden (`index.hidden`, alias `is_hidden`). */
export function existingNames(state: SandboxState): Map<string, boolean> {
  const names = new Map<string, boolean>();
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

/** The concrete indices behind names (aliases expand); missing names 404 unless ignored. */
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

/** Resolves a write target (index or alias with a single/write index); undefined when missing. */
export function writeIndex(state: SandboxState, name: string): IndexRecord | undefined {
  const target = writeTarget(state, name);
  if (target?.closed) throw indexClosed(target.name, target.uuid);
  return target;
}

function writeTarget(state: SandboxState, name: string): IndexRecord | undefined {
  const direct = state.indices.get(name);
  if (direct) return direct;
  const holders = [...state.indices.values()].filter((i) => i.aliases.has(name));
  if (holders.length === 0) return undefined;
  const explicit = holders.find((i) => i.aliases.get(name)?.is_write_index === true);
  if (explicit) return explicit;
  if (holders.length === 1) return holders[0];
  throw illegalArgument(
    `no write index is defined for alias [${name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`,
  );
}
