import type { PlannedProbe, ProbePlan } from './plan.js';

/**
 * Probes whose stable probe target turned out to be a data stream (docs/es-facts.md "Probes
 * against data streams"). A name matching an index template with `data_stream` cannot be
 * created as an index, so setup creates the stream instead and learns its write (backing)
 * index; the plan is then adjusted here, purely, to what Elasticsearch accepts on a stream:
 * - documents must carry `@timestamp` (the probe document gets it); an allow write adds a field
 *   the fresh stream has not mapped (proving the mapping update), a deny write does not (so a
 *   key that may write mapped fields cannot pass it on the mapping update's 403);
 * - a stream is append-only: an index or update by id through its name is refused with 400 for
 *   every key before any privilege check, so those probes answer through `_has_privileges`;
 * - a document is read or deleted through the backing index that holds it, never the stream
 *   name (delete by id on the stream name is the same 400 for everyone), so those probes aim at
 *   the write index, which the key may address when its pattern covers the stream.
 */

/** A stable probe target that is a data stream, and the backing index that takes its writes. */
export interface ProbeStream {
  readonly name: string;
  readonly writeIndex: string;
}

/** Operations a stream refuses through its name for every key (append-only). */
const APPEND_ONLY_REFUSED = new Set(['doc.index', 'doc.update']);

/** Operations that address one document, which on a stream lives in a backing index. */
const BY_BACKING_INDEX = new Set(['doc.get', 'doc.delete', 'bulk.delete']);

/** Aliases of data streams point at the stream, not at a hidden index: not probed live. */
const NOT_LIVE_ON_STREAMS = new Set(['aliases.update']);

/** The plan with every probe on a stable target that is a data stream adjusted (see above). */
export function retargetForStreams(plan: ProbePlan, streams: ReadonlyMap<string, ProbeStream>): ProbePlan {
  if (streams.size === 0) return plan;
  return { ...plan, probes: plan.probes.map((p) => retarget(p, streams)) };
}

function retarget(p: PlannedProbe, streams: ReadonlyMap<string, ProbeStream>): PlannedProbe {
  if (p.needs?.kind !== 'stable' || p.staticReason) return p;
  const stream = streams.get(p.needs.index);
  if (!stream) return p;
  const id = p.op.id;
  if (APPEND_ONLY_REFUSED.has(id)) {
    return asStatic(
      p,
      stream.name,
      `${stream.name} is a data stream, which refuses ${id === 'doc.index' ? 'an index' : 'an update'} by id with 400 for every key (append-only)`,
    );
  }
  if (NOT_LIVE_ON_STREAMS.has(id))
    return asStatic(
      p,
      stream.name,
      `${stream.name} is a data stream; aliases of data streams are not probed live`,
    );
  if (BY_BACKING_INDEX.has(id)) {
    const { after: _after, ...rest } = p;
    return { ...rest, target: { ...p.target, index: stream.writeIndex }, index: stream.writeIndex };
  }
  // A deny write must not pass on the mapping update's 403 when the key may write mapped fields.
  const mappedFieldsOnly = p.expected === 'deny' ? { mappedFieldsOnly: true } : {};
  return { ...p, target: { ...p.target, dataStream: true, ...mappedFieldsOnly } };
}

function asStatic(p: PlannedProbe, name: string, reason: string): PlannedProbe {
  const { needs: _needs, after: _after, ...rest } = p;
  return { ...rest, target: { index: name }, index: name, staticReason: reason, staticNames: [name] };
}

/**
 * The write index of a stream from `GET /_data_stream/{name}`: the last of its `indices`
 * (Elasticsearch lists backing indices oldest first; the newest takes the writes). Undefined when
 * the answer does not name one.
 */
export function writeIndexOf(body: unknown, name: string): string | undefined {
  const streams = (body as { data_streams?: { name?: string; indices?: { index_name?: string }[] }[] })
    ?.data_streams;
  const stream = Array.isArray(streams) ? streams.find((s) => s?.name === name) : undefined;
  const last = Array.isArray(stream?.indices) ? stream.indices.at(-1)?.index_name : undefined;
  return typeof last === 'string' && last.length > 0 ? last : undefined;
}
