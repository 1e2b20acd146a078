import type { Clock } from '../../core/ports.js';

/** The real wall clock (core takes a Clock so tests can use FakeClock instead). */
export const systemClock: Clock = { now: () => new Date() };
