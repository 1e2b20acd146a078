import { PartialFailureError } from '../../errors.js';
import { type RetiredKey, retireKeys, strictHoldMessage } from '../retire-keys.js';
import { errorMessage, type NewKeyInfo, type RotationRun, retireIdsOf } from './rotation-run.js';

/**
 * retire: supersedes the keys consumers used until now (expiration shortened to now + grace, or
 * invalidated at once with `--now`) and invalidates older superseded keys still in their grace,
 * auditing each. Throws PartialFailureError (exit 5) when a retire fails or `--strict` held a key
 * back; the new key is live either way.
 */
export async function retireOldKeys(run: RotationRun, key: NewKeyInfo): Promise<readonly RetiredKey[]> {
  const { deps, input } = run;
  const { plan } = input;
  const retireIds = retireIdsOf(run);
  if (retireIds.length === 0) return [];
  deps.reporter.step(
    plan.immediate ? `invalidating the old key now (--now)` : `retiring the old key (grace ${plan.grace})`,
  );
  await run.journal('retire', 'begin', { retireIds });
  const r = await retireKeys(deps, {
    newKeyId: key.id,
    superseded: run.superseded,
    invalidate: plan.cutShort,
    immediate: plan.immediate,
    graceMs: plan.graceMs,
    supportsExpirationUpdate: input.supportsExpirationUpdate,
    strict: input.strictRetire,
  });
  for (const k of r.retired) {
    await run.audit(k.action === 'invalidated' ? 'key.revoked' : 'key.retired', k.id, {
      name: k.name,
      superseded_by: key.id,
      until: k.until?.toISOString() ?? null,
      reason: plan.immediate ? 'rotate --now (compromised key)' : 'rotation',
    });
  }
  if (r.errors.length > 0) {
    const reason = r.errors.map((e) => `${e.key.info.name}: ${errorMessage(e.error)}`).join('; ');
    await run.journal('retire', 'failed', { retireIds, reason });
    await run.audit('rotation.failed', key.id, { step: 'retire', reason });
    throw new PartialFailureError(
      `key ${key.name} is live, but retiring the old key failed (${reason}); run \`eskeys recover\``,
    );
  }
  if (r.held.length > 0) {
    // The journal stays open on purpose: `recover` (also run by every tick) retries the
    // retire, just as strictly, once the admin holds the privileges again.
    const reason = r.held.map((h) => `${h.key.info.name}: ${h.reason}`).join('; ');
    await run.journal('retire', 'failed', { retireIds, reason: `left untouched (--strict): ${reason}` });
    for (const h of r.held) {
      await run.audit('key.retire_held', h.key.info.id, {
        name: h.key.info.name,
        superseded_by: key.id,
        reason: h.reason,
      });
    }
    throw new PartialFailureError(strictHoldMessage(key.name, r.held));
  }
  await run.journal('retire', 'done', { retireIds });
  await run.afterStep('retire');
  return r.retired;
}
