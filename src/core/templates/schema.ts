import { z } from 'zod';
import { isDuration } from '../duration.js';

/**
 * The role-template format (roles/*.json) and the project config (eskeys.config.json).
 * Structure only: privilege names, index patterns and probe ids are checked by named rules
 * in the loader so that each problem gets a precise message and a suggestion.
 * Unknown fields are errors everywhere (strict objects).
 */

const duration = z.string().refine(isDuration, { message: 'expected a duration such as 90d, 24h or 30m' });

const envVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' });

/** One `indices` entry of an Elasticsearch role descriptor. */
export const IndexPrivilegesSchema = z.strictObject({
  names: z.array(z.string().min(1)).min(1),
  privileges: z.array(z.string().min(1)).min(1),
  field_security: z
    .strictObject({ grant: z.array(z.string()).optional(), except: z.array(z.string()).optional() })
    .optional(),
  query: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  allow_restricted_indices: z.boolean().optional(),
});

/** An Elasticsearch role descriptor as API keys take it (the subset eskeys manages). */
export const RoleDescriptorSchema = z.strictObject({
  cluster: z.array(z.string().min(1)).optional(),
  indices: z.array(IndexPrivilegesSchema).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
});

/** A probe: an operation id, optionally aimed at a concrete index. */
export const ProbeSchema = z.union([
  z.string().min(1),
  z.strictObject({ op: z.string().min(1), index: z.string().min(1).optional() }),
]);

/** Where the probes run and what they expect. */
export const ProbesSchema = z.strictObject({
  /** Stable probe index for allow probes that need data; default: derived from the first index pattern. */
  index: z.string().min(1).optional(),
  allow: z.array(ProbeSchema).default([]),
  deny: z.array(ProbeSchema).default([]),
});

/** A health check after the restart hook: an HTTP URL or a command. */
export const HealthCheckSchema = z.union([
  z.strictObject({
    url: z.string().url(),
    timeout: duration.default('30s'),
    expect_status: z.number().int().optional(),
  }),
  z.strictObject({ command: z.string().min(1), timeout: duration.default('30s') }),
]);

/** The restart hook: a command run with the new key in its environment (never in argv). */
export const RestartSchema = z.strictObject({
  command: z.string().min(1),
  timeout: duration.default('60s'),
});

/** Where the key goes. */
export const OutputsSchema = z.strictObject({
  env_files: z.array(z.string().min(1)).default([]),
  key_var: envVarName.default('ELASTICSEARCH_API_KEY'),
  id_var: envVarName.optional(),
  /** Write through a symlinked env file instead of refusing it. */
  follow_symlinks: z.boolean().default(false),
  restart: RestartSchema.optional(),
  health_check: HealthCheckSchema.optional(),
});

/** Rotation policy. */
export const RotationSchema = z.strictObject({
  every: duration.default('90d'),
  grace: duration.default('24h'),
  review: duration.default('30d'),
});

/** A role template (roles/<name>.json). */
export const RoleTemplateSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, {
      message: 'expected lowercase letters, digits, ".", "_" or "-" (max 63)',
    }),
  description: z.string().default(''),
  role_descriptors: z.record(z.string().min(1), RoleDescriptorSchema),
  /** `auto` (default) = rotation.every + rotation.grace + a safety margin; `none` opts out explicitly. */
  expiration: z.union([z.literal('auto'), z.literal('none'), duration]).default('auto'),
  rotation: RotationSchema.default({ every: '90d', grace: '24h', review: '30d' }),
  probes: ProbesSchema.default({ allow: [], deny: [] }),
  outputs: OutputsSchema.default({ env_files: [], key_var: 'ELASTICSEARCH_API_KEY', follow_symlinks: false }),
});

/** Connection of one environment; credentials themselves come from the credentials file or env vars. */
export const ConnectionSchema = z.strictObject({
  url: z.string().url().optional(),
  /** A dotenv file with ESKEYS_* variables for this environment (e.g. `.eskeys.prod.env`). */
  credentials_file: z.string().min(1).optional(),
  ca_cert: z.string().min(1).optional(),
  ca_fingerprint: z.string().min(1).optional(),
});

/** One environment of the project config. */
export const EnvironmentSchema = z.strictObject({
  connection: ConnectionSchema.default({}),
  /** Per-template output overrides for this environment, keyed by template name. */
  outputs: z.record(z.string(), OutputsSchema.partial()).default({}),
});

/** The project config (eskeys.config.json). */
export const ProjectConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  templates_dir: z.string().default('roles'),
  state_dir: z.string().default('.eskeys'),
  environments: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), EnvironmentSchema).default({}),
});

export type RoleTemplate = z.infer<typeof RoleTemplateSchema>;
export type RoleTemplateInput = z.input<typeof RoleTemplateSchema>;
export type ProbeSpec = z.infer<typeof ProbeSchema>;
export type Outputs = z.infer<typeof OutputsSchema>;
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;
export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;
export type TemplateRoleDescriptor = z.infer<typeof RoleDescriptorSchema>;

/** The environment used when none is named. */
export const DEFAULT_ENVIRONMENT = 'default';
