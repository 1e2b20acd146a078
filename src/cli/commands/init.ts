import { existsSync } from 'node:fs';
import { link, mkdir, open, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { syncFolder, tempPathBeside, writeFileAtomic } from '../../adapters/fs/atomic-write.js';
import {
  clusterChecks,
  connectionChecks,
  type DoctorCheck,
  doctorExitCode,
} from '../../core/doctor/index.js';
import { CancelledError, ConfigError, ReportedError, UsageError } from '../../core/errors.js';
import {
  type AnswerProblem,
  buildTemplate,
  CAPABILITIES,
  CAPABILITY_IDS,
  type CapabilityId,
  capabilityFor,
  initialProjectConfig,
} from '../../core/init/index.js';
import type { Prompter } from '../../core/ports.js';
import { DEFAULT_ENVIRONMENT, DEFAULT_KEY_VAR } from '../../core/templates/schema.js';
import type { CliContext } from '../context.js';
import {
  addClusterOptions,
  type ClusterFlags,
  CONFIG_FILE,
  CREDENTIALS_FILE,
  connectionFor,
  environmentName,
  loadProject,
  readEnvFile,
} from '../project.js';

/** Flags of `eskeys init` plus the context it uses. */
export interface InitOptions extends ClusterFlags {
  readonly ctx: CliContext;
  /** Template name. */
  readonly name?: string;
  /** Index patterns (each flag may hold a comma list). */
  readonly index?: readonly string[];
  /** What the application does (each flag may hold a comma list). */
  readonly can?: readonly string[];
  /**
   * `--dotenv FILE`: the env file that receives the key. Not `--env-file`: Node 20 takes that
   * word for its own option anywhere on the command line and exits 9 when the file does not
   * exist yet (nodejs/node#54232), which it never does before the first key.
   * @defaultValue `.env`
   */
  readonly dotenv?: string;
  /** @defaultValue ELASTICSEARCH_API_KEY */
  readonly keyVar?: string;
  /** @defaultValue `<templates_dir>/<name>.json` */
  readonly out?: string;
  readonly yes?: boolean;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  /** `--no-check`: do not test the connection. @defaultValue true */
  readonly check?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const splitList = (values: readonly string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** `eskeys init`: a first role template from questions (in a terminal) or flags. */
export function initCommand(ctx: CliContext, run: (opts: InitOptions) => Promise<void> = runInit): Command {
  const cmd = new Command('init').description(
    'write a first role template (and eskeys.config.json when missing) from what the application does',
  );
  addClusterOptions(cmd)
    .addOption(new Option('--name <name>', 'template name (roles/<name>.json)'))
    .addOption(
      new Option(
        '--index <patterns>',
        'index patterns the application uses (repeatable or a comma list)',
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--can <list>',
        `what the application does, a comma list of: ${CAPABILITY_IDS.join(', ')}`,
      ).argParser(collect),
    )
    .addOption(new Option('--dotenv <file>', 'env file that receives the key (default .env)'))
    .addOption(new Option('--key-var <name>', `variable holding the key (default ${DEFAULT_KEY_VAR})`))
    .addOption(new Option('--out <file>', 'template file to write (default <templates_dir>/<name>.json)'))
    .addOption(new Option('--no-check', 'do not test the connection to the cluster'))
    .addOption(new Option('-y, --yes', 'write without asking for confirmation'))
    .addOption(new Option('--force', 'overwrite an existing template file'))
    .addOption(new Option('--dry-run', 'print the template instead of writing anything'))
    .addHelpText(
      'after',
      `\nWhat the application does (--can), and the privilege each answer grants:\n${CAPABILITIES.map(
        (c) =>
          `  ${c.id.padEnd(10)} ${[...c.indexPrivileges, ...c.clusterPrivileges].join(' + ').padEnd(34)} ${c.question}`,
      ).join('\n')}\n\n` +
        'In a terminal, every answer not given as a flag is asked. Without one, --name, --index and --can\n' +
        'are required, and --yes. Credentials are never asked for nor written: they come from ESKEYS_* or .eskeys.env.',
    )
    .action(async (flags: Omit<InitOptions, 'ctx'>) => {
      await run({ ...flags, ctx });
    });
  return cmd;
}

/** Asks (or reads from flags) the answers, tests the connection, writes the template and config. */
export async function runInit(opts: InitOptions): Promise<void> {
  const { ctx } = opts;
  const project = loadProject(ctx, opts.config);
  const interactive = ctx.io.canPrompt();
  let prompter: Prompter | undefined;
  const prompts = async () => {
    prompter ??= await ctx.prompter();
    return prompter;
  };
  const required = (flag: string, what: string): never => {
    throw new UsageError(`${flag} is required without a terminal (${what})`);
  };

  const input = async (question: string, defaultValue?: string) =>
    (await (await prompts()).input(question, defaultValue)).trim();
  // Each answer: its flag when given, else asked in a terminal, else exit 2 naming the flag.
  const askName = () => input('Template name (the service using the key)', defaultName(ctx.cwd));
  const askIndices = async (name: string) =>
    splitList([await input('Index patterns the application uses (comma-separated)', `${name}-*`)]);
  const askCapabilities = async () => {
    const chosen: CapabilityId[] = [];
    for (const c of CAPABILITIES) if (await (await prompts()).confirm(c.question, false)) chosen.push(c.id);
    return chosen;
  };
  const askEnvFile = () => input('Env file that receives the key', '.env');
  const askKeyVar = () => input('Variable holding the key', DEFAULT_KEY_VAR);
  const pathOf = (name: string) =>
    opts.out
      ? resolve(ctx.cwd, opts.out)
      : resolve(project.root, project.config.templates_dir, `${name}.json`);
  const refuseExisting = (name: string) => {
    if (existsSync(pathOf(name)) && !opts.force) {
      throw new UsageError(`${project.shownPath(pathOf(name))} already exists; pass --force to overwrite it`);
    }
  };

  const canFromFlag = (words: readonly string[]): CapabilityId[] =>
    splitList(words).map((word) => {
      const id = capabilityFor(word);
      if (!id) throw new UsageError(`--can: unknown "${word}"; choose from ${CAPABILITY_IDS.join(', ')}`);
      return id;
    });

  // 1. The template name.
  let name =
    opts.name ?? (interactive ? await askName() : required('--name', 'the template name, e.g. --name app'));
  if (!interactive) {
    // Without a terminal every answer is a flag: all of them are checked before anything is
    // looked up (the template file, the cluster), so a bad flag is one line and no network call.
    if (splitList(opts.index).length === 0)
      required('--index', "the index patterns the application uses, e.g. --index 'app-*'");
    const can = opts.can ?? required('--can', `what the application does: ${CAPABILITY_IDS.join(', ')}`);
    const early = buildTemplate({
      name,
      indices: splitList(opts.index),
      capabilities: canFromFlag(can),
      envFile: opts.dotenv ?? '.env',
      keyVar: opts.keyVar ?? DEFAULT_KEY_VAR,
    });
    if (!early.ok) throw new UsageError(answerMessage(early.problem));
    if (!opts.yes && !opts.dryRun)
      throw new UsageError(
        '--yes is required to write the template without a terminal (or --dry-run to print it)',
      );
  }
  // A dry run writes nothing, so it may show a template whose name is taken.
  if (!opts.dryRun) refuseExisting(name);

  // 2. The cluster, tested as doctor tests it. The URL as every command finds it: flag,
  // ESKEYS_URL, .eskeys.env, the config's URL of the environment in force (--env, default).
  let url =
    opts.url ??
    ctx.env.ESKEYS_URL ??
    readEnvFile(join(ctx.cwd, CREDENTIALS_FILE), CREDENTIALS_FILE)?.vars.ESKEYS_URL ??
    project.config.environments[environmentName(ctx, opts)]?.connection.url;
  if (interactive && opts.url === undefined) url = await input('Cluster URL', url ?? 'http://localhost:9200');
  if (opts.check !== false) {
    if (url) await testConnection(opts, project, url, interactive ? await prompts() : undefined);
    else ctx.io.stderr.write('eskeys: no cluster URL (--url or ESKEYS_URL): the connection was not tested\n');
  }

  // 3. Index patterns.
  let indices = splitList(opts.index);
  if (indices.length === 0) {
    if (!interactive) required('--index', "the index patterns the application uses, e.g. --index 'app-*'");
    indices = await askIndices(name);
  }

  // 4. What the application does.
  let capabilities: CapabilityId[];
  if (opts.can !== undefined) {
    capabilities = canFromFlag(opts.can);
  } else if (interactive) {
    capabilities = await askCapabilities();
  } else {
    return required('--can', `what the application does: ${CAPABILITY_IDS.join(', ')}`);
  }

  // 5. Where the key goes.
  let envFile = opts.dotenv ?? (interactive ? await askEnvFile() : '.env');
  let keyVar = opts.keyVar ?? (interactive ? await askKeyVar() : DEFAULT_KEY_VAR);

  // An answer typed at the prompt that cannot make a good template is asked again; one given as
  // a flag is exit 2 naming the flag.
  let built = buildTemplate({ name, indices, capabilities, envFile, keyVar });
  while (!built.ok) {
    const { answer } = built.problem;
    const fromFlag = {
      name: opts.name !== undefined,
      index: opts.index !== undefined,
      can: opts.can !== undefined,
      'env-file': opts.dotenv !== undefined,
      'key-var': opts.keyVar !== undefined,
    }[answer];
    if (!interactive || fromFlag) throw new UsageError(answerMessage(built.problem));
    ctx.io.stderr.write(`✗ ${built.problem.message}\n`);
    if (answer === 'name') {
      name = await askName();
      if (!opts.dryRun) refuseExisting(name);
    } else if (answer === 'index') indices = await askIndices(name);
    else if (answer === 'can') capabilities = await askCapabilities();
    else if (answer === 'env-file') envFile = await askEnvFile();
    else keyVar = await askKeyVar();
    built = buildTemplate({ name, indices, capabilities, envFile, keyVar });
  }
  const templatePath = pathOf(name);
  const text = `${JSON.stringify(built.template, null, 2)}\n`;

  const configPath = project.configPath ?? resolve(project.root, CONFIG_FILE);
  const writeConfig = !project.configPath && !existsSync(configPath);
  // The same refusals rotate applies before minting: outside the project, not an env file, a
  // variable another template already writes.
  const file = project.shownPath(templatePath);
  const outputs = project.outputs(built.value, DEFAULT_ENVIRONMENT);
  try {
    await project.guardOutputs({ template: built.value, file }, DEFAULT_ENVIRONMENT, outputs);
  } catch (error) {
    // The same refusal rotate gives, with the flags that change the answer here.
    const hint = ' (init: --key-var NAME or --dotenv FILE)';
    if (error instanceof ConfigError) throw new ConfigError(`${error.message}${hint}`, { cause: error });
    if (error instanceof UsageError) throw new UsageError(`${error.message}${hint}`, { cause: error });
    throw error;
  }

  if (opts.dryRun) {
    ctx.io.stdout.write(text);
    ctx.io.stderr.write(`eskeys: dry run: ${file} was not written\n`);
    return;
  }
  const files = [file, ...(writeConfig ? [project.shownPath(configPath)] : [])];
  if (!opts.yes) {
    if (!interactive)
      throw new UsageError(`--yes is required to write ${files.join(' and ')} without a terminal`);
    ctx.io.stderr.write(`\n${text}\n`);
    if (!(await (await prompts()).confirm(`Write ${files.join(' and ')}?`, true))) {
      throw new CancelledError('cancelled: nothing was written');
    }
  }

  if (!(await writeJsonFile(templatePath, text, opts.force === true))) {
    throw new UsageError(`${file} already exists; pass --force to overwrite it`);
  }
  let configWritten = false;
  if (writeConfig) {
    const templatesDir = opts.out
      ? relative(dirname(configPath), dirname(templatePath)) || '.'
      : project.config.templates_dir;
    const config = initialProjectConfig(templatesDir, url);
    // One that appeared since init looked is kept, like any existing config.
    configWritten = await writeJsonFile(configPath, `${JSON.stringify(config, null, 2)}\n`, false);
  }
  const out = ctx.io.stdout;
  out.write(`wrote ${file}\n`);
  if (configWritten) out.write(`wrote ${project.shownPath(configPath)}\n`);
  else out.write(`kept ${project.shownPath(configPath)} as it is\n`);
  out.write(
    `\nNext: eskeys create -t ${name} --yes    # mint the first key, prove it with the probes, write it to ${envFile}\n` +
      `      eskeys verify -t ${name}          # prove the deployed key again at any time\n`,
  );
}

/**
 * Writes a template or config file (no secret in it, so readable), folders created, the whole
 * text written and synced in a temp file beside it first. With `replace` the temp file is renamed
 * over the target. Without, it is hard-linked to the target name, which fails when the name
 * exists: a file created since init looked (another init, an editor) is never overwritten, and
 * false is returned.
 */
async function writeJsonFile(path: string, text: string, replace: boolean): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  if (replace) {
    await writeFileAtomic(path, text, { mode: 0o644, applyUmask: true });
    return true;
  }
  const tmp = tempPathBeside(path);
  await writeFile(tmp, text, { flag: 'wx', mode: 0o644 });
  try {
    const fh = await open(tmp, 'r');
    await fh.sync().finally(() => fh.close());
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
  await syncFolder(dirname(path));
  return true;
}

const FLAG_OF: Record<AnswerProblem['answer'], string> = {
  name: '--name',
  index: '--index',
  can: '--can',
  'env-file': '--dotenv',
  'key-var': '--key-var',
};

function answerMessage(p: AnswerProblem): string {
  return `${FLAG_OF[p.answer]}: ${p.message}`;
}

/** The working directory's name, made a valid template name, as the first answer offered. */
function defaultName(cwd: string): string {
  const n = basename(cwd)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return n.slice(0, 63) || 'app';
}

/**
 * Doctor's connection, identity and cluster checks for this URL (credentials from ESKEYS_* or
 * .eskeys.env, never asked). A failure stops init with doctor's exit code unless the person at
 * the terminal chooses to go on.
 */
async function testConnection(
  opts: InitOptions,
  project: ReturnType<typeof loadProject>,
  url: string,
  prompter: Prompter | undefined,
): Promise<void> {
  const { ctx } = opts;
  let checks: DoctorCheck[];
  try {
    const settings = connectionFor(ctx, project, { ...opts, url });
    checks = connectionChecks(settings);
    const cluster = await ctx.connect(settings, { diagnostic: true });
    try {
      const result = await clusterChecks(cluster, {
        adminAuthKind: settings.auth.kind === 'basic' ? 'user' : 'api_key',
        templates: [],
        invalidTemplates: [],
      });
      checks.push(...result.checks);
    } finally {
      await cluster.close();
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks = connectionChecks({ error: error.message });
  }
  const failed = checks.filter((c) => c.status === 'fail');
  for (const c of checks.filter((c) => c.status === 'warn'))
    ctx.io.stderr.write(`eskeys: warning: ${c.title}: ${c.message}${c.fix ? `; ${c.fix}` : ''}\n`);
  if (failed.length === 0) {
    const who = checks.find((c) => c.id === 'identity.admin');
    const version = checks.find((c) => c.id === 'cluster.version');
    ctx.io.stderr.write(`✓ ${url}: ${[who?.message, version?.message].filter(Boolean).join('; ')}\n`);
    return;
  }
  const first = failed[0]!;
  const line = `connection check failed: ${first.message}${first.fix ? `; ${first.fix}` : ''}`;
  ctx.io.stderr.write(prompter ? `✗ ${line}\n` : `eskeys: ${line}\n`);
  if (prompter && (await prompter.confirm('Continue without a working connection?', false))) return;
  throw new ReportedError(doctorExitCode(checks));
}
