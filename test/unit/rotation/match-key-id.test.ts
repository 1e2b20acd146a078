import { describe, expect, it } from 'vitest';
import { type ManagedKey, parseManagedKey } from '../../../src/core/rotation/key-metadata.js';
import { type KeyIdMatch, matchKeyId } from '../../../src/core/rotation/match-key-id.js';

/** A managed key `id`, created `daysAgo` days before 2026-06-01. */
function key(id: string, daysAgo: number): ManagedKey {
  return parseManagedKey({
    id,
    name: `email-search@prod#${id.slice(0, 3)}`,
    creation: new Date(Date.parse('2026-06-01T00:00:00Z') - daysAgo * 86_400_000),
    invalidated: false,
    username: 'admin',
    realm: 'native1',
    metadata: { managed_by: 'eskeys', template: 'email-search', environment: 'prod', state: 'active' },
  })!;
}

// Ids shaped like Elasticsearch's (20 URL-safe base64 characters).
const KEYS = [
  key('AAAAbbbbccccddddXWxG', 1),
  key('AAAAzzzzyyyyxxxxQQQQ', 3),
  key('QQQQmmmmnnnnoooopppp', 2),
  key('XWxG', 5), // an id that is also the suffix of the first key's id
];

const ids = (m: KeyIdMatch) =>
  m.kind === 'ambiguous' ? m.candidates.map((k) => k.info.id) : 'key' in m ? m.key.info.id : m.kind;

describe('matchKeyId', () => {
  it.each<{ name: string; typed: string; kind: KeyIdMatch['kind']; ids: string | string[] }>([
    { name: 'the whole id', typed: 'AAAAbbbbccccddddXWxG', kind: 'exact', ids: 'AAAAbbbbccccddddXWxG' },
    { name: 'the exact id wins over a key whose id ends with it', typed: 'XWxG', kind: 'exact', ids: 'XWxG' },
    { name: 'a unique prefix', typed: 'AAAAbb', kind: 'partial', ids: 'AAAAbbbbccccddddXWxG' },
    {
      name: 'a unique suffix (as tables show it)',
      typed: 'pppp',
      kind: 'partial',
      ids: 'QQQQmmmmnnnnoooopppp',
    },
    {
      name: 'a prefix of two keys: both, oldest first',
      typed: 'AAAA',
      kind: 'ambiguous',
      ids: ['AAAAzzzzyyyyxxxxQQQQ', 'AAAAbbbbccccddddXWxG'],
    },
    {
      name: "one key's suffix and another's prefix: both",
      typed: 'QQQQ',
      kind: 'ambiguous',
      ids: ['AAAAzzzzyyyyxxxxQQQQ', 'QQQQmmmmnnnnoooopppp'],
    },
    { name: 'the middle of an id is not a match', typed: 'cccc', kind: 'none', ids: 'none' },
    { name: 'ids are case-sensitive', typed: 'aaaabb', kind: 'none', ids: 'none' },
    {
      name: 'three characters are too few for part of an id',
      typed: 'AAA',
      kind: 'too_short',
      ids: 'too_short',
    },
  ])('$name', ({ typed, kind, ids: expected }) => {
    const m = matchKeyId(typed, KEYS);
    expect(m.kind).toBe(kind);
    expect(ids(m)).toEqual(expected);
  });

  it('no keys: nothing matches', () => {
    expect(matchKeyId('AAAAbbbb', []).kind).toBe('none');
  });
});
