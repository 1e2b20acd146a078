/**
 * The write-ahead journal of rotations. Each step is appended before it runs (`begin`) and
 * after (`done`/`failed`), fsync'd, so `eskeys recover` can tell exactly how far an
 * interrupted rotation got. Entries hold ids, names, paths and times only: the types accept
 * no `Secret`, and the store refuses any line that looks like one.
 */

/** The steps of one rotation, in order (docs/ROTATION.md). */
export type JournalStep =
  | 'plan'
  | 'create'
  | 'verify'
  | 'publish'
  | 'publish_file'
  | 'restart'
  | 'activate'
  | 'retire'
  | 'rollback'
  | 'finish';

/** Whether the step is starting, finished, or failed. */
export type JournalPhase = 'begin' | 'done' | 'failed';

/** How a rotation ended (the `finish` entry). */
export type RotationOutcomeKind = 'completed' | 'rolled_back' | 'failed' | 'recovered' | 'abandoned';

/** Facts a step records. Only non-secret values. */
export interface JournalData {
  readonly mode?: 'create' | 'rotate';
  readonly keyId?: string;
  readonly keyName?: string;
  readonly generation?: number;
  /** The key being replaced. */
  readonly oldKeyId?: string;
  /** Every key retired or invalidated by this rotation. */
  readonly retireIds?: readonly string[];
  readonly immediate?: boolean;
  /** `rotate --strict`: retire (and recover's retire) leaves an old key untouched rather than narrow it. */
  readonly strictRetire?: boolean;
  readonly grace?: string;
  /** Env files of the environment, resolved. */
  readonly files?: readonly string[];
  readonly file?: string;
  readonly keyVar?: string;
  readonly idVar?: string;
  readonly restart?: boolean;
  readonly outcome?: RotationOutcomeKind;
  readonly reason?: string;
  readonly pid?: number;
  readonly host?: string;
  /** The verify step's probe-run tag: names the per-run probe resources recover may remove. */
  readonly probeTag?: string;
}

/** One journal line. */
export interface JournalEntry {
  readonly v: 1;
  readonly rotation: string;
  readonly at: string;
  readonly template: string;
  readonly environment: string;
  readonly step: JournalStep;
  readonly phase: JournalPhase;
  readonly data?: JournalData;
}

/** Appends entries durably; the adapter fsyncs each one before returning. */
export interface JournalWriter {
  append(entry: JournalEntry): Promise<void>;
}

/** Reads the journals of the state folder. */
export interface JournalReader {
  /** Every entry of every (template, environment) journal in file order, or of one when `scope` is given. */
  readAll(scope?: { template: string; environment: string }): Promise<JournalEntry[]>;
}
