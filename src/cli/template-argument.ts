import { UsageError } from '../core/errors.js';

/** The positional `[template]` of rotate, create and verify (as lint and matrix take names). */
export const TEMPLATE_ARGUMENT = {
  name: '[template]',
  description: 'template name (roles/<name>.json) or path; same as -t/--template',
} as const;

/**
 * The template a verb acts on: the positional name or `-t/--template`, which mean the same.
 * Both given and different is a usage error naming both (exit 2); both equal is fine.
 */
export function templateFrom(positional: string | undefined, flag: string | undefined): string | undefined {
  if (positional !== undefined && flag !== undefined && positional !== flag)
    throw new UsageError(
      `template given twice: "${positional}" as argument and "${flag}" with --template; give one`,
    );
  return positional ?? flag;
}
