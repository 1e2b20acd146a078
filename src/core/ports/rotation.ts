// The ports of the rotation verbs (create, rotate, recover, revoke, tick, schedule): the engine's
// narrow ports (env files, hooks, probes, audit; src/core/rotation/ports.ts) and the bundle of
// services one command opens for an environment.

import type { ClusterPort } from '../cluster-port.js';
import type { JournalReader, JournalWriter } from '../journal/journal-entry.js';
import type { EnvFilesPort, HookRunner, ProbeRunner, RotationAuditLog } from '../rotation/ports.js';
import type { Secret } from '../secret.js';

export type {
  CommandHook,
  EnvFilesPort,
  HookResult,
  HookRunner,
  ProbeRunner,
  RotationAuditEvent,
  RotationAuditLog,
} from '../rotation/ports.js';

/** The masked diff of one env file (values of secret variables hidden). */
export interface FileDiff {
  /** The file as reports show it (relative to the project). */
  readonly file: string;
  readonly diff: string;
}

/** An EnvFilesPort that also remembers a masked diff of every file it changed (for the report). */
export interface RecordingEnvFiles extends EnvFilesPort {
  readonly diffs: FileDiff[];
  /** The masked diff a change would make, without writing (dry-run). */
  preview(path: string, vars: Readonly<Record<string, Secret | string>>): Promise<FileDiff>;
  /**
   * preview under the file's edit lock, before any key exists: a lock a killed eskeys left is
   * taken over now, and one a live process holds is LockedError (exit 4) before anything is minted.
   */
  preflight(path: string, vars: Readonly<Record<string, Secret | string>>): Promise<FileDiff>;
}

/** The rotation lock of one (template, environment). */
export interface RotationLock {
  release(): Promise<void> | void;
}

/** How the rotation's env files are accessed. */
export interface EnvFilesOptions {
  readonly followSymlinks: boolean;
  /** Values masked in diffs. */
  readonly secretVars: readonly string[];
  /** Permission bits of written files (the template's outputs.mode). @defaultValue 0o600 */
  readonly mode?: number;
}

/** Everything a rotation verb uses for one environment; the CLI's composition root opens the real ones, tests fakes. */
export interface RotationServices {
  readonly cluster: ClusterPort;
  readonly journal: JournalWriter & JournalReader;
  readonly audit: RotationAuditLog;
  envFiles(opts: EnvFilesOptions): RecordingEnvFiles;
  readonly hooks: HookRunner;
  readonly probes: ProbeRunner;
  /** Takes the local rotation lock; throws LockedError (exit 4) when another process holds it. */
  lock(name: string): Promise<RotationLock>;
  close(): Promise<void>;
}
