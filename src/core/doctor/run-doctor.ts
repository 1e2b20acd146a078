import type { ClusterPort } from '../cluster-port.js';
import type { ConnectionSettings } from '../config/connection.js';
import { isEskeysError } from '../errors.js';
import type { EsVersion } from '../es-version.js';
import type { RoleTemplate } from '../templates/schema.js';
import {
  CHECK_GROUPS,
  type CheckStatus,
  check,
  type DoctorCheck,
  doctorExitCode,
  skipped,
  summarize,
} from './check.js';
import { clusterChecks, skippedClusterChecks } from './cluster-checks.js';
import { connectionChecks } from './connection-checks.js';
import { type LocalInput, type LocalStatePort, localChecks } from './local-checks.js';
import {
  type ConfigFacts,
  configCheck,
  environmentCheck,
  outputVariablesCheck,
  type TemplateFacts,
  templateChecks,
} from './project-checks.js';

/** Everything the CLI gathered before the checks run. */
export interface DoctorInput {
  readonly environment: string;
  /** Set when `--env` names no configured environment. */
  readonly environmentError?: string;
  readonly config: ConfigFacts;
  /** Set when the template files could not be listed (no templates folder). */
  readonly templatesError?: string;
  readonly templates: readonly TemplateFacts[];
  /** Variables written by two templates into one env file, one line each; absent when not checked (one template named). */
  readonly variableConflicts?: readonly string[];
  /** The resolved admin connection, or why it could not be resolved. */
  readonly connection: ConnectionSettings | { error: string };
  readonly local: LocalInput;
}

/** The ports doctor uses. */
export interface DoctorDeps {
  /** Opens the admin connection (called at most once, only when the settings resolved). */
  openCluster(settings: ConnectionSettings): Promise<ClusterPort>;
  readonly local: LocalStatePort;
}

/** The outcome: every check in display order, counts and the exit code. */
export interface DoctorReport {
  readonly environment: string;
  readonly url?: string;
  readonly version?: EsVersion;
  readonly checks: readonly DoctorCheck[];
  readonly summary: Record<CheckStatus, number>;
  readonly exitCode: number;
}

/**
 * Runs every check of `eskeys doctor`: project (config, templates, lint), connection (settings,
 * TLS, reachability), identity, cluster (version, features, security, API key service),
 * delegation (the admin holds what each template delegates) and local state (state folder,
 * journal, audit chain, credentials and env files). Local checks run even when the cluster
 * cannot be reached. Read-only everywhere.
 */
export async function runDoctorChecks(deps: DoctorDeps, input: DoctorInput): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  checks.push(configCheck(input.config));
  checks.push(environmentCheck(input.environment, input.environmentError));
  if (input.templatesError) {
    checks.push(
      check('project', 'templates', 'fail', input.templatesError, {
        fix: 'create the templates folder with at least one template (see docs/TEMPLATES.md)',
        failure: 'config',
      }),
    );
  }
  checks.push(...templateChecks(input.templates));
  if (input.variableConflicts) checks.push(outputVariablesCheck(input.variableConflicts));

  const valid: RoleTemplate[] = [];
  const invalid: string[] = [];
  const projectChecks = new Map(checks.map((c) => [c.subject, c]));
  for (const t of input.templates) {
    if (t.template && projectChecks.get(t.template.name)?.failure !== 'config') valid.push(t.template);
    else invalid.push(t.template?.name ?? t.file);
  }
  const clusterInput = {
    adminAuthKind: 'user' as 'user' | 'api_key',
    templates: valid,
    invalidTemplates: invalid,
  };

  let url: string | undefined;
  let version: EsVersion | undefined;
  if (input.environmentError) {
    const because = 'the environment is unknown';
    checks.push(skipped('connection', 'settings', because), skipped('connection', 'tls', because));
    checks.push(...skippedClusterChecks(clusterInput, because));
  } else {
    checks.push(...connectionChecks(input.connection));
    if ('error' in input.connection) {
      checks.push(skipped('connection', 'tls', 'no usable connection settings'));
      checks.push(...skippedClusterChecks(clusterInput, 'no usable connection settings'));
    } else {
      url = input.connection.url;
      const settings = input.connection;
      let cluster: ClusterPort | undefined;
      try {
        cluster = await deps.openCluster(settings);
      } catch (error) {
        if (!isEskeysError(error)) throw error;
        checks.push(
          check('connection', 'reachable', 'fail', error.message, {
            fix: 'correct the connection settings (CA file, fingerprint, URL)',
            failure: 'config',
          }),
        );
        checks.push(
          ...skippedClusterChecks(clusterInput, 'no connection').filter(
            (c) => c.id !== 'connection.reachable',
          ),
        );
      }
      if (cluster) {
        try {
          const r = await clusterChecks(cluster, {
            ...clusterInput,
            adminAuthKind: settings.auth.kind === 'basic' ? 'user' : 'api_key',
          });
          checks.push(...r.checks);
          version = r.version;
        } finally {
          await cluster.close();
        }
      }
    }
  }

  checks.push(...(await localChecks(deps.local, input.local)));

  const ordered = checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => CHECK_GROUPS.indexOf(a.c.group) - CHECK_GROUPS.indexOf(b.c.group) || a.i - b.i)
    .map(({ c }) => c);
  return {
    environment: input.environment,
    ...(url ? { url } : {}),
    ...(version ? { version } : {}),
    checks: ordered,
    summary: summarize(ordered),
    exitCode: doctorExitCode(ordered),
  };
}
