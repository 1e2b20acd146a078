import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Scaffolding: replaced by the real command in this session's work on `inventory`.
export function inventoryCommand(_ctx: CliContext): Command {
  return new Command('inventory').action(() => {
    throw new UsageError('inventory: not implemented yet');
  });
}
