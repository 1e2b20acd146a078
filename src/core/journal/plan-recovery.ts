import type { JournalData, JournalEntry } from './journal-entry.js';

/** How far one rotation got, read from its journal entries. */
export interface RotationProgress {
  readonly rotation: string;
  readonly template: string;
  readonly environment: string;
  /** The `plan` entry's data: files, variables, keys to retire, grace. */
  readonly plan: JournalData;
  readonly keyId?: string;
  readonly keyName?: string;
  readonly createBegun: boolean;
  readonly created: boolean;
  readonly verified: boolean;
  /** The tag of a probe run that began and never ended (no verify done/failed): died mid-verify. */
  readonly unfinishedProbeTag?: string;
  readonly publishBegun: boolean;
  readonly filesDone: readonly string[];
  readonly published: boolean;
  readonly restartDone: boolean;
  readonly restartFailed: boolean;
  readonly activated: boolean;
  readonly retireDone: boolean;
  readonly rollbackBegun: boolean;
  /** The last step that was durably started or finished (`publish_file:done`). */
  readonly lastStep: string;
  readonly lastAt: string;
}

/** Rotations whose journal has no `finish` entry, oldest first. */
export function openRotations(entries: readonly JournalEntry[]): RotationProgress[] {
  const byRotation = new Map<string, JournalEntry[]>();
  for (const e of entries) {
    const list = byRotation.get(e.rotation) ?? [];
    list.push(e);
    byRotation.set(e.rotation, list);
  }
  const out: RotationProgress[] = [];
  for (const [rotation, list] of byRotation) {
    if (list.some((e) => e.step === 'finish')) continue;
    const has = (step: string, phase: string) => list.some((e) => e.step === step && e.phase === phase);
    const first = list[0]!;
    const last = list.at(-1)!;
    const plan = list.find((e) => e.step === 'plan')?.data ?? {};
    const created = list.find((e) => e.step === 'create' && e.phase === 'done');
    out.push({
      rotation,
      template: first.template,
      environment: first.environment,
      plan,
      keyId: created?.data?.keyId,
      keyName: created?.data?.keyName ?? plan.keyName,
      createBegun: has('create', 'begin'),
      created: created !== undefined,
      verified: has('verify', 'done'),
      unfinishedProbeTag:
        has('verify', 'done') || has('verify', 'failed')
          ? undefined
          : list.find((e) => e.step === 'verify' && e.phase === 'begin')?.data?.probeTag,
      publishBegun: has('publish', 'begin'),
      filesDone: list
        .filter((e) => e.step === 'publish_file' && e.phase === 'done' && e.data?.file)
        .map((e) => e.data!.file!),
      published: has('publish', 'done'),
      restartDone: has('restart', 'done'),
      restartFailed: has('restart', 'failed'),
      activated: has('activate', 'done'),
      retireDone: has('retire', 'done') || (plan.retireIds ?? []).length === 0,
      rollbackBegun: has('rollback', 'begin'),
      lastStep: `${last.step}:${last.phase}`,
      lastAt: last.at,
    });
  }
  return out.sort((a, b) => (a.lastAt < b.lastAt ? -1 : a.lastAt > b.lastAt ? 1 : 0));
}

/** Which key an env file holds now. */
export type FileHolds = 'new' | 'old' | 'other' | 'missing';

/** What recover found in the cluster and the files. */
export interface RecoveryFacts {
  /** The new key is still valid in the cluster (false: invalidated/expired/absent). */
  readonly newKeyValid: boolean;
  /** Per env file of the rotation's plan. */
  readonly files: Readonly<Record<string, FileHolds>>;
}

/** The decision for one interrupted rotation. */
export type RecoveryDecision =
  | {
      /** Undo: put the old key back where the new one was written (from a file that still holds it), invalidate the new key. */
      readonly action: 'roll_back';
      readonly restoreFiles: readonly string[];
      /** A file still holding the old key, to copy from (absent when no file needs restoring). */
      readonly oldSource?: string;
      readonly reason: string;
    }
  | {
      /** Finish: copy the new key to the files that lack it, restart, activate, retire the old key. */
      readonly action: 'roll_forward';
      readonly completeFiles: readonly string[];
      readonly newSource?: string;
      readonly restart: boolean;
      readonly activate: boolean;
      readonly retire: boolean;
      readonly reason: string;
    };

/**
 * Decides how to finish an interrupted rotation (pure). The journal holds no secrets, so the
 * only copies of a key's value are the env files themselves: a rollback copies the old value
 * from a file the rotation had not reached yet, a roll-forward copies the new value from a
 * file it had. Rule: before anything was published, or when a rollback had begun and the old
 * value still exists somewhere, roll back (the old key is still valid: it is retired only
 * after publish). Once the verified new key is in any file, roll forward. A new key the
 * cluster no longer accepts is never rolled forward.
 */
export function planRecovery(p: RotationProgress, facts: RecoveryFacts): RecoveryDecision {
  const files = Object.keys(facts.files);
  const holding = (h: FileHolds) => files.filter((f) => facts.files[f] === h);
  const withNew = holding('new');
  const withOld = holding('old');
  const rollBack = (reason: string): RecoveryDecision => ({
    action: 'roll_back',
    restoreFiles: withNew,
    oldSource: withOld[0],
    reason,
  });
  if (!p.created) {
    return rollBack(
      p.createBegun
        ? 'interrupted while creating the new key: any key the cluster created for this rotation is invalidated'
        : 'interrupted before creating a key',
    );
  }
  if (!facts.newKeyValid) {
    return rollBack('the new key is no longer valid in the cluster; the old key is put back where needed');
  }
  if (!p.verified) return rollBack('interrupted before the new key passed verification; consumers untouched');
  if (withNew.length === 0) return rollBack('interrupted before the new key reached any env file');
  if (p.activated) {
    return {
      action: 'roll_forward',
      completeFiles: [],
      restart: false,
      activate: false,
      retire: !p.retireDone,
      reason: 'the new key is live; finishing the retirement of the old key',
    };
  }
  if ((p.rollbackBegun || p.restartFailed) && withOld.length > 0) {
    return rollBack('a rollback (failed restart or health check) was under way; completing it');
  }
  return {
    action: 'roll_forward',
    completeFiles: files.filter((f) => facts.files[f] !== 'new'),
    newSource: withNew[0],
    restart: p.plan.restart === true && !p.restartDone,
    activate: true,
    retire: !p.retireDone,
    reason:
      withNew.length === files.length
        ? 'the verified new key is in every env file; finishing the rotation'
        : `the verified new key is in ${withNew.length} of ${files.length} env files; completing the publish`,
  };
}
