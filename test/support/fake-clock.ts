import type { Clock } from '../../src/core/ports.js';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  #now: number;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.#now += ms;
  }
  /** Jumps to an instant. */
  set(at: Date | string): void {
    this.#now = new Date(at).getTime();
  }
}

/** Deterministic Random: counts up in hex. */
export function fakeRandom() {
  let n = 0;
  return {
    hex: (length: number) => (n++).toString(16).padStart(length, '0').slice(-length),
  };
}
