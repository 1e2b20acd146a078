import type { Secret } from '../../secret.js';
import type { EffectiveOutputs } from '../outputs.js';
import { rollBack, rollBackIfCancelled } from './rollback.js';
import { type CreatedKey, type EnvFileBackups, errorMessage, type RotationRun } from './rotation-run.js';

/** The variables a new key is published as: the key under `keyVar`, its id under `idVar` when declared. */
export type PublishedVars = Readonly<Record<string, Secret | string>>;

/** The variables to write for a new key (the restart hook's child environment gets the same). */
export function publishedVars(outputs: EffectiveOutputs, encoded: Secret, keyId: string): PublishedVars {
  const vars: Record<string, Secret | string> = { [outputs.keyVar]: encoded };
  if (outputs.idVar) vars[outputs.idVar] = keyId;
  return vars;
}

/**
 * publish: writes the new key into each env file in turn (journaled per file), keeping each
 * file's previous text in memory for rollback. On a write failure restores the files already
 * written, invalidates the new key and rethrows.
 */
export async function publishNewKey(
  run: RotationRun,
  created: CreatedKey,
): Promise<{ readonly vars: PublishedVars; readonly backups: EnvFileBackups }> {
  const { deps, input } = run;
  const { key } = created;
  await rollBackIfCancelled(run, key);
  const vars = publishedVars(input.outputs, created.encoded, key.id);
  const backups = new Map<string, string | undefined>();
  await run.journal('publish', 'begin', { keyId: key.id, files: input.outputs.envFiles });
  for (const file of input.outputs.envFiles) {
    deps.reporter.step(`publishing to ${file}`);
    await run.journal('publish_file', 'begin', { file });
    try {
      const { before } = await deps.envFiles.update(file, vars);
      backups.set(file, before);
    } catch (error) {
      await run.journal('publish_file', 'failed', { file, reason: errorMessage(error) });
      await rollBack(run, key, `publishing to ${file} failed: ${errorMessage(error)}`, backups);
      throw error;
    }
    await run.journal('publish_file', 'done', { file });
    await run.afterStep('publish_file');
  }
  await run.journal('publish', 'done', { keyId: key.id });
  await run.audit('key.published', key.id, { name: key.name, files: [...input.outputs.envFiles] });
  await run.afterStep('publish');
  return { vars, backups };
}
