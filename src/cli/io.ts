import type { Readable } from 'node:stream';
import { ExitCode } from '../core/errors.js';
import { visibleLines } from './render/table.js';

/** A sink for text. */
export interface TextSink {
  write(text: string): void;
  /**
   * Resolves once the sink can take more (a pipe reader caught up). Commands that stream
   * unbounded output (`inventory` over 100,000 keys) await it so unread output does not pile
   * up in memory; absent = always ready.
   */
  drain?(): Promise<void>;
}

/**
 * A sink over a writable stream that honours its back-pressure; `rewrite` changes text on its
 * way out (stderr: control characters made visible).
 */
function streamSink(stream: NodeJS.WriteStream, rewrite: (text: string) => string = (t) => t): TextSink {
  return {
    write: (t) => void stream.write(rewrite(t)),
    drain: () =>
      stream.writableNeedDrain
        ? new Promise<void>((resolve) => {
            const done = () => {
              stream.off('drain', done);
              stream.off('close', done);
              resolve();
            };
            stream.on('drain', done);
            stream.on('close', done);
          })
        : Promise.resolve(),
  };
}

/** All terminal I/O of a command, injected so commands are testable without a TTY. */
export interface IO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdin: Readable;
  /** stdout is a terminal: human output (tables, colours); otherwise machine-friendly output. */
  readonly isStdoutTTY: boolean;
  /** stdout's terminal width in columns, when stdout is a terminal. */
  readonly stdoutColumns?: number;
  /**
   * stderr unescaped, present only when stderr is a terminal: for the `n/N` progress counter,
   * which rewrites its line with a carriage return. Whatever it writes must already be visible().
   */
  readonly stderrTerminal?: TextSink;
  /**
   * A human can answer prompts: stdin is a terminal and CI is not set. stdout does not count:
   * `eskeys rotate | tee rotate.log` and `--json` in a terminal still have a person at the
   * keyboard, so they are asked (the prompt renders on stderr or /dev/tty, not stdout).
   */
  canPrompt(): boolean;
}

/**
 * A reader that goes away (`eskeys status | head`) is not an error of ours: stop writing and
 * exit quietly, as Unix tools do, instead of dying on an unhandled EPIPE.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
    throw error;
  });
}

/** IO bound to the real process streams. */
export function processIO(env: Readonly<Record<string, string | undefined>>): IO {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  return {
    stdout: streamSink(process.stdout),
    // Every diagnostic line quotes something (a template value, a key name from the cluster, a
    // flag): escaped here so no message path can send an escape sequence to the terminal.
    // Only the progress counter (stderrTerminal) moves the cursor; prompts use their own stream.
    stderr: streamSink(process.stderr, visibleLines),
    stdin: process.stdin,
    isStdoutTTY: process.stdout.isTTY === true,
    ...(process.stdout.isTTY && process.stdout.columns ? { stdoutColumns: process.stdout.columns } : {}),
    ...(process.stderr.isTTY ? { stderrTerminal: streamSink(process.stderr) } : {}),
    canPrompt: () => process.stdin.isTTY === true && !env.CI,
  };
}
