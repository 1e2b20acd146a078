import { describe, expect, it } from 'vitest';
import { type ManagedKey, parseManagedKey } from '../../../src/core/rotation/key-metadata.js';
import { planRevoke, type RevokeSelector } from '../../../src/core/rotation/plan-revoke.js';
import { FakeClock } from '../../support/fake-clock.js';

const clock = new FakeClock('2026-06-01T12:00:00Z');
const now = clock.now();

function key(
  id: string,
  env: string,
  state: string,
  extra: Record<string, unknown> = {},
  invalidated = false,
): ManagedKey {
  return parseManagedKey({
    id,
    name: `${id}@${env}`,
    // A pending key is 1 minute old (a rotation in progress); every other key a day old.
    creation: new Date(now.getTime() - (state === 'pending' ? 60_000 : 86_400_000)),
    invalidated,
    username: 'admin',
    realm: 'native1',
    metadata: {
      managed_by: 'eskeys',
      template: 'email-search',
      environment: env,
      generation: 1,
      state,
      ...extra,
    },
  })!;
}

const keys = [
  key('active-prod', 'prod', 'active'),
  key('old-due', 'prod', 'superseded', { revoke_after: '2026-06-01T11:00:00.000Z' }),
  key('old-in-grace', 'prod', 'superseded', { revoke_after: '2026-06-01T13:00:00.000Z' }),
  key('old-dead', 'prod', 'superseded', { revoke_after: '2026-05-01T00:00:00.000Z' }, true),
  key('active-a', 'staging', 'active'),
  key('active-b', 'staging', 'active'),
  key('pending-dev', 'dev', 'pending'),
  key('active-dev', 'dev', 'active'),
];

describe('planRevoke', () => {
  it.each<{ name: string; selector: RevokeSelector; force?: boolean; revoke: string[]; refused: string[] }>([
    {
      name: '--due: superseded keys past revoke_after only',
      selector: { kind: 'due' },
      revoke: ['old-due'],
      refused: [],
    },
    {
      name: '--id of a superseded key',
      selector: { kind: 'id', id: 'old-in-grace' },
      revoke: ['old-in-grace'],
      refused: [],
    },
    {
      name: '--id of the only active key is refused',
      selector: { kind: 'id', id: 'active-prod' },
      revoke: [],
      refused: ['active-prod'],
    },
    {
      name: '--id of the only active key with --force',
      selector: { kind: 'id', id: 'active-prod' },
      force: true,
      revoke: ['active-prod'],
      refused: [],
    },
    {
      name: '--id of one of two active keys',
      selector: { kind: 'id', id: 'active-a' },
      revoke: ['active-a'],
      refused: [],
    },
    {
      name: '--template --env: all valid keys but the last active one',
      selector: { kind: 'template', template: 'email-search', environment: 'prod' },
      revoke: ['old-due', 'old-in-grace'],
      refused: ['active-prod'],
    },
    {
      name: '--template for both active keys of an environment refuses both (none would remain)',
      selector: { kind: 'template', template: 'email-search', environment: 'staging' },
      revoke: [],
      refused: ['active-a', 'active-b'],
    },
    {
      name: '--template skips the pending key of a rotation in progress',
      selector: { kind: 'template', template: 'email-search', environment: 'dev' },
      force: true,
      revoke: ['active-dev'],
      refused: ['pending-dev'],
    },
    {
      name: '--id may name a pending key on purpose',
      selector: { kind: 'id', id: 'pending-dev' },
      revoke: ['pending-dev'],
      refused: [],
    },
    {
      name: 'an invalidated key is never selected',
      selector: { kind: 'id', id: 'old-dead' },
      revoke: [],
      refused: [],
    },
  ])('$name', ({ selector, force, revoke, refused }) => {
    const p = planRevoke(keys, selector, now, force);
    expect(p.revoke.map((k) => k.info.id)).toEqual(revoke);
    expect(p.refused.map((r) => r.key.info.id)).toEqual(refused);
  });
});
