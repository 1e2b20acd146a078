import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { parse as parseDotenv } from 'dotenv';
import { openFsWorkspace } from '../adapters/workspace/fs-workspace.js';
import {
  type ConnectionFlags,
  type ConnectionSettings,
  type ParsedEnvFile,
  resolveConnection,
} from '../core/config/connection.js';
import { ConfigError } from '../core/errors.js';
import { CONFIG_FILE, type Workspace } from '../core/ports/workspace.js';
import { resolveEnvironment } from '../core/templates/load-template.js';
import { DEFAULT_ENVIRONMENT } from '../core/templates/schema.js';
import type { CliContext } from './context.js';

export { CONFIG_FILE };
/** The admin credentials file (dotenv) looked up in the working directory. */
export const CREDENTIALS_FILE = '.eskeys.env';

/** Flags every cluster-facing command accepts. */
export interface ClusterFlags extends ConnectionFlags {
  env?: string;
  config?: string;
}

/** Adds the connection flags (with their ESKEYS_* variables named in --help) to a command. */
export function addClusterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--env <name>', 'environment from eskeys.config.json').default(undefined))
    .addOption(new Option('--config <file>', `project config (default ./${CONFIG_FILE})`))
    .addOption(new Option('--url <url>', 'cluster URL (env ESKEYS_URL)'))
    .addOption(new Option('--username <name>', 'admin username (env ESKEYS_USERNAME)'))
    .addOption(
      new Option(
        '--password <password>',
        'admin password (env ESKEYS_PASSWORD; prefer the env or .eskeys.env)',
      ),
    )
    .addOption(new Option('--api-key <encoded>', 'admin API key (env ESKEYS_API_KEY)'))
    .addOption(new Option('--ca <file>', 'PEM CA certificate (env ESKEYS_CA_CERT)'))
    .addOption(
      new Option(
        '--ca-fingerprint <sha256>',
        'CA certificate SHA-256 fingerprint (env ESKEYS_CA_FINGERPRINT)',
      ),
    )
    .addOption(new Option('--insecure', 'turn TLS verification off (never in production)'));
}

/** The project of a command: the Workspace port (config, templates, outputs, state folder, paths). */
export type Project = Workspace;

/** Reads eskeys.config.json (explicit path, or ./eskeys.config.json when present); exit 2 when invalid. */
export function loadProject(ctx: CliContext, configFlag?: string): Project {
  const { workspace, warnings } = openFsWorkspace(ctx.cwd, configFlag ?? ctx.env.ESKEYS_CONFIG);
  for (const w of warnings) ctx.io.stderr.write(`eskeys: warning: ${w}\n`);
  return workspace;
}

/** Reads a dotenv file without touching process.env; undefined when absent. */
export function readEnvFile(path: string, label: string): ParsedEnvFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return { path: label, vars: parseDotenv(readFileSync(path)) };
  } catch (error) {
    throw new ConfigError(`${label}: cannot read: ${(error as Error).message}`);
  }
}

/** The environment name in force: --env, ESKEYS_ENV, or `default`. */
export function environmentName(ctx: CliContext, flags: ClusterFlags): string {
  return flags.env ?? ctx.env.ESKEYS_ENV ?? DEFAULT_ENVIRONMENT;
}

/**
 * Resolves the admin connection for an environment: flags > ESKEYS_* variables > the
 * environment's credentials file > ./.eskeys.env > the config's connection url/CA.
 */
export function connectionFor(ctx: CliContext, project: Project, flags: ClusterFlags): ConnectionSettings {
  const envName = environmentName(ctx, flags);
  const envConfig = resolveEnvironment(project.config, envName);
  const files: ParsedEnvFile[] = [];
  const credentialsFile = envConfig.connection.credentials_file;
  if (credentialsFile) {
    const p = isAbsolute(credentialsFile) ? credentialsFile : join(project.root, credentialsFile);
    const f = readEnvFile(p, credentialsFile);
    if (!f)
      throw new ConfigError(`environment ${envName}: credentials_file ${credentialsFile} does not exist`);
    files.push(f);
  }
  const local = readEnvFile(join(ctx.cwd, CREDENTIALS_FILE), CREDENTIALS_FILE);
  if (local) files.push(local);
  const conn = envConfig.connection;
  return resolveConnection(flags, ctx.env, files, {
    url: conn.url,
    caCertPath: conn.ca_cert ? resolve(project.root, conn.ca_cert) : undefined,
    caFingerprint: conn.ca_fingerprint,
  });
}
