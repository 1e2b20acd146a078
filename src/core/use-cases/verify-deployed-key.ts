// The verify-a-deployed-key use case (`eskeys verify`, `eskeys review --live`): which key to test
// — --key-env, --env-file, the template's key_var in the environment, else its env files — and
// its probes run against the cluster.

import type { ClusterPort } from '../cluster-port.js';
import { ConfigError } from '../errors.js';
import type { Reporter } from '../ports.js';
import { encodedKeyId } from '../probes/encoded-key.js';
import { runProbes } from '../probes/run-probes.js';
import type { ProbeReport, RunProbesInput } from '../probes/types.js';
import { Secret } from '../secret.js';
import type { Outputs, RoleTemplate } from '../templates/schema.js';
import type { RunContext } from './run-context.js';

/** The key under test and where it came from (never the value in any message). */
export interface KeyUnderTest {
  readonly encoded: Secret;
  readonly id: string;
  /** `the key in ELASTICSEARCH_API_KEY (.env)`. */
  readonly source: string;
}

/** Reads a dotenv file's variables; undefined when the file does not exist. */
export type DotenvReader = (path: string, label: string) => Readonly<Record<string, string>> | undefined;

/** Where the deployed key may be, in the order {@link readDeployedKey} looks. */
export interface DeployedKeySources {
  /** The process environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readDotenv: DotenvReader;
  /** `--key-env VAR`. */
  readonly keyEnv?: string;
  /** `--env-file FILE`: its absolute path and the name as given. */
  readonly envFile?: { readonly path: string; readonly label: string };
  /** The template's outputs for the environment (key_var, env_files as written in the config). */
  readonly outputs: Pick<Outputs, 'key_var' | 'env_files'>;
  /** An env file of the outputs made absolute (against the project folder). */
  readonly absolute: (path: string) => string;
}

/**
 * The deployed key: --key-env VAR, --env-file FILE, else the template's key_var from the
 * environment, else from its env files (first that holds it). ConfigError (exit 2) naming the
 * variable or file when there is none, or when the value is not an encoded API key.
 */
export function readDeployedKey(s: DeployedKeySources): KeyUnderTest {
  const varName = s.outputs.key_var;
  let value: string | undefined;
  let source: string;
  if (s.keyEnv) {
    value = s.env[s.keyEnv];
    source = `the key in ${s.keyEnv}`;
    if (!value) throw new ConfigError(`environment variable ${s.keyEnv} (--key-env) is not set or empty`);
  } else if (s.envFile) {
    const vars = s.readDotenv(s.envFile.path, s.envFile.label);
    if (!vars) throw new ConfigError(`env file ${s.envFile.label} does not exist`);
    value = vars[varName];
    source = `the key in ${varName} (${s.envFile.label})`;
    if (!value) throw new ConfigError(`${s.envFile.label} has no ${varName}`);
  } else if (s.env[varName]) {
    value = s.env[varName];
    source = `the key in ${varName}`;
  } else {
    source = '';
    for (const f of s.outputs.env_files) {
      const vars = s.readDotenv(s.absolute(f), f);
      if (vars?.[varName]) {
        value = vars[varName];
        source = `the key in ${varName} (${f})`;
        break;
      }
    }
    if (!value) {
      const where = s.outputs.env_files.length > 0 ? ` or in ${s.outputs.env_files.join(', ')}` : '';
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

/** The cluster the probes run against: as the admin (canaries can be made) or as the key alone. */
export interface DeployedKeyConnection {
  readonly cluster: ClusterPort;
  readonly adminAvailable: boolean;
}

/**
 * Runs a template's probes with the deployed key, says what it is doing through `reporter`
 * (`describe` gets whether the admin identity is available) and always closes the connection.
 * Errors propagate; callers decide what they mean.
 */
export async function probeDeployedKey(input: {
  readonly ctx: Pick<RunContext, 'clock' | 'random' | 'signal'>;
  readonly connection: DeployedKeyConnection;
  readonly key: KeyUnderTest;
  readonly template: RoleTemplate;
  readonly environment: string;
  readonly reporter: Reporter;
  readonly describe: (adminAvailable: boolean) => string;
  readonly retry?: RunProbesInput['retry'];
}): Promise<ProbeReport> {
  const { ctx, connection, key } = input;
  input.reporter.step(input.describe(connection.adminAvailable));
  try {
    return await runProbes({
      cluster: connection.cluster,
      template: input.template,
      environment: input.environment,
      key: { id: key.id, encoded: key.encoded },
      keySource: key.source,
      random: ctx.random,
      clock: ctx.clock,
      signal: ctx.signal,
      adminAvailable: connection.adminAvailable,
      reporter: input.reporter,
      retry: input.retry,
    });
  } finally {
    await connection.cluster.close().catch(() => {});
  }
}
