import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../src/core/journal/journal-entry.js';
import { type ManagedKey, parseManagedKey } from '../../../src/core/rotation/key-metadata.js';
import { abandonedCreates, findLateKeys } from '../../../src/core/rotation/late-keys.js';

const now = new Date('2026-06-01T00:00:00Z');

function entry(rotation: string, step: JournalEntry['step'], phase: JournalEntry['phase']): JournalEntry {
  return {
    v: 1,
    rotation,
    at: now.toISOString(),
    template: 'email-search',
    environment: 'prod',
    step,
    phase,
  };
}

function key(
  id: string,
  rotation: string,
  opts: { state?: string; invalidated?: boolean; environment?: string } = {},
): ManagedKey {
  return parseManagedKey({
    id,
    name: `email-search@prod#${id}`,
    creation: new Date(now.getTime() - 60_000),
    expiration: new Date(now.getTime() + 86_400_000),
    invalidated: opts.invalidated ?? false,
    username: 'admin',
    realm: 'native1',
    metadata: {
      managed_by: 'eskeys',
      template: 'email-search',
      environment: opts.environment ?? 'prod',
      generation: 2,
      state: opts.state ?? 'pending',
      created_by: 'ops@host1',
      rotation_id: rotation,
    },
  })!;
}

/** A rotation that began its create, got no answer, found no key and ended. */
const gaveUp = [
  entry('r1', 'plan', 'done'),
  entry('r1', 'create', 'begin'),
  entry('r1', 'create', 'failed'),
  entry('r1', 'finish', 'done'),
];

describe('keys the cluster created after eskeys gave up on the create', () => {
  it.each([
    ['a rotation that gave up on its create and ended', gaveUp, ['r1']],
    ['a rotation still open (recover rolls it back by rotation id)', gaveUp.slice(0, 3), []],
    [
      'a rotation whose create was answered (its key is handled by id)',
      [entry('r1', 'create', 'begin'), entry('r1', 'create', 'done'), entry('r1', 'finish', 'done')],
      [],
    ],
    [
      'a rotation that never began a create',
      [entry('r1', 'plan', 'done'), entry('r1', 'finish', 'done')],
      [],
    ],
  ] as const)('abandonedCreates: %s', (_name, entries, expected) => {
    expect([...abandonedCreates(entries).keys()]).toEqual(expected);
  });

  it.each([
    ['a valid pending key of that rotation is late', key('a', 'r1'), true],
    ['an already invalidated one is not', key('a', 'r1', { invalidated: true }), false],
    ['an active key is not (it was published by someone)', key('a', 'r1', { state: 'active' }), false],
    ['a key of another rotation (another host) is not', key('a', 'r9'), false],
    [
      'a key of another environment carrying the id is not',
      key('a', 'r1', { environment: 'staging' }),
      false,
    ],
  ] as const)('findLateKeys: %s', (_name, k, late) => {
    expect(findLateKeys(gaveUp, [k], now).map((l) => l.key.info.id)).toEqual(late ? ['a'] : []);
  });
});
