/**
 * The recorder behind `eskeys learn`: turns each proxied exchange into counted evidence. The
 * proxy adapter hands it the request line, the body chunks as they stream past (only for the
 * APIs whose names live in the body) and the answer's status; the recorder resolves the action
 * and names with the request resolver and keeps counts only.
 */
import { parseEsVersion } from '../es-version.js';
import {
  DateMathNameError,
  NEWEST_MAJOR,
  QUERY_INDEX_APIS,
  type Resolution,
  resolveDateMathName,
  resolveRequest,
  resolverReadsBody,
  UNPRIVILEGED_INDEX_ACTIONS,
} from '../resolver/index.js';
import { BoundedText } from './bounded-text.js';
import { BulkResponseScanner, type LandedIndexSink } from './bulk-response-scanner.js';
import { parseObject } from './json-object.js';
import { NdjsonMetaScanner } from './ndjson-scanner.js';
import {
  type Observations,
  type ObservedOperation,
  type Outcome,
  outcomeOf,
  type UnmappedRequest,
} from './observations.js';
import {
  answerHeadBytes,
  idOfOpenAnswer,
  MAX_OPEN_ANSWER_BYTES,
  PointInTimeNames,
  pointInTimeOfSearchAnswer,
  pointInTimeOfSearchBody,
} from './point-in-time.js';

/** Largest JSON body (mget, aliases, create index) read for names; larger ones resolve from the path. */
export const MAX_NAMED_BODY_BYTES = 1024 * 1024;

/** Longest path kept for a request no API serves (the report shows it). */
const MAX_UNROUTED_PATH = 200;

/**
 * Request lines whose routing is kept for reuse: an application repeats a few paths many times,
 * and looking the path up in the route trie again is most of what the recorder spends on a
 * request. Cleared when full, so memory stays bounded whatever the paths.
 */
const MAX_REUSED_ROUTES = 4096;

/** Why a search with a point in time the proxy never saw opened is not mapped. */
const UNKNOWN_POINT_IN_TIME =
  'point in time not opened through this proxy: the indices it is authorized on are unknown';

/** Why a search that names no index, whose body could not be read, is not mapped. */
const UNREAD_SEARCH_BODY =
  'search body over the size cap or not readable: whether it used a point in time, and so its indices, is unknown';

/** Largest root (`GET /`) answer read for the upstream's version. */
const MAX_ROOT_ANSWER_BYTES = 64 * 1024;

/** How the recorder starts. */
export interface LearnRecorderOptions {
  /**
   * The Elasticsearch major of the upstream, whose action names the recorder uses (some differ
   * per major: connectors). Replaced by the major a root answer (`GET /`) shows.
   * @defaultValue NEWEST_MAJOR (9)
   */
  readonly major?: number;
}

/**
 * The major of `version.number` in a root (`GET /`) answer body, or undefined when the body is not
 * such an answer.
 */
export function majorOfRootAnswer(body: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const version =
    typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  const number =
    typeof version === 'object' && version !== null ? (version as { number?: unknown }).number : undefined;
  return parseEsVersion(number)?.major;
}

/** The request line of one exchange. */
export interface ExchangeRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
}

/** One exchange in flight: feed body chunks, then finish with the answer's status. */
export interface PendingExchange {
  /** Whether the recorder wants the request body's chunks (bulk, mget, msearch, aliases, create index). */
  readonly wantsBody: boolean;
  bodyChunk(chunk: Uint8Array): void;
  bodyEnd(): void;
  /** The body cannot be read (an unknown or corrupt content encoding): its item names are unknown. */
  bodyUnreadable(): void;
  /** Whether the recorder reads the answer's body (bulk: per-item statuses); finish after it ended. */
  readonly wantsResponse: boolean;
  responseChunk(chunk: Uint8Array): void;
  /** The answer's status (502 when the upstream could not be reached); `now` resolves date math. */
  finish(status: number, now: number): void;
}

/** Per-item operations of a bulk body: `op` and the item's `_index` (undefined: the path's index). */
interface BulkItemTally {
  /** Distinct (op, `_index`) pairs; `index` undefined: the path's index. */
  readonly kinds: { op: string; index: string | undefined }[];
  /** Items per kind. */
  readonly counts: number[];
  readonly byKey: Map<string, number>;
  /** Kind id of each item, in request order. */
  readonly order: number[];
  /** More items than MAX_ATTRIBUTED_ITEMS: per-item statuses cannot be matched. */
  orderLost: boolean;
}

/** Items of one bulk whose order is kept to match the answer's per-item statuses. */
const MAX_ATTRIBUTED_ITEMS = 1_000_000;

const BULK_ITEM_ACTIONS: Readonly<Record<string, string>> = {
  // The action each bulk item is authorized with (AuthorizationService.authorizeBulkItems).
  index: 'indices:data/write/index:op_type/index',
  create: 'indices:data/write/index:op_type/create',
  update: 'indices:data/write/update',
  delete: 'indices:data/write/delete',
};

function firstEntry(obj: Record<string, unknown> | undefined): [string, unknown] | undefined {
  if (!obj) return undefined;
  for (const k in obj) return [k, obj[k]];
  return undefined;
}

/** Counts observations; memory grows with distinct (action, names, outcome), never with requests. */
export class LearnRecorder {
  private requests = 0;
  private incompleteBodies = 0;
  private readonly operations = new Map<
    string,
    {
      action: string;
      scope: 'cluster' | 'index';
      names: string[];
      outcome: Outcome;
      apis: Set<string>;
      count: number;
      backingIndex: string | undefined;
    }
  >();
  private readonly unmapped = new Map<string, { entry: Omit<UnmappedRequest, 'count'>; count: number }>();
  /** The upstream's major: the action names recorded are that major's. */
  private major: number;
  /** resolveRequest({ method, path, major }) by `major method path`; null: no API serves it. */
  private readonly routes = new Map<string, Resolution | null>();
  /** The names behind each point-in-time id opened through the proxy. */
  private readonly pointsInTime = new PointInTimeNames();

  constructor(options: LearnRecorderOptions = {}) {
    this.major = options.major ?? NEWEST_MAJOR;
  }

  /** The Elasticsearch major whose action names are recorded now. */
  upstreamMajor(): number {
    return this.major;
  }

  /** Starts recording one exchange. */
  begin(request: ExchangeRequest): PendingExchange {
    const route = this.route(request.method, request.path);
    const api = route?.api;
    const readsBody = api !== undefined && resolverReadsBody(api);
    if (api === 'info') return this.rootInfo(request, route);
    if (api === 'index' || api === 'create') return this.documentWrite(request, route);
    if (api === 'open_point_in_time') return this.openPointInTime(request, route);
    if (
      route !== undefined &&
      (api === 'search' || api === 'async_search.submit') &&
      route.indices === undefined
    )
      return this.searchWithoutIndex(request, route);
    if (!readsBody) return this.pathOnly(request, route);
    if (api === 'bulk') return this.bulk(request);
    if (api === 'msearch' || api === 'msearch_template') return this.msearch(request, api);
    return this.jsonBody(request);
  }

  /** The counts so far (a snapshot). */
  snapshot(): Observations {
    const operations: ObservedOperation[] = [...this.operations.values()]
      .map((o) => ({
        action: o.action,
        scope: o.scope,
        names: o.names,
        outcome: o.outcome,
        apis: [...o.apis].sort(),
        count: o.count,
        ...(o.backingIndex !== undefined ? { backingIndex: o.backingIndex } : {}),
      }))
      .sort(
        (a, b) =>
          cmp(a.scope, b.scope) ||
          cmp(a.action, b.action) ||
          cmp(a.names.join(','), b.names.join(',')) ||
          cmp(a.outcome, b.outcome),
      );
    const unmapped = [...this.unmapped.values()]
      .map((u) => ({ ...u.entry, count: u.count }))
      .sort((a, b) => cmp(a.api ?? a.path ?? '', b.api ?? b.path ?? '') || cmp(a.method, b.method));
    return { requests: this.requests, operations, unmapped, incompleteBodies: this.incompleteBodies };
  }

  /**
   * The routing of a request line without its query, body or clock: a pure function of
   * (major, method, path), so an earlier answer for the same three is the same answer.
   */
  private route(method: string, path: string): Resolution | undefined {
    const key = `${this.major} ${method} ${path}`;
    const known = this.routes.get(key);
    if (known !== undefined) return known ?? undefined;
    const route = resolveRequest({ method, path, major: this.major });
    if (this.routes.size >= MAX_REUSED_ROUTES) this.routes.clear();
    this.routes.set(key, route ?? null);
    return route;
  }

  private pathOnly(request: ExchangeRequest, route: Resolution | undefined): PendingExchange {
    return new PathOnlyExchange(this, request, reusableRoute(request, route));
  }

  /**
   * A single-document write (`PUT /{index}/_create/{id}`, `POST /{index}/_doc`): resolved from the
   * request line like any path-only request, and its answer read for the concrete index it
   * landed in (`"_index":".ds-…"` when the target is a data stream).
   */
  private documentWrite(request: ExchangeRequest, route: Resolution | undefined): PendingExchange {
    return new DocumentWriteExchange(this, request, reusableRoute(request, route));
  }

  /** For DocumentWriteExchange: records the write once its answer ended. */
  recordDocumentWrite(
    request: ExchangeRequest,
    status: number,
    now: number,
    route: Resolution | undefined,
    backingIndex: string | undefined,
  ): void {
    this.recordResolved(request, undefined, status, now, route, backingIndex);
  }

  /** For PathOnlyExchange: records the exchange once its status is known (`route`: its resolution, when reusable). */
  recordPathOnly(request: ExchangeRequest, status: number, now: number, route: Resolution | undefined): void {
    this.recordResolved(request, undefined, status, now, route);
  }

  /**
   * `GET /`: recorded like any path-only request, and its answer read for the upstream's version,
   * so later exchanges are resolved with that major's action names (the proxy relays bytes and
   * sees the version nowhere else).
   */
  private rootInfo(request: ExchangeRequest, route: Resolution | undefined): PendingExchange {
    const recorded = this.pathOnly(request, route);
    return readingAnswer(MAX_ROOT_ANSWER_BYTES, (status, now, answer) => {
      recorded.finish(status, now);
      const major =
        outcomeOf(status) === 'allowed' && answer !== undefined ? majorOfRootAnswer(answer) : undefined;
      if (major !== undefined) this.major = major;
    });
  }

  /**
   * `POST /{index}/_pit`: recorded like any path-only request, and its answer read for the id,
   * so later searches with that id are recorded on the names it was opened on.
   */
  private openPointInTime(request: ExchangeRequest, route: Resolution | undefined): PendingExchange {
    return readingAnswer(MAX_OPEN_ANSWER_BYTES, (status, now, answer) => {
      const resolved = reusableRoute(request, route) ?? this.resolve(request, undefined, now);
      this.recordResolved(request, undefined, status, now, resolved);
      const id = outcomeOf(status) === 'allowed' ? idOfOpenAnswer(answer) : undefined;
      if (id !== undefined && resolved?.indices !== undefined)
        this.pointsInTime.remember(id, resolved.indices);
    });
  }

  /**
   * A search that names no index (`POST /_search`, `POST /_async_search`): a search of every index,
   * unless its body uses a point in time, whose indices are the ones it is authorized on. The
   * body is read for `pit.id`; the answer is read (its head, for the `pit_id` it hands back) only
   * when that id is known, or when the answer starts before the body was read whole.
   */
  private searchWithoutIndex(request: ExchangeRequest, route: Resolution): PendingExchange {
    const body = new BoundedText(MAX_NAMED_BODY_BYTES);
    let bodyRead = false;
    let id: string | undefined;
    let names: readonly string[] | undefined;
    let answer: BoundedText | undefined;
    const readBody = () => {
      if (bodyRead) return;
      bodyRead = true;
      id = pointInTimeOfSearchBody(body.take());
      names = id === undefined ? undefined : this.pointsInTime.namesOf(id);
    };
    return {
      wantsBody: true,
      bodyChunk: (chunk) => body.push(chunk),
      bodyEnd: readBody,
      bodyUnreadable: () => body.drop(),
      get wantsResponse() {
        return !bodyRead || names !== undefined;
      },
      responseChunk: (chunk) => {
        answer ??= new BoundedText(answerHeadBytes(id), 'head');
        answer.push(chunk);
      },
      finish: (status, now) => {
        readBody();
        if (body.overflowed) {
          // Whether it used a point in time is unknown: never recorded as a search of every index.
          this.incompleteBodies++;
          this.requests++;
          this.addUnmapped({ method: request.method, api: route.api, reason: UNREAD_SEARCH_BODY }, 1);
          return;
        }
        if (id === undefined) {
          this.recordResolved(request, undefined, status, now, route);
          return;
        }
        if (names === undefined) {
          this.requests++;
          this.addUnmapped({ method: request.method, api: route.api, reason: UNKNOWN_POINT_IN_TIME }, 1);
          return;
        }
        this.recordResolved(request, undefined, status, now, { ...route, indices: names });
        const next = pointInTimeOfSearchAnswer(answer?.take());
        if (next !== undefined && next !== id) this.pointsInTime.remember(next, names);
      },
    };
  }

  private jsonBody(request: ExchangeRequest): PendingExchange {
    const body = new BoundedText(MAX_NAMED_BODY_BYTES);
    return {
      wantsBody: true,
      wantsResponse: false,
      responseChunk: () => {},
      bodyChunk: (chunk) => body.push(chunk),
      bodyEnd: () => {},
      bodyUnreadable: () => body.drop(),
      finish: (status, now) => {
        if (body.overflowed) this.incompleteBodies++;
        this.recordResolved(request, body.take(), status, now);
      },
    };
  }

  private msearch(request: ExchangeRequest, api: string): PendingExchange {
    // Each header line is followed by a search body line; the resolver only needs the headers,
    // so a stand-in `{}` replaces each search body. A header that names no index may introduce a
    // search with a point in time, authorized on the names it was opened on: that body is read
    // for `pit.id`, and the header handed to the resolver names them.
    let headers = '';
    let withoutIndex: { line: string; header: Record<string, unknown> } | undefined;
    let unknownPointsInTime = 0;
    let unreadSearches = 0;
    const add = (header: string) => {
      if (headers.length < MAX_NAMED_BODY_BYTES) headers += `${header}\n{}\n`;
    };
    const scanner = new NdjsonMetaScanner(
      (line) => {
        const header = parseObject(line);
        if (header !== undefined && header.index === undefined) withoutIndex = { line, header };
        else add(line);
      },
      (line) => (withoutIndex?.line === line ? 'read' : true),
      undefined,
      (body) => {
        const item = withoutIndex;
        withoutIndex = undefined;
        if (item === undefined) return;
        if (body === undefined) {
          // A search line over the cap: whether it used a point in time is unknown.
          unreadSearches++;
          return;
        }
        const id = pointInTimeOfSearchBody(body);
        const names = id === undefined ? undefined : this.pointsInTime.namesOf(id);
        if (id === undefined) add(item.line);
        else if (names === undefined) unknownPointsInTime++;
        else add(JSON.stringify({ ...item.header, index: names }));
      },
    );
    let unreadable = false;
    return {
      wantsBody: true,
      wantsResponse: false,
      responseChunk: () => {},
      bodyChunk: (chunk) => scanner.push(chunk),
      bodyEnd: () => scanner.end(),
      bodyUnreadable: () => {
        unreadable = true;
      },
      finish: (status, now) => {
        if (unreadable || scanner.incomplete || headers.length >= MAX_NAMED_BODY_BYTES)
          this.incompleteBodies++;
        if (unknownPointsInTime > 0)
          this.addUnmapped(
            { method: request.method, api, reason: UNKNOWN_POINT_IN_TIME },
            unknownPointsInTime,
          );
        if (unreadSearches > 0) {
          this.incompleteBodies++;
          this.addUnmapped({ method: request.method, api, reason: UNREAD_SEARCH_BODY }, unreadSearches);
        }
        if (headers === '' && unknownPointsInTime + unreadSearches > 0 && !unreadable) {
          // Every search used a point in time whose names are unknown: nothing to record on.
          this.requests++;
          return;
        }
        this.recordResolved(request, unreadable ? undefined : headers, status, now);
      },
    };
  }

  private bulk(request: ExchangeRequest): PendingExchange {
    const tally: BulkItemTally = { kinds: [], counts: [], byKey: new Map(), order: [], orderLost: false };
    const scanner = new NdjsonMetaScanner(
      (line) => {
        const [op, meta] = firstEntry(parseObject(line)) ?? [];
        const index =
          typeof meta === 'object' &&
          meta !== null &&
          typeof (meta as { _index?: unknown })._index === 'string'
            ? (meta as { _index: string })._index
            : undefined;
        const key = `${op ?? ''}\u0000${index ?? ''}`;
        let id = tally.byKey.get(key);
        if (id === undefined) {
          id = tally.kinds.length;
          tally.kinds.push({ op: op ?? '', index });
          tally.counts.push(0);
          tally.byKey.set(key, id);
        }
        tally.counts[id]!++;
        // The answer lists items in request order; the order is kept (4 bytes an item) up to a cap.
        if (tally.order.length < MAX_ATTRIBUTED_ITEMS) tally.order.push(id);
        else tally.orderLost = true;
      },
      (line) => firstEntry(parseObject(line))?.[0] !== 'delete',
    );
    const landed = new LandedKinds(tally);
    const answer = new BulkResponseScanner('bulk', landed);
    let unreadable = false;
    return {
      wantsBody: true,
      wantsResponse: true,
      bodyChunk: (chunk) => scanner.push(chunk),
      bodyEnd: () => scanner.end(),
      bodyUnreadable: () => {
        unreadable = true;
      },
      responseChunk: (chunk) => answer.push(chunk),
      finish: (status, now) => {
        this.requests++;
        if (unreadable || scanner.incomplete) {
          // Some items went unseen: say so in the report rather than under-count silently.
          this.incompleteBodies++;
          this.addUnmapped(
            {
              method: request.method,
              api: 'bulk',
              reason: unreadable
                ? 'body not readable (content encoding): item actions and names unknown'
                : 'an action line over the size cap: later item actions and names unknown',
            },
            1,
          );
        }
        const itemOutcomes = this.bulkItemOutcomes(request, tally, answer, status);
        const resolution = this.resolve(request, undefined, now);
        const pathIndex = resolution?.indices;
        for (const [id, outcomes] of itemOutcomes) {
          const { op, index } = tally.kinds[id]!;
          const action = BULK_ITEM_ACTIONS[op];
          const names = index !== undefined ? [resolveName(index, now)] : pathIndex;
          for (const [outcome, count] of outcomes) {
            if (action === undefined || names === undefined) {
              const reason =
                action === undefined ? `unknown bulk operation [${op}]` : 'bulk item without an index';
              this.addUnmapped({ method: request.method, api: 'bulk', reason }, count);
            } else {
              this.addOperation(action, 'index', names, outcome, 'bulk', count, landed.backingIndex[id]);
            }
          }
        }
      },
    };
  }

  /**
   * Per item kind, how many items had each outcome. A bulk answered 200 with `errors: true`
   * carries each item's status (a 403 item was refused though the bulk "succeeded"); when those
   * cannot be matched to the items, every item counts as no evidence.
   */
  private bulkItemOutcomes(
    request: ExchangeRequest,
    tally: BulkItemTally,
    answer: BulkResponseScanner,
    status: number,
  ): Map<number, Map<Outcome, number>> {
    const out = new Map<number, Map<Outcome, number>>();
    const add = (id: number, outcome: Outcome, n = 1) => {
      const m = out.get(id) ?? new Map<Outcome, number>();
      m.set(outcome, (m.get(outcome) ?? 0) + n);
      out.set(id, m);
    };
    const attributable =
      answer.errors === true && !tally.orderLost && answer.statuses.length === tally.order.length;
    if (outcomeOf(status) === 'allowed' && answer.errors === true && !attributable) {
      this.addUnmapped(
        {
          method: request.method,
          api: 'bulk',
          reason: 'answer reports item errors that could not be matched to items: counted as no evidence',
        },
        1,
      );
    }
    if (attributable) {
      tally.order.forEach((id, i) => {
        add(id, outcomeOf(answer.statuses[i]!));
      });
      return out;
    }
    const whole = outcomeOf(status);
    const outcome: Outcome = whole !== 'allowed' ? whole : answer.errors === true ? 'failed' : 'allowed';
    tally.counts.forEach((n, id) => {
      add(id, outcome, n);
    });
    return out;
  }

  private resolve(request: ExchangeRequest, body: string | undefined, now: number): Resolution | undefined {
    const base = {
      method: request.method,
      path: request.path,
      query: request.query,
      major: this.major,
      ...(body !== undefined ? { body } : {}),
    };
    try {
      return resolveRequest({ ...base, now });
    } catch (error) {
      // A name that is not valid date math is authorized as sent (and refused by the cluster).
      if (!(error instanceof DateMathNameError)) throw error;
      return resolveRequest(base);
    }
  }

  private recordResolved(
    request: ExchangeRequest,
    body: string | undefined,
    status: number,
    now: number,
    resolved?: Resolution,
    backingIndex?: string,
  ): void {
    this.requests++;
    const r = resolved ?? this.resolve(request, body, now);
    if (!r) {
      this.addUnmapped(
        {
          method: request.method,
          path: request.path.slice(0, MAX_UNROUTED_PATH),
          reason: 'no Elasticsearch API serves this path',
        },
        1,
      );
      return;
    }
    if (r.requests && outcomeOf(status) === 'allowed') {
      // A REST handler that sends several transport requests (`_cat/indices`...) needed every one
      // of them; a refused answer does not say which was denied, so it is recorded below on the
      // API's primary action (the first request) as before.
      for (const t of r.requests) {
        const names = t.scope === 'cluster' ? [] : t.indices && t.indices.length > 0 ? t.indices : ['_all'];
        this.addOperation(t.action, t.scope, names, 'allowed', r.api, 1);
      }
      return;
    }
    if (r.action === undefined || r.scope === undefined) {
      this.addUnmapped(
        { method: request.method, api: r.api, reason: 'no verified action for this API yet' },
        1,
      );
      return;
    }
    if (r.scope === 'special') {
      this.addUnmapped(
        {
          method: request.method,
          api: r.api,
          reason: UNPRIVILEGED_INDEX_ACTIONS.has(r.action)
            ? `[${r.action}] needs no privilege: Elasticsearch checks that the scroll, point in time or async result belongs to the caller, and the request that opened it was recorded; nothing to grant`
            : `[${r.action}] is not authorized by index or cluster privileges alone`,
        },
        1,
      );
      return;
    }
    const outcome = outcomeOf(status);
    if (r.scope === 'cluster') {
      this.addOperation(r.action, 'cluster', [], outcome, r.api, 1);
      return;
    }
    const names = new Set<string>(r.indices ?? []);
    for (const item of r.items ?? []) for (const n of item ?? []) names.add(n);
    if (names.size === 0) names.add('_all');
    this.addOperation(singleDocAction(r, request), 'index', [...names], outcome, r.api, 1, backingIndex);
  }

  private addOperation(
    action: string,
    scope: 'cluster' | 'index',
    names: readonly string[],
    outcome: Outcome,
    api: string,
    count: number,
    backingIndex?: string,
  ): void {
    // Most requests name one index: no set, sort or join for those.
    const sorted = names.length === 1 ? (names as string[]) : [...new Set(names)].sort();
    const key = `${action}\u0000${sorted.length === 1 ? sorted[0] : sorted.join(',')}\u0000${outcome}`;
    const hit = this.operations.get(key);
    if (hit) {
      hit.count += count;
      hit.apis.add(api);
      hit.backingIndex ??= backingIndex;
    } else {
      this.operations.set(key, {
        action,
        scope,
        names: [...sorted],
        outcome,
        apis: new Set([api]),
        count,
        backingIndex,
      });
    }
  }

  private addUnmapped(entry: Omit<UnmappedRequest, 'count'>, count: number): void {
    const key = `${entry.method}\u0000${entry.api ?? ''}\u0000${entry.path ?? ''}\u0000${entry.reason}`;
    const hit = this.unmapped.get(key);
    if (hit) hit.count += count;
    else this.unmapped.set(key, { entry, count });
  }
}

/**
 * The action a single-document write is authorized with: Elasticsearch runs it as a one-item
 * bulk, so `PUT /{index}/_create/{id}` and `op_type=create` (the default when no id is given)
 * are `indices:data/write/index:op_type/create`; an index with an id is `op_type/index`.
 */
function singleDocAction(r: Resolution, request: ExchangeRequest): string {
  if (r.api === 'create') return BULK_ITEM_ACTIONS.create!;
  if (r.api !== 'index') return r.action!;
  const hasId = !/\/_doc\/?$/.test(request.path);
  const opType = request.query.get('op_type') ?? (hasId ? 'index' : 'create');
  return opType === 'create' ? BULK_ITEM_ACTIONS.create! : BULK_ITEM_ACTIONS.index!;
}

/**
 * The routing done in begin() when it is the answer: unless the names depend on the clock (date
 * math in the path) or on the query (`GET /_analyze?index=logs`), no second lookup.
 */
function reusableRoute(request: ExchangeRequest, route: Resolution | undefined): Resolution | undefined {
  const path = request.path;
  const reuse =
    !path.includes('<') &&
    !path.includes('%3c') &&
    !path.includes('%3C') &&
    !(route !== undefined && QUERY_INDEX_APIS.has(route.api) && route.indices === undefined);
  return reuse ? route : undefined;
}

/**
 * Which kinds of bulk item landed in a data stream backing index. Items of one kind name the
 * same target, so the first answered item of each kind settles it, and a bulk without item
 * errors is read only until every kind has been seen; with item errors the whole answer is read
 * for the statuses, and any item of a kind that names a backing index marks the kind.
 */
class LandedKinds implements LandedIndexSink {
  /** The backing index per kind id, once one was seen. */
  readonly backingIndex: (string | undefined)[] = [];
  private readonly seen: boolean[] = [];
  private seenKinds = 0;

  constructor(private readonly tally: BulkItemTally) {}

  get complete(): boolean {
    return this.seenKinds >= this.tally.kinds.length;
  }

  landed(item: number, backingIndex: string | undefined): void {
    const id = this.tally.order[item];
    if (id === undefined) return;
    if (!this.seen[id]) {
      this.seen[id] = true;
      this.seenKinds++;
    }
    if (backingIndex !== undefined) this.backingIndex[id] ??= backingIndex;
  }
}

/**
 * An exchange resolved from its request line whose answer's head (up to `cap` bytes) is read:
 * `finish` gets the status and that text.
 */
function readingAnswer(
  cap: number,
  finish: (status: number, now: number, answer: string | undefined) => void,
): PendingExchange {
  const answer = new BoundedText(cap, 'head');
  return {
    wantsBody: false,
    bodyChunk: () => {},
    bodyEnd: () => {},
    bodyUnreadable: () => {},
    wantsResponse: true,
    responseChunk: (chunk) => answer.push(chunk),
    finish: (status, now) => finish(status, now, answer.take()),
  };
}

function resolveName(name: string, now: number): string {
  try {
    return resolveDateMathName(name, now);
  } catch (error) {
    if (!(error instanceof DateMathNameError)) throw error;
    return name;
  }
}

/**
 * An exchange resolved from its request line, whose body the recorder does not read: the
 * body callbacks do nothing. Subclasses say whether they read the answer and how they finish.
 */
abstract class RequestLineExchange implements PendingExchange {
  readonly wantsBody = false;
  abstract readonly wantsResponse: boolean;

  constructor(
    protected readonly recorder: LearnRecorder,
    protected readonly request: ExchangeRequest,
    protected readonly route: Resolution | undefined,
  ) {}

  bodyChunk(): void {}
  bodyEnd(): void {}
  bodyUnreadable(): void {}
  responseChunk(_chunk: Uint8Array): void {}
  abstract finish(status: number, now: number): void;
}

/** The request line alone (most exchanges): a small object rather than a set of closures per request. */
class PathOnlyExchange extends RequestLineExchange {
  readonly wantsResponse = false;

  finish(status: number, now: number): void {
    this.recorder.recordPathOnly(this.request, status, now, this.route);
  }
}

/**
 * A single-document write (`PUT /{index}/_create/{id}`, `POST /{index}/_doc`): resolved from the
 * request line like a path-only request, and its answer read for the concrete index it landed
 * in (`"_index":".ds-…"` when the target is a data stream). The exchange is its own sink.
 */
class DocumentWriteExchange extends RequestLineExchange implements LandedIndexSink {
  readonly wantsResponse = true;
  readonly complete = false;
  private readonly answer = new BulkResponseScanner('document', this);
  private backingIndex: string | undefined;

  override responseChunk(chunk: Uint8Array): void {
    this.answer.push(chunk);
  }

  landed(_item: number, backingIndex: string | undefined): void {
    this.backingIndex = backingIndex;
  }

  finish(status: number, now: number): void {
    this.recorder.recordDocumentWrite(this.request, status, now, this.route, this.backingIndex);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
