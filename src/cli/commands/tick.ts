import { Command } from 'commander';
import { ExitCode, ReportedError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { writeJson } from '../render/json.js';
import { passJson, renderPass } from '../render/pass-report.js';
import { tickPass } from '../rotation/pass.js';
import { addPassOptions, type TickOptions } from '../rotation/pass-options.js';

/** Runs `eskeys tick`: one pass, its summary, the most severe exit code. */
export async function runTick(opts: TickOptions): Promise<void> {
  const report = await tickPass(opts);
  if (opts.json) writeJson(opts.ctx.io, passJson(report));
  else opts.ctx.io.stdout.write(renderPass(report));
  if (report.exitCode !== ExitCode.ok) throw new ReportedError(report.exitCode);
}

/** `eskeys tick`: one scheduler pass (for system cron, a Kubernetes CronJob, a CI schedule). */
export function tickCommand(ctx: CliContext, run: (opts: TickOptions) => Promise<void> = runTick): Command {
  const cmd = new Command('tick').description(
    'one scheduler pass: recover interrupted rotations, rotate due keys, revoke keys past grace, record review reminders',
  );
  addPassOptions(cmd)
    .addHelpText('after', '\nSee docs/SCHEDULING.md.')
    .action(async (flags: Omit<TickOptions, 'ctx'>) => {
      await run({ ...flags, ctx });
    });
  return cmd;
}
