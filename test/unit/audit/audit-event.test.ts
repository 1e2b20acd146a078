import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  assertNoSecrets,
  auditEntryHash,
  canonicalJson,
  GENESIS_HASH,
  nextAuditEntry,
  verifyAuditChain,
} from '../../../src/core/audit/audit-event.js';
import { InternalError } from '../../../src/core/errors.js';
import { Secret } from '../../../src/core/secret.js';

const ENCODED = Buffer.from('VuaCCIsBZFdq-gfG9dKG:ui2lp2axTNmsyakw9tvNnw').toString('base64');
const t0 = Date.parse('2026-11-22T10:00:00.000Z');

function event(i: number): AuditEvent {
  return {
    type: 'key.created',
    template: 'api',
    environment: 'prod',
    keyId: `id-${i}`,
    actor: 'admin@host',
    details: { generation: i },
  };
}

/** A log of `n` entries built with the real append logic. */
function buildLog(n: number): string[] {
  const lines: string[] = [];
  let tip: ReturnType<typeof nextAuditEntry>['tip'] | undefined;
  for (let i = 1; i <= n; i++) {
    const next = nextAuditEntry(tip, new Date(t0 + i * 1000), event(i));
    lines.push(next.line);
    tip = next.tip;
  }
  return lines;
}

describe('canonicalJson', () => {
  it.each([
    [
      'sorts keys at every level',
      { b: 1, a: { d: [1, { z: 0, y: true }], c: null } },
      '{"a":{"c":null,"d":[1,{"y":true,"z":0}]},"b":1}',
    ],
    ['drops undefined members', { a: undefined, b: 'x' }, '{"b":"x"}'],
    ['escapes strings like JSON', { 'k"': 'line\nbreak ✓' }, '{"k\\"":"line\\nbreak ✓"}'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
    expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(expected);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a Date', new Date(0)],
    ['a function', () => 1],
    ['a bigint', 1n],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson({ v: value })).toThrow(InternalError);
  });
});

describe('assertNoSecrets', () => {
  it.each([
    ['a Secret at the top', new Secret('x'), '$'],
    ['a Secret deep inside', { details: { list: [1, { k: new Secret('x') }] } }, '$.details.list[1].k'],
    ['an encoded API key under any name', { details: { note: ENCODED } }, '$.details.note'],
    [
      'a base64url encoded API key',
      { x: ENCODED.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') },
      '$.x',
    ],
    ['an api_key value', { details: { api_key: 'ui2lp2axTNmsyakw9tvNnw' } }, '$.details.api_key'],
    ['an apiKey value', { details: { apiKey: 'ui2lp2axTNmsyakw9tvNnw' } }, '$.details.apiKey'],
    ['a password', { details: { password: 'hunter2' } }, '$.details.password'],
    ['an encoded value', { encoded: 'abc' }, '$.encoded'],
    ['a Secret in a Map', new Map([['k', new Secret('x')]]), '$.k'],
  ])('throws for %s, naming the path but not the value', (_name, value, path) => {
    let err: unknown;
    try {
      assertNoSecrets(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InternalError);
    expect((err as Error).message).toContain(` at ${path};`);
    expect((err as Error).message).not.toContain('ui2lp2');
    expect((err as Error).message).not.toContain('hunter2');
    expect((err as Error).message).not.toContain(ENCODED);
  });

  it.each([
    [
      'ids, names and masked values',
      {
        keyId: 'VuaCCIsBZFdq-gfG9dKG',
        name: 'api@prod#7',
        api_key: '[redacted]',
        token: '****…(48 chars)',
        password: '',
      },
    ],
    [
      'secret-ish words inside longer names',
      { apiKeyName: 'api@prod#7', tokenCount: 3, passwordChangedAt: '2026-01-01' },
    ],
    [
      'a template hash',
      { templateHash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
    ],
    [
      'a self-referencing object',
      (() => {
        const o: Record<string, unknown> = { a: 1 };
        o.self = o;
        return o;
      })(),
    ],
  ])('accepts %s', (_name, value) => {
    expect(() => assertNoSecrets(value)).not.toThrow();
  });
});

describe('nextAuditEntry', () => {
  it('chains seq, prev and hash from the genesis hash', () => {
    const [l1, l2] = buildLog(2).map((l) => JSON.parse(l));
    expect(l1).toMatchObject({ seq: 1, time: '2026-11-22T10:00:01.000Z', prev: GENESIS_HASH });
    expect(l1.hash).toBe(auditEntryHash(GENESIS_HASH, 1, l1.time, l1.event));
    expect(l2).toMatchObject({ seq: 2, prev: l1.hash });
    expect(l2.hash).toBe(auditEntryHash(l1.hash, 2, l2.time, l2.event));
  });

  it('writes one canonical line with the fields in the documented order', () => {
    const [line] = buildLog(1);
    expect(line).toMatch(
      /^\{"seq":1,"time":"[^"]+","prev":"0{64}","event":\{"actor":.*\},"hash":"[0-9a-f]{64}"\}\n$/,
    );
  });

  it('refuses an event holding a secret', () => {
    expect(() =>
      nextAuditEntry(undefined, new Date(t0), { ...event(1), details: { k: new Secret('x') as never } }),
    ).toThrow(InternalError);
  });

  it('refuses an event without type or actor', () => {
    expect(() => nextAuditEntry(undefined, new Date(t0), { type: '', actor: 'a' })).toThrow(/no type/);
    expect(() => nextAuditEntry(undefined, new Date(t0), { type: 'x', actor: '' })).toThrow(/no actor/);
  });
});

describe('verifyAuditChain', () => {
  const log = buildLog(5);
  const tamper = (l: string, f: (e: Record<string, unknown>) => void) => {
    const e = JSON.parse(l);
    f(e);
    return JSON.stringify(e) + '\n';
  };

  it('accepts an intact log and an empty one', () => {
    expect(verifyAuditChain(log.join(''))).toEqual({
      ok: true,
      entries: 5,
      lastHash: JSON.parse(log[4]!).hash,
    });
    expect(verifyAuditChain('')).toEqual({ ok: true, entries: 0 });
  });

  it.each<[string, (l: string[]) => string[], number, RegExp]>([
    ['an edited event', (l) => l.map((x, i) => (i === 2 ? x.replace('"id-3"', '"id-X"') : x)), 3, /edited/],
    [
      'an edited time',
      (l) => l.map((x, i) => (i === 1 ? x.replace('10:00:02', '09:00:02') : x)),
      2,
      /edited/,
    ],
    [
      'an edited line with a recomputed own hash',
      (l) =>
        l.map((x, i) =>
          i === 2
            ? tamper(x, (e) => {
                (e.event as Record<string, unknown>).keyId = 'id-X';
                e.hash = auditEntryHash(e.prev as string, 3, e.time as string, e.event);
              })
            : x,
        ),
      4,
      /prev/,
    ],
    [
      'whitespace added to a line',
      (l) => l.map((x, i) => (i === 0 ? x.replace('{"seq":1', '{ "seq":1') : x)),
      1,
      /canonical form/,
    ],
    ['a deleted line', (l) => l.filter((_, i) => i !== 1), 2, /seq 3 where 2/],
    ['a deleted first line', (l) => l.slice(1), 1, /seq 2 where 1/],
    ['two lines swapped', (l) => [l[0]!, l[2]!, l[1]!, l[3]!, l[4]!], 2, /seq 3 where 2/],
    ['an inserted copy of a line', (l) => [l[0]!, l[1]!, l[1]!, ...l.slice(2)], 3, /seq 2 where 3/],
    [
      'an inserted forged line renumbering the rest',
      (l) => {
        const forged = nextAuditEntry({ seq: 2, hash: JSON.parse(l[1]!).hash }, new Date(t0), event(99)).line;
        const renumbered = l.slice(2).map((x) =>
          tamper(x, (e) => {
            e.seq = (e.seq as number) + 1;
          }),
        );
        return [l[0]!, l[1]!, forged, ...renumbered];
      },
      4,
      /prev/,
    ],
    ['a blank line', (l) => [l[0]!, '\n', ...l.slice(1)], 2, /well-formed/],
    ['garbage', (l) => [...l, 'not json\n'], 6, /well-formed/],
    ['an incomplete last line', (l) => [...l, l[0]!.slice(0, 30)], 6, /incomplete/],
  ])('detects %s', (_name, change, brokenAt, reason) => {
    const result = verifyAuditChain(change(log).join(''));
    expect(result).toMatchObject({ ok: false, brokenAt, entries: brokenAt - 1 });
    expect(result.reason).toMatch(reason);
  });
});
