import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Scaffolding: replaced by the real command in this session's work on `review`.
export function reviewCommand(_ctx: CliContext): Command {
  return new Command('review').action(() => {
    throw new UsageError('review: not implemented yet');
  });
}
