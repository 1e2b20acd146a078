import { confirm, password, select } from '@inquirer/prompts';
import type { IO } from '../../cli/io.js';
import { CancelledError } from '../../core/errors.js';
import type { Prompter } from '../../core/ports.js';

/** True for inquirer's "user pressed Ctrl-C / closed the prompt" errors. */
function isPromptExit(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isPromptExit(error)) throw new CancelledError('cancelled at the prompt', { cause: error });
    throw error;
  }
}

/** Prompter over @inquirer/prompts, reading and writing the injected streams. */
export function createInquirerPrompter(io: IO, signal: AbortSignal): Prompter {
  const context = { input: io.stdin, output: process.stderr, signal };
  return {
    confirm: (message, defaultValue = false) =>
      guard(() => confirm({ message, default: defaultValue }, context)),
    select: (message, choices) => guard(() => select({ message, choices: [...choices] }, context)),
    password: (message) => guard(() => password({ message, mask: '*' }, context)),
  };
}
