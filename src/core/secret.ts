import { inspect } from 'node:util';

/** What every secret turns into when written as text. */
export const REDACTED = '[redacted]';

/**
 * A credential that must never reach stdout, stderr, logs, the journal or the audit log.
 * Every way of turning it into text prints `[redacted]`; only `reveal()` gives the value,
 * and only the env-file writer and the Elasticsearch adapter call it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The raw value. Call only where the secret leaves the process on purpose. */
  reveal(): string {
    return this.#value;
  }
  /** Constant-time-ish equality without revealing either value to the caller. */
  equals(other: Secret): boolean {
    return this.#value === other.#value;
  }
  get length(): number {
    return this.#value.length;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Masks an identifier for human output: `…abcd` (aws-vault style). */
export function maskId(id: string): string {
  return id.length <= 4 ? '…' + id : '…' + id.slice(-4);
}
