import { openSync } from 'node:fs';
import { WriteStream } from 'node:tty';
import { confirm, input, password, select } from '@inquirer/prompts';
import { CancelledError } from '../../core/errors.js';
import type { Prompter, PromptTerminal } from '../../core/ports/index.js';

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

/**
 * Where prompts render: never stdout (it may be piped to a file or carry `--json`), but the
 * person's terminal: stderr when it is one, else the controlling terminal (/dev/tty), as
 * ssh and sudo ask for passwords; stderr as a last resort.
 */
function promptOutput(): NodeJS.WritableStream {
  if (process.stderr.isTTY) return process.stderr;
  try {
    return new WriteStream(openSync('/dev/tty', 'w'));
  } catch {
    return process.stderr;
  }
}

/** Prompter over @inquirer/prompts, reading the terminal's input and writing to the terminal. */
export function createInquirerPrompter(terminal: PromptTerminal, signal: AbortSignal): Prompter {
  const context = { input: terminal.input, output: promptOutput(), signal };
  return {
    confirm: (message, defaultValue = false) =>
      guard(() => confirm({ message, default: defaultValue }, context)),
    select: (message, choices) => guard(() => select({ message, choices: [...choices] }, context)),
    password: (message) => guard(() => password({ message, mask: '*' }, context)),
    input: (message, defaultValue) =>
      guard(() =>
        input({ message, ...(defaultValue !== undefined ? { default: defaultValue } : {}) }, context),
      ),
  };
}
