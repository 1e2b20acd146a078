import type { AdminIdentity } from '../../core/cluster-port.js';
import { humanizeDuration } from '../../core/duration.js';
import type { FileDiff } from '../../core/ports/rotation.js';
import type { ProbeReport } from '../../core/probes/types.js';
import type { KeyView } from '../../core/rotation/key-state.js';
import type { ProceedPlan } from '../../core/rotation/plan-rotation.js';
import type { PrivilegeDiff } from '../../core/rotation/privilege-diff.js';
import type { RetiredKey } from '../../core/rotation/retire-keys.js';
import type { RotationOutcome } from '../../core/rotation/rotate-key.js';
import type { VariableHolder } from '../../core/rotation/variable-holders.js';
import { maskId } from '../../core/secret.js';
import type { TerminalOutput } from '../output.js';
import { type Palette, PLAIN } from './colour.js';
import { type ColumnFit, renderTable } from './table.js';

/** A masked env-file diff of one published file. */
export type { FileDiff };

function iso(d: Date | undefined): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : 'never';
}

/** The permission matrix of a probe run: one row per probe. */
export function renderProbeMatrix(report: ProbeReport): string {
  const rows = report.results.map((r) => [
    r.op,
    r.index ?? '',
    r.expected,
    r.got,
    r.mode,
    r.verdict === 'pass' ? 'ok' : r.verdict.toUpperCase(),
  ]);
  let out = renderTable(['operation', 'index', 'expected', 'got', 'mode', 'result'], rows);
  for (const r of report.results) {
    if (r.verdict !== 'pass' && r.explanation) out += `  ${r.op}: ${r.explanation}\n`;
  }
  return out;
}

/** Indents every line of a block. */
function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

/** Where a rotation acts: the cluster (URL without userinfo), the environment, the admin identity. */
export interface PlanLocation {
  readonly url: string;
  readonly environment: string;
  readonly admin: AdminIdentity;
}

/** The admin as a person reads it: `user (realm name)`, or `API key name` for an API-key admin. */
export function adminLabel(who: AdminIdentity): string {
  if (who.authenticationType === 'api_key') return `API key ${who.apiKey?.name ?? who.apiKey?.id ?? '?'}`;
  const realm = who.authenticationRealm?.name;
  return realm ? `${who.username} (realm ${realm})` : who.username;
}

/** The plan as the operator confirms it (and as --dry-run prints it). */
export function renderPlan(
  plan: ProceedPlan,
  extras: {
    /** Shown first, so the operator sees which cluster and identity before anything else. */
    where?: PlanLocation;
    privilegeDiff?: PrivilegeDiff;
    diffs?: readonly FileDiff[];
    files: readonly string[];
    /** Whose key each env file's key variable holds now (file shown relative). */
    holders?: readonly Pick<VariableHolder, 'file' | 'variable' | 'description'>[];
    now: Date;
  },
): string {
  const lines: string[] = [];
  const scope = `${plan.template}@${plan.environment}`;
  lines.push(`plan: ${plan.mode} ${scope}`);
  if (extras.where) {
    lines.push(`  cluster:     ${extras.where.url} (environment ${extras.where.environment})`);
    lines.push(`  admin:       ${adminLabel(extras.where.admin)}`);
  }
  if (plan.current) {
    const c = plan.current;
    const age = humanizeDuration(extras.now.getTime() - c.info.creation.getTime());
    lines.push(
      `  current key: ${c.info.name} (${maskId(c.info.id)}), created ${iso(c.info.creation)}, ${age} old, ${plan.due ? 'rotation DUE' : `rotation due ${iso(plan.dueAt)}`}`,
    );
  } else {
    lines.push('  current key: none');
  }
  lines.push(
    `  new key:     ${plan.name}, expires ${plan.expiration ? `in ${plan.expiration}` : 'never (template opts out)'}`,
  );
  lines.push(`  verify:      run the template's probes with the new key; any failure invalidates it`);
  lines.push(`  publish:     ${extras.files.length ? extras.files.join(', ') : '(no env files configured)'}`);
  for (const h of extras.holders ?? [])
    lines.push(`  holds now:   ${h.file} ${h.variable}: ${h.description}`);
  if (plan.current) {
    lines.push(
      plan.immediate
        ? `  old key:     INVALIDATED immediately after publish (--now)`
        : `  old key:     superseded; valid for ${plan.grace} more (until ~${iso(new Date(extras.now.getTime() + plan.graceMs))})`,
    );
  }
  for (const k of plan.cutShort)
    lines.push(`  also:        invalidate ${k.info.name} (${maskId(k.info.id)}), still in grace`);
  if (extras.privilegeDiff) {
    const d = extras.privilegeDiff;
    if (!plan.current) lines.push('  privileges:  (no current key to compare)');
    else if (d.unchanged) lines.push('  privileges:  unchanged from the current key');
    else {
      lines.push('  privileges:  the template differs from the current key:');
      for (const a of d.added) lines.push(`    + ${a}`);
      for (const r of d.removed) lines.push(`    - ${r}`);
    }
  } else if (plan.templateChanged) {
    lines.push('  privileges:  the template changed since the current key was minted');
  }
  for (const f of extras.diffs ?? []) {
    lines.push(`  ${f.file}:`);
    lines.push(f.diff ? indent(f.diff.trimEnd(), '    ') : '    (unchanged)');
  }
  for (const w of plan.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

function renderRetired(retired: readonly RetiredKey[]): string[] {
  return retired.map((k) =>
    k.action === 'invalidated'
      ? `old key ${k.name} (${maskId(k.id)}) invalidated`
      : `old key ${k.name} (${maskId(k.id)}) superseded; valid until ${iso(k.until)}${k.enforcedByCluster ? ' (enforced by the cluster expiration)' : ' (run `eskeys revoke --due` after that)'}`,
  );
}

/** Human summary of a rotation outcome. */
export function renderOutcome(
  outcome: RotationOutcome,
  scope: string,
  diffs: readonly FileDiff[],
  now: Date,
): string {
  const out: string[] = [];
  const k = outcome.key;
  const keyLine = `${k.name} (${maskId(k.id)})`;
  switch (outcome.status) {
    case 'completed': {
      const exp = k.expiration
        ? `expires ${iso(k.expiration)} (in ${humanizeDuration(k.expiration.getTime() - now.getTime())})`
        : 'never expires';
      out.push(`${scope}: new key ${keyLine} is live; ${exp}`);
      out.push('');
      out.push(`permission matrix (${outcome.report.results.length} probes, all passed):`);
      out.push(indent(renderProbeMatrix(outcome.report)).trimEnd());
      out.push('');
      for (const f of diffs) {
        out.push(`${f.file}:`);
        out.push(f.diff ? indent(f.diff.trimEnd()) : '  (unchanged)');
      }
      if (diffs.length === 0) out.push('no env files configured: nothing published');
      out.push(...renderRetired(outcome.retired));
      break;
    }
    case 'verify_failed':
      out.push(
        `${scope}: verification of ${keyLine} FAILED; the new key was invalidated and no env file was touched`,
      );
      out.push('');
      out.push(indent(renderProbeMatrix(outcome.report)).trimEnd());
      break;
    case 'restart_failed':
      out.push(`${scope}: ${outcome.detail}`);
      out.push(`env files restored; the new key ${keyLine} was invalidated; the old key is still in service`);
      break;
    case 'lost_race':
      out.push(
        `${scope}: another rotation created ${outcome.rival.info.name} first (by ${outcome.rival.meta.created_by}); this rotation's key ${keyLine} was invalidated`,
      );
      break;
  }
  return out.join('\n') + '\n';
}

/** Machine form of a rotation outcome (ids unmasked: JSON is for programs; no secrets anywhere). */
export function outcomeJson(
  outcome: RotationOutcome,
  scope: { template: string; environment: string },
  diffs: readonly FileDiff[],
  warnings: readonly string[],
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    status: outcome.status,
    rotation: outcome.rotationId,
    ...scope,
    key: {
      id: outcome.key.id,
      name: outcome.key.name,
      generation: outcome.key.generation,
      expiration: outcome.key.expiration?.toISOString() ?? null,
    },
    warnings,
  };
  if (outcome.status !== 'lost_race') {
    base.probes = { passed: outcome.report.passed, results: outcome.report.results };
  }
  if (outcome.status === 'completed') {
    base.published = diffs.map((d) => ({ file: d.file, diff: d.diff }));
    base.retired = outcome.retired.map((r) => ({ ...r, until: r.until?.toISOString() ?? null }));
  }
  if (outcome.status === 'restart_failed') base.detail = outcome.detail;
  if (outcome.status === 'lost_race')
    base.rival = { id: outcome.rival.info.id, name: outcome.rival.info.name };
  return base;
}

/**
 * How the status table gives way at 80 columns: the review date goes first (a due review is also
 * said below the table), then the name (template@env and gen say the same), then the expiry is cut
 * to its date and a long state to `superseded until <date>…`; template@env is shortened last;
 * gen, id and age are never cut.
 */
const KEY_TABLE_FIT: readonly (ColumnFit | undefined)[] = [
  { shrink: 4, min: 14 },
  undefined,
  { drop: 1 },
  undefined,
  undefined,
  { shrink: 2, min: 11 },
  { shrink: 3, min: 28 },
  { drop: 0 },
];

/** The colour of a state cell: green in service, yellow when something is due, red when stuck. */
function paintState(text: string, column: number, p: Palette): (s: string) => string {
  if (column === 6) {
    if (text.startsWith('pending (interrupted')) return p.bad;
    if (text === 'active') return p.good;
    if (/due\)$/.test(text) || text.startsWith('pending')) return p.warn;
    if (text === 'expired' || text === 'invalidated') return p.dim;
  }
  if (column === 7 && text.endsWith(' DUE')) return p.warn;
  return (s) => s;
}

/** One row per key for status/list, fitted to `out.width` and coloured by `out.palette`. */
export function renderKeyTable(
  views: readonly KeyView[],
  now: Date,
  out: TerminalOutput = { palette: PLAIN },
): string {
  const rows = views.map((v) => {
    let state: string = v.status;
    if (v.status === 'superseded')
      state = `superseded until ${iso(v.supersededUntil)}${v.revokeDue ? ' (revoke due)' : ''}`;
    if (v.status === 'active' && v.rotationDue) state = 'active (rotation due)';
    if (v.stalePending) state = `pending (interrupted; eskeys recover on ${v.createdBy})`;
    return [
      `${v.template}@${v.environment}`,
      String(v.generation),
      v.name,
      maskId(v.id),
      humanizeDuration(v.ageMs),
      v.expiresAt
        ? `${iso(v.expiresAt)}${v.expiresAt > now ? ` (${humanizeDuration(v.expiresAt.getTime() - now.getTime())})` : ''}`
        : 'never',
      state,
      v.reviewDueAt ? `${iso(v.reviewDueAt)}${v.reviewDue ? ' DUE' : ''}` : '',
    ];
  });
  return renderTable(['template@env', 'gen', 'name', 'id', 'age', 'expires', 'state', 'review'], rows, {
    align: ['left', 'right'],
    fit: KEY_TABLE_FIT,
    ...(out.width !== undefined ? { width: out.width } : {}),
    palette: out.palette,
    paintCell: paintState,
  });
}

/** Machine form of a key view. */
export function keyViewJson(v: KeyView): Record<string, unknown> {
  const d = (x: Date | undefined) => x?.toISOString() ?? null;
  return {
    id: v.id,
    name: v.name,
    template: v.template,
    environment: v.environment,
    generation: v.generation,
    state: v.status,
    created: d(v.createdAt),
    age_ms: v.ageMs,
    expiration: d(v.expiresAt),
    superseded_until: d(v.supersededUntil),
    revoke_due: v.revokeDue,
    rotation_due_at: d(v.rotationDueAt),
    rotation_due: v.rotationDue,
    review_due_at: d(v.reviewDueAt),
    review_due: v.reviewDue,
    created_by: v.createdBy,
    template_hash: v.templateHash,
    stale_pending: v.stalePending,
  };
}
