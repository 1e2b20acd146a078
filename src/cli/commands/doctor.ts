import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Scaffolding: replaced by the real command in this session's work on `doctor`.
export function doctorCommand(_ctx: CliContext): Command {
  return new Command('doctor').action(() => {
    throw new UsageError('doctor: not implemented yet');
  });
}
