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
