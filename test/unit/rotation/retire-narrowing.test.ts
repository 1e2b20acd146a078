import { describe, expect, it } from 'vitest';
import { PartialFailureError } from '../../../src/core/errors.js';
import { openRotations } from '../../../src/core/journal/plan-recovery.js';
import { type RecoveryDeps, recoverRotation } from '../../../src/core/rotation/recover-rotation.js';
import { rotationWorld } from './harness.js';

/**
 * The admin after losing `create_index` on gmail_emails-*, which the first key's descriptors
 * (testTemplate: monitor; read, index, create_index on gmail_emails-*) grant: `_has_privileges`
 * answers false for exactly that pair.
 */
const NARROWED_ADMIN = { index: { 'gmail_emails-*': ['create_index'] } };

describe('retire and the admin privileges the old key needs', () => {
  it('an admin holding every privilege of the old key retires it without a warning', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const out = await w.rotate({ strictRetire: true });
    expect(out.status).toBe('completed');
    expect(w.warnings).toEqual([]);
    expect(w.keys().find((k) => k.meta.generation === 1)!.meta.state).toBe('superseded');
  });

  it('warns once, naming the missing privilege, and still retires the old key', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    w.cluster.setAdminLacks(NARROWED_ADMIN);
    const out = await w.rotate();
    expect(out.status).toBe('completed');
    expect(w.warnings).toHaveLength(1);
    expect(w.warnings[0]).toMatch(
      /^retiring email-search@prod#1 narrows it: the admin no longer holds create_index on gmail_emails-\*, and Elasticsearch re-snapshots/,
    );
    expect(w.keys().find((k) => k.meta.generation === 1)!.meta.state).toBe('superseded');
  });

  it('--strict leaves the old key untouched, keeps the journal open for recover and exits 5', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const before = w.keys()[0]!;
    w.cluster.setAdminLacks(NARROWED_ADMIN);
    const err = await w.rotate({ strictRetire: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialFailureError);
    expect((err as PartialFailureError).exitCode).toBe(5);
    expect((err as Error).message).toBe(
      `key email-search@prod#2 is live, but the old key email-search@prod#1 was left valid and unchanged (--strict): retiring it would narrow the key consumers still use during the grace (email-search@prod#1: the admin no longer holds create_index on gmail_emails-*); grant the admin those privileges again and run \`eskeys recover\`, or once every consumer uses email-search@prod#2 run \`eskeys revoke --id ${before.info.id}\` and then \`eskeys recover\``,
    );
    expect(w.warnings).toEqual([]);
    const old = w.keys().find((k) => k.info.id === before.info.id)!;
    expect(old.meta.state).toBe('active');
    expect(old.info.expiration).toEqual(before.info.expiration);
    expect(old.info.metadata).toEqual(before.info.metadata);
    // The new key is live and published.
    expect(w.keys().find((k) => k.meta.generation === 2)!.meta.state).toBe('active');
    const rotation = w.journal.entries.filter((e) => e.rotation === 'rot-2');
    expect(rotation[0]!.data?.strictRetire).toBe(true);
    expect(rotation.slice(-2).map((e) => `${e.step}:${e.phase}`)).toEqual(['retire:begin', 'retire:failed']);
    expect(w.audit.events.filter((e) => e.type === 'key.retire_held').map((e) => e.keyId)).toEqual([
      before.info.id,
    ]);
    w.assertNoSecretLeak();
  });

  it('--strict also holds a key whose descriptors the cluster did not report (nothing to check against)', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    for (const k of w.cluster.keys.values()) (k as { roleDescriptors?: unknown }).roleDescriptors = undefined;
    await expect(w.rotate({ strictRetire: true })).rejects.toThrow(
      /email-search@prod#1: could not check the admin's privileges \(the cluster did not report its role descriptors\)/,
    );
  });

  it('without --strict an unknown verdict warns and retires', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    for (const k of w.cluster.keys.values()) (k as { roleDescriptors?: unknown }).roleDescriptors = undefined;
    expect((await w.rotate()).status).toBe('completed');
    expect(w.warnings).toEqual([
      "retiring email-search@prod#1 may narrow it: could not check the admin's privileges (the cluster did not report its role descriptors); retiring it anyway (rotate with --strict to refuse)",
    ]);
  });

  it('--now invalidates the old key: no update, so nothing is narrowed and --strict does not hold it', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    w.cluster.setAdminLacks(NARROWED_ADMIN);
    expect((await w.rotate({ immediate: true, strictRetire: true })).status).toBe('completed');
    expect(w.warnings).toEqual([]);
    expect(w.keys().find((k) => k.meta.generation === 1)!.info.invalidated).toBe(true);
  });
});

describe('recover after rotate --strict held the old key', () => {
  async function heldRotation() {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const oldId = w.keys()[0]!.info.id;
    w.cluster.setAdminLacks(NARROWED_ADMIN);
    await expect(w.rotate({ strictRetire: true })).rejects.toBeInstanceOf(PartialFailureError);
    const [progress] = openRotations(w.journal.entries);
    const deps: RecoveryDeps = {
      cluster: w.cluster,
      clock: w.clock,
      reporter: w.deps.reporter,
      journal: w.journal,
      audit: w.audit,
      envFiles: w.envFiles,
      hooks: w.hooks,
      actor: 'ops@host1',
      supportsExpirationUpdate: true,
      outputsFor: async () => w.outputs,
    };
    return { w, oldId, progress: progress!, deps };
  }

  it('stays strict while the admin still lacks the privilege (exit 5, old key untouched)', async () => {
    const { w, oldId, progress, deps } = await heldRotation();
    await expect(recoverRotation(deps, progress)).rejects.toThrow(
      /was left valid and unchanged \(--strict\)/,
    );
    expect(w.keys().find((k) => k.info.id === oldId)!.meta.state).toBe('active');
    expect(openRotations(w.journal.entries)).toHaveLength(1);
  });

  it('closes the rotation once the operator invalidated the old key (eskeys revoke --id)', async () => {
    const { w, oldId, progress, deps } = await heldRotation();
    await w.cluster.invalidateApiKeys([oldId]);
    expect((await recoverRotation(deps, progress)).outcome).toBe('recovered');
    expect(openRotations(w.journal.entries)).toEqual([]);
  });
});
