import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Placeholder until the verb lands; replaced by its real implementation.
export function lintCommand(_ctx: CliContext): Command {
  return new Command('lint').action(() => {
    throw new UsageError('eskeys lint is not available in this build yet');
  });
}
