// The deployed key of a (template, environment) as `eskeys verify` and `eskeys review --live`
// read it — from --key-env, --env-file, the template's key_var or its env files — and the
// connection its probes use (the admin identity when configured, else the key alone).

import { isAbsolute, join, resolve } from 'node:path';
import type { ConnectionSettings } from '../core/config/connection.js';
import { ConfigError } from '../core/errors.js';
import type { Reporter } from '../core/ports.js';
import { encodedKeyId } from '../core/probes/encoded-key.js';
import { runProbes } from '../core/probes/run-probes.js';
import type { ProbeReport } from '../core/probes/types.js';
import { Secret } from '../core/secret.js';
import type { Outputs, RoleTemplate } from '../core/templates/schema.js';
import { connectCluster } from './composition.js';
import type { CliContext } from './context.js';
import { testProbeRetry } from './probe-retry.js';
import { type ClusterFlags, connectionFor, type Project, readEnvFile } from './project.js';

/** The flags that say where the deployed key is and whether to use it alone (verify's and review's). */
export interface DeployedKeyOptions extends ClusterFlags {
  /** Read the key from this environment variable. @defaultValue the template's `outputs.key_var` */
  readonly keyEnv?: string;
  /** Read the key (the template's `key_var`) from this env file. @defaultValue the template's env files */
  readonly envFile?: string;
  /** Never use admin credentials, even when they are configured. @defaultValue false */
  readonly keyOnly?: boolean;
}

/** The key under test and where it came from (never the value in any message). */
export interface KeyUnderTest {
  readonly encoded: Secret;
  readonly id: string;
  /** `the key in ELASTICSEARCH_API_KEY (.env)`. */
  readonly source: string;
}

/** Reads the key: --key-env VAR, --env-file FILE, else the template's key_var from the environment, else its env files. */
export function readKey(
  ctx: CliContext,
  project: Project,
  opts: DeployedKeyOptions,
  outputs: Outputs,
): KeyUnderTest {
  const varName = outputs.key_var;
  let value: string | undefined;
  let source: string;
  if (opts.keyEnv) {
    value = ctx.env[opts.keyEnv];
    source = `the key in ${opts.keyEnv}`;
    if (!value) throw new ConfigError(`environment variable ${opts.keyEnv} (--key-env) is not set or empty`);
  } else if (opts.envFile) {
    const file = readEnvFile(resolve(ctx.cwd, opts.envFile), opts.envFile);
    if (!file) throw new ConfigError(`env file ${opts.envFile} does not exist`);
    value = file.vars[varName];
    source = `the key in ${varName} (${opts.envFile})`;
    if (!value) throw new ConfigError(`${opts.envFile} has no ${varName}`);
  } else if (ctx.env[varName]) {
    value = ctx.env[varName];
    source = `the key in ${varName}`;
  } else {
    source = '';
    for (const f of outputs.env_files) {
      const path = isAbsolute(f) ? f : join(project.root, f);
      const file = readEnvFile(path, f);
      if (file?.vars[varName]) {
        value = file.vars[varName];
        source = `the key in ${varName} (${f})`;
        break;
      }
    }
    if (!value) {
      const where = outputs.env_files.length > 0 ? ` or in ${outputs.env_files.join(', ')}` : '';
      throw new ConfigError(
        `no key to verify: ${varName} is not set in the environment${where}; pass --key-env VAR or --env-file FILE`,
      );
    }
  }
  const encoded = new Secret(value.trim());
  const id = encodedKeyId(encoded);
  if (!id) {
    throw new ConfigError(
      `${source} is not an encoded API key (base64 of id:api_key, the "encoded" value Elasticsearch returns)`,
    );
  }
  return { encoded, id, source };
}

/**
 * The connection for verify: the admin identity when credentials are configured (canaries can
 * then be made and removed), else the key under test alone against the configured URL (CI).
 */
export function resolveVerifyConnection(
  ctx: CliContext,
  project: Project,
  opts: DeployedKeyOptions,
  key: KeyUnderTest,
): { settings: ConnectionSettings; adminAvailable: boolean } {
  if (!opts.keyOnly) {
    try {
      return { settings: connectionFor(ctx, project, opts), adminAvailable: true };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // No usable admin credentials: fall through to key-only. A missing URL or an unknown
      // environment fails again below with the same message.
    }
  }
  const base = connectionFor(ctx, project, {
    ...opts,
    username: undefined,
    password: undefined,
    apiKey: key.encoded.reveal(),
  });
  return { settings: { ...base, auth: { kind: 'api_key', apiKey: key.encoded } }, adminAvailable: false };
}

/**
 * Runs a template's probes with the deployed key (verify, review --live): connects as the admin
 * when credentials are configured (else key-only), says what it is doing through `reporter`,
 * and always closes the connection. Errors propagate; callers decide what they mean.
 */
export async function probeDeployedKey(input: {
  readonly ctx: CliContext;
  readonly project: Project;
  readonly opts: DeployedKeyOptions;
  readonly key: KeyUnderTest;
  readonly template: RoleTemplate;
  readonly environment: string;
  readonly reporter: Reporter;
  /** The progress line, given the key's source and whether the admin identity is available. */
  readonly describe: (adminAvailable: boolean) => string;
}): Promise<{ report: ProbeReport; clusterUrl: string }> {
  const { ctx, key } = input;
  const { settings, adminAvailable } = resolveVerifyConnection(ctx, input.project, input.opts, key);
  const cluster = await connectCluster(ctx.io, settings);
  input.reporter.step(input.describe(adminAvailable));
  try {
    const report = await runProbes({
      cluster,
      template: input.template,
      environment: input.environment,
      key: { id: key.id, encoded: key.encoded },
      keySource: key.source,
      random: ctx.random,
      clock: ctx.clock,
      signal: ctx.signal,
      adminAvailable,
      reporter: input.reporter,
      retry: testProbeRetry(ctx.env),
    });
    return { report, clusterUrl: settings.url };
  } finally {
    await cluster.close().catch(() => {});
  }
}
