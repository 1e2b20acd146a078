import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Scaffolding: replaced by the real command in this session's work on `tick`.
export function tickCommand(_ctx: CliContext): Command {
  return new Command('tick').action(() => {
    throw new UsageError('tick: not implemented yet');
  });
}
