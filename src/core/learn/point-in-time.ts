/**
 * Points in time as `eskeys learn` sees them. A search with a point in time names no index: its
 * body carries `pit.id`, and Elasticsearch authorizes it on the indices the point in time was
 * opened on (RestSearchAction.preparePointInTime sets the request's indices from the id before
 * the security filter runs; docs/es-facts.md, "Search with a point in time"). Recorded as a
 * search of every index (`_all`), it would teach a template to read `*`.
 *
 * The id's binary layout is Elasticsearch's internal wire format and changes between versions, so
 * it is not decoded. The proxy sees the open request instead (`POST /{index}/_pit`, whose names
 * it resolves) and its answer (`{"id":"…"}`), and remembers which names each id stands for; a
 * search answer that hands back a different `pit_id` (Elasticsearch may) maps to the same names.
 */

/** Ids remembered at most; the oldest is forgotten first, so memory stays bounded. */
const MAX_KNOWN_IDS = 10_000;

/** Longest part of an answer read for an id: ids grow with the shard count, not with the hits. */
export const MAX_ID_ANSWER_BYTES = 64 * 1024;

/** The names behind the point-in-time ids this proxy saw opened. */
export class PointInTimeNames {
  private readonly byId = new Map<string, readonly string[]>();

  remember(id: string, names: readonly string[]): void {
    if (this.byId.has(id)) this.byId.delete(id);
    else if (this.byId.size >= MAX_KNOWN_IDS) {
      const oldest = this.byId.keys().next();
      if (!oldest.done) this.byId.delete(oldest.value);
    }
    this.byId.set(id, names);
  }

  namesOf(id: string): readonly string[] | undefined {
    return this.byId.get(id);
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The `id` of an open-point-in-time answer (`{"id":"…","_shards":{…}}`). */
export function idOfOpenAnswer(answer: string | undefined): string | undefined {
  const id = answer === undefined ? undefined : parseObject(answer)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * The `pit.id` of a search body, or undefined when the search uses no point in time (or the body
 * is not a JSON object: the cluster refuses it, and it is recorded as sent).
 */
export function pointInTimeOfSearchBody(body: string | undefined): string | undefined {
  if (body === undefined || !body.includes('"pit"')) return undefined;
  const pit = parseObject(body)?.pit;
  const id = typeof pit === 'object' && pit !== null ? (pit as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * The `pit_id` a search answer hands back. Elasticsearch writes it at the top of the answer,
 * after `_scroll_id` when there is one and before `took` and the hits (SearchResponse
 * innerToXContent), so only the answer's head is read and a document's text cannot pose as it.
 */
const ANSWER_PIT_ID = /^\s*\{\s*(?:"_scroll_id"\s*:\s*"[^"\\]*"\s*,\s*)?"pit_id"\s*:\s*"([^"\\]+)"/;

export function pointInTimeOfSearchAnswer(head: string | undefined): string | undefined {
  return head === undefined ? undefined : ANSWER_PIT_ID.exec(head)?.[1];
}
