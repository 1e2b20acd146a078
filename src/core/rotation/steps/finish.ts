import type { RetiredKey } from '../retire-keys.js';
import type { NewKeyInfo, RotationRun } from './rotation-run.js';

/** finish: journals and audits the rotation as completed, closing its journal. */
export async function recordCompletion(
  run: RotationRun,
  key: NewKeyInfo,
  retired: readonly RetiredKey[],
): Promise<void> {
  await run.journal('finish', 'done', { outcome: 'completed', keyId: key.id });
  await run.audit('rotation.completed', key.id, { name: key.name, retired: retired.map((r) => r.id) });
}
