import cron from 'node-cron';
import type { CronPort, CronTask } from '../../core/scheduler/loop.js';

/**
 * The scheduler's cron port on node-cron 4. node-cron only fires: overlap, stop and the pass
 * itself are the core loop's (src/core/scheduler/loop.ts), so its own overlap prevention and
 * distributed coordination stay off. Its warnings (a missed firing after a blocked event loop)
 * go to `onWarning` instead of the console.
 */
export function nodeCronPort(onWarning: (message: string) => void): CronPort {
  const logger = {
    info() {},
    debug() {},
    warn: (m: string) => onWarning(`cron: ${m}`),
    error: (m: string | Error) => onWarning(`cron: ${m instanceof Error ? m.message : m}`),
  };
  return {
    start(expression, fire, opts): CronTask {
      const task = cron.schedule(expression, () => fire(), {
        name: 'eskeys-tick',
        timezone: opts.timezone,
        noOverlap: false,
        logger,
      });
      return {
        stop: () => {
          void task.destroy();
        },
        nextRun: () => task.getNextRun() ?? undefined,
      };
    },
  };
}

/**
 * Checks a cron expression (5 fields, or 6 with seconds first) and an optional IANA time
 * zone; returns what is wrong, or undefined when both are fine.
 */
export function checkCronExpression(expression: string, timezone?: string): string | undefined {
  const detail = cron.validateDetailed(expression);
  if (!detail.valid) {
    const errors = detail.errors.map((e) =>
      e.field === 'expression' ? e.message : `${e.field}: ${e.message}`,
    );
    return `"${expression}" is not a cron expression (${errors.join('; ')}); expected 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "17 * * * *"`;
  }
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      return `"${timezone}" is not an IANA time zone (e.g. "UTC", "Europe/Paris")`;
    }
  }
  return undefined;
}
