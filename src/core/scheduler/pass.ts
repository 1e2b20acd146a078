import { mapBounded } from '../bounded-map.js';
import {
  AuthenticationError,
  CancelledError,
  ClusterUnavailableError,
  ExitCode,
  isEskeysError,
  LockedError,
} from '../errors.js';
import type { Clock } from '../ports.js';
import type { ManagedKey } from '../rotation/key-metadata.js';
import { isValidKey } from '../rotation/key-state.js';
import { planRevoke } from '../rotation/plan-revoke.js';
import type { RotationOutcome } from '../rotation/rotate-key.js';
import type { RoleTemplate } from '../templates/schema.js';
import { lanesBySharedFiles } from './lanes.js';
import { type DriftPolicy, decideScope, type ScopeDecision } from './policy.js';
import { type AuditRecord, reviewFacts } from './review.js';

/**
 * One scheduler pass (`eskeys tick`, and each run of `eskeys schedule`): for every environment,
 * recovery first, then one query of its managed keys, then for every template the policy's
 * decision, carried out under the scope's lock with the same runners as `rotate`, `revoke`
 * and `recover`. A failure in one scope is recorded and the pass goes on; the pass's exit
 * code is the most severe of all.
 */

/** A template of the project, loaded (or the error that kept it from loading). */
export interface PassTemplate {
  readonly name: string;
  readonly template?: RoleTemplate;
  readonly hash?: string;
  /** Why it could not be loaded (the scopes of this template fail with its exit code). */
  readonly error?: { readonly message: string; readonly exitCode: number };
}

/** What recovery did with one interrupted rotation. */
export interface PassRecovery {
  readonly template: string;
  readonly environment: string;
  readonly rotation: string;
  /** `planned` on a dry run; `locked` when the rotation is still running on this host. */
  readonly outcome: 'rolled_back' | 'recovered' | 'planned' | 'locked' | 'failed';
  readonly decision?: 'roll_back' | 'roll_forward';
  /** The decision's reason, or the error. */
  readonly reason: string;
  readonly actions: readonly string[];
  readonly interruptedAt?: string;
  readonly exitCode: number;
}

/** The scope's lock. */
export interface PassLock {
  release(): Promise<void> | void;
}

/**
 * One environment's connection and runners, opened once per pass. Implemented by
 * core/use-cases/pass-session.ts over the rotation services; tests may script it.
 */
export interface EnvironmentSession {
  /** Rolls back or forward the journal's interrupted rotations of this environment (of `templates` when given). */
  recover(opts: { templates?: readonly string[]; dryRun: boolean }): Promise<PassRecovery[]>;
  /** Every managed key of the environment, any state (one query). */
  findKeys(): Promise<ManagedKey[]>;
  /** The managed keys of one template (re-read under the lock). */
  findScopeKeys(template: string): Promise<ManagedKey[]>;
  /** Takes the scope's rotation lock; throws LockedError when another process holds it. */
  lock(scope: string): Promise<PassLock>;
  /** Rotates (or creates) without asking, through the rotate/create use case `eskeys rotate`/`create` run. */
  rotate(
    template: RoleTemplate,
    mode: 'create' | 'rotate',
    keys: readonly ManagedKey[],
  ): Promise<RotationOutcome>;
  /** Invalidates superseded keys past their grace, audited, as `eskeys revoke --due`. */
  revoke(keys: readonly ManagedKey[]): Promise<void>;
  /** Records a `review.due` audit event. */
  remindReview(decision: ScopeDecision): Promise<void>;
  /**
   * The env files a rotation of `template` publishes to here (absolute paths), so that
   * `--concurrency` never runs two rotations of one file at once (see lanes.ts). Absent: every
   * template is taken to have files of its own.
   */
  envFilesOf?(template: RoleTemplate): readonly string[];
  close(): Promise<void>;
}

/** Ports of a pass. */
export interface PassPorts {
  readonly clock: Clock;
  /** Aborted on SIGINT/SIGTERM: the scope in progress finishes safely, the others are skipped. */
  readonly signal?: AbortSignal;
  openEnvironment(environment: string): Promise<EnvironmentSession>;
  /** The audit log's records (review facts). */
  auditRecords(): Promise<readonly AuditRecord[]>;
  /** Progress and warnings for the operator (stderr). */
  warn(message: string): void;
  /**
   * A scope is starting: the `started`-th of `total` (every template in every environment), for
   * an `n/N` counter. Absent: nobody watches.
   */
  progress?(started: number, total: number, scope: string): void;
}

/** What the pass is asked to do. */
export interface PassInput {
  readonly environments: readonly string[];
  readonly templates: readonly PassTemplate[];
  /** Only these templates were asked for (`--template`): keys of other templates are left alone. */
  readonly narrowed: boolean;
  readonly dryRun: boolean;
  readonly createMissing: boolean;
  readonly drift: DriftPolicy;
  /**
   * Scopes of one environment handled at once (`--concurrency`): each takes its own lock and
   * runs its own rotation; reports keep template order. @defaultValue 1
   */
  readonly concurrency?: number;
}

/** How a scope ended. */
export type ScopeStatus =
  | 'rotated'
  | 'created'
  | 'would_rotate'
  | 'would_create'
  | 'up_to_date'
  | 'missing'
  | 'skipped'
  | 'failed'
  | 'no_template';

/** A key named in a report (never its secret). */
export interface KeyRef {
  readonly id: string;
  readonly name: string;
  readonly generation?: number;
}

/** The outcome of one scope. */
export interface ScopeReport {
  readonly template: string;
  readonly environment: string;
  readonly status: ScopeStatus;
  /** One line: why (reason for a rotation, a skip or a failure; next rotation when up to date). */
  readonly reason: string;
  readonly decision?: ScopeDecision;
  readonly newKey?: KeyRef;
  /** For a rotation: until when the previous key stays valid. */
  readonly oldKeyUntil?: Date;
  /** Revoked (or, on a dry run, to be revoked). */
  readonly revoked: readonly KeyRef[];
  /** A `review.due` reminder was recorded (or would be, on a dry run). */
  readonly reminded: boolean;
  readonly warnings: readonly string[];
  readonly exitCode: number;
  /**
   * The scope failed because the cluster could not be reached or refused the admin's
   * credentials: every later scope of the environment would fail the same way. (A 403 or 400
   * for one template also exits 3, but says nothing about the next template.)
   */
  readonly clusterDown?: boolean;
}

/** The outcome of a pass. */
export interface PassReport {
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly dryRun: boolean;
  readonly recoveries: readonly PassRecovery[];
  readonly scopes: readonly ScopeReport[];
  readonly exitCode: number;
}

/**
 * Exit codes from most to least severe: a half-done rotation needing `recover` first, then a
 * bug, an unreachable cluster, a bad template or config, a failed verification, a stop signal.
 */
const SEVERITY: readonly number[] = [
  ExitCode.partialFailure,
  ExitCode.internal,
  ExitCode.unavailable,
  ExitCode.usage,
  ExitCode.verificationFailed,
  ExitCode.cancelled,
];

/** The most severe of exit codes (0 when all are 0). */
export function mostSevere(codes: readonly number[]): number {
  let best = ExitCode.ok as number;
  let rank = SEVERITY.length;
  for (const c of codes) {
    if (c === ExitCode.ok) continue;
    const r = SEVERITY.indexOf(c);
    const cr = r === -1 ? SEVERITY.length - 1 : r;
    if (cr < rank || best === ExitCode.ok) {
      best = c;
      rank = cr;
    }
  }
  return best;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The exit code an error stands for (a non-eskeys error is a bug: ExitCode.internal). */
function codeOf(error: unknown): number {
  return isEskeysError(error) ? error.exitCode : ExitCode.internal;
}

const ref = (k: ManagedKey): KeyRef => ({ id: k.info.id, name: k.info.name, generation: k.meta.generation });

/** Runs one pass. Never throws for a scope's failure; throws only when its ports are broken beyond a scope. */
export async function runPass(ports: PassPorts, input: PassInput): Promise<PassReport> {
  const startedAt = ports.clock.now();
  const recoveries: PassRecovery[] = [];
  const scopes: ScopeReport[] = [];
  let audit: readonly AuditRecord[] = [];
  try {
    audit = await ports.auditRecords();
  } catch (error) {
    ports.warn(
      `cannot read the audit log (${message(error)}): review reminders are judged from the keys alone`,
    );
  }
  const names = input.templates.map((t) => t.name);
  const total = input.environments.length * input.templates.length;
  let started = 0;

  for (const environment of input.environments) {
    const stopping = () => ports.signal?.aborted === true;
    const failAll = (reason: string, exitCode: number) => {
      for (const t of input.templates) {
        scopes.push(
          bare(t.name, environment, exitCode === ExitCode.cancelled ? 'skipped' : 'failed', reason, exitCode),
        );
      }
    };
    if (stopping()) {
      failAll('stopping: interrupted before this environment', ExitCode.cancelled);
      continue;
    }
    let session: EnvironmentSession;
    try {
      session = await ports.openEnvironment(environment);
    } catch (error) {
      failAll(message(error), codeOf(error));
      continue;
    }
    try {
      // 1. Recovery first: an interrupted rotation is finished or undone before anything else.
      let recovered: PassRecovery[];
      try {
        recovered = await session.recover({
          templates: input.narrowed ? names : undefined,
          dryRun: input.dryRun,
        });
      } catch (error) {
        // The journal could not be read or a recovery broke unexpectedly: nothing in this
        // environment can be judged safely, but the other environments still run.
        failAll(`recovery failed: ${message(error)}`, codeOf(error));
        continue;
      }
      recoveries.push(...recovered);
      const unrecovered = new Map<string, PassRecovery>();
      for (const r of recovered) {
        if (r.outcome === 'locked' || r.outcome === 'failed') unrecovered.set(r.template, r);
      }

      // 2. One query for the whole environment.
      let keys: ManagedKey[];
      try {
        keys = await session.findKeys();
      } catch (error) {
        failAll(message(error), codeOf(error));
        continue;
      }
      const byTemplate = new Map<string, ManagedKey[]>();
      for (const k of keys) {
        const list = byTemplate.get(k.meta.template) ?? [];
        list.push(k);
        byTemplate.set(k.meta.template, list);
      }

      // 3. Every template of the project, up to `concurrency` lanes at a time (templates that
      // share an env file share a lane and run one after the other).
      // An unreachable cluster fails every later scope the same way: say it once per scope, quickly.
      let unreachable: ScopeReport | undefined;
      const scopeOf = async (t: PassTemplate): Promise<ScopeReport> => {
        ports.progress?.(++started, total, `${t.name}@${environment}`);
        if (unreachable) {
          return bare(
            t.name,
            environment,
            'failed',
            `not tried: ${unreachable.reason} (at ${unreachable.template}@${environment})`,
            unreachable.exitCode,
          );
        }
        if (stopping()) {
          return bare(
            t.name,
            environment,
            'skipped',
            'stopping: interrupted before this scope',
            ExitCode.cancelled,
          );
        }
        const blocked = unrecovered.get(t.name);
        if (blocked) {
          return blocked.outcome === 'locked'
            ? bare(t.name, environment, 'skipped', `locked: ${blocked.reason}`, ExitCode.ok)
            : bare(t.name, environment, 'failed', `recovery failed: ${blocked.reason}`, blocked.exitCode);
        }
        if (!t.template || t.error) {
          return bare(
            t.name,
            environment,
            'failed',
            t.error?.message ?? 'template not loaded',
            t.error?.exitCode ?? ExitCode.usage,
          );
        }
        const r = await runScope(
          ports,
          input,
          session,
          audit,
          t.template,
          t.hash!,
          environment,
          byTemplate.get(t.name) ?? [],
        );
        if (r.clusterDown) unreachable ??= r;
        return r;
      };
      const concurrency = input.concurrency ?? 1;
      const lanes =
        concurrency <= 1
          ? [input.templates.map((_, i) => i)]
          : lanesBySharedFiles(
              input.templates.map((t) => (t.template ? (session.envFilesOf?.(t.template) ?? []) : [])),
            );
      const reports = new Array<ScopeReport>(input.templates.length);
      await mapBounded(lanes, concurrency, async (lane) => {
        for (const i of lane) reports[i] = await scopeOf(input.templates[i]!);
      });
      scopes.push(...reports);

      // Keys of templates the project no longer declares: reported, and past-grace ones revoked.
      if (!input.narrowed) {
        for (const [name, list] of [...byTemplate].sort(([a], [b]) => a.localeCompare(b))) {
          if (names.includes(name)) continue;
          scopes.push(await runOrphanScope(ports, input, session, name, environment, list));
        }
      }
    } finally {
      await session.close().catch(() => undefined);
    }
  }
  const exitCode = mostSevere([...recoveries.map((r) => r.exitCode), ...scopes.map((s) => s.exitCode)]);
  return { startedAt, finishedAt: ports.clock.now(), dryRun: input.dryRun, recoveries, scopes, exitCode };
}

function bare(
  template: string,
  environment: string,
  status: ScopeStatus,
  reason: string,
  exitCode: number,
): ScopeReport {
  return { template, environment, status, reason, revoked: [], reminded: false, warnings: [], exitCode };
}

/** Needs the lock: something will change. */
function mutates(d: ScopeDecision): boolean {
  return d.action === 'rotate' || d.action === 'create' || d.revoke.length > 0 || d.review.remind;
}

async function runScope(
  ports: PassPorts,
  input: PassInput,
  session: EnvironmentSession,
  audit: readonly AuditRecord[],
  template: RoleTemplate,
  hash: string,
  environment: string,
  keys: readonly ManagedKey[],
): Promise<ScopeReport> {
  const scope = `${template.name}@${environment}`;
  const decide = (ks: readonly ManagedKey[], records: readonly AuditRecord[]) =>
    decideScope({
      template,
      templateHash: hash,
      environment,
      keys: ks,
      now: ports.clock.now(),
      review: reviewFacts(records, template.name, environment),
      createMissing: input.createMissing,
      drift: input.drift,
    });
  let decision = decide(keys, audit);
  const report = (status: ScopeStatus, reason: string, extra: Partial<ScopeReport> = {}): ScopeReport => ({
    template: template.name,
    environment,
    status,
    reason,
    decision,
    revoked: [],
    reminded: false,
    warnings: decision.warnings,
    exitCode: ExitCode.ok,
    ...extra,
  });
  if (decision.action === 'blocked') return report('skipped', decision.reason);
  // A dead key in service is an incident, not a quiet "missing": cron alerting must see it (exit 1).
  const deadKey: Partial<ScopeReport> = decision.dead ? { exitCode: ExitCode.verificationFailed } : {};
  if (input.dryRun) {
    const extra = { revoked: decision.revoke.map(ref), reminded: decision.review.remind };
    if (decision.action === 'rotate') return report('would_rotate', decision.reason, extra);
    if (decision.action === 'create') return report('would_create', decision.reason, extra);
    return report(decision.missing ? 'missing' : 'up_to_date', decision.reason, { ...extra, ...deadKey });
  }
  if (!mutates(decision))
    return report(decision.missing ? 'missing' : 'up_to_date', decision.reason, deadKey);

  let lock: PassLock;
  try {
    lock = await session.lock(scope);
  } catch (error) {
    if (error instanceof LockedError) return report('skipped', `locked: ${error.message}`);
    return report('failed', message(error), { exitCode: codeOf(error) });
  }
  const revoked: KeyRef[] = [];
  let reminded = false;
  try {
    // Decide again on fresh facts under the lock: a pass that ran while we waited (or a
    // concurrent tick on this host) may have rotated already; then there is nothing left to do.
    let fresh = await session.findScopeKeys(template.name);
    const records = decision.review.remind ? await ports.auditRecords().catch(() => audit) : audit;
    decision = decide(fresh, records);
    if (decision.action === 'blocked') return report('skipped', decision.reason);
    if (decision.revoke.length > 0) {
      await session.revoke(decision.revoke);
      revoked.push(...decision.revoke.map(ref));
      const gone = new Set(revoked.map((k) => k.id));
      fresh = fresh.map((k) => (gone.has(k.info.id) ? { ...k, info: { ...k.info, invalidated: true } } : k));
    }
    if (decision.review.remind) {
      await session.remindReview(decision);
      reminded = true;
    }
    const done = { revoked, reminded };
    if (decision.action !== 'rotate' && decision.action !== 'create') {
      return report(decision.missing ? 'missing' : 'up_to_date', decision.reason, { ...done, ...deadKey });
    }
    if (ports.signal?.aborted) {
      return report('skipped', 'stopping: interrupted before the rotation', {
        ...done,
        exitCode: ExitCode.cancelled,
      });
    }
    const outcome = await session.rotate(template, decision.action, fresh);
    if (outcome.status !== 'completed' && ports.signal?.aborted) {
      // The stop signal cut the rotation short (its restart hook is killed): it rolled back.
      return report('skipped', `stopping: the rotation of ${outcome.key.name} was rolled back`, {
        ...done,
        exitCode: ExitCode.cancelled,
      });
    }
    switch (outcome.status) {
      case 'completed':
        return report(decision.action === 'create' ? 'created' : 'rotated', decision.reason, {
          ...done,
          newKey: { id: outcome.key.id, name: outcome.key.name, generation: outcome.key.generation },
          oldKeyUntil: outcome.retired.find((r) => r.until)?.until,
        });
      case 'verify_failed': {
        const failed = outcome.report.results
          .filter((r) => r.verdict !== 'pass')
          .map((r) => `${r.op} (${r.expected})`);
        return report(
          'failed',
          `verification of ${outcome.key.name} failed: ${failed.join(', ')}; the new key was invalidated, consumers untouched`,
          { ...done, exitCode: ExitCode.verificationFailed },
        );
      }
      case 'restart_failed':
        return report(
          'failed',
          `${outcome.detail}; env files restored, the new key was invalidated, the old key is still in service`,
          { ...done, exitCode: ExitCode.verificationFailed },
        );
      case 'lost_race':
        return report(
          'skipped',
          `another host rotated first (${outcome.rival.info.name}); ours was invalidated`,
          done,
        );
    }
  } catch (error) {
    const done = { revoked, reminded };
    if (error instanceof LockedError) return report('skipped', error.message, done);
    if (error instanceof CancelledError) {
      return report('skipped', `stopping: ${error.message}`, { ...done, exitCode: ExitCode.cancelled });
    }
    const code = codeOf(error);
    return report('failed', isEskeysError(error) ? message(error) : `internal error: ${message(error)}`, {
      ...done,
      exitCode: code,
      clusterDown: error instanceof ClusterUnavailableError || error instanceof AuthenticationError,
    });
  } finally {
    await lock.release();
  }
}

/** Keys of a template that is not in the templates folder: report them; revoke past-grace ones. */
async function runOrphanScope(
  ports: PassPorts,
  input: PassInput,
  session: EnvironmentSession,
  template: string,
  environment: string,
  keys: readonly ManagedKey[],
): Promise<ScopeReport> {
  const now = ports.clock.now();
  const valid = keys.filter((k) => isValidKey(k, now));
  const due = planRevoke(keys, { kind: 'due' }, now).revoke;
  const reason =
    valid.length === 0
      ? 'no template in the templates folder; no valid key left'
      : `no template in the templates folder; ${valid.length} valid key(s) (${valid.map((k) => k.info.name).join(', ')}) are neither rotated nor reviewed`;
  const base = bare(template, environment, 'no_template', reason, ExitCode.ok);
  if (due.length === 0 || input.dryRun) return { ...base, revoked: due.map(ref) };
  let lock: PassLock | undefined;
  try {
    lock = await session.lock(`${template}@${environment}`);
    // Fresh facts under the lock, as for any scope: a concurrent pass may have revoked them.
    const fresh = planRevoke(
      await session.findScopeKeys(template),
      { kind: 'due' },
      ports.clock.now(),
    ).revoke;
    await session.revoke(fresh);
    return { ...base, revoked: fresh.map(ref) };
  } catch (error) {
    if (error instanceof LockedError)
      return { ...base, status: 'skipped', reason: `locked: ${error.message}` };
    return { ...base, status: 'failed', reason: message(error), exitCode: codeOf(error) };
  } finally {
    await lock?.release();
  }
}
