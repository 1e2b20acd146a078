import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runRecover } from '../../../src/cli/commands/recover.js';
import { revokeSelector, runRevoke } from '../../../src/cli/commands/revoke.js';
import { runStatus } from '../../../src/cli/commands/status.js';
import { UsageError } from '../../../src/core/errors.js';
import type { FakeClock } from '../../support/fake-clock.js';
import { FakeCluster } from '../../support/fake-cluster.js';
import { FakeIO, fakeContext } from '../../support/fake-io.js';
import { FakePrompter } from '../../support/fake-prompter.js';
import { fakeRotationServices } from '../../support/fake-rotation-ports.js';

const HOUR = 3_600_000;

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eskeys-cmd-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function seeded(clock: FakeClock) {
  const cluster = new FakeCluster(clock);
  const meta = (gen: number, state: string, extra: Record<string, unknown> = {}) => ({
    managed_by: 'eskeys',
    template: 'email-search',
    environment: 'prod',
    generation: gen,
    state,
    rotate_every: '90d',
    grace: '24h',
    review_every: '30d',
    created_by: 'ops@host1',
    ...extra,
  });
  const now = clock.now().getTime();
  const old = cluster.seed({
    id: 'oldkeyoldkeyoldkey01',
    name: 'email-search@prod#1',
    creation: new Date(now - 91 * 24 * HOUR),
    expiration: new Date(now + HOUR),
    metadata: meta(1, 'superseded', { revoke_after: new Date(now - HOUR).toISOString() }),
  });
  const cur = cluster.seed({
    id: 'curkeycurkeycurkey02',
    name: 'email-search@prod#2',
    creation: new Date(now - 2 * HOUR),
    expiration: new Date(now + 100 * 24 * HOUR),
    metadata: meta(2, 'active'),
  });
  cluster.seed({ id: 'foreignforeignforeig', name: 'someone-else', metadata: { owner: 'them' } });
  return { cluster, old, cur };
}

function services(cluster: FakeCluster, locked = false) {
  return fakeRotationServices(cluster, locked);
}

describe('runStatus', () => {
  it('lists managed keys only, ids masked, superseded end and revoke-due shown', async () => {
    const ctx = fakeContext({ cwd: dir() });
    const { cluster } = seeded(ctx.clock);
    await runStatus({ ctx, openCluster: async () => cluster });
    expect(ctx.io.out).toMatch(
      /email-search@prod\s+2\s+email-search@prod#2\s+…ey02\s+2h\s+\S+ \(100d\)\s+active/,
    );
    expect(ctx.io.out).toMatch(/superseded until \S+ \(revoke due\)/);
    expect(ctx.io.out).not.toContain('someone-else');
    expect(ctx.io.out).not.toContain('curkeycurkeycurkey02');
    expect(ctx.io.out).toMatch(/email-search@prod#1: revocation due/);
  });

  it('--json gives full ids and states', async () => {
    const ctx = fakeContext({ cwd: dir() });
    const { cluster } = seeded(ctx.clock);
    await runStatus({ ctx, json: true, openCluster: async () => cluster });
    const keys = JSON.parse(ctx.io.out).keys;
    expect(keys.map((k: { id: string; state: string }) => [k.id, k.state])).toEqual([
      ['curkeycurkeycurkey02', 'active'],
      ['oldkeyoldkeyoldkey01', 'superseded'],
    ]);
  });
});

describe('runRevoke', () => {
  it.each([
    [{}, /say what to revoke/],
    [{ due: true, template: 'x' }, /exclude each other/],
  ])('selector errors %#', (flags, message) => {
    expect(() => revokeSelector(flags)).toThrow(message);
  });

  it('interactive confirmation, audit before invalidation', async () => {
    const prompter = new FakePrompter([{ kind: 'confirm', answer: true }]);
    const ctx = fakeContext({ cwd: dir(), io: new FakeIO(true), prompter });
    const { cluster, old } = seeded(ctx.clock);
    const s = services(cluster);
    const order: string[] = [];
    const realInvalidate = cluster.invalidateApiKeys.bind(cluster);
    cluster.invalidateApiKeys = async (ids) => {
      order.push(`invalidate after ${s.audit.events.length} audit events`);
      return realInvalidate(ids);
    };
    await runRevoke({ ctx, due: true, openServices: s.open });
    expect(order).toEqual(['invalidate after 1 audit events']);
    expect(cluster.keys.get(old.id)!.invalidated).toBe(true);
    expect(s.audit.events[0]).toMatchObject({ type: 'key.revoked', keyId: old.id });
    expect(ctx.io.out).toMatch(/revoked email-search@prod#1/);
    prompter.verify();
  });

  it('in a terminal with nothing named: picks among the valid managed keys (oldest first), then confirms', async () => {
    const prompter = new FakePrompter([
      { kind: 'select', answer: 'oldkeyoldkeyoldkey01' },
      { kind: 'confirm', answer: true },
    ]);
    const ctx = fakeContext({ cwd: dir(), io: new FakeIO(true), prompter });
    const { cluster, old, cur } = seeded(ctx.clock);
    await runRevoke({ ctx, openServices: services(cluster).open });
    expect(prompter.asked).toEqual(['Key to revoke', 'Invalidate 1 key(s)?']);
    // Name, full id, created, age, owner and state; the unmanaged key is not offered.
    expect(prompter.choices).toEqual([
      [
        `email-search@prod#1  oldkeyoldkeyoldkey01  created ${old.creation.toISOString().replace('.000Z', 'Z')} (91d ago)  owner admin (native1)  superseded`,
        `email-search@prod#2  curkeycurkeycurkey02  created ${cur.creation.toISOString().replace('.000Z', 'Z')} (2h ago)  owner admin (native1)  active`,
      ],
    ]);
    expect(cluster.keys.get(old.id)!.invalidated).toBe(true);
    expect(cluster.keys.get(cur.id)!.invalidated).toBe(false);
    prompter.verify();
  });

  it('an ambiguous --id in a terminal: the picker offers only the keys it matches', async () => {
    const prompter = new FakePrompter([
      { kind: 'select', answer: 'oldkeyXXXXXXXXXXXX03' },
      { kind: 'confirm', answer: true },
    ]);
    const ctx = fakeContext({ cwd: dir(), io: new FakeIO(true), prompter });
    const { cluster, old } = seeded(ctx.clock);
    const twin = cluster.seed({
      id: 'oldkeyXXXXXXXXXXXX03',
      name: 'email-search@prod#0',
      creation: new Date(ctx.clock.now().getTime() - 200 * 24 * HOUR),
      metadata: { ...cluster.keys.get(old.id)!.metadata, generation: 0 },
    });
    await runRevoke({ ctx, id: 'oldkey', openServices: services(cluster).open });
    expect(prompter.choices[0]!.map((c) => c.split('  ')[1])).toEqual([twin.id, old.id]);
    expect(cluster.keys.get(twin.id)!.invalidated).toBe(true);
    expect(cluster.keys.get(old.id)!.invalidated).toBe(false);
    prompter.verify();
  });

  it('an ambiguous --id with --yes asks nothing: usage error naming both ids, nothing revoked', async () => {
    const ctx = fakeContext({ cwd: dir(), io: new FakeIO(true), prompter: new FakePrompter([]) });
    const { cluster, old } = seeded(ctx.clock);
    cluster.seed({
      id: 'oldkeyXXXXXXXXXXXX03',
      name: 'email-search@prod#0',
      metadata: { ...cluster.keys.get(old.id)!.metadata, generation: 0 },
    });
    const err = await runRevoke({ ctx, id: 'oldkey', yes: true, openServices: services(cluster).open }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/^--id oldkey matches 2 keys: oldkey.*; give more of the id$/);
    expect(err.message).toContain('oldkeyoldkeyoldkey01 (email-search@prod#1, superseded, created ');
    expect(err.message).toContain('oldkeyXXXXXXXXXXXX03 (email-search@prod#0, superseded, created ');
    expect([...cluster.keys.values()].filter((k) => k.invalidated)).toEqual([]);
  });

  it('without a terminal and without --yes: usage error, nothing revoked', async () => {
    const ctx = fakeContext({ cwd: dir() });
    const { cluster, old } = seeded(ctx.clock);
    await expect(runRevoke({ ctx, due: true, openServices: services(cluster).open })).rejects.toBeInstanceOf(
      UsageError,
    );
    expect(cluster.keys.get(old.id)!.invalidated).toBe(false);
  });
});

describe('runRecover', () => {
  it('a rotation whose lock is held is in progress, not interrupted: exit 4, nothing touched', async () => {
    const ctx = fakeContext({ cwd: dir() });
    const { cluster } = seeded(ctx.clock);
    const s = services(cluster, true);
    await s.journal.append({
      v: 1,
      rotation: 'rot-running',
      at: ctx.clock.now().toISOString(),
      template: 'email-search',
      environment: 'prod',
      step: 'plan',
      phase: 'done',
      data: { files: [], keyVar: 'K' },
    });
    const err = await runRecover({ ctx, openServices: s.open }).catch((e) => e);
    expect(err.exitCode).toBe(4);
    expect(ctx.io.err).toMatch(/another rotation of email-search@prod is running/);
    expect(s.journal.entries).toHaveLength(1);
  });

  it('reports stale pending keys that no local journal knows (orphans), without touching them', async () => {
    const ctx = fakeContext({ cwd: dir() });
    const { cluster } = seeded(ctx.clock);
    const orphan = cluster.seed({
      id: 'orphanorphanorphan03',
      name: 'email-search@prod#3',
      creation: new Date(ctx.clock.now().getTime() - HOUR),
      metadata: {
        managed_by: 'eskeys',
        template: 'email-search',
        environment: 'prod',
        generation: 3,
        state: 'pending',
        rotation_id: 'rot-elsewhere',
        created_by: 'ops@host2',
      },
    });
    await runRecover({ ctx, json: true, openServices: services(cluster).open });
    expect(JSON.parse(ctx.io.out).orphans).toEqual([
      expect.objectContaining({ id: orphan.id, created_by: 'ops@host2' }),
    ]);
    expect(ctx.io.err).toMatch(/email-search@prod#3 .* has been pending since .* no journal here knows it/);
    expect(cluster.keys.get(orphan.id)!.invalidated).toBe(false);
  });

  it("recovers each environment's rotations through that environment's own cluster connection", async () => {
    const ctx = fakeContext({ cwd: dir() });
    const prod = services(new FakeCluster(ctx.clock));
    const stagingCluster = new FakeCluster(ctx.clock);
    const staging = services(stagingCluster);
    const opened: (string | undefined)[] = [];
    // One journal (the local state folder), one cluster per environment.
    const openServices: typeof prod.open = async (c, project, flags) => {
      opened.push(flags.env);
      const s = await (flags.env === 'staging' ? staging : prod).open(c, project, flags);
      return { ...s, journal: prod.journal };
    };
    const minted = stagingCluster.seed({
      id: 'stagingkeystaging001',
      name: 'email-search@staging#2',
      metadata: {
        managed_by: 'eskeys',
        template: 'email-search',
        environment: 'staging',
        generation: 2,
        state: 'pending',
        rotation_id: 'rot-staging',
      },
    });
    const at = ctx.clock.now().toISOString();
    const entry = (step: string, phase: string, data: Record<string, unknown>) => ({
      v: 1 as const,
      rotation: 'rot-staging',
      at,
      template: 'email-search',
      environment: 'staging',
      step: step as 'plan',
      phase: phase as 'done',
      data,
    });
    await prod.journal.append(entry('plan', 'done', { files: [], keyVar: 'K', keyName: minted.name }));
    await prod.journal.append(entry('create', 'begin', { keyName: minted.name }));
    await prod.journal.append(entry('create', 'done', { keyId: minted.id, keyName: minted.name }));

    await runRecover({ ctx, json: true, openServices });
    // Rolled back on staging's cluster: the unverified key is dead there.
    expect(stagingCluster.keys.get(minted.id)!.invalidated).toBe(true);
    expect(opened).toEqual([undefined, 'staging']);
    const out = JSON.parse(ctx.io.out);
    expect(out.problems).toEqual([]);
    expect(out.recovered.map((r: { environment: string }) => r.environment)).toEqual(['staging']);
  });
});
