import type { Command } from 'commander';
import { ExitCode } from '../core/errors.js';

/** One exit code a command can end with, and when. */
export type ExitCodeLine = readonly [code: (typeof ExitCode)[keyof typeof ExitCode], meaning: string];

/** What `--help` shows after the options: real invocations, then the command's exit codes. */
export interface CommandHelp {
  /** 2-4 real invocations, without the leading `$ `. */
  readonly examples: readonly string[];
  /** Every exit code the verb can end with; rendered as the one shared table (renderExitCodes). */
  readonly exitCodes: readonly ExitCodeLine[];
}

/** The "Exit codes:" block, one code per line (as gh and kubectl document theirs). */
export function renderExitCodes(codes: readonly ExitCodeLine[]): string {
  const width = Math.max(...codes.map(([code]) => String(code).length));
  return [
    'Exit codes:',
    ...[...codes]
      .sort(([a], [b]) => a - b)
      .map(([code, meaning]) => `  ${String(code).padEnd(width)}  ${meaning}`),
  ].join('\n');
}

/** The "Examples:" block. */
export function renderExamples(examples: readonly string[]): string {
  return ['Examples:', ...examples.map((e) => `  $ ${e}`)].join('\n');
}

/** Appends the examples and the exit codes to the command's `--help`. */
export function addCommandHelp(cmd: Command, help: CommandHelp): Command {
  const blocks = [renderExamples(help.examples), renderExitCodes(help.exitCodes)];
  return cmd.addHelpText('after', `\n${blocks.join('\n\n')}`);
}

/** Exit codes shared by the verbs that act on the cluster. */
export const CLUSTER_EXIT: ExitCodeLine = [
  ExitCode.unavailable,
  'cluster unreachable or misbehaving, or authentication failed',
];
export const USAGE_EXIT: ExitCodeLine = [ExitCode.usage, 'bad usage, config or template'];
export const CANCELLED_EXIT: ExitCodeLine = [
  ExitCode.cancelled,
  'cancelled (Ctrl-C, or "no" at the question)',
];
