import { parseDuration, toEsTimeValue } from '../duration.js';
import type { RoleTemplate } from '../templates/schema.js';

const DAY = 86_400_000;

/**
 * Safety margin added to `every + grace` for `expiration: auto`: 10% of the rotation period,
 * at least a day and at most 14 days. A scheduler that misses a pass (host down over a
 * weekend) must not let the live key expire under its consumers, but a forgotten key must
 * still die on its own.
 */
export function expirationMargin(everyMs: number): number {
  return Math.min(14 * DAY, Math.max(DAY, Math.round(everyMs / 10)));
}

/** The lifetime of a new key in ms, or undefined when the template explicitly opts out (`none`). */
export function keyLifetimeMs(template: Pick<RoleTemplate, 'expiration' | 'rotation'>): number | undefined {
  if (template.expiration === 'none') return undefined;
  if (template.expiration !== 'auto') return parseDuration(template.expiration);
  const every = parseDuration(template.rotation.every) ?? 90 * DAY;
  const grace = parseDuration(template.rotation.grace) ?? DAY;
  return every + grace + expirationMargin(every);
}

/** The `expiration` to send on create (whole seconds or days), or undefined for never. */
export function createExpiration(
  template: Pick<RoleTemplate, 'expiration' | 'rotation'>,
): string | undefined {
  const ms = keyLifetimeMs(template);
  return ms === undefined ? undefined : toEsTimeValue(ms);
}
