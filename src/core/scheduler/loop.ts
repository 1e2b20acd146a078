import { ExitCode, isEskeysError } from '../errors.js';
import type { Clock } from '../ports.js';
import type { PassReport } from './pass.js';

/**
 * The long-running scheduler (`eskeys schedule`): a cron expression fires passes, each exactly
 * one tick. Passes never overlap (a firing while one runs is skipped and logged). On the stop
 * signal the cron stops firing, the pass in progress finishes (its rotation completes or rolls
 * back: it sees the same signal), and the loop returns.
 */

/** A started cron schedule. */
export interface CronTask {
  stop(): void;
  /** The next time it fires, when known. */
  nextRun(): Date | undefined;
}

/** The cron library behind a port (the node-cron adapter in production, a fake in tests). */
export interface CronPort {
  /** Calls `fire` every time `expression` matches, from now on. */
  start(expression: string, fire: () => void, opts: { timezone?: string }): CronTask;
}

/** What the loop reports, one event per log line. */
export type ScheduleEvent =
  | {
      readonly kind: 'started';
      readonly at: Date;
      readonly expression: string;
      readonly timezone?: string;
      readonly next?: Date;
    }
  | { readonly kind: 'pass'; readonly n: number; readonly report: PassReport; readonly next?: Date }
  | {
      readonly kind: 'pass_failed';
      readonly n: number;
      readonly at: Date;
      readonly error: string;
      readonly exitCode: number;
      readonly next?: Date;
    }
  | { readonly kind: 'overlap'; readonly at: Date; readonly running: number }
  | { readonly kind: 'stopping'; readonly at: Date; readonly waiting: boolean }
  | { readonly kind: 'stopped'; readonly at: Date; readonly passes: number; readonly exitCode: number };

/** Inputs of the loop. */
export interface ScheduleLoopInput {
  readonly cron: CronPort;
  readonly expression: string;
  readonly timezone?: string;
  /** Run one pass right away instead of waiting for the first firing. */
  readonly runOnStart: boolean;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** One pass; throws only when it could not run at all (a config broken since start). */
  readonly pass: (n: number) => Promise<PassReport>;
  readonly onEvent: (event: ScheduleEvent) => void;
}

/**
 * Runs passes until the signal. Returns the number of passes and the exit code of the stop:
 * 0 after a clean stop, 5 when the pass interrupted by the stop left a rotation half done
 * (`eskeys recover`, or the next pass, finishes it). Failures of earlier passes were logged
 * as they happened and do not make a clean stop fail.
 */
export async function runScheduleLoop(
  input: ScheduleLoopInput,
): Promise<{ passes: number; exitCode: number }> {
  const { signal, clock } = input;
  let passes = 0;
  let running: Promise<number> | undefined;
  let task: CronTask | undefined;
  const fire = () => {
    if (signal.aborted) return;
    if (running) {
      input.onEvent({ kind: 'overlap', at: clock.now(), running: passes });
      return;
    }
    const n = ++passes;
    running = (async () => {
      try {
        const report = await input.pass(n);
        input.onEvent({ kind: 'pass', n, report, next: task?.nextRun() });
        return report.exitCode;
      } catch (error) {
        const exitCode = isEskeysError(error) ? error.exitCode : ExitCode.internal;
        const text = error instanceof Error ? error.message : String(error);
        input.onEvent({
          kind: 'pass_failed',
          n,
          at: clock.now(),
          error: isEskeysError(error) ? text : `internal error: ${text}`,
          exitCode,
          next: task?.nextRun(),
        });
        return exitCode;
      } finally {
        running = undefined;
      }
    })();
  };
  task = input.cron.start(input.expression, fire, { timezone: input.timezone });
  input.onEvent({
    kind: 'started',
    at: clock.now(),
    expression: input.expression,
    timezone: input.timezone,
    next: task.nextRun(),
  });
  if (input.runOnStart) fire();
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  task.stop();
  const inFlight = running;
  input.onEvent({ kind: 'stopping', at: clock.now(), waiting: inFlight !== undefined });
  let exitCode: number = ExitCode.ok;
  if (inFlight) {
    const last = await inFlight;
    if (last === ExitCode.partialFailure) exitCode = ExitCode.partialFailure;
  }
  input.onEvent({ kind: 'stopped', at: clock.now(), passes, exitCode });
  return { passes, exitCode };
}
