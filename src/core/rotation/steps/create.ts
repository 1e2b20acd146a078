import { CancelledError, ClusterResponseError, PartialFailureError, TemplateError } from '../../errors.js';
import type { RoleTemplate } from '../../templates/index.js';
import { type ManagedKeyMetadata, parseManagedKeys } from '../key-metadata.js';
import { type CreatedKey, errorMessage, type RotationInput, type RotationRun } from './rotation-run.js';

/** Ends the rotation as abandoned when it was cancelled before any key exists (nothing to undo). */
export async function stopIfCancelledBeforeCreate(run: RotationRun): Promise<void> {
  if (!run.deps.signal?.aborted) return;
  await run.journal('finish', 'done', { outcome: 'abandoned', reason: 'cancelled before create' });
  throw new CancelledError('cancelled before any key was created');
}

/**
 * The metadata a new key is minted with: it tags the key as managed (template, environment,
 * generation, predecessor, rotation) and `pending` until activate, so the key is findable in the
 * cluster even if this process dies right after creating it.
 */
export function newKeyMetadata(input: RotationInput): ManagedKeyMetadata {
  const { plan, template } = input;
  return {
    managed_by: 'eskeys',
    template: plan.template,
    environment: plan.environment,
    template_hash: input.templateHash,
    generation: plan.generation,
    predecessor: plan.current?.info.id,
    created_by: input.actor,
    rotation_id: input.rotationId,
    state: 'pending',
    rotate_every: template.rotation.every,
    grace: plan.grace,
    review_every: template.rotation.review,
  };
}

/**
 * create: audits the start, then mints the new key with the template's role descriptors,
 * expiration and managed metadata. When the create call fails, removes any key the cluster may
 * have created anyway, journals the rotation as failed and rethrows.
 */
export async function createNewKey(run: RotationRun): Promise<CreatedKey> {
  const { deps, input } = run;
  const { plan, template } = input;
  const metadata = newKeyMetadata(input);
  // Audit before the credential exists (a security review of credential tools asks for audit entries written before a credential is issued).
  await run.audit('rotation.started', undefined, {
    mode: plan.mode,
    name: plan.name,
    generation: plan.generation,
    predecessor: plan.current?.info.id ?? null,
    expiration: plan.expiration ?? 'none',
    template_hash: input.templateHash,
  });
  deps.reporter.step(`creating key ${plan.name}`);
  await run.journal('create', 'begin', { keyName: plan.name });
  let created: Awaited<ReturnType<typeof deps.cluster.createApiKey>>;
  try {
    created = await deps.cluster.createApiKey({
      name: plan.name,
      roleDescriptors: template.role_descriptors,
      expiration: plan.expiration,
      metadata: Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined)),
    });
  } catch (error) {
    await run.journal('create', 'failed', { reason: errorMessage(error) });
    await invalidateKeysOfLostCreate(run, error);
    await run.journal('finish', 'done', { outcome: 'failed', reason: errorMessage(error) });
    await run.audit('rotation.failed', undefined, { step: 'create', reason: errorMessage(error) });
    throw unknownPrivilegeOf(template, error) ?? error;
  }
  const key = {
    id: created.id,
    name: created.name,
    generation: plan.generation,
    expiration: created.expiration,
  };
  await run.journal('create', 'done', { keyId: key.id, keyName: key.name });
  await run.audit('key.created', key.id, {
    name: key.name,
    generation: key.generation,
    expiration: key.expiration?.toISOString() ?? null,
  });
  await run.afterStep('create');
  return { key, encoded: created.encoded, metadata };
}

/**
 * A lost response may hide a key the cluster did create; it carries our rotation id, so it is
 * found by metadata and invalidated. PartialFailureError when that check itself fails.
 */
async function invalidateKeysOfLostCreate(run: RotationRun, createError: unknown): Promise<void> {
  const { cluster } = run.deps;
  try {
    const orphans = parseManagedKeys(await cluster.findManagedKeys(run.scope)).filter(
      (k) => k.meta.rotation_id === run.input.rotationId && !k.info.invalidated,
    );
    if (orphans.length > 0) await cluster.invalidateApiKeys(orphans.map((k) => k.info.id));
  } catch (cleanup) {
    throw new PartialFailureError(
      `creating key ${run.input.plan.name} failed (${errorMessage(createError)}) and eskeys could not check whether the cluster created it (${errorMessage(cleanup)}); run \`eskeys recover\``,
      { cause: createError },
    );
  }
}

/**
 * A create refused because the cluster's release does not know a privilege the template names
 * (`monitor_esql` on 8.x): a template problem for this cluster (exit 2), told in one line at the
 * template field rather than as the cluster's 400 with its list of every privilege name.
 */
function unknownPrivilegeOf(template: RoleTemplate, error: unknown): TemplateError | undefined {
  const unknown = error instanceof ClusterResponseError ? error.answer?.unknownPrivilege : undefined;
  if (!unknown) return undefined;
  const pointer = privilegePointer(template, unknown.scope, unknown.name) ?? '/role_descriptors';
  const message = `template ${template.name}: ${pointer}: the cluster does not know the ${unknown.scope} privilege [${unknown.name}] (a name from another Elasticsearch release?); no key was created. \`eskeys doctor\` checks every template against the cluster's release`;
  return new TemplateError(message, [message], { cause: error });
}

/** The JSON pointer of the first place the template grants `name` in `scope`. */
function privilegePointer(
  template: RoleTemplate,
  scope: 'cluster' | 'index',
  name: string,
): string | undefined {
  for (const [role, descriptor] of Object.entries(template.role_descriptors)) {
    const base = `/role_descriptors/${role.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    // Elasticsearch lower-cases the name it reports; templates may not.
    const at = (list: readonly string[]) => list.findIndex((p) => p.toLowerCase() === name.toLowerCase());
    if (scope === 'cluster') {
      const i = at(descriptor.cluster ?? []);
      if (i >= 0) return `${base}/cluster/${i}`;
      continue;
    }
    for (const [n, entry] of (descriptor.indices ?? []).entries()) {
      const i = at(entry.privileges);
      if (i >= 0) return `${base}/indices/${n}/privileges/${i}`;
    }
  }
  return undefined;
}
