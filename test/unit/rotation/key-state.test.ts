import { describe, expect, it } from 'vitest';
import { createExpiration, expirationMargin } from '../../../src/core/rotation/expiration-policy.js';
import { keyName, mergeMetadata, parseManagedKey } from '../../../src/core/rotation/key-metadata.js';
import { describeKey } from '../../../src/core/rotation/key-state.js';
import { privilegeDiff } from '../../../src/core/rotation/privilege-diff.js';
import { canonicalJson, templateHash } from '../../../src/core/rotation/template-hash.js';
import { FakeClock } from '../../support/fake-clock.js';
import { testTemplate } from './harness.js';

const DAY = 86_400_000;
const clock = new FakeClock('2026-06-01T00:00:00Z');

function managed(
  meta: Record<string, unknown>,
  info: { created?: number; expires?: number; invalidated?: boolean } = {},
) {
  const now = clock.now().getTime();
  return parseManagedKey({
    id: 'abcdefghijklmnopqrst',
    name: 'email-search@prod#4',
    creation: new Date(now - (info.created ?? 10 * DAY)),
    expiration: info.expires === undefined ? undefined : new Date(now + info.expires),
    invalidated: info.invalidated ?? false,
    username: 'admin',
    realm: 'native1',
    metadata: { managed_by: 'eskeys', template: 'email-search', environment: 'prod', generation: 4, ...meta },
  })!;
}

describe('describeKey (status)', () => {
  it.each([
    { name: 'active key', meta: { state: 'active' }, info: { expires: 50 * DAY }, status: 'active' },
    { name: 'pending key', meta: { state: 'pending' }, info: {}, status: 'pending' },
    {
      name: 'superseded key',
      meta: { state: 'superseded', revoke_after: '2026-06-02T00:00:00.000Z' },
      info: { expires: DAY },
      status: 'superseded',
    },
    {
      name: 'expired wins over metadata',
      meta: { state: 'active' },
      info: { expires: -1 },
      status: 'expired',
    },
    {
      name: 'invalidated wins over everything',
      meta: { state: 'active' },
      info: { invalidated: true },
      status: 'invalidated',
    },
    { name: 'legacy key without state reads as active', meta: {}, info: {}, status: 'active' },
  ])('$name', ({ meta, info, status }) => {
    expect(describeKey(managed(meta, info), clock.now()).status).toBe(status);
  });

  it('superseded: until = the earlier of cluster expiration and revoke_after; revoke due once passed', () => {
    const v = describeKey(
      managed({ state: 'superseded', revoke_after: '2026-05-31T00:00:00.000Z' }, { expires: DAY }),
      clock.now(),
    );
    expect(v.supersededUntil?.toISOString()).toBe('2026-05-31T00:00:00.000Z');
    expect(v.revokeDue).toBe(true);
  });

  it('a pending key older than the guard window is flagged as interrupted', () => {
    expect(
      describeKey(managed({ state: 'pending' }, { created: 16 * 60_000 }), clock.now()).stalePending,
    ).toBe(true);
    expect(describeKey(managed({ state: 'pending' }, { created: 60_000 }), clock.now()).stalePending).toBe(
      false,
    );
  });

  it('rotation and review due from creation + the policy recorded in metadata', () => {
    const v = describeKey(
      managed(
        { state: 'active', rotate_every: '90d', review_every: '30d' },
        { created: 40 * DAY, expires: 60 * DAY },
      ),
      clock.now(),
    );
    expect(v.reviewDue).toBe(true);
    expect(v.rotationDue).toBe(false);
    expect(v.rotationDueAt!.getTime() - v.createdAt.getTime()).toBe(90 * DAY);
  });
});

describe('key metadata, naming, hash, expiration policy', () => {
  it('names keys for humans', () => {
    expect(keyName('applylens-api', 'prod', 7)).toBe('applylens-api@prod#7');
  });
  it('ignores keys not managed by eskeys', () => {
    expect(
      parseManagedKey({
        id: 'x',
        name: 'x',
        creation: new Date(),
        invalidated: false,
        username: 'u',
        realm: 'r',
        metadata: { template: 'a' },
      }),
    ).toBeUndefined();
  });
  it('merges metadata changes into the full existing metadata (the update API replaces it)', () => {
    expect(mergeMetadata({ a: 1, b: 2, keep: { x: 1 } }, { b: 3, c: 4, a: undefined })).toEqual({
      b: 3,
      keep: { x: 1 },
      c: 4,
    });
  });
  it('hashes role descriptors canonically (key order does not matter)', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    expect(templateHash({ r: { cluster: ['monitor'], indices: [] } })).toBe(
      templateHash({ r: { indices: [], cluster: ['monitor'] } }),
    );
    expect(templateHash({ r: { cluster: ['monitor'] } })).not.toBe(templateHash({ r: { cluster: ['all'] } }));
  });
  it.each([
    { every: 90 * DAY, margin: 9 * DAY },
    { every: 7 * DAY, margin: DAY },
    { every: 365 * DAY, margin: 14 * DAY },
  ])('margin for every=$every ms is $margin ms', ({ every, margin }) => {
    expect(expirationMargin(every)).toBe(margin);
  });
  it('a short rotation gets whole seconds as the ES TimeValue', () => {
    expect(createExpiration(testTemplate({ rotation: { every: '1h', grace: '30m', review: '30d' } }))).toBe(
      `${3600 + 1800 + 86400}s`,
    );
  });
  it('privilege diff lists added and removed grants, ignoring echoed defaults', () => {
    const d = privilegeDiff(
      {
        r: {
          cluster: ['monitor'],
          indices: [{ names: ['a-*'], privileges: ['read', 'index'], allow_restricted_indices: false }],
        },
      },
      { r: { cluster: ['monitor'], indices: [{ names: ['a-*'], privileges: ['read', 'write'] }] } },
    );
    expect(d).toEqual({
      added: ['r: indices [a-*] write'],
      removed: ['r: indices [a-*] index'],
      unchanged: false,
    });
  });
});
