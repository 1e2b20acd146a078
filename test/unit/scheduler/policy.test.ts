import { describe, expect, it } from 'vitest';
import type { ManagedKey } from '../../../src/core/rotation/key-metadata.js';
import { type DriftPolicy, decideScope, type ScopePolicyInput } from '../../../src/core/scheduler/policy.js';
import type { ReviewFacts } from '../../../src/core/scheduler/review.js';
import type { RoleTemplate } from '../../../src/core/templates/schema.js';
import { DAY, daysAgo, HOUR, hashOf, key, NOW, template } from './support.js';

function decide(
  keys: ManagedKey[],
  opts: {
    t?: RoleTemplate;
    review?: ReviewFacts;
    createMissing?: boolean;
    drift?: DriftPolicy;
    now?: Date;
  } = {},
) {
  const t = opts.t ?? template();
  const input: ScopePolicyInput = {
    template: t,
    templateHash: hashOf(t),
    environment: 'prod',
    keys,
    now: opts.now ?? NOW,
    review: opts.review ?? { lastCompleted: daysAgo(1) },
    createMissing: opts.createMissing,
    drift: opts.drift,
  };
  return decideScope(input);
}

describe('rotation: when a key is due', () => {
  it.each([
    {
      name: 'a 10-day-old key is up to date',
      age: 10,
      t: {},
      keyEvery: '90d',
      action: 'none',
      source: 'template',
    },
    {
      name: 'a 90-day-old key is due (age >= every)',
      age: 90,
      t: {},
      keyEvery: '90d',
      action: 'rotate',
      source: 'template',
    },
    {
      name: 'a 91-day-old key is due',
      age: 91,
      t: {},
      keyEvery: '90d',
      action: 'rotate',
      source: 'template',
    },
    {
      name: 'a tightened template (30d) rotates a 40-day-old key minted under 90d at once',
      age: 40,
      t: { every: '30d' },
      keyEvery: '90d',
      action: 'rotate',
      source: 'template',
    },
    {
      name: 'a loosened template (90d) still rotates a key minted under 30d at 30d (its expiration was sized for 30d)',
      age: 31,
      t: { every: '90d' },
      keyEvery: '30d',
      action: 'rotate',
      source: 'key',
    },
    {
      name: 'a loosened template leaves a young key minted under 30d alone',
      age: 20,
      t: { every: '90d' },
      keyEvery: '30d',
      action: 'none',
      source: 'key',
    },
  ])('$name', ({ age, t, keyEvery, action, source }) => {
    const d = decide([key({ created: daysAgo(age), rotateEvery: keyEvery })], { t: template(t) });
    expect(d.action).toBe(action);
    expect(d.rotation.source).toBe(source);
    expect(d.rotation.due).toBe(action === 'rotate');
    if (action === 'rotate') expect(d.rotation.trigger).toBe('age');
  });

  it('up to date says when the next rotation is', () => {
    const d = decide([key({ created: daysAgo(29) })]);
    expect(d.reason).toBe('next rotation in 61d');
    expect(d.rotation.dueAt).toEqual(new Date(daysAgo(29).getTime() + 90 * DAY));
  });

  it('the due reason names the key, its age and the period', () => {
    const d = decide([key({ created: daysAgo(91) })]);
    expect(d.reason).toBe('app@prod#1 is 91d old (rotate every 90d)');
  });

  it.each([
    { name: 'expires within the grace period: rotate', expiresIn: 12 * HOUR, action: 'rotate' },
    { name: 'expires exactly at the end of the grace: rotate', expiresIn: 24 * HOUR, action: 'rotate' },
    { name: 'expires after the grace: leave it', expiresIn: 48 * HOUR, action: 'none' },
  ])('$name', ({ expiresIn, action }) => {
    const d = decide([key({ created: daysAgo(10), expires: new Date(NOW.getTime() + expiresIn) })]);
    expect(d.action).toBe(action);
    if (action === 'rotate') expect(d.rotation.trigger).toBe('expiring');
  });

  it('a key that lives no longer than the grace is not rotated for expiring (no rotation on every pass)', () => {
    // expiration "1d" with the default 24h grace: "expiring within grace" from the minute it is minted.
    const created = new Date(NOW.getTime() - 60_000);
    const d = decide([key({ created, expires: new Date(created.getTime() + DAY) })]);
    expect(d.action).toBe('none');
    expect(d.warnings.join('\n')).toMatch(
      /app@prod#1 lives 1d, not longer than the 24h grace period: it is not rotated for expiring soon/,
    );
  });

  it('the newest active key is the current one; several active keys are a warning', () => {
    const d = decide([
      key({ generation: 3, created: daysAgo(5) }),
      key({ generation: 2, created: daysAgo(95) }),
    ]);
    expect(d.current?.meta.generation).toBe(3);
    expect(d.action).toBe('none');
    expect(d.warnings.join()).toMatch(/2 keys are marked active/);
  });
});

describe('missing keys', () => {
  it('no key at all: missing, nothing done, the fix named', () => {
    const d = decide([]);
    expect(d).toMatchObject({ action: 'none', missing: true });
    expect(d.reason).toMatch(
      /no active key: run `eskeys create -t app --env prod`, or pass --create-missing/,
    );
  });

  it('--create-missing creates it', () => {
    const d = decide([], { createMissing: true });
    expect(d).toMatchObject({ action: 'create', missing: true });
    expect(d.rotation.trigger).toBe('missing');
  });

  it('an expired active key counts as missing and says so', () => {
    const d = decide([key({ created: daysAgo(120), expires: daysAgo(1) })]);
    expect(d.missing).toBe(true);
    expect(d.reason).toMatch(/no valid active key \(app@prod#1 expired 2026-05-31/);
  });

  it('only superseded keys left: missing (not rotated)', () => {
    const d = decide([
      key({ state: 'superseded', created: daysAgo(3), revokeAfter: new Date(NOW.getTime() + HOUR) }),
    ]);
    expect(d).toMatchObject({ action: 'none', missing: true });
  });
});

describe('revocation of superseded keys', () => {
  it.each([
    { name: 'past revoke_after: revoked', revokeAfter: new Date(NOW.getTime() - HOUR), revoked: 1 },
    { name: 'exactly at revoke_after: revoked', revokeAfter: NOW, revoked: 1 },
    { name: 'within the grace: kept', revokeAfter: new Date(NOW.getTime() + HOUR), revoked: 0 },
  ])('$name', ({ revokeAfter, revoked }) => {
    const d = decide([
      key({ generation: 2, created: daysAgo(1) }),
      key({ generation: 1, state: 'superseded', created: daysAgo(92), revokeAfter }),
    ]);
    expect(d.revoke).toHaveLength(revoked);
    expect(d.action).toBe('none');
  });

  it('an already invalidated or expired superseded key is not revoked again', () => {
    const d = decide([
      key({ generation: 3, created: daysAgo(1) }),
      key({
        generation: 2,
        state: 'superseded',
        created: daysAgo(40),
        revokeAfter: daysAgo(1),
        invalidated: true,
      }),
      key({
        generation: 1,
        state: 'superseded',
        created: daysAgo(80),
        revokeAfter: daysAgo(2),
        expires: daysAgo(1),
      }),
    ]);
    expect(d.revoke).toEqual([]);
  });
});

describe('another rotation in progress', () => {
  it('a fresh pending key blocks the scope: no rotation, no revocation, no reminder', () => {
    const d = decide(
      [
        key({
          generation: 2,
          state: 'pending',
          created: new Date(NOW.getTime() - 60_000),
          createdBy: 'ops@host2',
        }),
        key({ generation: 1, created: daysAgo(95) }),
        key({ generation: 0, state: 'superseded', created: daysAgo(190), revokeAfter: daysAgo(1) }),
      ],
      { review: {} },
    );
    expect(d.action).toBe('blocked');
    expect(d.revoke).toEqual([]);
    expect(d.review.remind).toBe(false);
    expect(d.reason).toMatch(/a rotation is in progress \(key app@prod#2 pending since .* by ops@host2\)/);
  });

  it('a stale pending key (an interrupted rotation elsewhere) does not block: it is a warning', () => {
    const d = decide([
      key({
        generation: 2,
        state: 'pending',
        created: new Date(NOW.getTime() - 2 * HOUR),
        createdBy: 'ops@host2',
      }),
      key({ generation: 1, created: daysAgo(95) }),
    ]);
    expect(d.action).toBe('rotate');
    expect(d.warnings.join()).toMatch(
      /app@prod#2 has been pending since .* interrupted rotation of ops@host2/,
    );
  });
});

describe('template drift', () => {
  const minted = template({}, ['monitor', 'manage_ilm']);
  const narrowed = template({}, ['monitor']);
  const widened = template({}, ['monitor', 'manage_ilm', 'manage_pipeline']);
  const current = () =>
    key({ created: daysAgo(10), hash: hashOf(minted), descriptors: minted.role_descriptors as never });

  it.each([
    {
      name: 'narrowing change, default policy: rotate now',
      t: narrowed,
      drift: undefined,
      action: 'rotate',
      direction: 'narrows',
    },
    {
      name: 'widening change, default policy: report only',
      t: widened,
      drift: undefined,
      action: 'none',
      direction: 'widens',
    },
    {
      name: 'narrowing change, --drift report: report only',
      t: narrowed,
      drift: 'report',
      action: 'none',
      direction: 'narrows',
    },
    {
      name: 'widening change, --drift rotate: rotate now',
      t: widened,
      drift: 'rotate',
      action: 'rotate',
      direction: 'widens',
    },
    { name: 'no change: nothing', t: minted, drift: 'rotate', action: 'none', direction: undefined },
  ] as const)('$name', ({ t, drift, action, direction }) => {
    const d = decide([current()], { t, drift });
    expect(d.action).toBe(action);
    expect(d.drift?.direction).toBe(direction);
    if (action === 'rotate') expect(d.rotation.trigger).toBe('drift');
  });

  it('the narrowing reason says what is removed', () => {
    const d = decide([current()], { t: narrowed });
    expect(d.reason).toMatch(
      /template now grants less than app@prod#1 \(removes cluster privilege manage_ilm\)/,
    );
  });

  it('a widening change is reported with the way to apply it', () => {
    const d = decide([current()], { t: widened });
    expect(d.warnings.join()).toMatch(
      /adds access \(adds cluster privilege manage_pipeline\); not applied before the next due rotation: review it \(`eskeys diff`\)/,
    );
  });

  it('a due rotation applies a widening change (and says so)', () => {
    const d = decide([{ ...current(), info: { ...current().info, creation: daysAgo(91) } }], { t: widened });
    expect(d.action).toBe('rotate');
    expect(d.rotation.trigger).toBe('age');
    expect(d.warnings.join()).toMatch(/the rotation applies a changed template \(adds access\)/);
  });

  it('descriptors the cluster did not return: direction unknown, not rotated', () => {
    const k = current();
    const d = decide([{ ...k, info: { ...k.info, roleDescriptors: undefined } }], { t: narrowed });
    expect(d.drift?.direction).toBe('unknown');
    expect(d.action).toBe('none');
  });
});

describe('review reminders', () => {
  const k = () => key({ created: daysAgo(10) });
  it.each([
    {
      name: 'reviewed 5 days ago: not due',
      review: { lastCompleted: daysAgo(5) },
      due: false,
      remind: false,
    },
    {
      name: 'reviewed 31 days ago: due, remind',
      review: { lastCompleted: daysAgo(31) },
      due: true,
      remind: true,
    },
    {
      name: 'due and already reminded this period: no second reminder',
      review: { lastCompleted: daysAgo(40), lastReminded: daysAgo(9) },
      due: true,
      remind: false,
    },
    {
      name: 'still not reviewed a full period after the reminder: remind again',
      review: { lastCompleted: daysAgo(70), lastReminded: daysAgo(40) },
      due: true,
      remind: true,
    },
    {
      name: 'a reminder from before the last review does not count',
      review: { lastCompleted: daysAgo(35), lastReminded: daysAgo(36) },
      due: true,
      remind: true,
    },
    {
      name: 'never reviewed, first trace 31 days ago: due',
      review: { firstSeen: daysAgo(31) },
      due: true,
      remind: true,
    },
    {
      name: 'never reviewed, first trace 20 days ago: not due',
      review: { firstSeen: daysAgo(20) },
      due: false,
      remind: false,
    },
  ])('$name', ({ review, due, remind }) => {
    const d = decide([k()], { review });
    expect(d.review.due).toBe(due);
    expect(d.review.remind).toBe(remind);
  });

  it('a rotation does not reset the review clock: the oldest key still known counts as first trace', () => {
    const d = decide(
      [
        key({ generation: 2, created: daysAgo(2) }),
        key({
          generation: 1,
          state: 'superseded',
          created: daysAgo(40),
          revokeAfter: daysAgo(1),
          invalidated: true,
        }),
      ],
      { review: {} },
    );
    expect(d.review.due).toBe(true);
    expect(d.review.dueAt).toEqual(daysAgo(10));
  });

  it('a reminder recorded before the current period began does not count (the period changed since)', () => {
    const d = decide([key({ created: daysAgo(10), reviewEvery: '30d' })], {
      t: template({ review: '7d' }),
      review: { lastCompleted: daysAgo(8), lastReminded: daysAgo(3) },
    });
    expect(d.review).toMatchObject({ due: true, remind: true, dueAt: daysAgo(1) });
  });

  it('the stricter of the template review period and the key one wins', () => {
    const d = decide([key({ created: daysAgo(10), reviewEvery: '30d' })], {
      t: template({ review: '7d' }),
      review: { lastCompleted: daysAgo(8) },
    });
    expect(d.review).toMatchObject({ every: '7d', due: true });
  });

  it('no active key: no review reminder (the scope is reported missing instead)', () => {
    const d = decide([], { review: { firstSeen: daysAgo(100) } });
    expect(d.review).toMatchObject({ due: false, remind: false });
  });
});
