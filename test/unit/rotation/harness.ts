import type { ManagedKey } from '../../../src/core/rotation/key-metadata.js';
import { parseManagedKeys } from '../../../src/core/rotation/key-metadata.js';
import type { EffectiveOutputs } from '../../../src/core/rotation/outputs.js';
import { type ProceedPlan, planRotation } from '../../../src/core/rotation/plan-rotation.js';
import { type RotationDeps, rotateKey } from '../../../src/core/rotation/rotate-key.js';
import { templateHash } from '../../../src/core/rotation/template-hash.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';
import { FakeClock, fakeRandom } from '../../support/fake-clock.js';
import { FakeCluster } from '../../support/fake-cluster.js';
import {
  FakeEnvFiles,
  FakeHooks,
  fakeProbes,
  MemoryAudit,
  MemoryJournal,
} from '../../support/fake-rotation-ports.js';

/** A minimal template like roles/email-search.json. */
export function testTemplate(overrides: Record<string, unknown> = {}): RoleTemplate {
  return RoleTemplateSchema.parse({
    name: 'email-search',
    role_descriptors: {
      'email-search': {
        cluster: ['monitor'],
        indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'index', 'create_index'] }],
      },
    },
    rotation: { every: '90d', grace: '24h', review: '30d' },
    probes: { allow: ['cluster.health'], deny: ['doc.delete'] },
    outputs: { env_files: ['.env'], key_var: 'ELASTICSEARCH_API_KEY', id_var: 'ELASTICSEARCH_API_KEY_ID' },
    ...overrides,
  });
}

/** Everything a rotation test needs, wired with fakes. */
export function rotationWorld(opts: { template?: RoleTemplate; outputs?: Partial<EffectiveOutputs> } = {}) {
  const clock = new FakeClock('2026-03-01T12:00:00Z');
  const cluster = new FakeCluster(clock);
  const envFiles = new FakeEnvFiles();
  const hooks = new FakeHooks();
  const journal = new MemoryJournal();
  const audit = new MemoryAudit();
  let probesPass = true;
  const probes = fakeProbes(() => probesPass);
  const steps: string[] = [];
  const warnings: string[] = [];
  const template = opts.template ?? testTemplate();
  const outputs: EffectiveOutputs = {
    envFiles: ['/app/.env', '/app/worker/.env'],
    keyVar: 'ELASTICSEARCH_API_KEY',
    idVar: 'ELASTICSEARCH_API_KEY_ID',
    followSymlinks: false,
    ...opts.outputs,
  };
  const deps: RotationDeps = {
    cluster,
    clock,
    random: fakeRandom(),
    reporter: { step: (m) => steps.push(m), warn: (m) => warnings.push(m) },
    journal,
    audit,
    envFiles,
    hooks,
    probes: probes.run,
    // The guard's wait for a rival to withdraw: instant, recorded, and a hook for the test to act.
    sleep: async (ms) => {
      sleeps.push(ms);
      world.onSleep?.();
    },
  };
  const sleeps: number[] = [];
  let seq = 0;
  const world = {
    sleeps,
    /** Runs on each guard wait (e.g. the rival withdraws its key). */
    onSleep: undefined as (() => void) | undefined,
    clock,
    cluster,
    envFiles,
    hooks,
    journal,
    audit,
    probes,
    steps,
    warnings,
    template,
    outputs,
    deps,
    setProbesPass(v: boolean) {
      probesPass = v;
    },
    keys(): ManagedKey[] {
      return parseManagedKeys(
        [...cluster.keys.values()].map((k) => ({ ...k, username: 'admin', realm: 'native1' })) as never,
      );
    },
    plan(
      extra: { mode?: 'create' | 'rotate'; immediate?: boolean; graceOverride?: string } = {},
    ): ProceedPlan {
      const p = planRotation({
        mode: extra.mode ?? 'rotate',
        template,
        templateHash: templateHash(template.role_descriptors),
        environment: 'prod',
        keys: world.keys(),
        now: clock.now(),
        immediate: extra.immediate,
        graceOverride: extra.graceOverride,
      });
      if (p.action !== 'proceed') throw new Error(`plan: ${p.action}: ${p.reason}`);
      return p;
    },
    async rotate(
      extra: {
        mode?: 'create' | 'rotate';
        immediate?: boolean;
        graceOverride?: string;
        supportsExpirationUpdate?: boolean;
        strictRetire?: boolean;
      } = {},
    ) {
      const plan = world.plan(extra);
      return rotateKey(deps, {
        plan,
        template,
        templateHash: templateHash(template.role_descriptors),
        outputs,
        actor: 'ops@host1',
        rotationId: `rot-${++seq}`,
        supportsExpirationUpdate: extra.supportsExpirationUpdate ?? true,
        strictRetire: extra.strictRetire,
      });
    },
    /** Asserts no secret of any minted key appears in journal, audit, progress lines. */
    assertNoSecretLeak() {
      const text = JSON.stringify([journal.entries, audit.events, steps, warnings]);
      for (const s of cluster.secrets()) {
        if (text.includes(s)) throw new Error('a secret leaked into journal/audit/progress');
      }
    },
  };
  return world;
}
