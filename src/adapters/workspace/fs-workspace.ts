// The Workspace port over the filesystem: eskeys.config.json found once per command, templates
// read by name or path, outputs resolved against the project folder and checked against the
// real files (symbolic links resolved).

import { readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { checkOutputTargets } from '../../core/env-file/output-targets.js';
import { ConfigError, isEskeysError, TemplateError, UsageError } from '../../core/errors.js';
import { isLearnOutputFile } from '../../core/learn/report.js';
import { CONFIG_FILE, type Workspace, type WorkspaceTemplate } from '../../core/ports/workspace.js';
import { type EffectiveOutputs, toEffectiveOutputs } from '../../core/rotation/outputs.js';
import {
  checkProjectConfig,
  DEFAULT_PROJECT_CONFIG,
  effectiveOutputs,
  formatDocumentProblem,
  parseTemplate,
} from '../../core/templates/load-template.js';
import type { ProjectConfig, RoleTemplate } from '../../core/templates/schema.js';
import {
  conflictsOf,
  findVariableConflicts,
  formatVariableConflict,
  type TemplateOfProject,
} from '../../core/templates/variable-owners.js';
import { nodeOutputTargetFacts } from '../env-file/output-target-facts.js';
import {
  checkTemplates,
  displayPath,
  findProjectConfig,
  loadTemplate,
  loadTemplates,
  readTemplateSource,
  resolveTemplatePaths,
  templatesDirOf,
} from './template-files.js';
import { readUserFile } from './user-file.js';

/** Where a workspace is: the working directory, and the config as read (see findProjectConfig). */
export interface WorkspaceLocation {
  /** Directory relative paths given by the user resolve against. */
  readonly cwd: string;
  /** Folder of the config file (cwd when there is none). */
  readonly root: string;
  readonly configPath?: string;
  /** How messages name the config file. */
  readonly configFile?: string;
  readonly config: ProjectConfig;
}

/** The filesystem workspace of one command run. */
export class FsWorkspace implements Workspace {
  readonly cwd: string;
  readonly root: string;
  readonly configPath?: string;
  readonly configFile?: string;
  readonly config: ProjectConfig;
  readonly stateDir: string;
  readonly auditLogPath: string;
  readonly templatesDirShown: string;

  constructor(at: WorkspaceLocation) {
    this.cwd = at.cwd;
    this.root = at.root;
    this.configPath = at.configPath;
    this.configFile = at.configFile;
    this.config = at.config;
    this.stateDir = resolve(at.root, at.config.state_dir);
    this.auditLogPath = join(this.stateDir, 'audit.jsonl');
    this.templatesDirShown = templatesDirOf(at, at.cwd);
  }

  shownPath(absolutePath: string): string {
    return displayPath(this.cwd, absolutePath);
  }

  projectPath(absolutePath: string): string {
    return absolutePath.startsWith(this.root + '/') ? absolutePath.slice(this.root.length + 1) : absolutePath;
  }

  absolute(path: string): string {
    return isAbsolute(path) ? path : resolve(this.root, path);
  }

  /** The templates folder, absolute. */
  private get templatesDir(): string {
    return resolve(this.root, this.config.templates_dir);
  }

  async templateNames(): Promise<string[]> {
    try {
      return (
        (await readdir(this.templatesDir))
          // learn's reports and proposals sit beside the templates; they are not templates in force
          .filter((f) => f.endsWith('.json') && !isLearnOutputFile(f))
          .map((f) => f.slice(0, -5))
          .sort()
      );
    } catch {
      return [];
    }
  }

  async scopeTemplate(nameOrPath: string): Promise<WorkspaceTemplate> {
    const isPath = nameOrPath.endsWith('.json') || nameOrPath.includes('/');
    const file = isPath ? resolve(this.cwd, nameOrPath) : join(this.templatesDir, `${nameOrPath}.json`);
    const shown = isPath ? nameOrPath : `${this.config.templates_dir}/${nameOrPath}.json`;
    const text = await readUserFile(file, shown, 'template');
    if (text === undefined) {
      const known = await this.templateNames();
      throw new TemplateError(
        `template ${nameOrPath} not found (${file})${known.length ? `; known: ${known.join(', ')}` : ''}`,
      );
    }
    const loaded = parseTemplate(text, shown);
    return { template: loaded.template, file, warnings: loaded.warnings };
  }

  resolveTemplatePaths(refs: readonly string[]): Promise<string[]> {
    return resolveTemplatePaths(refs, this.cwd, this.templatesDirShown);
  }

  readTemplateSource(absolutePath: string) {
    return readTemplateSource(absolutePath, this.cwd);
  }

  checkTemplates(refs: readonly string[]) {
    return checkTemplates(refs, this.cwd, this.templatesDirShown);
  }

  loadTemplates(refs: readonly string[]): Promise<WorkspaceTemplate[]> {
    return loadTemplates(refs, this.cwd, this.templatesDirShown);
  }

  loadTemplate(ref: string): Promise<WorkspaceTemplate> {
    return loadTemplate(ref, this.cwd, this.templatesDirShown);
  }

  async projectTemplates(extra?: TemplateOfProject): Promise<TemplateOfProject[]> {
    let found: TemplateOfProject[] = [];
    try {
      const checked = await this.checkTemplates([]);
      found = checked.flatMap((c) => (c.value ? [{ template: c.value, file: c.file }] : []));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error; // no templates folder: only `extra` exists
    }
    // `extra` is the template being checked: it stands in for a file of the same name (init
    // --force or --dry-run over a taken name checks the new template, not the one it replaces).
    if (extra) found = [...found.filter((t) => t.template.name !== extra.template.name), extra];
    return found;
  }

  outputs(template: RoleTemplate, environment: string): EffectiveOutputs {
    return toEffectiveOutputs(effectiveOutputs(template, this.config, environment), (f) => this.absolute(f));
  }

  outputRoots(): string[] {
    return [this.root, ...(this.config.output_roots ?? []).map((r) => resolve(this.root, r))];
  }

  async guardOutputs(
    loaded: TemplateOfProject,
    environment: string,
    outputs: EffectiveOutputs,
  ): Promise<void> {
    const all = await this.projectTemplates(loaded);
    const conflicts = conflictsOf(
      findVariableConflicts(all, this.config, (f) => this.absolute(f)),
      loaded.template.name,
      environment,
    );
    if (conflicts.length > 0) {
      const c = conflicts[0]!;
      throw new ConfigError(formatVariableConflict(c, this.shownPath(c.envFile)));
    }
    await this.checkEnvFileTargets(loaded.template.name, outputs.envFiles);
  }

  async checkEnvFileTargets(template: string, envFiles: readonly string[]): Promise<void> {
    try {
      await checkOutputTargets(
        { template, envFiles, roots: this.outputRoots(), display: (p) => this.shownPath(p) },
        nodeOutputTargetFacts,
      );
    } catch (error) {
      if (isEskeysError(error)) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ConfigError(
        `template ${template}: outputs.env_files: cannot resolve where the env files are (${code})`,
        { cause: error },
      );
    }
  }
}

/**
 * Opens the workspace of a command: the explicit config (`--config`, ESKEYS_CONFIG) or
 * ./eskeys.config.json when present, else the defaults. Invalid → exit 2 (see findProjectConfig);
 * the config's warnings are returned for the caller to show.
 */
export function openFsWorkspace(
  cwd: string,
  explicit?: string,
): { workspace: FsWorkspace; warnings: readonly string[] } {
  const found = findProjectConfig(cwd, explicit);
  return {
    workspace: new FsWorkspace({
      cwd,
      root: found.root,
      configPath: found.path,
      configFile: found.file,
      config: found.config,
    }),
    warnings: found.warnings,
  };
}

/** How doctor reports the config file: shown name, every problem, warnings, declared environments. */
export interface WorkspaceConfigFacts {
  /** The file shown to the user; undefined when there is none (defaults apply). */
  readonly file?: string;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly environments: readonly string[];
}

/**
 * The workspace for doctor, without throwing on an invalid config file: its problems come back
 * as facts (a failed check) and the defaults apply. Like openFsWorkspace, an explicit config
 * file that does not exist is bad usage (ConfigError, exit 2).
 */
export async function inspectFsWorkspace(
  cwd: string,
  explicit?: string,
): Promise<{ workspace: FsWorkspace; facts: WorkspaceConfigFacts }> {
  const path = explicit ? resolve(cwd, explicit) : join(cwd, CONFIG_FILE);
  const shown = explicit ?? CONFIG_FILE;
  let text: string | undefined;
  try {
    // Strict UTF-8, and a directory or symlink loop named as such (user-file.ts).
    text = await readUserFile(path, shown, 'config');
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    return {
      workspace: new FsWorkspace({ cwd, root: dirname(path), config: DEFAULT_PROJECT_CONFIG }),
      facts: { file: shown, errors: [error.message], warnings: [], environments: [] },
    };
  }
  if (text === undefined) {
    if (explicit) throw new ConfigError(`config file ${explicit} does not exist`);
    return {
      workspace: new FsWorkspace({ cwd, root: cwd, config: DEFAULT_PROJECT_CONFIG }),
      facts: { errors: [], warnings: [], environments: [] },
    };
  }
  const checked = checkProjectConfig(text, shown);
  const config: ProjectConfig = checked.value ?? DEFAULT_PROJECT_CONFIG;
  return {
    workspace: new FsWorkspace({ cwd, root: dirname(path), configPath: path, configFile: shown, config }),
    facts: {
      file: shown,
      errors: checked.errors.map((p) => formatDocumentProblem(shown, p)),
      warnings: checked.warnings.map((p) => formatDocumentProblem(shown, p)),
      environments: Object.keys(checked.value?.environments ?? {}),
    },
  };
}
