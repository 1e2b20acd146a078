import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Placeholder until the verb lands; replaced by its real implementation.
export function recoverCommand(_ctx: CliContext): Command {
  return new Command('recover').action(() => {
    throw new UsageError('eskeys recover is not available in this build yet');
  });
}
