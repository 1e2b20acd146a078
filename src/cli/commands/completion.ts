import { Argument, Command } from 'commander';
import type { CliContext } from '../context.js';
import type { IO } from '../io.js';
import {
  bashCompletion,
  type CompletionVerb,
  completionVerb,
  fishCompletion,
  zshCompletion,
} from '../render/completion.js';
import { COMMANDS } from './registry.js';

/** The shells `eskeys completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Options of `eskeys completion`. */
export interface CompletionOptions {
  readonly io: IO;
  readonly shell: Shell;
  /** Every verb as registered (loaded, so its options are known). */
  readonly verbs: () => Promise<readonly CompletionVerb[]>;
}

/** Flags every verb accepts, before or after it (main.ts). */
const GLOBAL_FLAGS = '--help --version --debug --no-color';

/** `eskeys completion bash|zsh|fish`. */
export function completionCommand(
  ctx: CliContext,
  run: (opts: CompletionOptions) => Promise<void> = runCompletion,
): Command {
  return new Command('completion')
    .description('print a shell completion script, generated from the registered commands and their options')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action(async (shell: Shell) => {
      await run({ io: ctx.io, shell, verbs: () => registeredVerbs(ctx) });
    });
}

/** Loads every verb (completion itself included) to read its options. */
export async function registeredVerbs(ctx: CliContext): Promise<CompletionVerb[]> {
  const out: CompletionVerb[] = [];
  for (const entry of COMMANDS) out.push(completionVerb(await entry.load(ctx)));
  return out;
}

/** Prints the script for the shell on stdout. */
export async function runCompletion(opts: CompletionOptions): Promise<void> {
  const verbs = await opts.verbs();
  const script =
    opts.shell === 'bash'
      ? bashCompletion('eskeys', verbs, GLOBAL_FLAGS)
      : opts.shell === 'zsh'
        ? zshCompletion('eskeys', verbs)
        : fishCompletion('eskeys', verbs);
  opts.io.stdout.write(script);
}
