import { type Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';

/** The `--json` flag: the gh/kubectl shorthand for `--format json`, on every verb that prints data. */
export function jsonOption(): Option {
  return new Option('--json', 'same as --format json');
}

/**
 * The format a verb renders: `--json` means `--format json`. A `--format` typed on the command
 * line that says otherwise is a contradiction (exit 2); the format's default is not.
 */
export function formatWithJson<F extends string>(
  cmd: Command,
  flags: { readonly format: F; readonly json?: boolean },
): F | 'json' {
  if (!flags.json) return flags.format;
  const typed = cmd.getOptionValueSource('format') === 'cli';
  if (typed && flags.format !== 'json') throw new UsageError(`--json contradicts --format ${flags.format}`);
  return 'json';
}
