import { PartialFailureError } from '../../errors.js';
import { mergeMetadata } from '../key-metadata.js';
import { type CreatedKey, errorMessage, type RotationRun } from './rotation-run.js';

/**
 * activate: the new key is live; marks it `active` in its metadata, lifting the cluster-visible
 * guard a pending key holds. A failure here leaves a published key marked pending while the old
 * key is still valid: PartialFailureError (exit 5, `eskeys recover`).
 */
export async function activateNewKey(run: RotationRun, created: CreatedKey): Promise<void> {
  const { deps } = run;
  const { key } = created;
  await run.journal('activate', 'begin', { keyId: key.id });
  const now = deps.clock.now();
  try {
    await deps.cluster.updateApiKey(key.id, {
      metadata: mergeMetadata(created.metadata as unknown as Record<string, unknown>, {
        state: 'active',
        published_at: now.toISOString(),
      }),
    });
  } catch (error) {
    await run.journal('activate', 'failed', { keyId: key.id, reason: errorMessage(error) });
    throw new PartialFailureError(
      `key ${key.name} is published but could not be marked active (${errorMessage(error)}); the old key is still valid; run \`eskeys recover\``,
      { cause: error },
    );
  }
  await run.journal('activate', 'done', { keyId: key.id });
  await run.afterStep('activate');
}
