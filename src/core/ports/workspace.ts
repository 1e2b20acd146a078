// The project as every command reads it: eskeys.config.json, the role templates, the outputs a
// (template, environment) writes to with their defaults, the state folder and how paths are
// shown. One filesystem adapter implements it (src/adapters/workspace/fs-workspace.ts).

import type { EffectiveOutputs } from '../rotation/outputs.js';
import type { CheckedDocument, LoadedTemplate } from '../templates/load-template.js';
import type { ProjectConfig, RoleTemplate } from '../templates/schema.js';
import type { TemplateOfProject } from '../templates/variable-owners.js';

/** The project config file, looked up in the working directory unless `--config` names one. */
export const CONFIG_FILE = 'eskeys.config.json';

/** A template as read from the project: where it came from (as shown to the user) and its warnings. */
export interface WorkspaceTemplate extends LoadedTemplate {
  /** The file as messages name it. */
  readonly file: string;
}

/** The project of one command run. */
export interface Workspace {
  /** Folder of the config file (the working directory when there is none): relative paths resolve against it. */
  readonly root: string;
  /** Absolute path of the config file, when one was read. */
  readonly configPath?: string;
  /** How messages name the config file: as given (`--config`/ESKEYS_CONFIG) or `eskeys.config.json`. */
  readonly configFile?: string;
  readonly config: ProjectConfig;
  /** The state folder (journal, locks, audit log), absolute: `state_dir` of the config. */
  readonly stateDir: string;
  /** The audit log, absolute. */
  readonly auditLogPath: string;
  /** The templates folder as messages show it (relative to the working directory when inside it). */
  readonly templatesDirShown: string;

  /** A path as command output shows it: relative to the working directory when inside it, forward slashes. */
  shownPath(absolutePath: string): string;
  /** A path as rotation reports show it: relative to the project folder when inside it. */
  projectPath(absolutePath: string): string;
  /** A path of the config (env files, output roots) made absolute against the project folder. */
  absolute(path: string): string;

  /** Names of the templates in the templates folder, sorted (none when there is no folder). */
  templateNames(): Promise<string[]>;
  /**
   * The template of a rotation scope, by name (`<templates_dir>/<name>.json`) or by path (ends in
   * `.json` or holds a `/`); TemplateError (exit 2) when missing or invalid. Its `file` is absolute.
   */
  scopeTemplate(nameOrPath: string): Promise<WorkspaceTemplate>;
  /**
   * Template references of the template verbs (lint, matrix, diff, verify, review) as absolute
   * paths: files, folders (their *.json) or bare names; none = the whole templates folder.
   * UsageError (exit 2) naming what is missing.
   */
  resolveTemplatePaths(refs: readonly string[]): Promise<string[]>;
  /** Reads one template file (UsageError when it is gone). */
  readTemplateSource(absolutePath: string): Promise<{ file: string; absolutePath: string; text: string }>;
  /** Reads and checks templates without throwing on invalid ones (lint reports them all). */
  checkTemplates(refs: readonly string[]): Promise<CheckedDocument<RoleTemplate>[]>;
  /** Reads and checks templates; TemplateError listing the problems of every invalid one. */
  loadTemplates(refs: readonly string[]): Promise<WorkspaceTemplate[]>;
  /** One template by path or name, the template verbs' rule (TemplateError when invalid). */
  loadTemplate(ref: string): Promise<WorkspaceTemplate>;
  /** Every valid template of the templates folder (none when there is no folder), plus `extra` in place of one of its name. */
  projectTemplates(extra?: TemplateOfProject): Promise<TemplateOfProject[]>;

  /** Where a (template, environment) writes its key, defaults applied and paths absolute. */
  outputs(template: RoleTemplate, environment: string): EffectiveOutputs;
  /** Folders env files may be written into: the project folder, then the config's output_roots. */
  outputRoots(): string[];
  /**
   * Refuses, before anything is minted, outputs eskeys must not write: a variable another template
   * also writes into the same env file, an env file outside the project and its output roots, or
   * an existing file that is not an env file. ConfigError (exit 2), one line.
   */
  guardOutputs(loaded: TemplateOfProject, environment: string, outputs: EffectiveOutputs): Promise<void>;
  /** The output-target part of guardOutputs alone (doctor reports it as a finding). */
  checkEnvFileTargets(template: string, envFiles: readonly string[]): Promise<void>;
}
