import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { JsonlAuditLog } from '../../adapters/audit/jsonl-audit-log.js';
import { ExitCode, ReportedError, UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { loadProject } from '../project.js';
import { writeJson } from '../render/json.js';
import { renderTable } from '../render/table.js';

/** Flags of `eskeys audit verify` / `eskeys audit show`. */
export interface AuditOptions {
  readonly ctx: CliContext;
  /** Log file; default `<state_dir>/audit.jsonl` of the project. */
  readonly log?: string;
  readonly config?: string;
  readonly json: boolean;
  /** `show`: only the last N entries. */
  readonly last?: number;
}

function logPath(opts: AuditOptions): string {
  return opts.log ? resolve(opts.ctx.cwd, opts.log) : loadProject(opts.ctx, opts.config).auditLogPath;
}

/** Checks the hash chain; exit 1 when it is broken (or the log is missing). */
export async function runAuditVerify(opts: AuditOptions): Promise<void> {
  const path = logPath(opts);
  const shown = relative(opts.ctx.cwd, path) || path;
  const result = await JsonlAuditLog.verify(path);
  if (opts.json) writeJson(opts.ctx.io, { log: shown, ...result });
  else if (result.ok) {
    opts.ctx.io.stdout.write(
      `${shown}: ok, ${result.entries} entries, chain intact (last hash ${result.lastHash})\n`,
    );
  } else if (result.entries === 0 && result.brokenAt === undefined) {
    opts.ctx.io.stderr.write(`eskeys: ${shown}: ${result.reason ?? 'empty audit log'}\n`);
  } else {
    opts.ctx.io.stderr.write(
      `eskeys: ${shown}: TAMPERED OR BROKEN${result.brokenAt ? ` at entry ${result.brokenAt}` : ''}: ${result.reason}\n`,
    );
  }
  if (!result.ok) throw new ReportedError(ExitCode.verificationFailed);
}

/** Prints the entries (after verifying the chain, so nothing is shown from a forged log silently). */
export async function runAuditShow(opts: AuditOptions): Promise<void> {
  const path = logPath(opts);
  const result = await JsonlAuditLog.verify(path);
  if (result.entries === 0 && !result.ok)
    throw new UsageError(`no audit log at ${relative(opts.ctx.cwd, path) || path}`);
  const entries = (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { seq: number; time: string; event: Record<string, unknown> });
  const shown = opts.last ? entries.slice(-opts.last) : entries;
  if (opts.json) {
    writeJson(opts.ctx.io, { ok: result.ok, entries: shown });
  } else {
    const rows = shown.map((e) => [
      String(e.seq),
      e.time,
      String(e.event.type ?? ''),
      [e.event.template, e.event.environment].filter(Boolean).join('@'),
      String(e.event.keyId ?? ''),
      String(e.event.actor ?? ''),
    ]);
    opts.ctx.io.stdout.write(renderTable(['seq', 'time', 'event', 'template@env', 'key id', 'actor'], rows));
    if (!result.ok)
      opts.ctx.io.stderr.write(`eskeys: warning: the chain does not verify: ${result.reason}\n`);
  }
  if (!result.ok) throw new ReportedError(ExitCode.verificationFailed);
}

/** `eskeys audit verify|show`: the tamper-evident audit log for reviewers. */
export function auditCommand(ctx: CliContext, verify = runAuditVerify, show = runAuditShow): Command {
  const common = (c: Command) =>
    c
      .addOption(new Option('--log <file>', 'audit log file (default: <state_dir>/audit.jsonl)'))
      .addOption(new Option('--config <file>', 'project config (default ./eskeys.config.json)'))
      .addOption(new Option('--json', 'machine-readable output').default(false));
  const cmd = new Command('audit').description('verify or show the hash-chained audit log');
  common(
    cmd
      .command('verify')
      .description('check the hash chain; exit 1 if any entry was edited, removed or reordered'),
  ).action((raw: { log?: string; config?: string; json: boolean }) => verify({ ctx, ...raw }));
  common(cmd.command('show').description('print the entries (the chain is verified first)'))
    .addOption(
      new Option('--last <n>', 'only the last n entries').argParser((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0)
          throw new UsageError(`--last must be a positive whole number, got ${v}`);
        return n;
      }),
    )
    .action((raw: { log?: string; config?: string; json: boolean; last?: number }) => show({ ctx, ...raw }));
  return cmd;
}
