import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Scaffolding: replaced by the real command in this session's work on `schedule`.
export function scheduleCommand(_ctx: CliContext): Command {
  return new Command('schedule').action(() => {
    throw new UsageError('schedule: not implemented yet');
  });
}
