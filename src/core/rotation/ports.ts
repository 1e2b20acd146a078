import type { ProbeReport, RunProbesInput } from '../probes/types.js';
import type { Secret } from '../secret.js';

/** Env files as the rotation sees them; the adapter writes atomically (temp + fsync + rename, 0600). */
export interface EnvFilesPort {
  /**
   * Sets the variables in the file (creating it when absent), keeping every other line
   * byte for byte. Returns the previous text (undefined when the file did not exist),
   * which the rotation keeps in memory only, for rollback.
   */
  update(path: string, vars: Readonly<Record<string, Secret | string>>): Promise<{ before?: string }>;
  /**
   * Undoes this rotation's update of the file: puts back the previous text (or removes a file
   * that did not exist) when nobody wrote the file since; otherwise puts back only the variables
   * this rotation set, so a key another rotation published into the same file meanwhile stays.
   */
  restore(path: string, before: string | undefined): Promise<void>;
  /** The value of one variable, or undefined when the file or the variable is missing. */
  readVar(path: string, name: string): Promise<Secret | undefined>;
}

/** The result of a restart command or health check. */
export interface HookResult {
  readonly ok: boolean;
  /** One line for the operator: exit code, timeout, HTTP status. Secrets scrubbed. */
  readonly detail: string;
}

/** A restart command or command health check. */
export interface CommandHook {
  readonly command: string;
  readonly timeoutMs: number;
  /** Extra variables for the child's environment (the new key goes here, never in argv). */
  readonly env: Readonly<Record<string, Secret | string>>;
}

/** Runs restart hooks and health checks. */
export interface HookRunner {
  runCommand(hook: CommandHook): Promise<HookResult>;
  checkUrl(check: { url: string; timeoutMs: number; expectStatus?: number }): Promise<HookResult>;
}

/** Runs the template's probes against a key (src/core/probes/run-probes.ts). */
export type ProbeRunner = (input: RunProbesInput) => Promise<ProbeReport>;

/** Audit events and log of the rotation engine: the shared, hash-chained audit log's types. */
export type { AuditEvent as RotationAuditEvent, AuditLog as RotationAuditLog } from '../audit/audit-event.js';
