import type { ErrorCause } from '../errors.js';

/** Why a TimeValue string was rejected: ES's IllegalArgumentException (with its cause, if any). */
export class TimeValueError extends Error {
  constructor(
    message: string,
    readonly esCause?: ErrorCause,
  ) {
    super(message);
  }
  /** As an ES error cause. */
  toCause(): ErrorCause {
    return {
      type: 'illegal_argument_exception',
      reason: this.message,
      ...(this.esCause ? { causedBy: this.esCause } : {}),
    };
  }
}

const UNITS: readonly { suffix: string; nanos: bigint; caseSensitive?: boolean }[] = [
  { suffix: 'nanos', nanos: 1n },
  { suffix: 'micros', nanos: 1_000n },
  { suffix: 'ms', nanos: 1_000_000n },
  { suffix: 's', nanos: 1_000_000_000n },
  { suffix: 'm', nanos: 60_000_000_000n, caseSensitive: true },
  { suffix: 'h', nanos: 3_600_000_000_000n },
  { suffix: 'd', nanos: 86_400_000_000_000n },
];

/**
 * TimeValue.parseTimeValue as ES does it (§4.1): suffix checked in this order on the lower-cased,
 * trimmed value, except minutes, checked case-sensitively on the raw value (so `M` is rejected);
 * bare `-1`/`0` need no unit. Returns whole seconds (Java's getSeconds truncates toward zero).
 */
export function parseTimeValueSeconds(raw: string, setting: string): number {
  return Number(parseTimeValueNanos(raw, setting) / 1_000_000_000n);
}

/** The same parse in whole milliseconds (keep-alives of scrolls and points in time). */
export function parseTimeValueMillis(raw: string, setting: string): number {
  return Number(parseTimeValueNanos(raw, setting) / 1_000_000n);
}

function parseTimeValueNanos(raw: string, setting: string): bigint {
  const normalized = raw.toLowerCase().trim();
  for (const u of UNITS) {
    const matches = u.caseSensitive ? raw.endsWith(u.suffix) : normalized.endsWith(u.suffix);
    if (!matches) continue;
    const num = normalized.slice(0, normalized.length - u.suffix.length).trim();
    if (!/^[+-]?\d+$/.test(num)) {
      const nfe: ErrorCause = { type: 'number_format_exception', reason: `For input string: "${num}"` };
      if (num !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(num)) {
        throw new TimeValueError(`failed to parse [${raw}], fractional time values are not supported`, nfe);
      }
      throw new TimeValueError(`failed to parse [${raw}]`, nfe);
    }
    const value = BigInt(num);
    if (value < -1n) {
      throw new TimeValueError(
        `failed to parse setting [${setting}] with value [${raw}] as a time value: negative durations are not supported`,
      );
    }
    return value * u.nanos;
  }
  if (/^-0*1$/.test(normalized) || /^0+$/.test(normalized)) return 0n;
  throw new TimeValueError(
    `failed to parse setting [${setting}] with value [${raw}] as a time value: unit is missing or unrecognized`,
  );
}

/** True when the duration is zero or negative (update rejects those, §4.6). */
export function isNonPositiveTimeValue(raw: string): boolean {
  const normalized = raw.toLowerCase().trim();
  if (/^-0*1$/.test(normalized) || /^0+$/.test(normalized)) return true;
  const m = /^([+-]?\d+)/.exec(normalized);
  return m ? BigInt(m[1]!) <= 0n : false;
}
