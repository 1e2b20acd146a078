// The flags of one scheduler pass, shared by `eskeys tick` and `eskeys schedule`, and their
// checks (--concurrency, --drift) that fail as usage errors before anything connects.

import { type Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { DRIFT_POLICIES, type DriftPolicy } from '../../core/scheduler/policy.js';
import type { OpenServices } from '../composition.js';
import type { CliContext } from '../context.js';
import { addClusterOptions, type ClusterFlags } from '../project.js';

/** Flags of `tick` (and of each pass of `schedule`) plus the ports they use. */
export interface TickOptions extends ClusterFlags {
  readonly ctx: CliContext;
  /** Only this template (name or path); @defaultValue every template of the templates folder */
  readonly template?: string;
  /** Create the first key of a (template, environment) that has none. @defaultValue false */
  readonly createMissing?: boolean;
  /** What template drift does. @defaultValue 'narrowing' */
  readonly drift?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  /** `--quiet`: no per-step lines on stderr (warnings, errors and the summary stay). @defaultValue false */
  readonly quiet?: boolean;
  /** `--concurrency`: scopes of one environment handled at once (1-64). @defaultValue 1 */
  readonly concurrency?: string;
  /** @defaultValue openRotationServices */
  readonly openServices?: OpenServices;
}

/** Scopes handled at once, from `--concurrency`; UsageError (exit 2) unless a whole number 1-64. */
export function passConcurrency(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 64) {
    throw new UsageError(`--concurrency ${value}: expected a whole number from 1 to 64`);
  }
  return n;
}

/** The drift policy from the flag; UsageError (exit 2) when unknown. */
export function driftPolicy(value: string | undefined): DriftPolicy {
  if (value === undefined) return 'narrowing';
  if ((DRIFT_POLICIES as readonly string[]).includes(value)) return value as DriftPolicy;
  throw new UsageError(`--drift ${value}: expected one of ${DRIFT_POLICIES.join(', ')}`);
}

/** Adds the flags shared by tick and schedule. */
export function addPassOptions(cmd: Command): Command {
  return addClusterOptions(cmd)
    .addOption(new Option('-t, --template <name>', 'only this template (default: every template in roles/)'))
    .addOption(
      new Option('--create-missing', 'create the first key of a template and environment that has none'),
    )
    .addOption(
      new Option(
        '--drift <policy>',
        'template changed since the key was minted: report it, rotate when the change only removes access (narrowing, the default), or rotate',
      ).choices([...DRIFT_POLICIES]),
    )
    .addOption(
      new Option(
        '--concurrency <n>',
        'templates of one environment handled at once, each under its own lock (1-64)',
      ).default(undefined, '1'),
    )
    .addOption(new Option('--dry-run', 'decide and print; change nothing'))
    .addOption(new Option('--json', 'machine-readable output on stdout'))
    .addOption(
      new Option(
        '-q, --quiet',
        'no per-step progress lines on stderr (warnings, errors and the summary stay)',
      ),
    );
}
