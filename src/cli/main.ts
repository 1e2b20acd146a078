import { Command, CommanderError } from 'commander';
import {
  CancelledError,
  ExitCode,
  InternalError,
  isEskeysError,
  ReportedError,
  StoppedError,
  TemplateError,
  UsageError,
} from '../core/errors.js';
import { COMMANDS } from './commands/registry.js';
import { type CliContext, createContext } from './context.js';
import { type IO, processIO } from './io.js';
import { visible, visibleLines } from './render/table.js';

const VERSION = '0.1.0';

/** Builds the program with every verb as a stub, and the invoked verb (if any) fully loaded. */
async function buildProgram(ctx: CliContext, argv: readonly string[]): Promise<Command> {
  const program = new Command('eskeys')
    .description('Elasticsearch API key lifecycle manager: least-privilege keys, live probes, safe rotation')
    .version(VERSION, '-V, --version')
    // Global: every verb accepts it (before or after the verb), because every internal error
    // tells the user to "rerun with --debug". run() reads it from argv before parsing.
    .option('--debug', 'on errors, also print the underlying cause and stack trace (stderr)')
    // Global too (commands read it with optsWithGlobals, see output.ts); NO_COLOR does the same.
    .option('--no-color', 'no colours in the output (as NO_COLOR=1)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // Parse errors quote what the user typed (`unknown option '--x…'`): control characters
      // are escaped, commander's own line breaks kept.
      outputError: (s, write) => write(visibleLines(s.startsWith('error:') ? `eskeys: ${s.slice(7)}` : s)),
    });
  const verb = argv.find((a) => !a.startsWith('-'));
  const helpTarget = verb === 'help' ? argv[argv.indexOf('help') + 1] : undefined;
  for (const entry of COMMANDS) {
    if (entry.name === verb || entry.name === helpTarget) {
      const cmd = await entry.load(ctx);
      inheritOverrides(cmd, program);
      program.addCommand(cmd);
    } else {
      program.command(entry.name).description(entry.summary);
    }
  }
  return program;
}

/** Parse errors of a verb and its sub-verbs throw (exit 2 from one place) and print through ctx.io. */
function inheritOverrides(cmd: Command, program: Command): void {
  cmd.exitOverride().configureOutput(program.configureOutput());
  for (const sub of cmd.commands) inheritOverrides(sub, program);
}

/**
 * Runs eskeys with the given argv (without node and script) and returns the exit code.
 * `outcome.stopped` tells the caller the command ended on the stop signal by design (schedule).
 */
export async function run(
  argv: readonly string[],
  ctx: CliContext,
  outcome: { stopped?: boolean } = {},
): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const program = await buildProgram(ctx, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof StoppedError) outcome.stopped = true;
    return reportError(error, ctx.io, debug);
  } finally {
    // The connections the command shared (ctx.cluster / ctx.services), closed once it is done.
    await ctx.closeConnections();
  }
}

/**
 * Prints an error as one line (no stack unless --debug) and decides the exit code. Messages
 * quote values from users, files and the cluster (`-t $'x\e[2J'`, an environment name), so
 * each goes through visible() whole: no escape sequence reaches the terminal and a line break
 * in a value cannot forge a second line.
 */
export function reportError(error: unknown, io: IO, debug = false): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; commander has already printed parse errors.
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return ExitCode.ok;
    }
    if (error.exitCode === ExitCode.ok) return ExitCode.ok;
    return new UsageError(error.message).exitCode;
  }
  if (error instanceof ReportedError) return error.exitCode;
  if (isEskeysError(error)) {
    if (error instanceof TemplateError && error.problems.length > 1) {
      for (const p of error.problems) io.stderr.write(`eskeys: ${visible(p)}\n`);
    } else {
      io.stderr.write(`eskeys: ${visible(error.message)}\n`);
    }
    if (debug && error.cause) io.stderr.write(`${String((error.cause as Error)?.stack ?? error.cause)}\n`);
    return error.exitCode;
  }
  const internal = new InternalError(`internal error: ${(error as Error)?.message ?? String(error)}`);
  io.stderr.write(
    `eskeys: ${visible(internal.message)} (this is a bug; rerun with --debug and file an issue)\n`,
  );
  if (debug) io.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return internal.exitCode;
}

/** The process entry: wires real streams, env, signals and the exit code (the only place touching them). */
export async function main(): Promise<void> {
  const env = process.env as Record<string, string | undefined>;
  const io = processIO(env);
  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted++;
    if (interrupted > 1) process.exit(ExitCode.cancelled);
    controller.abort(new CancelledError(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ctx = createContext(io, env, process.cwd(), controller.signal);
  const outcome: { stopped?: boolean } = {};
  const code = await run(process.argv.slice(2), ctx, outcome);
  // Interrupted work that still returned "ok" was cut short (130), except a command whose
  // normal end is the signal (`schedule` stopping cleanly: its own code).
  process.exitCode =
    controller.signal.aborted && code === ExitCode.ok && !outcome.stopped ? ExitCode.cancelled : code;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
