import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { JsonlAuditLog } from '../../adapters/audit/jsonl-audit-log.js';
import { EnvFileStore } from '../../adapters/env-file/env-file-store.js';
import { ProcessHookRunner } from '../../adapters/hooks/process-hook-runner.js';
import { JsonlJournalStore } from '../../adapters/journal/jsonl-journal-store.js';
import { acquireRotationLock } from '../../adapters/lock/file-lock.js';
import type { ClusterPort } from '../../core/cluster-port.js';
import { parseDuration } from '../../core/duration.js';
import {
  applyEnvUpdates,
  EnvFileSyntaxError,
  maskedEnvDiff,
  parseEnv,
  readEnvVar,
  removeEnvVars,
} from '../../core/env-file/edit-env.js';
import {
  CancelledError,
  ConfigError,
  LockedError,
  PartialFailureError,
  ReportedError,
  TemplateError,
  UsageError,
} from '../../core/errors.js';
import type { JournalReader, JournalStep, JournalWriter } from '../../core/journal/journal-entry.js';
import { openRotations } from '../../core/journal/plan-recovery.js';
import type { Reporter } from '../../core/ports.js';
import { runProbes } from '../../core/probes/run-probes.js';
import { type ManagedKey, parseManagedKeys } from '../../core/rotation/key-metadata.js';
import type { EffectiveOutputs, HealthCheckSpec } from '../../core/rotation/outputs.js';
import { type ProceedPlan, planRotation } from '../../core/rotation/plan-rotation.js';
import type { EnvFilesPort, HookRunner, ProbeRunner, RotationAuditLog } from '../../core/rotation/ports.js';
import { privilegeDiff } from '../../core/rotation/privilege-diff.js';
import { type RotationOutcome, rotateKey } from '../../core/rotation/rotate-key.js';
import { templateHash } from '../../core/rotation/template-hash.js';
import { Secret } from '../../core/secret.js';
import { effectiveOutputs, parseTemplate } from '../../core/templates/load-template.js';
import { DEFAULT_ENVIRONMENT, type RoleTemplate } from '../../core/templates/schema.js';
import type { CliContext } from '../context.js';
import type { IO } from '../io.js';
import {
  addClusterOptions,
  type ClusterFlags,
  loadProject,
  openCluster,
  type Project,
  stateDirOf,
} from '../project.js';
import { writeJson } from '../render/json.js';
import { type FileDiff, outcomeJson, renderOutcome, renderPlan } from '../render/rotation-report.js';

// ---------------------------------------------------------------------------------------------
// Shared wiring of the rotation verbs (create, rotate, recover): project, template, ports.
// ---------------------------------------------------------------------------------------------

/** An EnvFilesPort that also remembers a masked diff of every file it changed (for the report). */
export interface RecordingEnvFiles extends EnvFilesPort {
  readonly diffs: FileDiff[];
  /** The masked diff a change would make, without writing (dry-run). */
  preview(path: string, vars: Readonly<Record<string, Secret | string>>): Promise<FileDiff>;
}

/** The rotation lock of one (template, environment). */
export interface RotationLock {
  release(): Promise<void> | void;
}

/** Everything the rotation verbs use besides the context; tests inject fakes through `openServices`. */
export interface RotationServices {
  readonly cluster: ClusterPort;
  readonly journal: JournalWriter & JournalReader;
  readonly audit: RotationAuditLog;
  envFiles(opts: { followSymlinks: boolean; secretVars: readonly string[] }): RecordingEnvFiles;
  readonly hooks: HookRunner;
  readonly probes: ProbeRunner;
  /** Takes the local rotation lock; throws LockedError (exit 4) when another process holds it. */
  lock(name: string): Promise<RotationLock>;
  close(): Promise<void>;
}

/** Opens the services for a project (production: real adapters). */
export type OpenServices = (
  ctx: CliContext,
  project: Project,
  flags: ClusterFlags,
) => Promise<RotationServices>;

/** `user@host` recorded as creator and audit actor. */
export function actorName(env: Readonly<Record<string, string | undefined>>): string {
  let user = env.USER ?? env.USERNAME ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep the env's name
  }
  return `${user}@${hostname()}`;
}

/** The templates folder, absolute. */
function templatesDir(project: Project): string {
  return resolve(project.root, project.config.templates_dir);
}

/** Names of the templates in the project's templates folder (for the interactive picker). */
export async function listTemplates(project: Project): Promise<string[]> {
  try {
    return (await readdir(templatesDir(project)))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/** Loads a template by name (`roles/<name>.json`) or by path (anything ending in .json). */
export async function loadTemplate(
  ctx: CliContext,
  project: Project,
  nameOrPath: string,
): Promise<{ template: RoleTemplate; file: string; warnings: readonly string[] }> {
  const isPath = nameOrPath.endsWith('.json') || nameOrPath.includes('/');
  const file = isPath ? resolve(ctx.cwd, nameOrPath) : join(templatesDir(project), `${nameOrPath}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const known = await listTemplates(project);
    throw new TemplateError(
      `template ${nameOrPath} not found (${file})${known.length ? `; known: ${known.join(', ')}` : ''}`,
    );
  }
  const shown = isPath ? nameOrPath : `${project.config.templates_dir}/${nameOrPath}.json`;
  const loaded = parseTemplate(text, shown);
  return { template: loaded.template, file, warnings: loaded.warnings };
}

/** The template's outputs for the environment, paths resolved against the project root. */
export function resolveOutputs(
  project: Project,
  template: RoleTemplate,
  environment: string,
): EffectiveOutputs {
  const o = effectiveOutputs(template, project.config, environment);
  const ms = (d: string) => parseDuration(d) ?? 30_000;
  let healthCheck: HealthCheckSpec | undefined;
  if (o.health_check) {
    healthCheck =
      'url' in o.health_check
        ? {
            kind: 'url',
            url: o.health_check.url,
            timeoutMs: ms(o.health_check.timeout),
            expectStatus: o.health_check.expect_status,
          }
        : { kind: 'command', command: o.health_check.command, timeoutMs: ms(o.health_check.timeout) };
  }
  return {
    envFiles: (o.env_files ?? []).map((f) => (isAbsolute(f) ? f : resolve(project.root, f))),
    keyVar: o.key_var ?? 'ELASTICSEARCH_API_KEY',
    idVar: o.id_var,
    followSymlinks: o.follow_symlinks ?? false,
    restart: o.restart ? { command: o.restart.command, timeoutMs: ms(o.restart.timeout) } : undefined,
    healthCheck,
  };
}

/** Progress lines on stderr (`→ creating key …`), warnings prefixed; nothing on stdout. Project paths shown relative. */
export function stderrReporter(io: IO, root?: string): Reporter {
  const rel = (m: string) => (root ? m.split(`${root}/`).join('') : m);
  return {
    step: (m) => io.stderr.write(`→ ${rel(m)}\n`),
    warn: (m) => io.stderr.write(`eskeys: warning: ${rel(m)}\n`),
  };
}

/** Paths relative to the project root for reports (absolute paths are noisy and leak home dirs). */
export function displayPath(project: Project, file: string): string {
  return file.startsWith(project.root + '/') ? file.slice(project.root.length + 1) : file;
}

// --- adapters --------------------------------------------------------------------------------

function storeEnvFiles(
  project: Project,
  opts: { followSymlinks: boolean; secretVars: readonly string[] },
): RecordingEnvFiles {
  const store = new EnvFileStore({ cwd: project.root });
  const access = { followSymlinks: opts.followSymlinks };
  const diffs: FileDiff[] = [];
  const diffOf = (path: string, before: string, after: string): FileDiff => ({
    file: displayPath(project, path),
    diff: maskedEnvDiff(before, after, opts.secretVars),
  });
  /** What this rotation wrote to each file, and which variables: rollback undoes only that. */
  const written = new Map<string, { text: string; names: string[] }>();
  return {
    diffs,
    async update(path, vars) {
      await mkdir(dirname(path), { recursive: true });
      const { before, after } = await store.update(path, vars, access);
      written.set(path, { text: after, names: Object.keys(vars) });
      diffs.push(diffOf(path, before ?? '', after));
      return { before };
    },
    async restore(path, before) {
      const mine = written.get(path);
      const current = await store.read(path, access);
      if (!mine || current === undefined || current === mine.text) {
        // Untouched since this rotation wrote it: put back exactly what was there. A file that
        // did not exist before is removed again, not left with the dead key.
        if (before === undefined) await unlink(path).catch(() => undefined);
        else await store.write(path, before, access);
        return;
      }
      // Another rotation (a template sharing this file) has written it since: writing back the
      // old text would erase the key it published. Undo only this rotation's variables.
      const old = parseEnv(before ?? '');
      const back = Object.fromEntries(
        mine.names.filter((n) => old.has(n)).map((n) => [n, old.get(n)!] as const),
      );
      const text = removeEnvVars(
        applyEnvUpdates(current, back).text,
        mine.names.filter((n) => !old.has(n)),
      );
      await store.write(path, text, access);
    },
    async readVar(path, name) {
      const text = await store.read(path, { followSymlinks: true });
      const v = text === undefined ? undefined : readEnvVar(text, name);
      return v === undefined ? undefined : new Secret(v);
    },
    async preview(path, vars) {
      const before = (await store.read(path, access)) ?? '';
      const plain = Object.fromEntries(
        Object.entries(vars).map(([k, v]) => [k, v instanceof Secret ? v.reveal() : v]),
      );
      return diffOf(path, before, applyEnvUpdates(before, plain).text);
    },
  };
}

/** The production services: the ES adapter, the journal in the state folder, real hooks. */
export const openRotationServices: OpenServices = async (ctx, project, flags) => {
  const cluster = await openCluster(ctx, project, flags);
  const dir = stateDirOf(project);
  return {
    cluster,
    journal: new JsonlJournalStore(dir),
    audit: new JsonlAuditLog(join(dir, 'audit.jsonl'), ctx.clock),
    envFiles: (opts) => storeEnvFiles(project, opts),
    // No stop signal for hooks: they run only after publish, when consumers may already be
    // restarting with the new key. A stop request lets the restart and health check finish
    // (bounded by their timeouts) and the rotation roll forward; killing a half-done
    // `docker compose restart` and rolling back could leave restarted consumers on a dead key.
    hooks: new ProcessHookRunner({ cwd: project.root, baseEnv: ctx.env }),
    probes: runProbes,
    lock: (name) => acquireRotationLock(dir, name),
    close: () => cluster.close(),
  };
};

/**
 * The test-only crash hook: `ESKEYS_TEST_CRASH_AFTER=<step>` kills the process with SIGKILL
 * right after that step's journal entry is durable, so tests can exercise `eskeys recover`
 * on a genuinely interrupted rotation. Never set it outside tests.
 */
export function testCrashHook(
  env: Readonly<Record<string, string | undefined>>,
): ((step: JournalStep) => void) | undefined {
  const at = env.ESKEYS_TEST_CRASH_AFTER;
  if (!at) return undefined;
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}

// ---------------------------------------------------------------------------------------------
// rotate (and create)
// ---------------------------------------------------------------------------------------------

/** Flags of `rotate`/`create` plus the ports they use. */
export interface RotateOptions extends ClusterFlags {
  readonly ctx: CliContext;
  readonly mode: 'create' | 'rotate';
  readonly template?: string;
  /** `--grace`; @defaultValue the template's rotation.grace */
  readonly grace?: string;
  /** `--now`: compromised key, invalidate the old one right after publishing. */
  readonly now?: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
  /** @defaultValue openRotationServices */
  readonly openServices?: OpenServices;
}

/** Picks the template (flag, or interactive select) and environment (flag/env var, or select). */
async function pickTarget(
  opts: RotateOptions,
  project: Project,
): Promise<{ templateName: string; environment: string }> {
  const { ctx } = opts;
  let templateName = opts.template;
  if (!templateName) {
    const names = await listTemplates(project);
    if (!ctx.io.canPrompt() || opts.json) {
      throw new UsageError(`--template is required${names.length ? ` (one of: ${names.join(', ')})` : ''}`);
    }
    if (names.length === 0)
      throw new UsageError(`no templates in ${project.config.templates_dir}/; pass --template FILE`);
    templateName = await (await ctx.prompter()).select(
      'Template',
      names.map((n) => ({ value: n })),
    );
  }
  let environment = opts.env ?? ctx.env.ESKEYS_ENV;
  if (!environment) {
    // Same default as every other command (`default`); a terminal may pick a configured one.
    const envs = Object.keys(project.config.environments).filter((e) => e !== DEFAULT_ENVIRONMENT);
    environment =
      envs.length > 0 && ctx.io.canPrompt() && !opts.json
        ? await (await ctx.prompter()).select(
            'Environment',
            [...envs, DEFAULT_ENVIRONMENT].map((n) => ({ value: n })),
          )
        : DEFAULT_ENVIRONMENT;
  }
  return { templateName, environment };
}

function newRotationId(ctx: CliContext): string {
  return `${ctx.clock
    .now()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${ctx.random.hex(8)}`;
}

/**
 * Minting keys with role descriptors needs a user, not an API key: Elasticsearch lets an
 * API-key caller create only derived keys whose descriptors grant nothing ("creating derived
 * api keys requires an explicit role descriptor that is empty", reference §5), and never lets
 * it update a key (§4.6), which retire needs. Fail before anything is created.
 */
export function requireUserAdmin(cluster: ClusterPort): void {
  if (cluster.adminAuthKind === 'api_key') {
    throw new ConfigError(
      'the admin identity is an API key, which Elasticsearch allows to mint only keys without privileges and never to update keys; authenticate eskeys as a user (ESKEYS_USERNAME/ESKEYS_PASSWORD) holding manage_api_key and every privilege the template delegates',
    );
  }
}

/**
 * Refuses, before any key exists, an env file that publish could not update (bad quoting on the
 * key's line, a symlink that is not allowed, an unreadable file): otherwise the rotation would
 * mint and probe a key only to invalidate it again at publish.
 */
async function preflightEnvFiles(envFiles: RecordingEnvFiles, outputs: EffectiveOutputs, project: Project) {
  // A stand-in of the real value's shape (base64 with padding), so quoting decisions match.
  const sample = 'A'.repeat(58) + '==';
  const vars: Record<string, string> = { [outputs.keyVar]: sample };
  if (outputs.idVar) vars[outputs.idVar] = 'A'.repeat(20);
  for (const path of outputs.envFiles) {
    try {
      await envFiles.preview(path, vars);
    } catch (error) {
      throw error instanceof EnvFileSyntaxError ? error.inFile(displayPath(project, path)) : error;
    }
  }
}

/** A rotation of one (template, environment), planned without prompts (rotate, create and tick run it). */
export interface PreparedRotation {
  readonly plan: ProceedPlan;
  readonly template: RoleTemplate;
  readonly templateHash: string;
  readonly outputs: EffectiveOutputs;
  readonly envFiles: RecordingEnvFiles;
  /** `template@environment`. */
  readonly scopeName: string;
}

/** What {@link prepareRotation} needs; nothing here prompts. */
export interface PrepareRotationInput {
  readonly ctx: CliContext;
  readonly services: RotationServices;
  readonly reporter: Reporter;
  readonly template: RoleTemplate;
  readonly environment: string;
  readonly outputs: EffectiveOutputs;
  readonly mode: 'create' | 'rotate';
  /** `--grace`, overriding the template's rotation.grace. */
  readonly grace?: string;
  /** `--now`. */
  readonly immediate?: boolean;
  /** Dry run: an interrupted rotation in the journal is a warning instead of an error. */
  readonly dryRun?: boolean;
  /** The scope's managed keys when the caller has just read them under the lock (saves a query). */
  readonly keys?: readonly ManagedKey[];
}

/**
 * Plans the rotation of one (template, environment) without asking anything: refuses when the
 * journal holds an interrupted rotation of it (PartialFailureError, exit 5: recover first),
 * reads its managed keys (unless given) and plans. Throws LockedError when another host's
 * rotation is in progress (the cluster-visible guard) and UsageError when `create` finds a key.
 * The caller holds the scope's lock (except on a dry run).
 */
export async function prepareRotation(input: PrepareRotationInput): Promise<PreparedRotation> {
  const { ctx, services, template, environment, outputs } = input;
  const scope = { template: template.name, environment };
  const scopeName = `${template.name}@${environment}`;
  const hash = templateHash(template.role_descriptors);
  // An interrupted rotation of this key must be finished or undone before a new one starts:
  // its pending key would block the plan, and its files may hold a half-published state.
  const interrupted = openRotations(await services.journal.readAll(scope)).filter(
    (p) => p.template === template.name && p.environment === environment,
  );
  if (interrupted.length > 0) {
    const p = interrupted[0]!;
    const message = `an interrupted rotation of ${scopeName} (${p.rotation}, stopped at ${p.lastStep}) is in the journal; run \`eskeys recover\` first`;
    if (!input.dryRun) throw new PartialFailureError(message);
    input.reporter.warn(message);
  }
  const keys = input.keys ?? parseManagedKeys(await services.cluster.findManagedKeys(scope));
  const plan = planRotation({
    mode: input.mode,
    template,
    templateHash: hash,
    environment,
    keys,
    now: ctx.clock.now(),
    graceOverride: input.grace,
    immediate: input.immediate,
    adminUsername: services.cluster.adminUsername,
  });
  if (plan.action === 'blocked') throw new LockedError(plan.reason);
  if (plan.action === 'refused') throw new UsageError(plan.reason);
  const envFiles = services.envFiles({
    followSymlinks: outputs.followSymlinks,
    secretVars: [outputs.keyVar],
  });
  return { plan, template, templateHash: hash, outputs, envFiles, scopeName };
}

/**
 * Runs a prepared rotation without asking anything: warns when the key is delivered nowhere,
 * refuses an env file publish could not update (before any key exists), then runs the state
 * machine (rotateKey) with the context's signal, journal and audit log.
 */
export async function executeRotation(input: {
  readonly ctx: CliContext;
  readonly project: Project;
  readonly services: RotationServices;
  readonly reporter: Reporter;
  readonly prepared: PreparedRotation;
}): Promise<RotationOutcome> {
  const { ctx, project, services, reporter, prepared } = input;
  const { plan, template, outputs, envFiles } = prepared;
  if (outputs.envFiles.length === 0) {
    reporter.warn(
      `${prepared.scopeName} has no env files (outputs.env_files): the new key is minted and verified but delivered nowhere`,
    );
  }
  await preflightEnvFiles(envFiles, outputs, project);
  return rotateKey(
    {
      cluster: services.cluster,
      clock: ctx.clock,
      random: ctx.random,
      reporter,
      journal: services.journal,
      audit: services.audit,
      envFiles,
      hooks: services.hooks,
      probes: services.probes,
      signal: ctx.signal,
      afterStep: testCrashHook(ctx.env),
    },
    {
      plan,
      template,
      templateHash: prepared.templateHash,
      outputs,
      actor: actorName(ctx.env),
      rotationId: newRotationId(ctx),
    },
  );
}

/** Runs `eskeys rotate` / `eskeys create`: plan, confirm, lock, rotate, render. */
export async function runRotate(opts: RotateOptions): Promise<void> {
  const { ctx } = opts;
  if (opts.grace !== undefined && parseDuration(opts.grace) === undefined) {
    throw new UsageError(`--grace ${opts.grace}: expected a duration such as 24h, 30m or 7d`);
  }
  if (opts.grace !== undefined && parseDuration(opts.grace)! < 1000) {
    throw new UsageError(
      `--grace ${opts.grace}: must be at least 1s; use --now to invalidate the old key at once`,
    );
  }
  const project = loadProject(ctx, opts.config);
  const { templateName, environment } = await pickTarget(opts, project);
  const flags: ClusterFlags = { ...opts, env: environment };
  const { template, warnings: templateWarnings } = await loadTemplate(ctx, project, templateName);
  const outputs = resolveOutputs(project, template, environment);
  const reporter = stderrReporter(ctx.io, project.root);
  for (const w of templateWarnings) reporter.warn(w);
  const services = await (opts.openServices ?? openRotationServices)(ctx, project, flags);
  const scope = { template: template.name, environment };
  const scopeName = `${template.name}@${environment}`;
  let lock: RotationLock | undefined;
  try {
    requireUserAdmin(services.cluster);
    if (!opts.dryRun) lock = await services.lock(scopeName);
    const prepared = await prepareRotation({
      ctx,
      services,
      reporter,
      template,
      environment,
      outputs,
      mode: opts.mode,
      grace: opts.grace,
      immediate: opts.now,
      dryRun: opts.dryRun,
    });
    const { plan, envFiles } = prepared;

    if (opts.dryRun) {
      await renderDryRun(opts, plan, template, outputs, envFiles, project);
      return;
    }
    const shown = await confirmPlan(opts, plan, template, outputs, envFiles, project);
    if (!shown) for (const w of plan.warnings) reporter.warn(w);

    const outcome = await executeRotation({ ctx, project, services, reporter, prepared });
    if (opts.json) writeJson(ctx.io, outcomeJson(outcome, scope, envFiles.diffs, plan.warnings));
    else ctx.io.stdout.write(renderOutcome(outcome, scopeName, envFiles.diffs, ctx.clock.now()));
    if (outcome.status === 'verify_failed' || outcome.status === 'restart_failed') throw new ReportedError(1);
    if (outcome.status === 'lost_race') throw new ReportedError(4);
  } finally {
    await lock?.release();
    await services.close();
  }
}

async function planExtras(
  plan: ProceedPlan,
  template: RoleTemplate,
  outputs: EffectiveOutputs,
  envFiles: RecordingEnvFiles,
) {
  const placeholder = new Secret(`<new key ${plan.name}>`);
  const vars: Record<string, Secret | string> = { [outputs.keyVar]: placeholder };
  if (outputs.idVar) vars[outputs.idVar] = 'NEW_KEY_ID';
  const diffs: FileDiff[] = [];
  for (const f of outputs.envFiles) diffs.push(await envFiles.preview(f, vars));
  return {
    privilegeDiff: plan.current
      ? privilegeDiff(
          plan.current.info.roleDescriptors as Record<string, unknown> | undefined,
          template.role_descriptors,
        )
      : undefined,
    diffs,
  };
}

async function renderDryRun(
  opts: RotateOptions,
  plan: ProceedPlan,
  template: RoleTemplate,
  outputs: EffectiveOutputs,
  envFiles: RecordingEnvFiles,
  project: Project,
): Promise<void> {
  const { ctx } = opts;
  const extras = await planExtras(plan, template, outputs, envFiles);
  if (opts.json) {
    writeJson(ctx.io, {
      dry_run: true,
      mode: plan.mode,
      template: plan.template,
      environment: plan.environment,
      current: plan.current ? { id: plan.current.info.id, name: plan.current.info.name } : null,
      new_key: { name: plan.name, generation: plan.generation, expiration: plan.expiration ?? null },
      due: plan.due,
      due_at: plan.dueAt?.toISOString() ?? null,
      immediate: plan.immediate,
      grace: plan.grace,
      template_changed: plan.templateChanged,
      privilege_diff: extras.privilegeDiff ?? null,
      cut_short: plan.cutShort.map((k) => ({ id: k.info.id, name: k.info.name })),
      env_files: extras.diffs,
      warnings: plan.warnings,
    });
    return;
  }
  ctx.io.stdout.write(
    renderPlan(plan, {
      ...extras,
      files: outputs.envFiles.map((f) => displayPath(project, f)),
      now: ctx.clock.now(),
    }),
  );
  ctx.io.stdout.write('dry run: nothing was changed\n');
}

/**
 * Interactive: show the plan and ask. Non-interactive: ordinary rotations go ahead (they are
 * reversible: the old key stays valid through its grace), but `--now` destroys a key in
 * service, so it needs `--yes` (UsageError, exit 2, otherwise).
 */
async function confirmPlan(
  opts: RotateOptions,
  plan: ProceedPlan,
  template: RoleTemplate,
  outputs: EffectiveOutputs,
  envFiles: RecordingEnvFiles,
  project: Project,
): Promise<boolean> {
  const { ctx } = opts;
  if (opts.yes) return false;
  if (!ctx.io.canPrompt() || opts.json) {
    if (plan.immediate && plan.current) {
      throw new UsageError(
        `--now invalidates the key in service (${plan.current.info.name}) right after publishing; confirm with --yes`,
      );
    }
    return false;
  }
  // The operator sees what the dry run shows: the plan, the privilege diff and the masked env diff.
  const extras = await planExtras(plan, template, outputs, envFiles);
  ctx.io.stderr.write(
    renderPlan(plan, {
      ...extras,
      files: outputs.envFiles.map((f) => displayPath(project, f)),
      now: ctx.clock.now(),
    }),
  );
  const ok = await (await ctx.prompter()).confirm(
    plan.immediate ? 'Invalidate the current key right after publishing the new one?' : 'Proceed?',
    !plan.immediate,
  );
  if (!ok) throw new CancelledError('cancelled: nothing was changed');
  return true;
}

/** Adds the flags shared by rotate and create. */
export function addRotationOptions(cmd: Command): Command {
  return addClusterOptions(cmd)
    .addOption(new Option('-t, --template <name>', 'template name (roles/<name>.json) or path'))
    .addOption(new Option('--dry-run', 'show the plan, privilege diff and masked env diff; change nothing'))
    .addOption(new Option('-y, --yes', 'do not ask for confirmation'))
    .addOption(new Option('--json', 'machine-readable output on stdout'));
}

/** `eskeys rotate`: the full state machine (create, verify, publish, restart, retire). */
export function rotateCommand(
  ctx: CliContext,
  run: (opts: RotateOptions) => Promise<void> = runRotate,
): Command {
  const cmd = new Command('rotate').description(
    'rotate a key: create, verify, publish, retire the old one after a grace period',
  );
  addRotationOptions(cmd)
    .addOption(
      new Option(
        '--grace <duration>',
        "how long the old key stays valid (default: the template's rotation.grace)",
      ),
    )
    .addOption(
      new Option('--now', 'compromised key: invalidate the old key as soon as the new one is published'),
    )
    .action(async (flags: Omit<RotateOptions, 'ctx' | 'mode'>) => {
      if (flags.now && flags.grace) throw new UsageError('--now and --grace exclude each other');
      await run({ ...flags, ctx, mode: 'rotate' });
    });
  return cmd;
}
