import { type RotationRun, retireIdsOf } from './rotation-run.js';

/**
 * plan: journals what this rotation is about to do (key name, generation, keys to retire, env
 * files, variables), so `eskeys recover` can finish or undo it from the journal alone.
 */
export async function recordPlan(run: RotationRun): Promise<void> {
  const { plan, outputs, strictRetire } = run.input;
  await run.journal('plan', 'done', {
    mode: plan.mode,
    keyName: plan.name,
    generation: plan.generation,
    oldKeyId: plan.current?.info.id,
    retireIds: retireIdsOf(run),
    immediate: plan.immediate,
    ...(strictRetire ? { strictRetire: true } : {}),
    grace: plan.grace,
    files: outputs.envFiles,
    keyVar: outputs.keyVar,
    idVar: outputs.idVar,
    restart: outputs.restart !== undefined || outputs.healthCheck !== undefined,
  });
}
