import { describe, expect, it } from 'vitest';
import { ClusterBusyError, PartialFailureError } from '../../../src/core/errors.js';
import type { ProbeResult } from '../../../src/core/probes/types.js';
import { rotationWorld } from './harness.js';

const HOUR = 3_600_000;

describe('rotateKey', () => {
  it('creates the first key, verifies, publishes to every env file and marks it active', async () => {
    const w = rotationWorld();
    const out = await w.rotate({ mode: 'create' });
    expect(out.status).toBe('completed');
    const [k] = w.keys();
    expect(k!.info.name).toBe('email-search@prod#1');
    expect(k!.meta).toMatchObject({
      state: 'active',
      generation: 1,
      template: 'email-search',
      environment: 'prod',
      created_by: 'ops@host1',
    });
    expect(k!.meta.template_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // expiration = every + grace + margin (9d for 90d) → 100 days
    expect(k!.info.expiration!.getTime() - k!.info.creation.getTime()).toBe(100 * 24 * HOUR);
    for (const f of w.outputs.envFiles) {
      expect(Buffer.from(w.envFiles.value(f, 'ELASTICSEARCH_API_KEY')!, 'base64').toString()).toMatch(
        /^fakekey/,
      );
      expect(w.envFiles.value(f, 'ELASTICSEARCH_API_KEY_ID')).toBe(k!.info.id);
    }
    expect(w.journal.steps()).toEqual([
      'plan:done',
      'create:begin',
      'create:done',
      'verify:begin',
      'verify:done',
      'publish:begin',
      'publish_file:begin',
      'publish_file:done',
      'publish_file:begin',
      'publish_file:done',
      'publish:done',
      'activate:begin',
      'activate:done',
      'finish:done',
    ]);
    expect(w.audit.events.map((e) => e.type)).toEqual([
      'rotation.started',
      'key.created',
      'key.verified',
      'key.published',
      'rotation.completed',
    ]);
    // the intent is audited before the credential exists
    expect(w.audit.events[0]!.keyId).toBeUndefined();
    w.assertNoSecretLeak();
  });

  it('rotation supersedes the old key: metadata merged, expiration shortened to now + grace', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    w.clock.advance(90 * 24 * HOUR);
    const out = await w.rotate();
    expect(out.status).toBe('completed');
    const [oldKey, newKey] = w.keys().sort((a, b) => a.meta.generation - b.meta.generation);
    expect(newKey!.meta).toMatchObject({ generation: 2, state: 'active', predecessor: oldKey!.info.id });
    expect(oldKey!.meta).toMatchObject({
      state: 'superseded',
      superseded_by: newKey!.info.id,
      template: 'email-search',
      rotation_id: 'rot-1',
    });
    expect(oldKey!.info.expiration!.getTime()).toBe(w.clock.now().getTime() + 24 * HOUR);
    expect(oldKey!.meta.revoke_after).toBe(new Date(w.clock.now().getTime() + 24 * HOUR).toISOString());
    expect(oldKey!.info.invalidated).toBe(false);
    expect(w.audit.events.map((e) => e.type).slice(5)).toEqual([
      'rotation.started',
      'key.created',
      'key.verified',
      'key.published',
      'key.retired',
      'rotation.completed',
    ]);
    w.assertNoSecretLeak();
  });

  it('on clusters before 8.13 retire records revoke_after in metadata only, with a warning', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const before = w.keys()[0]!.info.expiration;
    await w.rotate({ supportsExpirationUpdate: false });
    const old = w.keys().find((k) => k.meta.generation === 1)!;
    expect(old.meta.state).toBe('superseded');
    expect(old.info.expiration).toEqual(before);
    expect(w.warnings.join('\n')).toMatch(/cannot update key expirations/);
  });

  it('never lengthens an old key that expires before the grace ends', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    w.clock.advance(100 * 24 * HOUR - 2 * HOUR); // 2 h left
    const out = await w.rotate();
    if (out.status !== 'completed') throw new Error(out.status);
    const old = w.keys().find((k) => k.meta.generation === 1)!;
    expect(old.info.expiration!.getTime() - w.clock.now().getTime()).toBe(2 * HOUR);
    expect(out.retired[0]!.until!.getTime()).toBe(old.info.expiration!.getTime());
  });

  it('--grace overrides the template grace', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    await w.rotate({ graceOverride: '2h' });
    const old = w.keys().find((k) => k.meta.generation === 1)!;
    expect(old.info.expiration!.getTime()).toBe(w.clock.now().getTime() + 2 * HOUR);
  });

  it('a failed deny probe invalidates the new key at once and leaves env files untouched', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const filesBefore = new Map(w.envFiles.files);
    w.setProbesPass(false);
    const out = await w.rotate();
    expect(out.status).toBe('verify_failed');
    expect(w.envFiles.files).toEqual(filesBefore);
    const newKey = w.keys().find((k) => k.meta.generation === 2)!;
    expect(newKey.info.invalidated).toBe(true);
    const old = w.keys().find((k) => k.meta.generation === 1)!;
    expect(old.meta.state).toBe('active');
    expect(old.info.invalidated).toBe(false);
    expect(w.journal.steps().slice(-4)).toEqual([
      'verify:failed',
      'rollback:begin',
      'rollback:done',
      'finish:done',
    ]);
    expect(w.journal.entries.at(-1)!.data?.outcome).toBe('rolled_back');
    expect(w.audit.events.at(-1)!.type).toBe('rotation.rolled_back');
  });

  it('a failed restart restores every env file byte for byte and invalidates the new key', async () => {
    const w = rotationWorld({
      outputs: { restart: { command: 'docker compose restart api', timeoutMs: 1000 } },
    });
    w.envFiles.files.set('/app/.env', '# app\nFOO=bar\nELASTICSEARCH_API_KEY=old\n');
    await w.rotate({ mode: 'create' });
    const filesBefore = new Map(w.envFiles.files);
    w.hooks.restartOk = false;
    const out = await w.rotate();
    expect(out.status).toBe('restart_failed');
    expect(w.envFiles.files).toEqual(filesBefore);
    expect(w.keys().find((k) => k.meta.generation === 2)!.info.invalidated).toBe(true);
    expect(w.keys().find((k) => k.meta.generation === 1)!.meta.state).toBe('active');
  });

  it('a failed health check rolls back too, and a file that did not exist is removed again', async () => {
    const w = rotationWorld({
      outputs: { healthCheck: { kind: 'url', url: 'http://api/health', timeoutMs: 1000 } },
    });
    w.hooks.healthOk = false;
    const out = await w.rotate({ mode: 'create' });
    expect(out.status).toBe('restart_failed');
    expect(w.envFiles.files.size).toBe(0);
    expect(w.cluster.validKeys()).toHaveLength(0);
  });

  it('passes the new key to the restart command through its environment', async () => {
    const w = rotationWorld({ outputs: { restart: { command: 'restart-api', timeoutMs: 1000 } } });
    await w.rotate({ mode: 'create' });
    const env = w.hooks.commands[0]!.env;
    expect(String(env.ELASTICSEARCH_API_KEY)).toBe('[redacted]');
    expect(env.ELASTICSEARCH_API_KEY_ID).toBe(w.keys()[0]!.info.id);
  });

  it('--now invalidates the old key right after the new one is published', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const out = await w.rotate({ immediate: true });
    if (out.status !== 'completed') throw new Error(out.status);
    const old = w.keys().find((k) => k.meta.generation === 1)!;
    expect(old.info.invalidated).toBe(true);
    expect(out.retired).toEqual([expect.objectContaining({ id: old.info.id, action: 'invalidated' })]);
    expect(w.audit.events.at(-2)).toMatchObject({ type: 'key.revoked', keyId: old.info.id });
    // the invalidation happened after publish
    const publishDone = w.journal.steps().lastIndexOf('publish:done');
    const retireBegin = w.journal.steps().lastIndexOf('retire:begin');
    expect(retireBegin).toBeGreaterThan(publishDone);
  });

  it('a publish failure restores the files already written and invalidates the new key', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const filesBefore = new Map(w.envFiles.files);
    w.envFiles.failOn.add('/app/worker/.env');
    await expect(w.rotate()).rejects.toThrow(/EACCES/);
    expect(w.envFiles.files).toEqual(filesBefore);
    expect(w.keys().find((k) => k.meta.generation === 2)!.info.invalidated).toBe(true);
  });

  it('a failed rollback is a partial failure naming eskeys recover', async () => {
    const w = rotationWorld();
    w.setProbesPass(false);
    w.cluster.failNext.set('invalidateApiKeys', new Error('connection reset'));
    const err = await w.rotate({ mode: 'create' }).catch((e) => e);
    expect(err).toBeInstanceOf(PartialFailureError);
    expect(err.message).toMatch(/eskeys recover/);
    expect(err.exitCode).toBe(5);
  });

  it('a create whose response was lost invalidates the key the cluster did create', async () => {
    const w = rotationWorld();
    // The cluster creates the key, then the response is lost.
    const realCreate = w.cluster.createApiKey.bind(w.cluster);
    w.cluster.createApiKey = async (req) => {
      await realCreate(req);
      throw new Error('socket hang up');
    };
    await expect(w.rotate({ mode: 'create' })).rejects.toThrow(/socket hang up/);
    expect(w.cluster.keys.size).toBe(1);
    expect(w.cluster.validKeys()).toHaveLength(0);
  });

  it('a rival key created first on another host wins the guard; ours is invalidated', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    w.cluster.beforeCreate = () => {
      w.cluster.beforeCreate = undefined;
      w.cluster.seed({
        name: 'email-search@prod#2',
        creation: new Date(w.clock.now().getTime() - 1000),
        metadata: {
          managed_by: 'eskeys',
          template: 'email-search',
          environment: 'prod',
          generation: 2,
          state: 'pending',
          created_by: 'ops@host2',
        },
      });
    };
    const out = await w.rotate();
    expect(out.status).toBe('lost_race');
    const mine = w.keys().find((k) => k.meta.created_by === 'ops@host1' && k.meta.generation === 2)!;
    expect(mine.info.invalidated).toBe(true);
    expect(w.envFiles.writes).toHaveLength(2); // only the first creation's publish
  });

  /** A rival rotation's pending key of generation 2 from another host, created `offsetMs` after now. */
  function seedRival(w: ReturnType<typeof rotationWorld>, offsetMs: number) {
    return w.cluster.seed({
      name: 'email-search@prod#2',
      creation: new Date(w.clock.now().getTime() + offsetMs),
      metadata: {
        managed_by: 'eskeys',
        template: 'email-search',
        environment: 'prod',
        generation: 2,
        state: 'pending',
        created_by: 'ops@host2',
      },
    });
  }

  it('a rival created later that never withdraws (it was stored first and saw no rival) wins: ours backs off, nothing published', async () => {
    // Elasticsearch stamps a key's creation before it stores the key, so a later-stamped rival can
    // be stored, and pass its own guard, before ours exists. Ours then sees it as later; if ours went
    // ahead too, two rotations would publish. So ours waits for it to withdraw, then backs off.
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    w.cluster.beforeCreate = () => {
      w.cluster.beforeCreate = undefined;
      seedRival(w, 1000);
    };
    const out = await w.rotate();
    expect(out.status).toBe('lost_race');
    expect(w.sleeps).toEqual(Array(20).fill(250)); // polled for 5 s, every 250 ms
    const mine = w.keys().find((k) => k.meta.created_by === 'ops@host1' && k.meta.generation === 2)!;
    expect(mine.info.invalidated).toBe(true);
    expect(w.envFiles.writes).toHaveLength(2); // only the first creation's publish
  });

  it('a rival created later that withdraws (it saw ours and lost) lets ours go ahead after one wait', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    let rivalId = '';
    w.cluster.beforeCreate = () => {
      w.cluster.beforeCreate = undefined;
      rivalId = seedRival(w, 1000).id;
    };
    w.onSleep = () => {
      void w.cluster.invalidateApiKeys([rivalId]);
    };
    const out = await w.rotate();
    expect(out.status).toBe('completed');
    expect(w.sleeps).toEqual([250]);
  });

  it('rotating again within grace invalidates the older superseded key: at most two valid keys remain', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    await w.rotate();
    expect(w.cluster.validKeys()).toHaveLength(2);
    let maxValid = 0;
    const realCreate = w.cluster.createApiKey.bind(w.cluster);
    w.cluster.createApiKey = async (req) => {
      const r = await realCreate(req);
      maxValid = Math.max(maxValid, w.cluster.validKeys().length);
      return r;
    };
    await w.rotate();
    expect(maxValid).toBe(3); // three only during the rotation
    expect(w.cluster.validKeys()).toHaveLength(2);
    expect(w.keys().find((k) => k.meta.generation === 1)!.info.invalidated).toBe(true);
  });

  it('the old key is never invalidated before the new one passed verify and was published', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const oldId = w.keys()[0]!.info.id;
    const order: string[] = [];
    const realInvalidate = w.cluster.invalidateApiKeys.bind(w.cluster);
    w.cluster.invalidateApiKeys = async (ids) => {
      if (ids.includes(oldId))
        order.push(
          `invalidate-old after ${w.journal
            .steps()
            .filter((s) => s === 'verify:done' || s === 'publish:done')
            .join(',')}`,
        );
      return realInvalidate(ids);
    };
    await w.rotate({ immediate: true });
    expect(order).toEqual(['invalidate-old after verify:done,publish:done,verify:done,publish:done']);
  });

  it('Ctrl-C after create and before publish invalidates the new key and leaves consumers untouched', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const files = new Map(w.envFiles.files);
    const controller = new AbortController();
    const realProbes = w.deps.probes;
    Object.assign(w.deps, {
      signal: controller.signal,
      probes: async (input: Parameters<typeof realProbes>[0]) => {
        const r = await realProbes(input);
        controller.abort();
        return r;
      },
    });
    await expect(w.rotate()).rejects.toMatchObject({ exitCode: 130 });
    expect(w.envFiles.files).toEqual(files);
    expect(w.keys().find((k) => k.meta.generation === 2)!.info.invalidated).toBe(true);
    expect(w.journal.entries.at(-1)!.data?.outcome).toBe('rolled_back');
  });

  it.each<[string, ProbeResult['verdict'], string]>([
    // Busy is not denied: only inconclusive probes → exit 3 naming them, never verify_failed (exit 1).
    ['only inconclusive probes: ClusterBusyError (exit 3)', 'pass', 'throws'],
    ['a failed probe next to an inconclusive one: verify_failed (exit 1)', 'fail', 'verify_failed'],
  ])('%s; the new key is invalidated and consumers untouched either way', async (_name, other, expected) => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const files = new Map(w.envFiles.files);
    const realProbes = w.deps.probes;
    Object.assign(w.deps, {
      probes: async (input: Parameters<typeof realProbes>[0]) => {
        const r = await realProbes(input);
        const [health, del] = r.results as [ProbeResult, ProbeResult];
        const results: ProbeResult[] = [
          {
            ...health,
            verdict: 'inconclusive',
            status: 429,
            got: '429 es_rejected_execution_exception after 6 tries',
          },
          { ...del, verdict: other },
        ];
        return { ...r, passed: false, results };
      },
    });
    if (expected === 'throws') {
      const err = await w.rotate().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterBusyError);
      expect((err as ClusterBusyError).exitCode).toBe(3);
      expect((err as Error).message).toMatch(
        /was busy: verification of email-search@prod#2 is inconclusive \(cluster\.health \(allow: 429 es_rejected_execution_exception after 6 tries\)\); the new key was invalidated and no consumer was touched/,
      );
      expect(w.audit.events.map((e) => e.type)).not.toContain('key.verify_failed');
    } else {
      expect((await w.rotate()).status).toBe('verify_failed');
    }
    expect(w.envFiles.files).toEqual(files);
    expect(w.keys().find((k) => k.meta.generation === 2)!.info.invalidated).toBe(true);
    expect(w.keys().find((k) => k.meta.generation === 1)!.info.invalidated).toBe(false);
    expect(w.journal.entries.at(-1)!.data?.outcome).toBe('rolled_back');
  });

  it('a zero grace (template) ends the old key at once instead of asking the cluster for a past expiration', async () => {
    const w = rotationWorld();
    await w.rotate({ mode: 'create' });
    const out = await w.rotate({ graceOverride: '0s' });
    if (out.status !== 'completed') throw new Error(out.status);
    expect(out.retired).toEqual([expect.objectContaining({ action: 'invalidated' })]);
  });
});
