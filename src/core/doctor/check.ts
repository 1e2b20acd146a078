import { ExitCode } from '../errors.js';

/**
 * The vocabulary of `eskeys doctor`: one check is one line of the checklist, with a stable id
 * (`delegation.template:email-search`), a group, a status and, when it is not ok, the reason and
 * the fix. Pure data: the CLI renders it (src/cli/render/doctor.ts) and turns it into an exit code.
 */

/** `ok` ✓, `warn` ! (works, but look), `fail` ✗ (something eskeys does will not work), `skip` - (depends on a failed check). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** Checklist sections, in display order. */
export const CHECK_GROUPS = ['project', 'connection', 'identity', 'cluster', 'delegation', 'local'] as const;
/** A checklist section. */
export type CheckGroup = (typeof CHECK_GROUPS)[number];

/**
 * What a failed check means for the exit code: `config` (project, template or connection
 * settings: exit 2), `unavailable` (cluster unreachable or credentials rejected: exit 3),
 * `check` (everything else: exit 1).
 */
export type FailureKind = 'config' | 'unavailable' | 'check';

/** One line of the checklist. */
export interface DoctorCheck {
  /** Stable machine id: `<group>.<name>`, plus `:<subject>` for per-template checks. */
  readonly id: string;
  readonly group: CheckGroup;
  readonly status: CheckStatus;
  /** Short label shown in the checklist (`version`, `template email-search`). */
  readonly title: string;
  /** The template (or file) a per-template check is about. */
  readonly subject?: string;
  /** One line: what was found (for skip: why it did not run). */
  readonly message: string;
  /** One line: what to do (warn and fail only). */
  readonly fix?: string;
  /** Further lines (every missing privilege, every template problem). */
  readonly details?: readonly string[];
  /** For `fail`: which exit code it implies (default `check`). */
  readonly failure?: FailureKind;
}

/** Builds a check; `subject` is appended to the id. */
export function check(
  group: CheckGroup,
  name: string,
  status: CheckStatus,
  message: string,
  extra: Partial<Pick<DoctorCheck, 'fix' | 'details' | 'failure' | 'subject' | 'title'>> = {},
): DoctorCheck {
  const { subject, title, ...rest } = extra;
  return {
    id: `${group}.${name}${subject ? `:${subject}` : ''}`,
    group,
    status,
    title: title ?? `${name.replace(/_/g, ' ')}${subject ? ` ${subject}` : ''}`,
    ...(subject ? { subject } : {}),
    message,
    ...rest,
  };
}

/** A check that did not run because `because` failed or is unknown. */
export function skipped(
  group: CheckGroup,
  name: string,
  because: string,
  extra: Partial<Pick<DoctorCheck, 'subject' | 'title'>> = {},
): DoctorCheck {
  return check(group, name, 'skip', because, extra);
}

/** How many checks have each status. */
export function summarize(checks: readonly DoctorCheck[]): Record<CheckStatus, number> {
  const out: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) out[c.status]++;
  return out;
}

/**
 * The exit code of a doctor run: 0 when nothing failed (warnings allowed); otherwise 2 when a
 * project, template or connection-settings check failed (fix the project first: nothing else
 * is trustworthy until it loads), else 3 when the cluster could not be reached or rejected the
 * credentials, else 1.
 */
export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  const kinds = new Set(checks.filter((c) => c.status === 'fail').map((c) => c.failure ?? 'check'));
  if (kinds.size === 0) return ExitCode.ok;
  if (kinds.has('config')) return ExitCode.usage;
  if (kinds.has('unavailable')) return ExitCode.unavailable;
  return ExitCode.verificationFailed;
}
