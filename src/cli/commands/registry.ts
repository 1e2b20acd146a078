import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addCommandHelp } from '../help.js';
import { COMMAND_HELP } from './help-texts.js';

/** A top-level verb: its name and summary are known up front; its module loads only when run. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: (ctx: CliContext) => Promise<Command>;
}

/**
 * Every verb of eskeys. Only the invoked verb's module is imported, which keeps
 * `eskeys --help` and `eskeys lint` free of the client, prompts and scheduler.
 */
const VERBS: readonly CommandEntry[] = [
  {
    name: 'init',
    summary: 'write a first role template from what the application does',
    load: async (ctx) => (await import('./init.js')).initCommand(ctx),
  },
  {
    name: 'lint',
    summary: 'check role templates for dangerous or inconsistent grants',
    load: async (ctx) => (await import('./lint.js')).lintCommand(ctx),
  },
  {
    name: 'matrix',
    summary: 'permission matrix: operations × templates, with what each needs',
    load: async (ctx) => (await import('./matrix.js')).matrixCommand(ctx),
  },
  {
    name: 'diff',
    summary: 'access a template change adds and removes (exit 1 when it adds)',
    load: async (ctx) => (await import('./diff.js')).diffCommand(ctx),
  },
  {
    name: 'schema',
    summary: 'print the JSON Schema of role templates (or the project config)',
    load: async (ctx) => (await import('./schema.js')).schemaCommand(ctx),
  },
  {
    name: 'verify',
    summary: 'probe the deployed key: what it must do succeeds, what it must not do gets 403',
    load: async (ctx) => (await import('./verify.js')).verifyCommand(ctx),
  },
  {
    name: 'create',
    summary: 'mint a key from a template, verify it and publish it',
    load: async (ctx) => (await import('./create.js')).createCommand(ctx),
  },
  {
    name: 'rotate',
    summary: 'rotate a key: create, verify, publish, retire the old one after a grace period',
    load: async (ctx) => (await import('./rotate.js')).rotateCommand(ctx),
  },
  {
    name: 'revoke',
    summary: 'invalidate superseded keys past their grace period, or a given key',
    load: async (ctx) => (await import('./revoke.js')).revokeCommand(ctx),
  },
  {
    name: 'status',
    summary: 'managed keys per template and environment, with their state',
    load: async (ctx) => (await import('./status.js')).statusCommand(ctx, 'status'),
  },
  {
    name: 'list',
    summary: 'list managed keys (alias of status)',
    load: async (ctx) => (await import('./status.js')).statusCommand(ctx, 'list'),
  },
  {
    name: 'tick',
    summary: 'one scheduler pass: recover, rotate due keys, revoke keys past grace, review reminders',
    load: async (ctx) => (await import('./tick.js')).tickCommand(ctx),
  },
  {
    name: 'schedule',
    summary: 'run scheduler passes on a cron schedule until stopped',
    load: async (ctx) => (await import('./schedule.js')).scheduleCommand(ctx),
  },
  {
    name: 'recover',
    summary: 'resume or roll back an interrupted rotation from the journal',
    load: async (ctx) => (await import('./recover.js')).recoverCommand(ctx),
  },
  {
    name: 'doctor',
    summary: 'check connection, TLS, cluster version and that the admin can delegate every template',
    load: async (ctx) => (await import('./doctor.js')).doctorCommand(ctx),
  },
  {
    name: 'inventory',
    summary: 'every API key in the cluster, managed or not, with findings',
    load: async (ctx) => (await import('./inventory.js')).inventoryCommand(ctx),
  },
  {
    name: 'review',
    summary: 'least-privilege review: required and denied access, evidence, findings, decision',
    load: async (ctx) => (await import('./review.js')).reviewCommand(ctx),
  },
  {
    name: 'audit',
    summary: 'verify or show the tamper-evident audit log',
    load: async (ctx) => (await import('./audit.js')).auditCommand(ctx),
  },
  {
    name: 'learn',
    summary: 'record an application’s traffic through a proxy and write the least-privilege template',
    load: async (ctx) => (await import('./learn.js')).learnCommand(ctx),
  },
  {
    name: 'sandbox',
    summary: 'run the local Elasticsearch-compatible sandbox cluster',
    load: async (ctx) => (await import('./sandbox.js')).sandboxCommand(ctx),
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish)',
    load: async (ctx) => (await import('./completion.js')).completionCommand(ctx),
  },
];

/** Every verb, its `--help` ending with its examples and exit codes (help-texts.ts). */
export const COMMANDS: readonly CommandEntry[] = VERBS.map((entry) => ({
  ...entry,
  load: async (ctx) => {
    const help = COMMAND_HELP[entry.name];
    const cmd = await entry.load(ctx);
    return help ? addCommandHelp(cmd, help) : cmd;
  },
}));
