import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../../src/core/bounded-map.js';

/** A call that resolves when the test says so, to control completion order. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe('mapBounded', () => {
  it('keeps at most `limit` calls in flight and returns results in input order, whatever finishes first', async () => {
    const gates = Array.from({ length: 6 }, gate);
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const run = mapBounded([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await gates[n]!.opened;
      inFlight--;
      return `r${n}`;
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    // Finish out of order: 1 first, then 0; each completion lets exactly one more start.
    gates[1]!.open();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    for (const n of [0, 5, 4, 3, 2]) gates[n]!.open();
    expect(await run).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(peak).toBe(2);
  });

  it('runs one at a time with limit 1 (or a nonsensical limit) and handles no items', async () => {
    const order: string[] = [];
    await mapBounded(['a', 'b', 'c'], 1, async (s) => {
      order.push(`start ${s}`);
      await new Promise((r) => setTimeout(r, 1));
      order.push(`end ${s}`);
    });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(await mapBounded([1, 2], 0, async (n) => n * 2)).toEqual([2, 4]);
    expect(await mapBounded([], 8, async (n: number) => n)).toEqual([]);
  });

  it('rejects with the first error and starts nothing new after it', async () => {
    const started: number[] = [];
    const error = await mapBounded([0, 1, 2, 3], 1, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('boom at 1');
      return n;
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom at 1');
    expect(started).toEqual([0, 1]);
  });
});
