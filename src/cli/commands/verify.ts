import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { FolderSyncError, writeFileAtomic } from '../../adapters/fs/atomic-write.js';
import { ConfigError, ExitCode, ReportedError, TemplateError, UsageError } from '../../core/errors.js';
import type { Reporter } from '../../core/ports.js';
import type { ProbeReport } from '../../core/probes/types.js';
import { effectiveOutputs } from '../../core/templates/load-template.js';
import { actorName } from '../actor.js';
import type { CliContext } from '../context.js';
import { type DeployedKeyOptions, type KeyUnderTest, probeDeployedKey, readKey } from '../deployed-key.js';
import { terminalOutput } from '../output.js';
import { addClusterOptions, environmentName, loadProject, type Project } from '../project.js';
import type { Palette } from '../render/colour.js';
import { writeJson } from '../render/json.js';
import { renderJUnit } from '../render/junit.js';
import {
  type ProbeRenderContext,
  probeName,
  probeReportJson,
  renderProbeTable,
  summarise,
} from '../render/probe-matrix.js';
import { TEMPLATE_ARGUMENT, templateFrom } from '../template-argument.js';

/** Output formats of `eskeys verify`. */
export type VerifyFormat = 'table' | 'json' | 'junit';

/** Options of `eskeys verify` (flags as parsed; the ports come from the context). */
export interface VerifyOptions extends DeployedKeyOptions {
  /** Template name (in the templates directory) or file. */
  readonly template: string;
  /** @defaultValue `table` on a terminal, `json` otherwise */
  readonly format?: VerifyFormat;
  /** Write the report here instead of stdout (stdout then gets the table). */
  readonly output?: string;
  /**
   * Append the result to the project's audit log (`key.verified` / `key.verify_failed`), so
   * `eskeys review` counts a scheduled or CI verification as evidence. @defaultValue false
   */
  readonly record?: boolean;
  /** Colours of the table on stdout (never of a file). @defaultValue PLAIN */
  readonly palette?: Palette;
}

/** `eskeys verify --template NAME [--env ENV] [--key-env VAR | --env-file FILE] [--format F] [--output FILE]`. */
export function verifyCommand(
  ctx: CliContext,
  run: (ctx: CliContext, opts: VerifyOptions) => Promise<void> = runVerify,
): Command {
  const cmd = new Command('verify')
    .description(
      'probe the deployed key live: what it must do succeeds, what it must not do gets 403 (changes nothing of the consumer)',
    )
    .argument(TEMPLATE_ARGUMENT.name, TEMPLATE_ARGUMENT.description)
    .option('-t, --template <name>', 'role template: a name in the templates directory or a file')
    .option('--key-env <var>', 'read the key from this environment variable (default: the template key_var)')
    .option('--env-file <file>', "read the key from this env file (default: the template's env files)")
    .addOption(new Option('--format <format>', 'report format').choices(['table', 'json', 'junit']))
    .option('--json', 'same as --format json')
    .option('-o, --output <file>', 'write the report to a file (e.g. --format junit --output report.xml)')
    .option('--key-only', 'use only the key under test, even when admin credentials are configured')
    .option('--record', "append the result to the project's audit log, as evidence for `eskeys review`");
  addClusterOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Without admin credentials (the usual CI setup) only probes that need no admin-made resource run
live; the others are answered by _has_privileges and reported as "static".`,
  );
  return cmd.action(
    async (positional: string | undefined, flags: VerifyOptions & { json?: boolean }, command: Command) => {
      const template = templateFrom(positional, flags.template);
      if (template === undefined)
        throw new UsageError('a template is required: eskeys verify NAME (or --template NAME)');
      if (flags.keyEnv && flags.envFile)
        throw new UsageError('pass either --key-env or --env-file, not both');
      if (flags.json && flags.format && flags.format !== 'json')
        throw new UsageError(`--json contradicts --format ${flags.format}`);
      const { json, ...rest } = flags;
      await run(ctx, {
        ...rest,
        template,
        format: json ? 'json' : flags.format,
        palette: terminalOutput(ctx, command).palette,
      });
    },
  );
}

/** Loads the template and key, probes, renders; throws ReportedError(ExitCode.verificationFailed) when a probe failed. */
export async function runVerify(ctx: CliContext, opts: VerifyOptions): Promise<void> {
  const project = loadProject(ctx, opts.config);
  // Names resolve in the templates directory of the project (next to its config); paths against cwd.
  const { template, warnings } = await project.loadTemplate(opts.template);
  for (const w of warnings) ctx.io.stderr.write(`eskeys: warning: ${w}\n`);
  if (template.probes.allow.length + template.probes.deny.length === 0) {
    throw new TemplateError(
      `template ${template.name} declares no probes; list what the key must do in probes.allow and what it must not do in probes.deny`,
    );
  }
  const environment = environmentName(ctx, opts);
  const outputs = effectiveOutputs(template, project.config, environment);
  const key = readKey(ctx, project, opts, outputs);

  const reporter: Reporter = {
    step: (m) => {
      if (ctx.io.isStdoutTTY) ctx.io.stderr.write(`eskeys: ${m}\n`);
    },
    warn: (m) => ctx.io.stderr.write(`eskeys: warning: ${m}\n`),
  };
  const { report } = await probeDeployedKey({
    ctx,
    project,
    opts,
    key,
    template,
    environment,
    reporter,
    describe: (adminAvailable) =>
      `verifying ${template.name} (${environment}) with ${key.source}${adminAvailable ? '' : ' (key only: no admin credentials)'}`,
  });
  await render(ctx, opts, report, { keySource: key.source });
  const bad = report.results.filter((r) => r.verdict !== 'pass');
  // Only busy answers among the non-passing probes: the key was not judged, the cluster was.
  const inconclusiveOnly = bad.length > 0 && bad.every((r) => r.verdict === 'inconclusive');
  if (opts.record && !inconclusiveOnly)
    await recordVerification(ctx, project, template.name, environment, key, report);
  if (inconclusiveOnly) {
    ctx.io.stderr.write(
      `eskeys: the cluster was busy: ${bad.length} of ${report.results.length} probes inconclusive after retries (${bad.map(probeName).join(', ')}); nothing was proven about them, run verify again later${opts.record ? ' (not recorded)' : ''}\n`,
    );
    throw new ReportedError(ExitCode.unavailable);
  }
  if (!report.passed) {
    ctx.io.stderr.write(
      `eskeys: ${bad.length} of ${report.results.length} probes did not pass: ${bad.map(probeName).join(', ')}\n`,
    );
    throw new ReportedError(ExitCode.verificationFailed);
  }
}

async function render(ctx: CliContext, opts: VerifyOptions, report: ProbeReport, rc: ProbeRenderContext) {
  const format: VerifyFormat = opts.format ?? (ctx.io.isStdoutTTY ? 'table' : 'json');
  const text =
    format === 'junit'
      ? renderJUnit(report, rc)
      : format === 'json'
        ? JSON.stringify(probeReportJson(report, rc), null, 2) + '\n'
        : renderProbeTable(report, rc);
  if (opts.output) {
    const path = resolve(ctx.cwd, opts.output);
    try {
      // Atomic (temp file, fsync, rename, folder fsync), so CI never reads half a report. The mode
      // is what a plain write gives: a replaced report keeps its own, a new one 0666 narrowed by
      // the umask.
      const existing = await stat(path).catch(() => undefined);
      await writeFileAtomic(
        path,
        text,
        existing?.isFile() ? { mode: existing.mode & 0o777 } : { mode: 0o666, applyUmask: true },
      );
    } catch (error) {
      const cause = error instanceof FolderSyncError ? error.cause : error;
      throw new ConfigError(`cannot write ${opts.output}: ${(cause as Error).message}`, { cause: error });
    }
    // The file holds the machine report; the log gets the human matrix.
    ctx.io.stdout.write(renderProbeTable(report, rc, opts.palette));
    const s = summarise(report);
    ctx.io.stderr.write(`eskeys: wrote ${format} report (${s.total} probes) to ${opts.output}\n`);
    return;
  }
  if (format === 'table') {
    ctx.io.stdout.write(renderProbeTable(report, rc, opts.palette));
    return;
  }
  if (format === 'json') writeJson(ctx.io, probeReportJson(report, rc));
  else ctx.io.stdout.write(text);
}

/**
 * `--record`: one audit event with the outcome (never the key: its id, where it was read from,
 * the failed probes). Written after the report, so a failure to record is reported on its own.
 */
async function recordVerification(
  ctx: CliContext,
  project: Project,
  template: string,
  environment: string,
  key: KeyUnderTest,
  report: ProbeReport,
): Promise<void> {
  const { JsonlAuditLog } = await import('../../adapters/audit/jsonl-audit-log.js');
  const failed = report.results.filter((r) => r.verdict !== 'pass').map(probeName);
  await new JsonlAuditLog(project.auditLogPath, ctx.clock).append({
    type: report.passed ? 'key.verified' : 'key.verify_failed',
    template,
    environment,
    keyId: key.id,
    actor: actorName(ctx.env),
    details: {
      by: 'eskeys verify',
      source: key.source,
      probes: report.results.length,
      ...(failed.length > 0 ? { failed } : {}),
    },
  });
}
