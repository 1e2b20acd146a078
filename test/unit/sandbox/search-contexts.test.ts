import { describe, expect, it } from 'vitest';
import {
  type PointInTimeContext,
  type ScrollContext,
  SearchContexts,
} from '../../../src/sandbox/data/search-contexts.js';
import { parseTimeValueMillis } from '../../../src/sandbox/security/time-value.js';

function scroll(shardIds: number[], now: number, keepAliveMs: number): ScrollContext {
  return {
    kind: 'scroll',
    shardIds,
    owner: 'user',
    indices: [],
    hits: [],
    size: 10,
    source: undefined,
    next: 10,
    keepAliveMs,
    expiresAt: now + keepAliveMs,
  };
}

function pit(shardIds: number[], now: number, keepAliveMs: number): PointInTimeContext {
  return { kind: 'pit', shardIds, views: [], keepAliveMs, expiresAt: now + keepAliveMs };
}

describe('search contexts (scrolls and points in time)', () => {
  it('allocates one id per shard context, never reusing one', () => {
    const c = new SearchContexts();
    expect(c.allocate(3)).toEqual([1, 2, 3]);
    expect(c.allocate(0)).toEqual([]);
    expect(c.allocate(1)).toEqual([5]);
  });

  it('expires a context once unused for longer than its keep-alive; a use renews it', () => {
    const c = new SearchContexts();
    c.put(1, scroll([1], 0, 60_000), 0);
    const live = c.get(1, 'scroll', 60_000);
    expect(live).toBeDefined();
    c.renew(live!, 60_000);
    expect(c.get(1, 'scroll', 120_000)).toBeDefined();
    expect(c.get(1, 'scroll', 120_001)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('renews with a new keep-alive when one is given', () => {
    const c = new SearchContexts();
    c.put(1, pit([1], 0, 60_000), 0);
    c.renew(c.get(1, 'pit', 0)!, 0, 5_000);
    expect(c.get(1, 'pit', 5_001)).toBeUndefined();
  });

  it('frees by kind, counting shard contexts; freeing all scrolls leaves points in time', () => {
    const c = new SearchContexts();
    c.put(1, scroll([1, 2], 0, 60_000), 0);
    c.put(3, pit([3, 4, 5], 0, 60_000), 0);
    c.put(6, scroll([6], 0, 60_000), 0);
    expect(c.free(1, 'pit', 0)).toBe(0);
    expect(c.free(3, 'scroll', 0)).toBe(0);
    expect(c.free(3, 'pit', 0)).toBe(3);
    expect(c.free(3, 'pit', 0)).toBe(0);
    c.put(7, pit([7], 0, 60_000), 0);
    c.freeAllScrolls();
    expect(c.get(1, 'scroll', 0)).toBeUndefined();
    expect(c.get(6, 'scroll', 0)).toBeUndefined();
    expect(c.get(7, 'pit', 0)).toBeDefined();
  });
});

describe('keep-alive values (TimeValue.parseTimeValue)', () => {
  it.each([
    ['1m', 60_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
  ])('%s is %d ms', (raw, ms) => {
    expect(parseTimeValueMillis(raw, 'scroll')).toBe(ms);
  });

  it('refuses a value without a unit with TimeValue wording', () => {
    expect(() => parseTimeValueMillis('5', 'scroll')).toThrow(
      'failed to parse setting [scroll] with value [5] as a time value: unit is missing or unrecognized',
    );
  });
});
