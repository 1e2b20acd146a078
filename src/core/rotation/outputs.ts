import { parseDuration } from '../duration.js';
import { DEFAULT_KEY_VAR, type Outputs } from '../templates/schema.js';

/** A health check after the restart hook, with durations in ms. */
export type HealthCheckSpec =
  | { readonly kind: 'url'; readonly url: string; readonly timeoutMs: number; readonly expectStatus?: number }
  | { readonly kind: 'command'; readonly command: string; readonly timeoutMs: number };

/** Where a key goes for one (template, environment): the template's outputs with the environment's overrides applied, paths resolved. */
export interface EffectiveOutputs {
  /** Absolute paths. */
  readonly envFiles: readonly string[];
  readonly keyVar: string;
  readonly idVar?: string;
  readonly followSymlinks: boolean;
  /** Permission bits of the written env files (`outputs.mode`). @defaultValue 0o600 */
  readonly mode?: number;
  readonly restart?: { readonly command: string; readonly timeoutMs: number };
  readonly healthCheck?: HealthCheckSpec;
}

/** Milliseconds of a hook's timeout; 30 s when it does not parse (the schema has checked it). */
function hookTimeoutMs(d: string): number {
  return parseDuration(d) ?? 30_000;
}

/**
 * The effective outputs of one (template, environment) with every default applied: `key_var`
 * {@link DEFAULT_KEY_VAR}, `mode` 0600, no symlinks followed; env files made absolute by
 * `absolute` (the workspace resolves them against the project folder).
 */
export function toEffectiveOutputs(o: Outputs, absolute: (path: string) => string): EffectiveOutputs {
  let healthCheck: HealthCheckSpec | undefined;
  if (o.health_check) {
    healthCheck =
      'url' in o.health_check
        ? {
            kind: 'url',
            url: o.health_check.url,
            timeoutMs: hookTimeoutMs(o.health_check.timeout),
            expectStatus: o.health_check.expect_status,
          }
        : {
            kind: 'command',
            command: o.health_check.command,
            timeoutMs: hookTimeoutMs(o.health_check.timeout),
          };
  }
  return {
    envFiles: (o.env_files ?? []).map(absolute),
    keyVar: o.key_var ?? DEFAULT_KEY_VAR,
    idVar: o.id_var,
    followSymlinks: o.follow_symlinks ?? false,
    mode: Number.parseInt(o.mode ?? '0600', 8),
    restart: o.restart
      ? { command: o.restart.command, timeoutMs: hookTimeoutMs(o.restart.timeout) }
      : undefined,
    healthCheck,
  };
}
