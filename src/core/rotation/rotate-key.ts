import { activateNewKey } from './steps/activate.js';
import { createNewKey, stopIfCancelledBeforeCreate } from './steps/create.js';
import { recordCompletion } from './steps/finish.js';
import { guardAgainstRivals } from './steps/guard.js';
import { publishNewKey } from './steps/publish.js';
import { recordPlan } from './steps/record-plan.js';
import { restartConsumers } from './steps/restart.js';
import { retireOldKeys } from './steps/retire.js';
import {
  type RotationDeps,
  type RotationInput,
  type RotationOutcome,
  startRotationRun,
} from './steps/rotation-run.js';
import { verifyNewKey } from './steps/verify.js';

export type { NewKeyInfo, RotationDeps, RotationInput, RotationOutcome } from './steps/rotation-run.js';

/**
 * Runs one rotation (or first creation) through the lifecycle of docs/ROTATION.md: plan → create →
 * guard → verify → publish → restart → activate → retire (revoke comes later, `eskeys revoke`).
 * Each step (src/core/rotation/steps/) is journaled before and after. Until the new key is
 * published the old one is untouched, and any failure before retire rolls back to it (files
 * restored from memory, new key invalidated), so consumers always hold a valid key. A step that
 * fails rolls back itself; this function only turns each step's result into the outcome.
 * Throws PartialFailureError when a rollback or retire itself fails (exit 5, `eskeys recover`).
 */
export async function rotateKey(deps: RotationDeps, input: RotationInput): Promise<RotationOutcome> {
  const { rotationId } = input;
  const run = startRotationRun(deps, input);

  await recordPlan(run);
  await stopIfCancelledBeforeCreate(run);
  const created = await createNewKey(run);
  const { key } = created;

  const rival = await guardAgainstRivals(run, key);
  if (rival) return { status: 'lost_race', rotationId, key, rival };

  const { passed, report } = await verifyNewKey(run, created);
  if (!passed) return { status: 'verify_failed', rotationId, key, report };

  const published = await publishNewKey(run, created);
  const restartFailure = await restartConsumers(run, key, published);
  if (restartFailure) return { status: 'restart_failed', rotationId, key, report, detail: restartFailure };

  await activateNewKey(run, created);
  const retired = await retireOldKeys(run, key);
  await recordCompletion(run, key, retired);
  return { status: 'completed', rotationId, key, report, published: input.outputs.envFiles, retired };
}
