import { describe, expect, it } from 'vitest';
import type { ApiKeyInfo } from '../../../src/core/cluster-port.js';
import { type ManagedKey, parseManagedKey } from '../../../src/core/rotation/key-metadata.js';
import {
  GUARD_WINDOW_MS,
  planRotation,
  type RotationPlan,
  rivalThatWins,
} from '../../../src/core/rotation/plan-rotation.js';
import { FakeClock } from '../../support/fake-clock.js';
import { testTemplate } from './harness.js';

const DAY = 86_400_000;
const clock = new FakeClock('2026-06-01T00:00:00Z');
const now = clock.now();
const ago = (ms: number) => new Date(now.getTime() - ms);

function key(
  id: string,
  gen: number,
  state: 'pending' | 'active' | 'superseded',
  opts: {
    created?: Date;
    expiration?: Date;
    invalidated?: boolean;
    hash?: string;
    revokeAfter?: string;
  } = {},
): ManagedKey {
  const info: ApiKeyInfo = {
    id,
    name: `email-search@prod#${gen}`,
    creation: opts.created ?? ago(10 * DAY),
    expiration: opts.expiration ?? new Date(now.getTime() + 30 * DAY),
    invalidated: opts.invalidated ?? false,
    username: 'admin',
    realm: 'native1',
    metadata: {
      managed_by: 'eskeys',
      template: 'email-search',
      environment: 'prod',
      generation: gen,
      state,
      template_hash: opts.hash ?? 'sha256:same',
      created_by: 'ops@host1',
      rotation_id: `rot-${id}`,
      rotate_every: '90d',
      grace: '24h',
      review_every: '30d',
      ...(opts.revokeAfter ? { revoke_after: opts.revokeAfter } : {}),
    },
  };
  return parseManagedKey(info)!;
}

function plan(keys: ManagedKey[], extra: Partial<Parameters<typeof planRotation>[0]> = {}): RotationPlan {
  return planRotation({
    mode: 'rotate',
    template: testTemplate(),
    templateHash: 'sha256:same',
    environment: 'prod',
    keys,
    now,
    ...extra,
  });
}

describe('planRotation', () => {
  it.each<{ name: string; keys: ManagedKey[]; extra?: object; expect: Record<string, unknown> }>([
    {
      name: 'no key yet: rotate creates generation 1 with a warning',
      keys: [],
      expect: {
        action: 'proceed',
        generation: 1,
        name: 'email-search@prod#1',
        current: undefined,
        due: false,
      },
    },
    {
      name: 'one active key, not yet due',
      keys: [key('a', 3, 'active', { created: ago(10 * DAY) })],
      expect: { action: 'proceed', generation: 4, due: false, templateChanged: false },
    },
    {
      name: 'one active key older than rotate_every: due',
      keys: [key('a', 3, 'active', { created: ago(91 * DAY) })],
      expect: { action: 'proceed', due: true },
    },
    {
      name: 'the template changed since the key was minted',
      keys: [key('a', 1, 'active', { hash: 'sha256:older' })],
      expect: { action: 'proceed', templateChanged: true },
    },
    {
      name: 'generation continues after the highest, even invalidated',
      keys: [key('a', 1, 'active'), key('z', 9, 'active', { invalidated: true })],
      expect: { action: 'proceed', generation: 10 },
    },
    {
      name: 'a fresh pending key of another rotation blocks (cluster-visible guard)',
      keys: [key('a', 1, 'active'), key('p', 2, 'pending', { created: ago(60_000) })],
      expect: { action: 'blocked' },
    },
    {
      name: 'a pending key older than the guard window is an orphan: warned, not blocking',
      keys: [key('a', 1, 'active'), key('p', 2, 'pending', { created: ago(GUARD_WINDOW_MS + 1) })],
      expect: { action: 'proceed', generation: 3 },
    },
    {
      name: 'an invalidated pending key does not block',
      keys: [key('a', 1, 'active'), key('p', 2, 'pending', { created: ago(1000), invalidated: true })],
      expect: { action: 'proceed' },
    },
    {
      name: 'create refuses when an active key exists',
      keys: [key('a', 1, 'active')],
      extra: { mode: 'create' },
      expect: { action: 'refused' },
    },
    {
      name: 'create proceeds when only expired keys exist',
      keys: [key('a', 1, 'active', { expiration: ago(1) })],
      extra: { mode: 'create' },
      expect: { action: 'proceed', generation: 2, current: undefined },
    },
    {
      name: '--grace overrides the template grace',
      keys: [key('a', 1, 'active')],
      extra: { graceOverride: '2h' },
      expect: { action: 'proceed', grace: '2h', graceMs: 2 * 3_600_000 },
    },
    {
      name: '--now is carried into the plan',
      keys: [key('a', 1, 'active')],
      extra: { immediate: true },
      expect: { action: 'proceed', immediate: true },
    },
  ])('$name', ({ keys, extra, expect: want }) => {
    expect(plan(keys, extra)).toMatchObject(want);
  });

  it("refuses before anything is minted when a key to retire belongs to another user (only a key's owner may update it)", () => {
    const mine = key('a', 1, 'active');
    const theirs = { ...key('b', 2, 'active') };
    const foreign: ManagedKey = { ...theirs, info: { ...theirs.info, username: 'alice', realm: 'ldap1' } };
    const refused = plan([mine, foreign], { adminUsername: 'admin' });
    expect(refused).toMatchObject({ action: 'refused', current: { info: { id: 'b' } } });
    expect(refused.action === 'refused' && refused.reason).toBe(
      "email-search@prod#2 belongs to user alice (realm ldap1) but eskeys connects as admin: Elasticsearch lets only a key's owner update it, so its grace period could not be set once the new key is published; run eskeys as alice, or use --now to invalidate it right after publishing instead",
    );
    // The owner itself, --now (invalidation needs no ownership), or an unknown admin name: go ahead.
    expect(plan([mine, foreign], { adminUsername: 'alice' }).action).toBe('refused'); // `a` is admin's
    expect(plan([foreign], { adminUsername: 'alice' }).action).toBe('proceed');
    expect(plan([mine, foreign], { adminUsername: 'admin', immediate: true }).action).toBe('proceed');
    expect(plan([mine, foreign]).action).toBe('proceed');
    // Superseded keys in grace are invalidated, not updated: another owner is fine.
    const superseded = key('c', 1, 'superseded');
    expect(
      plan([{ ...superseded, info: { ...superseded.info, username: 'alice' } }, key('d', 2, 'active')], {
        adminUsername: 'admin',
      }).action,
    ).toBe('proceed');
  });

  it('the current key is the newest active one; the others are retired with it', () => {
    const p = plan([key('a', 1, 'active'), key('b', 2, 'active')]);
    if (p.action !== 'proceed') throw new Error(p.action);
    expect(p.current?.info.id).toBe('b');
    expect(p.otherActive.map((k) => k.info.id)).toEqual(['a']);
  });

  it('superseded keys still in grace are cut short, expired ones ignored (at most two valid keys)', () => {
    const p = plan([
      key('a', 1, 'superseded', { expiration: ago(1) }),
      key('b', 2, 'superseded'),
      key('c', 3, 'active'),
    ]);
    if (p.action !== 'proceed') throw new Error(p.action);
    expect(p.cutShort.map((k) => k.info.id)).toEqual(['b']);
    expect(p.warnings.join('\n')).toMatch(/email-search@prod#2 is still within its grace period/);
  });

  it('expiration is every + grace + margin unless the template opts out', () => {
    const auto = plan([]);
    const none = plan([], { template: testTemplate({ expiration: 'none' }) });
    const fixed = plan([], { template: testTemplate({ expiration: '30d' }) });
    expect(auto.action === 'proceed' && auto.expiration).toBe('100d');
    expect(none.action === 'proceed' && none.expiration).toBeUndefined();
    expect(fixed.action === 'proceed' && fixed.expiration).toBe('30d');
  });
});

describe('rivalThatWins (the cluster guard tie-break)', () => {
  const mine = { id: 'm', creation: ago(1000) };
  it.each([
    { name: 'no rival', keys: [], wins: undefined },
    {
      name: 'an older unknown valid key wins',
      keys: [key('r', 2, 'pending', { created: ago(2000) })],
      wins: 'r',
    },
    {
      name: 'a younger unknown key loses to mine',
      keys: [key('r', 2, 'pending', { created: ago(500) })],
      wins: undefined,
    },
    {
      name: 'same instant: the smaller id wins',
      keys: [key('a', 2, 'pending', { created: ago(1000) })],
      wins: 'a',
    },
    {
      name: 'keys known at planning are not rivals',
      keys: [key('k', 1, 'active', { created: ago(5000) })],
      wins: undefined,
    },
    {
      name: 'an invalidated rival (it already backed off) is ignored',
      keys: [key('r', 2, 'pending', { created: ago(2000), invalidated: true })],
      wins: undefined,
    },
  ])('$name', ({ keys, wins }) => {
    expect(rivalThatWins(mine, ['k'], keys, now)?.info.id).toBe(wins);
  });
});
