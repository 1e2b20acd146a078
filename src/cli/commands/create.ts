import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { TEMPLATE_ARGUMENT, templateFrom } from '../template-argument.js';
import { addRotationOptions, type RotateOptions, runRotate } from './rotate.js';

/** Flags of `create` (the rotation flags without --grace/--now). */
export type CreateOptions = Omit<RotateOptions, 'mode' | 'grace' | 'now'>;

/** Runs `eskeys create`: mint, verify, publish the first key of a (template, environment). */
export function runCreate(opts: CreateOptions): Promise<void> {
  return runRotate({ ...opts, mode: 'create' });
}

/** `eskeys create`: refuses when an active key exists (use rotate). */
export function createCommand(
  ctx: CliContext,
  run: (opts: CreateOptions) => Promise<void> = runCreate,
): Command {
  const cmd = new Command('create').description('mint a key from a template, verify it and publish it');
  addRotationOptions(cmd)
    .argument(TEMPLATE_ARGUMENT.name, TEMPLATE_ARGUMENT.description)
    .action(async (positional: string | undefined, flags: Omit<CreateOptions, 'ctx'>) => {
      const template = templateFrom(positional, flags.template);
      await run({ ...flags, ...(template !== undefined ? { template } : {}), ctx });
    });
  return cmd;
}
