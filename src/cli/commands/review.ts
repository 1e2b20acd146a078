import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { JsonlAuditLog } from '../../adapters/audit/jsonl-audit-log.js';
import { FolderSyncError, writeFileAtomic } from '../../adapters/fs/atomic-write.js';
import { ConfigError, ExitCode, PartialFailureError, ReportedError, UsageError } from '../../core/errors.js';
import { LEARN_REPORT_SUFFIX } from '../../core/learn/report.js';
import type { Reporter } from '../../core/ports.js';
import type { AuditLogInput } from '../../core/review/evidence.js';
import { decisionLabel } from '../../core/review/findings.js';
import { type LearnedInput, parseLearnReport } from '../../core/review/learned.js';
import type { ReviewDocument } from '../../core/review/types.js';
import { resolveEnvironment } from '../../core/templates/load-template.js';
import {
  type AdminClusterAccess,
  type LiveKeyAccess,
  recordSignOff,
  reviewProject,
} from '../../core/use-cases/review.js';
import { actorName } from '../actor.js';
import type { CliContext } from '../context.js';
import { type DeployedKeyOptions, readKey, resolveVerifyConnection } from '../deployed-key.js';
import { testProbeRetry } from '../probe-retry.js';
import {
  addClusterOptions,
  type ClusterFlags,
  connectionFor,
  environmentName,
  loadProject,
  type Project,
} from '../project.js';
import { renderReviewHtml } from '../render/review-html.js';
import { reviewJson } from '../render/review-json.js';
import { renderReviewMarkdown } from '../render/review-markdown.js';

/** Output formats of `eskeys review`. */
export type ReviewFormat = 'markdown' | 'json' | 'html';

/** Options of `eskeys review` (flags as parsed). */
export interface ReviewOptions extends ClusterFlags {
  /** Templates (names or files); empty = every template in the templates directory. */
  readonly templates: readonly string[];
  /** @defaultValue `markdown` */
  readonly format: ReviewFormat;
  /** Write the document here (atomically) instead of stdout. */
  readonly out?: string;
  /** Probe the deployed keys now and embed the results. @defaultValue false */
  readonly live?: boolean;
  /** Live probes with the key alone, even when admin credentials are configured. @defaultValue false */
  readonly keyOnly?: boolean;
  /** Read the deployed key from this variable (one template only). */
  readonly keyEnv?: string;
  /** Read the deployed key from this env file (one template only). */
  readonly envFile?: string;
  /** Never connect: templates and the audit log only. @defaultValue false */
  readonly offline?: boolean;
  /** Reviewer name: record the review as `review.completed` in the audit log. */
  readonly signOff?: string;
  /**
   * Learn reports (`eskeys learn`) as evidence of the access used; empty = the
   * `<template>.learn-report.json` beside each reviewed template file, when there is one.
   */
  readonly learned?: readonly string[];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `eskeys review [--template NAME]... [--env ENV] [--live] [--format markdown|json|html] [--out FILE] [--sign-off NAME]`. */
export function reviewCommand(
  ctx: CliContext,
  run: (ctx: CliContext, opts: ReviewOptions) => Promise<void> = runReview,
): Command {
  const cmd = new Command('review')
    .description(
      'least-privilege review document per service identity: access required and not required, enforcement, evidence, findings and a decision',
    )
    .addOption(
      new Option(
        '-t, --template <name>',
        'template name or file (repeatable; default: every template in the templates directory)',
      ).argParser(collect),
    )
    .option('--live', 'probe the deployed keys now (as `eskeys verify` does) and embed the results')
    .option('--key-only', 'live probes with the key alone, even when admin credentials are configured')
    .option('--key-env <var>', 'with --live and one template: read the key from this environment variable')
    .option('--env-file <file>', 'with --live and one template: read the key from this env file')
    .option('--offline', 'do not connect: templates and the audit log only')
    .addOption(
      new Option(
        '--learned <file>',
        'learn report (eskeys learn) as evidence of the access used (repeatable; default: NAME.learn-report.json beside each template)',
      ).argParser(collect),
    )
    .addOption(
      new Option('--format <format>', 'document format (html: one self-contained page)').choices([
        'markdown',
        'json',
        'html',
      ]),
    )
    .option('--json', 'same as --format json')
    .option('-o, --out <file>', 'write the document to a file (atomically) instead of stdout')
    .option(
      '--sign-off <name>',
      'sign the review off as this reviewer: records review.completed in the audit log',
    );
  addClusterOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Without --offline the cluster is asked for the identities' keys when admin credentials are
configured; without them the cluster section says why it is missing.

Decision: any critical or high finding -> changes required; otherwise any medium finding ->
approved with follow-ups; otherwise approved (docs/REVIEW.md lists the rules).`,
  );
  return cmd.action(
    async (
      flags: Omit<ReviewOptions, 'templates' | 'format'> & {
        template?: string[];
        format?: ReviewFormat;
        json?: boolean;
      },
    ) => {
      if (flags.json && flags.format && flags.format !== 'json')
        throw new UsageError(`--json contradicts --format ${flags.format}`);
      if (flags.offline && flags.live) throw new UsageError('--live needs the cluster; drop --offline');
      if ((flags.keyOnly || flags.keyEnv || flags.envFile) && !flags.live)
        throw new UsageError('--key-only, --key-env and --env-file only apply to --live');
      if (flags.keyEnv && flags.envFile)
        throw new UsageError('pass either --key-env or --env-file, not both');
      if ((flags.keyEnv || flags.envFile) && (flags.template ?? []).length !== 1)
        throw new UsageError('--key-env and --env-file name one key: pass exactly one --template');
      if (flags.signOff !== undefined) {
        const name = flags.signOff.trim();
        if (name === '' || name.length > 200 || /[\r\n]/.test(name))
          throw new UsageError('--sign-off needs the reviewer name (one line, up to 200 characters)');
      }
      const { template, json, format, ...rest } = flags;
      await run(ctx, {
        ...rest,
        signOff: flags.signOff?.trim(),
        templates: template ?? [],
        format: json ? 'json' : (format ?? 'markdown'),
      });
    },
  );
}

/** Gathers everything through the review use case, renders the document, records a sign-off; exit 1 when changes are required. */
export async function runReview(ctx: CliContext, opts: ReviewOptions): Promise<void> {
  const project = loadProject(ctx, opts.config);
  const loaded = await project.loadTemplates(opts.templates);
  for (const l of loaded) for (const w of l.warnings) ctx.io.stderr.write(`eskeys: warning: ${w}\n`);
  const environment = environmentName(ctx, opts);
  resolveEnvironment(project.config, environment); // an unknown environment is exit 2 before anything else
  const reporter: Reporter = {
    step: (m) => {
      if (ctx.io.isStdoutTTY) ctx.io.stderr.write(`eskeys: ${m}\n`);
    },
    warn: (m) => ctx.io.stderr.write(`eskeys: warning: ${m}\n`),
  };
  const actor = actorName(ctx.env);
  const learned = await readLearnReports(ctx, project, opts.learned ?? [], loaded);
  const doc = await reviewProject(
    {
      run: ctx,
      reporter,
      readAuditLog: () => readAudit(project),
      openAdminCluster: () => openAdminCluster(ctx, project, opts),
      ...(opts.live ? { live: liveKeyAccess(ctx, project, opts) } : {}),
    },
    { templates: loaded, config: project.config, environment, actor, signOff: opts.signOff, learned },
  );
  const text =
    opts.format === 'json'
      ? JSON.stringify(reviewJson(doc), null, 2) + '\n'
      : opts.format === 'html'
        ? renderReviewHtml(doc)
        : renderReviewMarkdown(doc);

  // Order: the document is written to a temp file, fsynced, renamed into place and its folder
  // fsynced; only then is the sign-off appended to the audit log. An audit entry therefore
  // never exists without its document (a failed write or rename records nothing). If the
  // append fails after the rename, the document is in place without its entries: a partial
  // failure (exit 5) that names the document.
  if (opts.out) {
    await writeOutput(resolve(ctx.cwd, opts.out), text, opts.out);
    if (opts.signOff) {
      try {
        await signOff(ctx, project, doc, opts.signOff, actor, text);
      } catch (error) {
        throw new PartialFailureError(
          `wrote ${opts.out}, but its sign-off could not be recorded in the audit log: ${(error as Error).message}; ${opts.out} says "signed off by ${opts.signOff}" without its review.completed entries: fix the audit log (\`eskeys audit verify\`) and sign off again, or delete ${opts.out}`,
          { cause: error },
        );
      }
    }
    ctx.io.stdout.write(`${summaryLine(doc)}; wrote ${opts.format} document to ${opts.out}\n`);
  } else {
    if (opts.signOff) await signOff(ctx, project, doc, opts.signOff, actor, text);
    ctx.io.stdout.write(text);
  }
  if (doc.decision === 'changes_required') {
    if (!opts.out) ctx.io.stderr.write(`eskeys: ${summaryLine(doc)}\n`);
    throw new ReportedError(ExitCode.verificationFailed);
  }
}

function summaryLine(doc: ReviewDocument): string {
  const c = doc.counts;
  return `review of ${doc.identities.length} identit${doc.identities.length === 1 ? 'y' : 'ies'} in ${doc.environment}: ${decisionLabel(doc.decision)} (${c.critical} critical, ${c.high} high, ${c.medium} medium)`;
}

/**
 * The learn reports: the files named with --learned, or else the `NAME.learn-report.json` that
 * `eskeys learn` writes beside each reviewed template (a template without one has no learned
 * evidence). A named file that is missing, or any report that is not one, is exit 2.
 */
async function readLearnReports(
  ctx: CliContext,
  project: Project,
  named: readonly string[],
  loaded: readonly { readonly file: string }[],
): Promise<LearnedInput[]> {
  const explicit = named.length > 0;
  const paths = explicit
    ? named.map((f) => resolve(ctx.cwd, f))
    : loaded.map((l) => resolve(ctx.cwd, l.file).replace(/(\.json)?$/, LEARN_REPORT_SUFFIX));
  const out: LearnedInput[] = [];
  for (const path of paths) {
    const shown = project.shownPath(path);
    let text: string;
    let writtenAt: Date;
    try {
      text = await readFile(path, 'utf8');
      writtenAt = (await stat(path)).mtime;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!explicit && code === 'ENOENT') continue;
      if (code === 'ENOENT') throw new UsageError(`--learned ${shown}: no such file`);
      throw new ConfigError(`cannot read learn report ${shown}: ${errorMessage(error)}`, { cause: error });
    }
    out.push({ file: shown, report: parseLearnReport(text, shown), writtenAt });
  }
  return out;
}

/** The audit log's verification and text (a missing log is evidence of nothing, not an error). */
async function readAudit(project: Project): Promise<AuditLogInput> {
  const path = project.auditLogPath;
  const log = project.shownPath(path);
  const verification = await JsonlAuditLog.verify(path);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError(`cannot read audit log ${log}: ${(error as Error).message}`, { cause: error });
  }
  return { log, verification, text };
}

/**
 * The admin connection, unless --offline or no admin credentials are configured (then the
 * document's cluster section says why it is missing).
 */
async function openAdminCluster(
  ctx: CliContext,
  project: Project,
  opts: ReviewOptions,
): Promise<AdminClusterAccess> {
  if (opts.offline) return { unavailable: 'not asked (--offline)' };
  let settings: ReturnType<typeof connectionFor>;
  try {
    settings = connectionFor(ctx, project, opts);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    ctx.io.stderr.write(`eskeys: note: no cluster state in the review: ${error.message}\n`);
    return { unavailable: `no admin connection (${error.message})` };
  }
  return { cluster: await ctx.cluster(environmentName(ctx, opts), () => settings) };
}

/** --live: verify's key lookup and connection, from the cluster flags plus verify's own key options. */
function liveKeyAccess(ctx: CliContext, project: Project, opts: ReviewOptions): LiveKeyAccess {
  const {
    templates: _t,
    format: _f,
    out: _o,
    live: _l,
    offline: _x,
    signOff: _s,
    learned: _n,
    ...flags
  } = opts;
  const verifyOpts: DeployedKeyOptions = { ...flags };
  return {
    readKey: (outputs) => readKey(ctx, project, verifyOpts, outputs),
    async connect(key) {
      const { settings, adminAvailable } = resolveVerifyConnection(ctx, project, verifyOpts, key);
      return {
        connection: { cluster: await ctx.connect(settings), adminAvailable },
        clusterUrl: settings.url,
      };
    },
    retry: testProbeRetry(ctx.env),
  };
}

/** Records the sign-off in the audit log and says so on stderr. */
async function signOff(
  ctx: CliContext,
  project: Project,
  doc: ReviewDocument,
  reviewer: string,
  actor: string,
  text: string,
): Promise<void> {
  const path = project.auditLogPath;
  const digest = createHash('sha256').update(text, 'utf8').digest('hex');
  await recordSignOff(new JsonlAuditLog(path, ctx.clock), doc, { reviewer, actor, documentSha256: digest });
  ctx.io.stderr.write(
    `eskeys: signed off by ${reviewer}: ${doc.identities.length} review.completed event${doc.identities.length === 1 ? '' : 's'} in ${project.shownPath(path)} (document sha256 ${digest.slice(0, 12)}…)\n`,
  );
}

/**
 * Writes the document atomically (adapters/fs/atomic-write.ts: temp file with O_EXCL, fsync,
 * rename, folder fsync), mode 0644 narrowed by the umask. A reader never sees half a document,
 * and the document is durable before anything refers to it, so a failed folder fsync fails too.
 */
async function writeOutput(path: string, text: string, shown: string): Promise<void> {
  try {
    await writeFileAtomic(path, text, { mode: 0o644, applyUmask: true });
  } catch (error) {
    if (error instanceof FolderSyncError) {
      throw new ConfigError(
        `cannot write ${shown}: fsync of its folder failed: ${errorMessage(error.cause)}`,
        {
          cause: error,
        },
      );
    }
    throw new ConfigError(`cannot write ${shown}: ${errorMessage(error)}`, { cause: error });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
