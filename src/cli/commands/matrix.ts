import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Placeholder until the verb lands; replaced by its real implementation.
export function matrixCommand(_ctx: CliContext): Command {
  return new Command('matrix').action(() => {
    throw new UsageError('eskeys matrix is not available in this build yet');
  });
}
