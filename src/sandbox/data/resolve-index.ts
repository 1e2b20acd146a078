/**
 * `GET /_resolve/index/{name}`: the indices, aliases and data streams a name expression reaches,
 * among those the caller is authorized for (the server's step expanded the wildcards, with the
 * hidden-index rules that keep `.ds-` backing indices out of a plain wildcard).
 */
import { authorizedIndices, type Handler, ok } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import type { DataStreamRecord, IndexRecord, SandboxState } from '../state.js';
import { existingNames, parentDataStream } from './resolve.js';

/** ResolveIndexAction: open/closed, then hidden, sorted by name. */
function attributes(idx: IndexRecord): string[] {
  const out = [idx.closed ? 'closed' : 'open'];
  if (String(idx.settings['index.hidden']) === 'true') out.push('hidden');
  return out.sort();
}

const resolveIndex: Handler = (ctx) => {
  const existing = existingNames(ctx.state);
  const indices: IndexRecord[] = [];
  const aliases = new Set<string>();
  const streams: DataStreamRecord[] = [];
  for (const n of new Set(authorizedIndices(ctx))) {
    // A concrete name that does not exist is left out, as ResolveIndexAction does.
    if (!existing.has(n)) continue;
    const idx = ctx.state.indices.get(n);
    const stream = ctx.state.dataStreams.get(n);
    if (idx) indices.push(idx);
    else if (stream) streams.push(stream);
    else aliases.add(n);
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
  return ok({
    indices: indices.sort(byName).map((idx) => ({
      name: idx.name,
      ...(idx.aliases.size > 0 ? { aliases: [...idx.aliases.keys()].sort() } : {}),
      attributes: attributes(idx),
      ...dataStreamOf(ctx.state, idx.name),
    })),
    aliases: [...aliases].sort().map((name) => ({
      name,
      indices: [...ctx.state.indices.values()]
        .filter((i) => i.aliases.has(name))
        .map((i) => i.name)
        .sort(),
    })),
    // ResolvedDataStream: backing indices in the stream's (generation) order; the sandbox's
    // streams all use Elasticsearch's default timestamp field.
    data_streams: streams.sort(byName).map((ds) => ({
      name: ds.name,
      backing_indices: [...ds.indices],
      timestamp_field: '@timestamp',
    })),
  });
};

/** ResolvedIndex names the data stream a backing index belongs to. */
function dataStreamOf(state: SandboxState, index: string) {
  const stream = parentDataStream(state, index);
  return stream ? { data_stream: stream.name } : {};
}

/** Registers the resolve-index route. */
export function registerResolveIndexRoutes(r: Router<Handler>): void {
  r.add(
    'GET',
    '/_resolve/index/{name}',
    withParams(['expand_wildcards', 'ignore_unavailable', 'allow_no_indices'], resolveIndex),
  );
}
