import { Command, Option } from 'commander';
import { ConfigError, StoppedError, UsageError } from '../../core/errors.js';
import { type CronPort, runScheduleLoop, type ScheduleEvent } from '../../core/scheduler/loop.js';
import type { PassReport } from '../../core/scheduler/pass.js';
import type { CliContext } from '../context.js';
import { CONFIG_FILE, loadProject } from '../project.js';
import { passJson, passSummary, recoveryLine, scopeText } from '../render/pass-report.js';
import { passEnvironments, tickPass } from '../rotation/pass.js';
import { addPassOptions, driftPolicy, passConcurrency, type TickOptions } from '../rotation/pass-options.js';

/** The default schedule: hourly, at a fixed minute off the top of the hour. */
export const DEFAULT_CRON = '17 * * * *';

/** Flags of `schedule` plus the ports it uses. */
export interface ScheduleOptions extends TickOptions {
  /** @defaultValue scheduler.cron of eskeys.config.json, else {@link DEFAULT_CRON} */
  readonly cron?: string;
  /** @defaultValue scheduler.timezone of eskeys.config.json, else the host's */
  readonly timezone?: string;
  /** commander's `--no-run-on-start`. @defaultValue true */
  readonly runOnStart?: boolean;
  /** One pass; @defaultValue tickPass (tests inject a fake). */
  readonly pass?: (opts: TickOptions) => Promise<PassReport>;
  /** @defaultValue the node-cron adapter */
  readonly cronPort?: CronPort;
}

/** The parts of a pass worth a log line: everything but plain "up to date". */
function notable(report: PassReport) {
  return report.scopes.filter(
    (s) =>
      s.status !== 'up_to_date' ||
      s.revoked.length > 0 ||
      s.reminded ||
      s.warnings.length > 0 ||
      s.decision?.review.due,
  );
}

/** Human log lines of one event, each prefixed with its time (no secrets: reports carry none). */
export function eventLines(e: ScheduleEvent, at: Date): string[] {
  const ts = at.toISOString();
  const next = (d: Date | undefined) => (d ? `; next pass ${d.toISOString()}` : '');
  switch (e.kind) {
    case 'started':
      return [
        `${ts} scheduler started: cron "${e.expression}"${e.timezone ? ` (${e.timezone})` : ''}${next(e.next)}`,
      ];
    case 'pass': {
      const r = e.report;
      const lines = [
        `${r.finishedAt.toISOString()} pass ${e.n}: ${passSummary(r).replace(/^tick: /, '')}${next(e.next)}`,
      ];
      for (const rec of r.recoveries) lines.push(`${r.finishedAt.toISOString()}   ${recoveryLine(rec)}`);
      for (const s of notable(r)) {
        lines.push(
          `${r.finishedAt.toISOString()}   ${s.template}@${s.environment} ${scopeText(s, r.dryRun)}`,
        );
      }
      return lines;
    }
    case 'pass_failed':
      return [`${ts} pass ${e.n} failed (exit ${e.exitCode}): ${e.error}${next(e.next)}`];
    case 'overlap':
      return [`${ts} pass ${e.running} is still running; this firing is skipped (passes never overlap)`];
    case 'stopping':
      return [
        `${ts} stop requested${e.waiting ? ': letting the pass in progress finish (a rotation completes or rolls back)' : ''}`,
      ];
    case 'stopped':
      return [
        `${ts} scheduler stopped after ${e.passes} pass${e.passes === 1 ? '' : 'es'} (exit ${e.exitCode})`,
      ];
  }
}

/** One JSON line per event (NDJSON), for log shippers. */
export function eventJson(e: ScheduleEvent, at: Date): Record<string, unknown> {
  const time = at.toISOString();
  const next = (d: Date | undefined) => d?.toISOString() ?? null;
  switch (e.kind) {
    case 'started':
      return {
        time,
        event: 'started',
        cron: e.expression,
        timezone: e.timezone ?? null,
        next_pass_at: next(e.next),
      };
    case 'pass':
      return {
        time: e.report.finishedAt.toISOString(),
        event: 'pass',
        pass: e.n,
        next_pass_at: next(e.next),
        ...passJson(e.report),
      };
    case 'pass_failed':
      return {
        time,
        event: 'pass_failed',
        pass: e.n,
        error: e.error,
        exit_code: e.exitCode,
        next_pass_at: next(e.next),
      };
    case 'overlap':
      return { time, event: 'overlap_skipped', running_pass: e.running };
    case 'stopping':
      return { time, event: 'stopping', waiting_for_pass: e.waiting };
    case 'stopped':
      return { time, event: 'stopped', passes: e.passes, exit_code: e.exitCode };
  }
}

/**
 * Runs `eskeys schedule`: checks the config and the cron expression once (exit 2 before anything
 * runs), then runs a pass per firing until SIGINT/SIGTERM. Each pass is exactly `eskeys tick`.
 */
export async function runSchedule(opts: ScheduleOptions): Promise<void> {
  const { ctx } = opts;
  driftPolicy(opts.drift);
  passConcurrency(opts.concurrency);
  const project = loadProject(ctx, opts.config);
  const configured = project.config.scheduler;
  const expression = opts.cron ?? configured?.cron ?? DEFAULT_CRON;
  const timezone = opts.timezone ?? configured?.timezone;
  const cronAdapter = await import('../../adapters/cron/node-cron-scheduler.js');
  const problem = cronAdapter.checkCronExpression(expression, timezone);
  if (problem) {
    const from =
      opts.cron !== undefined || opts.timezone !== undefined
        ? '--cron/--timezone'
        : `${CONFIG_FILE}: /scheduler`;
    throw opts.cron !== undefined || opts.timezone !== undefined
      ? new UsageError(`${from}: ${problem}`)
      : new ConfigError(`${from}: ${problem}`);
  }
  // Fail fast on what would fail every pass: an unknown environment, an empty templates folder.
  passEnvironments(ctx, project, opts);
  // A --template that does not load would fail every pass: a service that looks healthy forever.
  if (opts.template) await project.scopeTemplate(opts.template);
  if (!opts.template && (await project.templateNames()).length === 0) {
    throw new ConfigError(
      `no templates in ${project.config.templates_dir}/ (templates_dir of ${CONFIG_FILE}): nothing to schedule`,
    );
  }
  const log = (e: ScheduleEvent) => {
    const at = ctx.clock.now();
    if (opts.json) ctx.io.stdout.write(JSON.stringify(eventJson(e, at)) + '\n');
    else for (const line of eventLines(e, at)) ctx.io.stdout.write(line + '\n');
  };
  const cron =
    opts.cronPort ?? cronAdapter.nodeCronPort((m) => ctx.io.stderr.write(`eskeys: warning: ${m}\n`));
  const { exitCode } = await runScheduleLoop({
    cron,
    expression,
    timezone,
    runOnStart: opts.runOnStart !== false,
    signal: ctx.signal,
    clock: ctx.clock,
    pass: () => (opts.pass ?? tickPass)(opts),
    onEvent: log,
  });
  throw new StoppedError(exitCode);
}

/** `eskeys schedule`: the long-running scheduler (a pass per cron firing until stopped). */
export function scheduleCommand(
  ctx: CliContext,
  run: (opts: ScheduleOptions) => Promise<void> = runSchedule,
): Command {
  const cmd = new Command('schedule').description(
    'run a scheduler pass (eskeys tick) on a cron schedule until SIGINT/SIGTERM',
  );
  addPassOptions(cmd)
    .addOption(
      new Option(
        '--cron <expression>',
        `cron expression, 5 fields or 6 with seconds (default: scheduler.cron of ${CONFIG_FILE}, else "${DEFAULT_CRON}")`,
      ),
    )
    .addOption(new Option('--timezone <tz>', "IANA time zone of the cron expression (default: the host's)"))
    .addOption(
      new Option('--no-run-on-start', 'wait for the first firing instead of running a pass at start'),
    )
    .addHelpText(
      'after',
      '\nLogs one line per pass (with --json: one JSON object per line). On SIGINT/SIGTERM it stops firing, lets the pass in progress finish (a rotation completes or rolls back) and exits 0. See docs/SCHEDULING.md.',
    )
    .action(async (flags: Omit<ScheduleOptions, 'ctx'>) => {
      await run({ ...flags, ctx });
    });
  return cmd;
}
