import type { IO } from '../io.js';

/** Writes a value as pretty JSON on stdout (Secret instances render as "[redacted]"). */
export function writeJson(io: IO, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
