import { execFile } from 'node:child_process';
import path from 'node:path';
import { Command, Option } from 'commander';
import { diffTemplates, type TemplateChange, type TemplateDiff } from '../../core/diff/diff.js';
import { ExitCode, ReportedError, TemplateError, UsageError } from '../../core/errors.js';
import { parseTemplate } from '../../core/templates/index.js';
import type { CliContext } from '../context.js';
import type { IO } from '../io.js';
import { formatWithJson, jsonOption } from '../json-flag.js';
import { writeJson } from '../render/json.js';
import { openWorkspace } from '../workspace.js';

/** Reads a file as it was at a git revision (`git show REV:./file`); the CLI's only git use. */
export type GitShow = (rev: string, absolutePath: string) => Promise<string>;

/** Options of `eskeys diff`. */
export interface DiffOptions {
  readonly io: IO;
  readonly cwd: string;
  /** OLD and NEW templates, or one template with `git`. */
  readonly templates: readonly string[];
  /** `REV` (old = REV, new = working tree) or `A..B`. */
  readonly git?: string;
  /** @defaultValue 'text' */
  readonly format: 'text' | 'json' | 'markdown';
  readonly gitShow: GitShow;
  /** `--config` or ESKEYS_CONFIG: the project config (templates_dir); default ./eskeys.config.json. */
  readonly config?: string;
}

/** `git show REV:./name` run in the file's directory, so paths are relative to it. */
export const gitShowFile: GitShow = (rev, absolutePath) =>
  new Promise((resolve, reject) => {
    execFile(
      'git',
      ['show', `${rev}:./${path.basename(absolutePath)}`],
      { cwd: path.dirname(absolutePath), maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const reason = (stderr || error.message).trim().split('\n')[0] ?? 'git failed';
          reject(new UsageError(`cannot read ${path.basename(absolutePath)} at ${rev}: ${reason}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });

/** `eskeys diff OLD NEW` and `eskeys diff TEMPLATE --git REV[..REV]`. */
export function diffCommand(ctx: CliContext, run: (opts: DiffOptions) => Promise<void> = runDiff): Command {
  return new Command('diff')
    .description('access a template change adds and removes, in privileges, operations and actions')
    .argument('<templates...>', 'OLD.json NEW.json, or one template with --git')
    .option('--git <rev>', 'compare the template at REV with the working tree, or at A..B')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'),
    )
    .addOption(jsonOption())
    .addOption(
      new Option('--config <file>', 'project config (default ./eskeys.config.json; env ESKEYS_CONFIG)'),
    )
    .action(
      async (
        templates: string[],
        flags: { git?: string; format: DiffOptions['format']; json?: boolean; config?: string },
        cmd: Command,
      ) => {
        if (flags.git !== undefined) {
          if (templates.length !== 1) throw new UsageError('with --git, give exactly one template');
          if (flags.git.trim() === '' || flags.git.startsWith('-'))
            throw new UsageError('--git needs a revision');
        } else if (templates.length !== 2) {
          throw new UsageError('give OLD and NEW templates, or one template with --git REV');
        }
        await run({
          io: ctx.io,
          cwd: ctx.cwd,
          templates,
          ...(flags.git !== undefined ? { git: flags.git } : {}),
          format: formatWithJson(cmd, flags),
          gitShow: gitShowFile,
          config: flags.config ?? ctx.env.ESKEYS_CONFIG,
        });
      },
    );
}

async function readVersions(
  opts: DiffOptions,
): Promise<{ old: { text: string; file: string }; new: { text: string; file: string } }> {
  const { workspace } = await openWorkspace(opts.cwd, opts.config);
  if (opts.git === undefined) {
    const [oldPath, newPath] = await Promise.all(
      opts.templates.map(async (t) => (await workspace.resolveTemplatePaths([t]))[0]!),
    );
    const [o, n] = await Promise.all([
      workspace.readTemplateSource(oldPath!),
      workspace.readTemplateSource(newPath!),
    ]);
    return { old: o, new: n };
  }
  const [abs] = await workspace.resolveTemplatePaths(opts.templates).catch(async (e) => {
    // The template may exist only in history (deleted in the working tree).
    if (!(e instanceof UsageError)) throw e;
    return [path.resolve(opts.cwd, opts.templates[0]!)];
  });
  const shown = path.relative(opts.cwd, abs!).split(path.sep).join('/') || abs!;
  const range = opts.git.split('..');
  if (range.length > 2 || range.some((r) => r === ''))
    throw new UsageError(`--git: "${opts.git}" is not REV or A..B`);
  const [fromRev, toRev] = range as [string, string | undefined];
  const oldText = await opts.gitShow(fromRev, abs!);
  const newText =
    toRev === undefined ? (await workspace.readTemplateSource(abs!)).text : await opts.gitShow(toRev, abs!);
  return {
    old: { text: oldText, file: `${shown}@${fromRev}` },
    new: { text: newText, file: toRev === undefined ? shown : `${shown}@${toRev}` },
  };
}

/** Diffs two versions of a template and renders the changes; exit 1 when access is added. */
export async function runDiff(opts: DiffOptions): Promise<void> {
  const versions = await readVersions(opts);
  const problems: string[] = [];
  const parse = (v: { text: string; file: string }) => {
    try {
      return parseTemplate(v.text, v.file);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const oldT = parse(versions.old);
  const newT = parse(versions.new);
  if (!oldT || !newT) {
    for (const p of problems) opts.io.stderr.write(`eskeys: ${p}\n`);
    throw new ReportedError(ExitCode.usage);
  }
  const diff = diffTemplates(
    { template: oldT.template, file: versions.old.file },
    { template: newT.template, file: versions.new.file },
  );
  if (opts.format === 'json') writeJson(opts.io, diffToJson(diff));
  else opts.io.stdout.write(opts.format === 'markdown' ? renderDiffMarkdown(diff) : renderDiffText(diff));
  if (diff.addsAccess) throw new ReportedError(ExitCode.verificationFailed);
}

const SIGN: Readonly<Record<TemplateChange['direction'], string>> = {
  added: '+',
  removed: '-',
  changed: '~',
};

function title(diff: TemplateDiff): string {
  const name = diff.old.name === diff.new.name ? diff.new.name : `${diff.old.name} → ${diff.new.name}`;
  return `${name}: ${diff.old.file} → ${diff.new.file}`;
}

function verdict(diff: TemplateDiff): string {
  if (diff.changes.length === 0) return 'no changes in access or lifecycle';
  return diff.addsAccess ? 'this change ADDS access' : 'this change adds no access';
}

/** Plain text: one line per change, `+` adds, `-` removes, `~` changes; `!` marks what widens. */
export function renderDiffText(diff: TemplateDiff): string {
  const lines = [title(diff)];
  for (const c of diff.changes) lines.push(`${c.widens ? '!' : ' '}${SIGN[c.direction]} ${c.summary}`);
  lines.push(verdict(diff));
  return lines.join('\n') + '\n';
}

/** Wraps action names and index patterns in code spans (a bare `*` would start emphasis). */
function codeSpans(text: string): string {
  return text.replace(/[^\s,()]*[:*/][^\s,()]*/g, (token) => {
    const trailing = token.endsWith(':') ? ':' : '';
    const body = trailing ? token.slice(0, -1) : token;
    return body === '' ? token : `\`${body}\`${trailing}`;
  });
}

/** Markdown for pull-request comments. */
export function renderDiffMarkdown(diff: TemplateDiff): string {
  const out = [`### eskeys diff: ${title(diff)}`, ''];
  const section = (heading: string, changes: readonly TemplateChange[]) => {
    if (changes.length === 0) return;
    out.push(`**${heading}**`, '');
    for (const c of changes) out.push(`- ${c.widens ? '⚠️ ' : ''}${codeSpans(c.summary)}`);
    out.push('');
  };
  section(
    'Added',
    diff.changes.filter((c) => c.direction === 'added'),
  );
  section(
    'Removed',
    diff.changes.filter((c) => c.direction === 'removed'),
  );
  section(
    'Changed',
    diff.changes.filter((c) => c.direction === 'changed'),
  );
  out.push(`_${verdict(diff)}_`);
  return out.join('\n') + '\n';
}

/** The JSON form of a diff. */
export function diffToJson(diff: TemplateDiff): unknown {
  return {
    old: diff.old,
    new: diff.new,
    adds_access: diff.addsAccess,
    changes: diff.changes.map((c) => ({
      direction: c.direction,
      kind: c.kind,
      summary: c.summary,
      widens: c.widens,
      subject: c.subject,
      ...(c.patterns ? { patterns: c.patterns } : {}),
      ...(c.actions ? { actions: c.actions } : {}),
      ...(c.operations ? { operations: c.operations } : {}),
      ...(c.from !== undefined ? { from: c.from, to: c.to } : {}),
    })),
  };
}
