import { describe, expect, it } from 'vitest';
import { openRotations } from '../../../src/core/journal/plan-recovery.js';
import { encodedKeyId } from '../../../src/core/probes/encoded-key.js';
import { type RecoveryDeps, recoverRotation } from '../../../src/core/rotation/recover-rotation.js';
import { type RotationDeps, rotateKey } from '../../../src/core/rotation/rotate-key.js';
import { Secret } from '../../../src/core/secret.js';
import { rotationWorld } from './harness.js';

/** Stops the engine right after `step` (as the CLI's SIGKILL hook does), leaving the journal open. */
class Crash extends Error {}
function crashAfter(deps: RotationDeps, step: string): RotationDeps {
  return {
    ...deps,
    afterStep: (s) => {
      if (s === step) throw new Crash(step);
    },
  };
}

function recoveryDeps(w: ReturnType<typeof rotationWorld>): RecoveryDeps {
  return {
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
}

async function crashedRotation(step: string) {
  const w = rotationWorld();
  await w.rotate({ mode: 'create' });
  const oldKey = w.envFiles.value('/app/.env', 'ELASTICSEARCH_API_KEY');
  const plan = w.plan();
  await expect(
    rotateKey(crashAfter(w.deps, step), {
      plan,
      template: w.template,
      templateHash: 'sha256:x',
      outputs: w.outputs,
      actor: 'ops@host1',
      rotationId: 'rot-crash',
      supportsExpirationUpdate: true,
    }),
  ).rejects.toBeInstanceOf(Crash);
  const [progress] = openRotations(w.journal.entries);
  return { w, progress: progress!, oldKey };
}

describe('recoverRotation', () => {
  it('reads the key id inside an encoded key', () => {
    expect(encodedKeyId(new Secret(Buffer.from('abc123:secret').toString('base64')))).toBe('abc123');
    expect(encodedKeyId(new Secret('not base64!'))).toBeUndefined();
  });

  it('after a crash mid-publish: copies the new key to the remaining file, activates, retires', async () => {
    const { w, progress, oldKey } = await crashedRotation('publish_file');
    expect(w.envFiles.value('/app/worker/.env', 'ELASTICSEARCH_API_KEY')).toBe(oldKey);
    const r = await recoverRotation(recoveryDeps(w), progress);
    expect(r.decision.action).toBe('roll_forward');
    expect(r.outcome).toBe('recovered');
    const newKey = w.envFiles.value('/app/.env', 'ELASTICSEARCH_API_KEY');
    expect(w.envFiles.value('/app/worker/.env', 'ELASTICSEARCH_API_KEY')).toBe(newKey);
    expect(
      w
        .keys()
        .map((k) => [k.meta.generation, k.meta.state])
        .sort(),
    ).toEqual([
      [1, 'superseded'],
      [2, 'active'],
    ]);
    expect(openRotations(w.journal.entries)).toEqual([]);
    w.assertNoSecretLeak();
  });

  it('after a crash before publish: invalidates the new key, env files untouched', async () => {
    const { w, progress } = await crashedRotation('verify');
    const files = new Map(w.envFiles.files);
    const r = await recoverRotation(recoveryDeps(w), progress);
    expect(r.decision.action).toBe('roll_back');
    expect(w.envFiles.files).toEqual(files);
    expect(w.keys().find((k) => k.meta.generation === 2)!.info.invalidated).toBe(true);
    expect(w.keys().find((k) => k.meta.generation === 1)!.meta.state).toBe('active');
  });

  it('after a crash after activate: only the retirement is left', async () => {
    const { w, progress } = await crashedRotation('activate');
    const r = await recoverRotation(recoveryDeps(w), progress);
    expect(r.decision).toMatchObject({ action: 'roll_forward', activate: false, retire: true });
    expect(w.keys().find((k) => k.meta.generation === 1)!.meta.state).toBe('superseded');
  });

  it('dry run decides without changing anything', async () => {
    const { w, progress } = await crashedRotation('publish_file');
    const before = JSON.stringify([...w.envFiles.files]);
    const r = await recoverRotation(recoveryDeps(w), progress, { dryRun: true });
    expect(r.outcome).toBe('planned');
    expect(JSON.stringify([...w.envFiles.files])).toBe(before);
    expect(openRotations(w.journal.entries)).toHaveLength(1);
  });
});

describe('invariant: an env file always holds a valid key (old or new)', () => {
  it.each(['verify_failed', 'restart_failed', 'completed', 'now'])(
    'through a %s rotation',
    async (scenario) => {
      const w = rotationWorld({ outputs: { restart: { command: 'restart', timeoutMs: 1000 } } });
      await w.rotate({ mode: 'create' });
      const check = () => {
        for (const f of w.outputs.envFiles) {
          const v = w.envFiles.value(f, 'ELASTICSEARCH_API_KEY')!;
          const id = encodedKeyId(new Secret(v));
          const k = w.cluster.keys.get(id!);
          expect(k && !k.invalidated, `${f} holds a dead key`).toBe(true);
        }
      };
      // Check after every cluster mutation and every file write.
      for (const m of ['invalidateApiKeys', 'updateApiKey', 'createApiKey'] as const) {
        const real = (w.cluster[m] as (...a: unknown[]) => Promise<unknown>).bind(w.cluster);
        (w.cluster as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
          const r = await real(...a);
          check();
          return r;
        };
      }
      if (scenario === 'verify_failed') w.setProbesPass(false);
      if (scenario === 'restart_failed') w.hooks.restartOk = false;
      await w.rotate({ immediate: scenario === 'now' });
      check();
    },
  );
});
