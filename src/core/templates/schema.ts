import { z } from 'zod';
import { isDuration, MAX_DURATION_TEXT } from '../duration.js';

/**
 * The role-template format (roles/*.json) and the project config (eskeys.config.json).
 * Structure only: privilege names, index patterns and probe ids are checked by named rules
 * in the loader (template-rules.ts) so that each problem gets a precise message and a
 * suggestion. Unknown fields are errors everywhere (strict objects). Descriptions here
 * become the hover text of the published JSON Schema (json-schema.ts).
 */

const DURATION_MESSAGE = 'expected a duration such as 90d, 24h or 30m (units: ms, s, m, h, d, w)';
/**
 * Well-formed but too many milliseconds to count exactly (`99999999999999999999d`): past the
 * one cap every duration shares, which the named rules enforce for countable values.
 */
const TOO_LONG_MESSAGE = `must be at most ${MAX_DURATION_TEXT}`;
// Malformed text is the regex's to report; this only adds the overflow.
const countable = (text: string) => !/^\d+\s*(ms|s|m|h|d|w)$/.test(text) || isDuration(text);
const duration = z
  .string({ error: 'expected a duration such as 90d, 24h or 30m' })
  .regex(/^\d+\s*(ms|s|m|h|d|w)$/, { message: DURATION_MESSAGE })
  .refine(countable, { message: TOO_LONG_MESSAGE });

const EXPIRATION_MESSAGE = 'expected "auto", "none" or a duration such as 120d';
const expirationDuration = z
  .string()
  .regex(/^\d+\s*(ms|s|m|h|d|w)$/, { message: EXPIRATION_MESSAGE })
  .refine(countable, { message: TOO_LONG_MESSAGE });

const envVarName = z
  .string({ error: 'expected an environment variable name' })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: 'expected an environment variable name (letters, digits and "_", not starting with a digit)',
  });

/** A cluster privilege name or raw cluster action pattern (validated by the loader's rules). */
export const ClusterPrivilegeNameSchema = z
  .string()
  .min(1, { message: 'expected a cluster privilege name, not an empty string' });

/** An index privilege name or raw `indices:` action pattern (validated by the loader's rules). */
export const IndexPrivilegeNameSchema = z
  .string()
  .min(1, { message: 'expected an index privilege name, not an empty string' });

/** A probe operation id from the catalogue (validated by the loader's rules). */
export const ProbeOperationIdSchema = z
  .string()
  .min(1, { message: 'expected a probe operation id, not an empty string' })
  .describe('A probe operation id, e.g. "doc.delete" (see `eskeys matrix` for the list).');

/** One `indices` entry of an Elasticsearch role descriptor. */
export const IndexPrivilegesSchema = z
  .strictObject({
    names: z
      .array(z.string().min(1, { message: 'expected an index name pattern, not an empty string' }))
      .min(1, { message: 'expected at least one index name pattern' })
      .describe('Index name patterns: wildcards (`logs-*`) or a Lucene regex between slashes (`/logs-.*/`).'),
    privileges: z
      .array(IndexPrivilegeNameSchema)
      .min(1, { message: 'expected at least one index privilege' })
      .describe('Index privilege names (read, index, create_doc, ...) or raw `indices:` action patterns.'),
    field_security: z
      .strictObject({ grant: z.array(z.string()).optional(), except: z.array(z.string()).optional() })
      .optional()
      .describe('Field-level security, passed to Elasticsearch unchanged.'),
    query: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .optional()
      .describe('Document-level security query, passed to Elasticsearch unchanged.'),
    allow_restricted_indices: z
      .boolean()
      .optional()
      .describe('Let the patterns match restricted system indices such as .security (dangerous).'),
  })
  .describe('Index privileges on a set of index name patterns.');

/** An Elasticsearch role descriptor as API keys take it (the subset eskeys manages). */
export const RoleDescriptorSchema = z
  .strictObject({
    cluster: z
      .array(ClusterPrivilegeNameSchema)
      .optional()
      .describe('Cluster privilege names (monitor, manage_ilm, ...) or raw cluster action patterns.'),
    indices: z.array(IndexPrivilegesSchema).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    description: z.string().optional(),
  })
  .describe('An Elasticsearch role descriptor (the API key gets the union of all descriptors).');

/** A probe: an operation id, optionally aimed at a concrete index. */
export const ProbeSchema = z.union([
  ProbeOperationIdSchema,
  z.strictObject({
    op: ProbeOperationIdSchema,
    index: z
      .string()
      .min(1)
      .optional()
      .describe('A concrete index to run the probe against (default: derived from the index patterns).'),
  }),
]);

/** Where the probes run and what they expect. */
export const ProbesSchema = z
  .strictObject({
    /** Stable probe index for allow probes that need data; default: derived from the first index pattern. */
    index: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Stable index for allow probes that need data (default: derived from the first index pattern).',
      ),
    allow: z
      .array(ProbeSchema)
      .default([])
      .describe('Operations the key must be able to perform (2xx expected).'),
    deny: z
      .array(ProbeSchema)
      .default([])
      .describe('Operations the key must not be able to perform (403 expected).'),
  })
  .describe('Live checks run against every new key before it is published.');

/** A health check after the restart hook: an HTTP URL or a command. */
export const HealthCheckSchema = z.union([
  z.strictObject({
    url: z.string().url({ message: 'expected an http(s) URL' }),
    timeout: duration.default('30s'),
    expect_status: z
      .number()
      .int()
      .min(100)
      .max(599)
      .optional()
      .describe('Expected HTTP status of the health check URL.'),
  }),
  z.strictObject({ command: z.string().min(1), timeout: duration.default('30s') }),
]);

/** The restart hook: a command run with the new key in its environment (never in argv). */
export const RestartSchema = z.strictObject({
  command: z
    .string()
    .min(1)
    .describe('Shell command restarting the consumer, e.g. `docker compose restart api`.'),
  timeout: duration.default('60s'),
});

/**
 * Permission bits of a written env file: owner read(-write), optionally group read for a consumer
 * running as another user in the file's group. Never writable by the group nor readable by others:
 * the file holds a live key.
 */
export const ENV_FILE_MODES = ['0600', '0640', '0400', '0440'] as const;
const envFileMode = z.enum(ENV_FILE_MODES, {
  error: `expected one of ${ENV_FILE_MODES.map((m) => `"${m}"`).join(', ')} (a live key is never readable by others)`,
});

/** The variable a template's key is written to when its outputs name none. */
export const DEFAULT_KEY_VAR = 'ELASTICSEARCH_API_KEY';

/** Where the key goes. */
export const OutputsSchema = z
  .strictObject({
    env_files: z
      .array(z.string().min(1))
      .default([])
      .describe('Env files (relative to the project root) that receive the key.'),
    key_var: envVarName.default(DEFAULT_KEY_VAR).describe('Variable holding the encoded key.'),
    id_var: envVarName.optional().describe('Variable holding the key id (optional).'),
    /** Write through a symlinked env file instead of refusing it. */
    follow_symlinks: z
      .boolean()
      .default(false)
      .describe('Write through a symlinked env file instead of refusing.'),
    mode: envFileMode
      .optional()
      .describe(
        'Permission bits of every env file written (default "0600"; "0640" for a consumer running as another user in the file\'s group).',
      ),
    restart: RestartSchema.optional(),
    health_check: HealthCheckSchema.optional(),
  })
  .describe('Where a new key is published and how its consumer picks it up.');

/**
 * Per-environment output overrides: the same fields as OutputsSchema but without defaults,
 * so an override only replaces what it names (zod's `.partial()` would fill in defaults
 * and silently reset e.g. a template's custom `key_var`).
 */
export const OutputsOverrideSchema = z
  .strictObject({
    env_files: z.array(z.string().min(1)).optional(),
    key_var: envVarName.optional(),
    id_var: envVarName.optional(),
    follow_symlinks: z.boolean().optional(),
    mode: envFileMode.optional(),
    restart: RestartSchema.optional(),
    health_check: HealthCheckSchema.optional(),
  })
  .describe("Overrides of a template's outputs for one environment (only the fields given).");

/** Rotation policy. */
export const RotationSchema = z
  .strictObject({
    every: duration.default('90d').describe('Rotate this often (default 90d).'),
    grace: duration
      .default('24h')
      .describe('Keep the previous key valid this long after a rotation (default 24h).'),
    review: duration.default('30d').describe('Remind to review the key this often (default 30d).'),
  })
  .describe('When keys are rotated, revoked and reviewed.');

/** A lint rule id (validated by the loader's rules; an enum in the JSON Schema). */
export const LintRuleIdSchema = z
  .string()
  .min(1, { message: 'expected a lint rule id, not an empty string' });

/** Per-template lint settings: rule ids whose findings are accepted for this template. */
export const LintSettingsSchema = z
  .strictObject({
    ignore: z
      .array(LintRuleIdSchema)
      .default([])
      .describe('Lint rule ids accepted for this template (e.g. "grant-delete-index" for a retention job).'),
  })
  .describe('Lint settings for this template.');

/** A role template (roles/<name>.json). */
export const RoleTemplateSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z
      .string({ error: 'expected a template name' })
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, {
        message: 'expected lowercase letters, digits, ".", "_" or "-" (max 63)',
      })
      .describe('Template name; keys are named `<name>@<environment>#<generation>`.'),
    description: z.string().default(''),
    role_descriptors: z
      .record(
        z.string().min(1, { message: 'role descriptor names must not be empty' }),
        RoleDescriptorSchema,
        {
          error: 'expected an object of role descriptors',
        },
      )
      .describe('Role descriptors of the API key, by name.'),
    /** `auto` (default) = rotation.every + rotation.grace + a safety margin; `none` opts out explicitly. */
    expiration: z
      .union([z.literal('auto'), z.literal('none'), expirationDuration], { error: EXPIRATION_MESSAGE })
      .default('auto')
      .describe('Key expiration: "auto" (rotation.every + grace + margin), "none", or a duration.'),
    rotation: RotationSchema.default({ every: '90d', grace: '24h', review: '30d' }),
    probes: ProbesSchema.default({ allow: [], deny: [] }),
    outputs: OutputsSchema.default({
      env_files: [],
      key_var: DEFAULT_KEY_VAR,
      follow_symlinks: false,
    }),
    lint: LintSettingsSchema.optional(),
  })
  .describe('An eskeys role template: the privileges, lifecycle, probes and outputs of one service key.');

/** Connection of one environment; credentials themselves come from the credentials file or env vars. */
export const ConnectionSchema = z
  .strictObject({
    url: z.string().url({ message: 'expected an http(s) URL' }).optional(),
    /** A dotenv file with ESKEYS_* variables for this environment (e.g. `.eskeys.prod.env`). */
    credentials_file: z
      .string()
      .min(1)
      .optional()
      .describe('A dotenv file with ESKEYS_* variables for this environment (e.g. `.eskeys.prod.env`).'),
    ca_cert: z.string().min(1).optional().describe('Path to a PEM CA bundle.'),
    ca_fingerprint: z
      .string()
      .min(1)
      .optional()
      .describe('SHA-256 fingerprint of the CA or server certificate.'),
  })
  .describe('How to reach the cluster of this environment (no credentials here).');

/** One environment of the project config. */
export const EnvironmentSchema = z.strictObject({
  connection: ConnectionSchema.default({}),
  /** Per-template output overrides for this environment, keyed by template name. */
  outputs: z
    .record(z.string(), OutputsOverrideSchema)
    .default({})
    .describe('Per-template output overrides for this environment, keyed by template name.'),
});

/** The scheduler (`eskeys schedule`); `eskeys tick` needs no settings here. */
export const SchedulerSchema = z
  .strictObject({
    cron: z
      .string()
      .min(1, { message: 'expected a cron expression such as "17 * * * *"' })
      .optional()
      .describe(
        'When `eskeys schedule` runs a pass: a cron expression (5 fields, or 6 with seconds first); default "17 * * * *" (hourly at minute 17).',
      ),
    timezone: z
      .string()
      .min(1)
      .optional()
      .describe('IANA time zone of the cron expression, e.g. "Europe/Paris" (default: the host\'s).'),
  })
  .describe('Settings of the long-running scheduler (`eskeys schedule`).');

/** The project config (eskeys.config.json). */
export const ProjectConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    templates_dir: z.string().default('roles').describe('Directory of role templates (default roles).'),
    state_dir: z.string().default('.eskeys').describe('Directory of local state: journal, audit log, locks.'),
    output_roots: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Folders outside the project (relative to this file, or absolute) that env files may be written into; templates cannot add any.',
      ),
    environments: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, {
          message: 'environment names are lowercase letters, digits, "_" and "-"',
        }),
        EnvironmentSchema,
      )
      .default({})
      .describe('Environments (prod, staging, ...) with their connection and output overrides.'),
    scheduler: SchedulerSchema.optional(),
  })
  .describe('eskeys project configuration (eskeys.config.json).');

export type RoleTemplate = z.infer<typeof RoleTemplateSchema>;
export type RoleTemplateInput = z.input<typeof RoleTemplateSchema>;
export type ProbeSpec = z.infer<typeof ProbeSchema>;
export type Outputs = z.infer<typeof OutputsSchema>;
export type OutputsOverride = z.infer<typeof OutputsOverrideSchema>;
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;
export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;
export type TemplateRoleDescriptor = z.infer<typeof RoleDescriptorSchema>;
export type TemplateIndexPrivileges = z.infer<typeof IndexPrivilegesSchema>;

/** The environment used when none is named. */
export const DEFAULT_ENVIRONMENT = 'default';
