import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, TemplateError, UsageError } from '../../core/errors.js';
import { isLearnOutputFile } from '../../core/learn/report.js';
import { CONFIG_FILE } from '../../core/ports/workspace.js';
import {
  type CheckedDocument,
  checkTemplate,
  DEFAULT_PROJECT_CONFIG,
  formatDocumentProblem,
  type LoadedTemplate,
  type ProjectConfig,
  parseProjectConfig,
  parseTemplate,
  type RoleTemplate,
  templateBaseName,
} from '../../core/templates/index.js';
import { didYouMean } from '../../core/templates/suggest.js';
import { readUserFile, readUserFileSync } from './user-file.js';

/**
 * Reading role templates and eskeys.config.json from disk, for the workspace (fs-workspace.ts).
 * Core stays pure (it parses text); this module finds files: a template is named by path (`roles/x.json`,
 * `./x.json`) or by name (`email-search` → `<templates_dir>/email-search.json`), and no
 * argument means every template in the templates directory.
 */

/** A file as read for a command: the name shown to the user and its text. */
export interface TemplateSource {
  /** Path relative to cwd (forward slashes) when inside it, else absolute. */
  readonly file: string;
  readonly absolutePath: string;
  readonly text: string;
}

/** The path shown to users: relative to cwd when inside it, with forward slashes. */
export function displayPath(cwd: string, absolutePath: string): string {
  const rel = path.relative(cwd, absolutePath);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return absolutePath;
  return rel.split(path.sep).join('/');
}

async function kindOf(p: string): Promise<'file' | 'dir' | 'loop' | undefined> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : undefined;
  }
}

/** eskeys.config.json as found for a command, with the folder relative paths in it resolve against. */
export interface FoundProjectConfig {
  readonly config: ProjectConfig;
  /** Folder of the config file (cwd when there is none): templates_dir and outputs resolve against it. */
  readonly root: string;
  /** Absolute path of the config file, when one was read. */
  readonly path?: string;
  /** How messages name the file: as given (`--config`/ESKEYS_CONFIG) or `eskeys.config.json`. */
  readonly file?: string;
  readonly warnings: readonly string[];
}

/**
 * The one reader of eskeys.config.json: the explicit file (`--config`, ESKEYS_CONFIG) or
 * ./eskeys.config.json when present, else the defaults. Invalid → TemplateError naming the
 * field; explicit but missing or unreadable → ConfigError (both exit 2). Synchronous: it runs
 * once per command, before anything else can happen.
 */
export function findProjectConfig(cwd: string, explicit?: string): FoundProjectConfig {
  const abs = explicit ? path.resolve(cwd, explicit) : path.join(cwd, CONFIG_FILE);
  const file = explicit ?? CONFIG_FILE;
  const text = readUserFileSync(abs, file, 'config');
  if (text === undefined) {
    if (explicit) throw new ConfigError(`config file ${explicit} does not exist`);
    return { config: DEFAULT_PROJECT_CONFIG, root: cwd, warnings: [] };
  }
  const { config, warnings } = parseProjectConfig(text, file);
  return { config, root: path.dirname(abs), path: abs, file, warnings };
}

/** The templates folder of a project, as a path relative to cwd when inside it (for messages). */
export function templatesDirOf(found: Pick<FoundProjectConfig, 'config' | 'root'>, cwd: string): string {
  return displayPath(cwd, path.resolve(found.root, found.config.templates_dir));
}

/**
 * Reads the project config for the template verbs (lint, matrix, diff): see findProjectConfig.
 * `templatesDir` is the templates folder relative to cwd, ready for resolveTemplatePaths.
 */
export async function readProjectConfig(
  cwd: string,
  explicit?: string,
): Promise<FoundProjectConfig & { templatesDir: string }> {
  const found = findProjectConfig(cwd, explicit);
  return { ...found, templatesDir: templatesDirOf(found, cwd) };
}

async function jsonFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json') && !isLearnOutputFile(e.name))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/**
 * Resolves template references to absolute paths: files, directories (their *.json),
 * or bare names in the templates directory. No references = the whole templates directory.
 */
export async function resolveTemplatePaths(
  refs: readonly string[],
  cwd: string,
  templatesDir = DEFAULT_PROJECT_CONFIG.templates_dir,
): Promise<string[]> {
  const dir = path.resolve(cwd, templatesDir);
  if (refs.length === 0) {
    if ((await kindOf(dir)) !== 'dir') {
      throw new UsageError(`no templates given and ${templatesDir}/ does not exist; pass template files`);
    }
    const files = await jsonFilesIn(dir);
    if (files.length === 0)
      throw new UsageError(`no templates given and ${templatesDir}/ holds no .json files`);
    return files;
  }
  const out: string[] = [];
  for (const ref of refs) {
    const abs = path.resolve(cwd, ref);
    const kind = await kindOf(abs);
    if (kind === 'file') {
      out.push(abs);
      continue;
    }
    if (kind === 'dir') {
      out.push(...(await jsonFilesIn(abs)));
      continue;
    }
    if (kind === 'loop')
      throw new UsageError(`template file ${ref} is a symlink loop (its links never reach a file)`);
    const isName = !ref.includes('/') && !ref.includes('\\') && !ref.endsWith('.json');
    const byName = path.join(dir, `${ref}.json`);
    const byNameKind = isName ? await kindOf(byName) : undefined;
    if (byNameKind === 'file') {
      out.push(byName);
      continue;
    }
    if (byNameKind === 'dir' || byNameKind === 'loop') {
      throw new UsageError(
        `template "${ref}": ${templatesDir}/${ref}.json is ${byNameKind === 'dir' ? 'a directory, not a file' : 'a symlink loop (its links never reach a file)'}`,
      );
    }
    let hint = '';
    if (isName && (await kindOf(dir)) === 'dir') {
      hint = didYouMean(
        ref,
        (await jsonFilesIn(dir)).map((f) => templateBaseName(f)),
      );
    }
    throw new UsageError(
      isName
        ? `template "${ref}" not found (no file ${ref} and no ${templatesDir}/${ref}.json)${hint}`
        : `template file ${ref} not found`,
    );
  }
  return [...new Set(out)];
}

/** Reads one template file. */
export async function readTemplateSource(absolutePath: string, cwd: string): Promise<TemplateSource> {
  const file = displayPath(cwd, absolutePath);
  const text = await readUserFile(absolutePath, file, 'template');
  if (text === undefined) throw new UsageError(`template file ${file} not found`);
  return { file, absolutePath, text };
}

/** Reads and validates templates without throwing on invalid ones (lint reports them all). */
export async function checkTemplates(
  refs: readonly string[],
  cwd: string,
  templatesDir?: string,
): Promise<CheckedDocument<RoleTemplate>[]> {
  const paths = await resolveTemplatePaths(refs, cwd, templatesDir);
  const sources = await Promise.all(paths.map((p) => readTemplateSource(p, cwd)));
  return sources.map((s) => checkTemplate(s.text, s.file));
}

/**
 * Reads and validates templates; throws TemplateError (exit 2) listing the problems of
 * every invalid one. For commands that need valid templates (matrix, diff, rotate, ...).
 */
export async function loadTemplates(
  refs: readonly string[],
  cwd: string,
  templatesDir?: string,
): Promise<(LoadedTemplate & { file: string })[]> {
  const checked = await checkTemplates(refs, cwd, templatesDir);
  const problems = checked.flatMap((c) => c.errors.map((p) => formatDocumentProblem(c.file, p)));
  if (problems.length > 0) throw new TemplateError(problems[0]!, problems);
  return checked.map((c) => ({
    template: c.value!,
    file: c.file,
    warnings: c.warnings.map((p) => formatDocumentProblem(c.file, p)),
  }));
}

/** Reads and validates one template by path or name (TemplateError when invalid). */
export async function loadTemplate(
  ref: string,
  cwd: string,
  templatesDir?: string,
): Promise<LoadedTemplate & { file: string }> {
  const [abs] = await resolveTemplatePaths([ref], cwd, templatesDir);
  const source = await readTemplateSource(abs!, cwd);
  return { ...parseTemplate(source.text, source.file), file: source.file };
}
