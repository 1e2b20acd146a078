import type { Readable } from 'node:stream';

/** A sink for text. */
export interface TextSink {
  write(text: string): void;
}

/** All terminal I/O of a command, injected so commands are testable without a TTY. */
export interface IO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: Readable;
  /** stdout is a terminal: human output (tables, colours); otherwise machine-friendly output. */
  readonly isStdoutTTY: boolean;
  /** A human can answer prompts (stdin and stdout are terminals and CI is not set). */
  canPrompt(): boolean;
}

/** IO bound to the real process streams. */
export function processIO(env: Readonly<Record<string, string | undefined>>): IO {
  return {
    stdout: { write: (t) => void process.stdout.write(t) },
    stderr: { write: (t) => void process.stderr.write(t) },
    stdin: process.stdin,
    isStdoutTTY: process.stdout.isTTY === true,
    canPrompt: () => process.stdin.isTTY === true && process.stdout.isTTY === true && !env.CI,
  };
}
