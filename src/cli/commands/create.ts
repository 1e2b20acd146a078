import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Placeholder until the verb lands; replaced by its real implementation.
export function createCommand(_ctx: CliContext): Command {
  return new Command('create').action(() => {
    throw new UsageError('eskeys create is not available in this build yet');
  });
}
