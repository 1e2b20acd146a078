import { CancelledError, PartialFailureError } from '../../errors.js';
import {
  type EnvFileBackups,
  errorMessage,
  type NewKeyInfo,
  NO_FILES_WRITTEN,
  type RotationRun,
} from './rotation-run.js';

/**
 * rollback: restores the env files this rotation wrote (newest first), then invalidates the new
 * key, and journals the rotation as rolled back. Throws PartialFailureError (exit 5, `eskeys
 * recover`) when any part of it fails.
 */
export async function rollBack(
  run: RotationRun,
  key: NewKeyInfo,
  reason: string,
  backups: EnvFileBackups,
): Promise<void> {
  const { deps, input } = run;
  deps.reporter.step(`rolling back: ${reason}`);
  await run.journal('rollback', 'begin', { keyId: key.id, reason });
  const failures: string[] = [];
  for (const [file, before] of [...backups].reverse()) {
    try {
      await deps.envFiles.restore(file, before);
    } catch (error) {
      failures.push(`restoring ${file}: ${errorMessage(error)}`);
    }
  }
  // Files first, key second: a file must never hold a key that is already dead.
  try {
    await deps.cluster.invalidateApiKeys([key.id]);
  } catch (error) {
    failures.push(`invalidating new key ${key.name}: ${errorMessage(error)}`);
  }
  if (failures.length > 0) {
    await run.journal('rollback', 'failed', { keyId: key.id, reason: failures.join('; ') });
    await run.audit('rotation.failed', key.id, { step: 'rollback', reason: failures.join('; ') });
    throw new PartialFailureError(
      `rotation of ${input.plan.template}@${input.plan.environment} failed (${reason}) and its rollback is incomplete (${failures.join('; ')}); run \`eskeys recover\``,
    );
  }
  await run.journal('rollback', 'done', { keyId: key.id });
  await run.journal('finish', 'done', { outcome: 'rolled_back', reason });
  await run.audit('rotation.rolled_back', key.id, { reason });
}

/**
 * Between steps, a cancel (Ctrl-C, scheduler shutdown) before publish rolls the new key back and
 * ends with CancelledError: consumers never receive a key the rotation did not finish proving.
 */
export async function rollBackIfCancelled(run: RotationRun, key: NewKeyInfo): Promise<void> {
  if (!run.deps.signal?.aborted) return;
  await rollBack(run, key, 'cancelled', NO_FILES_WRITTEN);
  throw new CancelledError('cancelled; the new key was invalidated');
}
