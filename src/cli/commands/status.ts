import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

// Placeholder until the verb lands; replaced by its real implementation.
export function statusCommand(_ctx: CliContext, name: 'status' | 'list'): Command {
  return new Command(name).action(() => {
    throw new UsageError(`eskeys ${name} is not available in this build yet`);
  });
}
