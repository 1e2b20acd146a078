// The CLI side of verifying a deployed key (`eskeys verify`, `eskeys review --live`): the flags
// that say where the key is, and the connection its probes use (the admin identity when
// configured, else the key alone). Which key and the probing are core's
// (core/use-cases/verify-deployed-key.ts).

import { resolve } from 'node:path';
import type { ConnectionSettings } from '../core/config/connection.js';
import { ConfigError } from '../core/errors.js';
import type { Reporter } from '../core/ports.js';
import type { ProbeReport } from '../core/probes/types.js';
import type { Outputs, RoleTemplate } from '../core/templates/schema.js';
import {
  type KeyUnderTest,
  probeDeployedKey as probeKey,
  readDeployedKey,
} from '../core/use-cases/verify-deployed-key.js';
import type { CliContext } from './context.js';
import { testProbeRetry } from './probe-retry.js';
import { type ClusterFlags, connectionFor, type Project, readEnvFile } from './project.js';

/** The key under test (core's type, re-exported for the commands). */
export type { KeyUnderTest };

/** The flags that say where the deployed key is and whether to use it alone (verify's and review's). */
export interface DeployedKeyOptions extends ClusterFlags {
  /** Read the key from this environment variable. @defaultValue the template's `outputs.key_var` */
  readonly keyEnv?: string;
  /** Read the key (the template's `key_var`) from this env file. @defaultValue the template's env files */
  readonly envFile?: string;
  /** Never use admin credentials, even when they are configured. @defaultValue false */
  readonly keyOnly?: boolean;
}

/** Reads the key: --key-env VAR, --env-file FILE, else the template's key_var from the environment, else its env files. */
export function readKey(
  ctx: CliContext,
  project: Project,
  opts: DeployedKeyOptions,
  outputs: Outputs,
): KeyUnderTest {
  return readDeployedKey({
    env: ctx.env,
    readDotenv: (path, label) => readEnvFile(path, label)?.vars,
    keyEnv: opts.keyEnv,
    envFile: opts.envFile ? { path: resolve(ctx.cwd, opts.envFile), label: opts.envFile } : undefined,
    outputs,
    absolute: (f) => project.absolute(f),
  });
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
 * when credentials are configured (else key-only) and runs the core use case, which closes the
 * connection. Errors propagate; callers decide what they mean.
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
  const cluster = await ctx.connect(settings);
  const report = await probeKey({
    ctx,
    connection: { cluster, adminAvailable },
    key,
    template: input.template,
    environment: input.environment,
    reporter: input.reporter,
    describe: input.describe,
    retry: testProbeRetry(ctx.env),
  });
  return { report, clusterUrl: settings.url };
}
