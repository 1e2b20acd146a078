import { PartialFailureError } from '../../errors.js';
import { type ManagedKey, parseManagedKeys } from '../key-metadata.js';
import { isValidKey } from '../key-state.js';
import { rivalsOf } from '../plan-rotation.js';
import { rollBack } from './rollback.js';
import { errorMessage, type NewKeyInfo, NO_FILES_WRITTEN, type RotationRun } from './rotation-run.js';

/** How often the winner looks again whether a later rival withdrew, and how many times. */
export const GUARD_SETTLE = { pollMs: 250, polls: 20 } as const;

/**
 * guard: looks for a rival rotation of the same (template, environment) on another host, which
 * the file lock cannot see. When a rival key wins, ours is rolled back and the rival returned;
 * when the check itself fails, ours is rolled back and the error rethrown.
 *
 * The tie-break (older key wins) alone is not enough. Elasticsearch takes a key's creation time
 * before it hashes and stores the key, so of two creates running at once the later-stamped key
 * can be stored, and its guard query answered, before the earlier one exists: that rotation sees
 * no rival and goes ahead, while ours sees it as later and would go ahead too. So a winner that
 * sees later rivals waits until they withdraw (a loser invalidates its key right after its own
 * guard); a rival still valid when the wait is over did not see ours, and ours backs off. At least
 * one side always sees the other (each queries after its own key is stored), so at most one
 * rotation proceeds; when both back off, the next pass rotates.
 */
export async function guardAgainstRivals(run: RotationRun, key: NewKeyInfo): Promise<ManagedKey | undefined> {
  const { deps, input } = run;
  try {
    const keys = parseManagedKeys(await deps.cluster.findManagedKeys(run.scope));
    const mine = keys.find((k) => k.info.id === key.id);
    const rivals = rivalsOf(
      { id: key.id, creation: mine?.info.creation ?? deps.clock.now() },
      input.plan.knownKeyIds,
      keys,
      deps.clock.now(),
    );
    if (rivals.earlier) {
      await rollBack(
        run,
        key,
        `another rotation created ${rivals.earlier.info.name} first`,
        NO_FILES_WRITTEN,
      );
      return rivals.earlier;
    }
    const standing = await laterRivalStillStanding(run, rivals.later);
    if (standing) {
      await rollBack(
        run,
        key,
        `another rotation created ${standing.info.name} at the same time and went ahead`,
        NO_FILES_WRITTEN,
      );
    }
    return standing;
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

/** Waits for later rivals to invalidate their keys; the first still valid after the wait, if any. */
async function laterRivalStillStanding(
  run: RotationRun,
  later: readonly ManagedKey[],
): Promise<ManagedKey | undefined> {
  const { deps } = run;
  let standing = later;
  for (let poll = 0; standing.length > 0 && poll < GUARD_SETTLE.polls; poll++) {
    await (deps.sleep ?? sleep)(GUARD_SETTLE.pollMs);
    const now = deps.clock.now();
    const keys = parseManagedKeys(await deps.cluster.findManagedKeys(run.scope));
    standing = standing.filter((r) => keys.some((k) => k.info.id === r.info.id && isValidKey(k, now)));
  }
  return standing[0];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
