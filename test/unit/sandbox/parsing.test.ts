import { describe, expect, it } from 'vitest';
import { EsError } from '../../../src/sandbox/errors.js';
import { parseJsonWithPositions } from '../../../src/sandbox/http/json.js';
import { checkCompatibleVersion } from '../../../src/sandbox/http/media-type.js';
import { Router } from '../../../src/sandbox/http/router.js';
import { resolvePassword } from '../../../src/sandbox/index.js';
import { parseDateValue } from '../../../src/sandbox/security/date-math.js';
import {
  isNonPositiveTimeValue,
  parseTimeValueSeconds,
  TimeValueError,
} from '../../../src/sandbox/security/time-value.js';
import { resolveVersion } from '../../../src/sandbox/version.js';

describe('TimeValue parsing (§4.1)', () => {
  it.each([
    ['1d', 86_400],
    ['1D', 86_400],
    [' 2h ', 7_200],
    ['1 d', 86_400],
    ['90m', 5_400],
    ['1500ms', 1],
    ['999ms', 0],
    ['2000000micros', 2],
    ['3000000000nanos', 3],
    ['-1', 0],
    ['0', 0],
    ['00', 0],
    ['-1d', -86_400],
  ])('%j → %d whole seconds', (raw, seconds) => {
    expect(parseTimeValueSeconds(raw, 'expiration')).toBe(seconds);
  });

  it.each([
    [
      '5x',
      'failed to parse setting [expiration] with value [5x] as a time value: unit is missing or unrecognized',
    ],
    [
      '1M',
      'failed to parse setting [expiration] with value [1M] as a time value: unit is missing or unrecognized',
    ],
    [
      '1w',
      'failed to parse setting [expiration] with value [1w] as a time value: unit is missing or unrecognized',
    ],
    [
      '10',
      'failed to parse setting [expiration] with value [10] as a time value: unit is missing or unrecognized',
    ],
    [
      '-2s',
      'failed to parse setting [expiration] with value [-2s] as a time value: negative durations are not supported',
    ],
    ['1.5h', 'failed to parse [1.5h], fractional time values are not supported'],
    ['xh', 'failed to parse [xh]'],
  ])('%j is rejected: %s', (raw, message) => {
    expect(() => parseTimeValueSeconds(raw, 'expiration')).toThrow(TimeValueError);
    expect(() => parseTimeValueSeconds(raw, 'expiration')).toThrow(message);
  });

  it('flags zero and negative durations for update', () => {
    expect(isNonPositiveTimeValue('0')).toBe(true);
    expect(isNonPositiveTimeValue('-1')).toBe(true);
    expect(isNonPositiveTimeValue('0d')).toBe(true);
    expect(isNonPositiveTimeValue('1s')).toBe(false);
  });
});

describe('router', () => {
  const r = new Router<string>()
    .add('GET', '/_security/user/{username}', 'get-user')
    .add('GET', '/_security/user/_has_privileges', 'has-privileges')
    .add(['PUT', 'POST'], '/{index}/_doc/{id}', 'index-doc')
    .add('GET', '/{index}/_doc/{id}', 'get-doc');

  it('prefers literal segments over parameters', () => {
    const hit = r.lookup('GET', '/_security/user/_has_privileges');
    expect(hit.kind === 'match' && hit.match.handler).toBe('has-privileges');
  });

  it('decodes parameters and normalises the endpoint', () => {
    const hit = r.lookup('GET', '/my%2Cidx/_doc/a%20b');
    expect(hit).toEqual({
      kind: 'match',
      match: {
        handler: 'get-doc',
        params: { index: 'my,idx', id: 'a b' },
        endpoint: 'GET /{index}/_doc/{id}',
      },
    });
  });

  it('reports allowed methods for a known path, nothing for an unknown one', () => {
    expect(r.lookup('DELETE', '/i/_doc/1')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['GET', 'POST', 'PUT'],
    });
    expect(r.lookup('GET', '/a/b/c/d/e')).toEqual({ kind: 'none' });
  });

  it('ignores empty segments and finds no route for a malformed escape', () => {
    const hit = r.lookup('GET', '//i//_doc/1/');
    expect(hit.kind === 'match' && hit.match.params).toEqual({ index: 'i', id: '1' });
    expect(r.lookup('GET', '/i%ZZ/_doc/1')).toEqual({ kind: 'none' });
    expect(r.lookup('GET', '/i/_doc/%E0%A4%A')).toEqual({ kind: 'none' });
  });
});

describe('compatible-with media types (§9)', () => {
  const v8 = 'application/vnd.elasticsearch+json; compatible-with=8';
  it('accepts current and previous majors', () => {
    expect(checkCompatibleVersion(8, v8, v8, true)).toBe(8);
    expect(checkCompatibleVersion(8, v8.replace('8', '7'), undefined, false)).toBe(7);
    expect(checkCompatibleVersion(9, v8, v8, true)).toBe(8);
    expect(checkCompatibleVersion(8, 'application/json', 'application/json', true)).toBeUndefined();
  });
  it('rejects other majors and mismatches', () => {
    expect(() => checkCompatibleVersion(9, v8.replace('8', '7'), undefined, false)).toThrow(EsError);
    expect(() => checkCompatibleVersion(8, v8, 'application/json', true)).toThrow(EsError);
    expect(() => checkCompatibleVersion(8, v8, v8.replace('8', '7'), true)).toThrow(EsError);
  });
  it('answers the same for a header value however often it comes, and under either header', () => {
    for (let i = 0; i < 3; i++) expect(checkCompatibleVersion(8, v8, v8, true)).toBe(8);
    // Seen before as both headers, the value alone on Content-Type still breaks the both-or-neither rule.
    expect(() => checkCompatibleVersion(8, undefined, v8, true)).toThrow(EsError);
    // An invalid value is refused every time, naming the header it came in (spaces before '=').
    const bad = 'application/json; compatible-with =8';
    for (let i = 0; i < 2; i++) {
      expect(() => checkCompatibleVersion(8, bad, undefined, false)).toThrow(
        'Invalid media-type value on headers [Accept]',
      );
      expect(() => checkCompatibleVersion(8, undefined, bad, true)).toThrow(
        'Invalid media-type value on headers [Content-Type]',
      );
    }
    // More distinct values than are kept parsed: each is still read on its own.
    for (let i = 0; i < 300; i++) {
      expect(checkCompatibleVersion(8, `application/json; p=${i}`, undefined, false)).toBeUndefined();
      expect(
        checkCompatibleVersion(8, `application/json; compatible-with=${7 + (i % 2)}`, undefined, false),
      ).toBe(7 + (i % 2));
    }
    expect(checkCompatibleVersion(8, v8, v8, true)).toBe(8);
  });
});

describe('JSON positions', () => {
  it('reports 1-based line and column of keys', () => {
    const doc = parseJsonWithPositions('{\n  "a": 1,\n  "bb": {"c": 2}\n}');
    const obj = doc.value as Record<string, object>;
    expect(doc.keyPosition(obj, 'bb')).toEqual({ line: 3, col: 3 });
    expect(doc.valuePosition(obj, 'bb')).toEqual({ line: 3, col: 9 });
  });
  it('turns malformed JSON into x_content_parse_exception', () => {
    try {
      parseJsonWithPositions('{"a" 1}');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(EsError);
      expect((e as EsError).type).toBe('x_content_parse_exception');
      expect((e as EsError).reason).toMatch(/^\[1:6\] Unexpected character \('1' \(code 49\)\)/);
    }
  });
});

describe('date math', () => {
  const now = Date.UTC(2026, 0, 15, 12, 30);
  it.each([
    ['now', now],
    ['now-1d', now - 86_400_000],
    ['now/d', Date.UTC(2026, 0, 15)],
    ['now+1M/M', Date.UTC(2026, 1, 1)],
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['2026-01-01||+1d', Date.UTC(2026, 0, 2)],
    [1700000000000, 1700000000000],
    ['1700000000000', 1700000000000],
  ])('%j', (value, expected) => {
    expect(parseDateValue(value, now)).toBe(expected);
  });
});

describe('versions and passwords', () => {
  it('resolves profiles', () => {
    expect(resolveVersion(undefined).number).toMatch(/^8\.19\./);
    expect(resolveVersion('9').major).toBe(9);
    expect(resolveVersion('8.14.3')).toMatchObject({ major: 8, minor: 14 });
    expect(() => resolveVersion('eight')).toThrow(/unsupported version/);
  });
  it('password: option, then ESKEYS_SANDBOX_PASSWORD, then random', () => {
    expect(resolvePassword('opt', { ESKEYS_SANDBOX_PASSWORD: 'env' })).toBe('opt');
    expect(resolvePassword(undefined, { ESKEYS_SANDBOX_PASSWORD: 'env' })).toBe('env');
    const a = resolvePassword(undefined, {});
    expect(a).toMatch(/^[\w-]{16}$/);
    expect(resolvePassword(undefined, {})).not.toBe(a);
  });
});
