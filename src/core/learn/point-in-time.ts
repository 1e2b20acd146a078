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

import { parseObject } from './json-object.js';

/** Ids remembered at most; the oldest is forgotten first, so memory stays bounded. */
const MAX_KNOWN_IDS = 10_000;

/**
 * Characters of ids remembered at most, all ids together (an id grows with the shard count: a
 * few dozen bytes per shard); past it the oldest are forgotten first.
 */
const MAX_KNOWN_ID_CHARS = 8 * 1024 * 1024;

/** Longest open-point-in-time answer read for its id. */
export const MAX_OPEN_ANSWER_BYTES = 1024 * 1024;

/**
 * How much of a search answer's head is read for the `pit_id` it hands back: the id comes first
 * and is as long as the one sent (the same shards), so twice that and some room is enough.
 */
export function answerHeadBytes(sentId: string | undefined): number {
  return Math.min(MAX_OPEN_ANSWER_BYTES, 2 * (sentId?.length ?? 0) + 4096);
}

/**
 * A copy of `s` that does not share storage with the text it was cut from: V8 may keep a
 * substring as a view of its parent, which would keep a whole answer head alive per id.
 */
function detached(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/** The names behind the point-in-time ids this proxy saw opened. */
export class PointInTimeNames {
  private readonly byId = new Map<string, readonly string[]>();
  private chars = 0;

  remember(id: string, names: readonly string[]): void {
    if (id.length > MAX_KNOWN_ID_CHARS) return;
    const known = this.byId.get(id);
    if (known !== undefined) {
      this.byId.delete(id);
      this.chars -= id.length;
    }
    while (
      this.byId.size > 0 &&
      (this.byId.size >= MAX_KNOWN_IDS || this.chars + id.length > MAX_KNOWN_ID_CHARS)
    ) {
      const oldest = this.byId.keys().next().value as string;
      this.byId.delete(oldest);
      this.chars -= oldest.length;
    }
    this.byId.set(detached(id), names);
    this.chars += id.length;
  }

  namesOf(id: string): readonly string[] | undefined {
    return this.byId.get(id);
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
