import { PartialFailureError } from '../../errors.js';
import { type ManagedKey, parseManagedKeys } from '../key-metadata.js';
import { rivalThatWins } from '../plan-rotation.js';
import { rollBack } from './rollback.js';
import { errorMessage, type NewKeyInfo, NO_FILES_WRITTEN, type RotationRun } from './rotation-run.js';

/**
 * guard: looks for a rival rotation of the same (template, environment) on another host, which
 * the file lock cannot see. When a rival key wins, ours is rolled back and the rival returned;
 * when the check itself fails, ours is rolled back and the error rethrown.
 */
export async function guardAgainstRivals(run: RotationRun, key: NewKeyInfo): Promise<ManagedKey | undefined> {
  const { deps, input } = run;
  try {
    const keys = parseManagedKeys(await deps.cluster.findManagedKeys(run.scope));
    const mine = keys.find((k) => k.info.id === key.id);
    const rival = rivalThatWins(
      { id: key.id, creation: mine?.info.creation ?? deps.clock.now() },
      input.plan.knownKeyIds,
      keys,
      deps.clock.now(),
    );
    if (rival)
      await rollBack(run, key, `another rotation created ${rival.info.name} first`, NO_FILES_WRITTEN);
    return rival;
  } catch (error) {
    if (error instanceof PartialFailureError) throw error;
    await rollBack(
      run,
      key,
      `checking for concurrent rotations failed: ${errorMessage(error)}`,
      NO_FILES_WRITTEN,
    );
    throw error;
  }
}
