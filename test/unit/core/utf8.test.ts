import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8Offset } from '../../../src/core/templates/utf8.js';

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)));

describe('strict UTF-8', () => {
  it.each([
    ['ASCII', bytes('{"a": 1}')],
    ['2-, 3- and 4-byte characters (é, €, 😀)', bytes('é € 😀')],
    ['U+FFFD written on purpose', bytes('\uFFFD')],
    ['the largest code point, U+10FFFF', bytes([0xf4, 0x8f, 0xbf, 0xbf])],
    ['nothing', bytes()],
  ])('valid: %s', (_name, input) => {
    expect(firstInvalidUtf8Offset(input)).toBeUndefined();
    expect(decodeUtf8(input)).toEqual({ text: Buffer.from(input).toString('utf8') });
  });

  // Ill-formed sequences per RFC 3629 §3-4; the offset is that of the sequence's first byte.
  it.each([
    ['a Latin-1 é (lone 0xE9)', bytes('caf', [0xe9]), 3],
    ['a stray continuation byte', bytes('ab', [0x80]), 2],
    ['an overlong "/" (C0 AF)', bytes('x', [0xc0, 0xaf]), 1],
    ['an overlong 3-byte form (E0 80 80)', bytes([0xe0, 0x80, 0x80]), 0],
    ['a UTF-16 surrogate (ED A0 80 = U+D800)', bytes('ok', [0xed, 0xa0, 0x80]), 2],
    ['above U+10FFFF (F4 90 80 80)', bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ['a 3-byte sequence cut short by another character', bytes('€', [0xe2, 0x82], '"'), 3],
    ['a 4-byte sequence cut short by the end', bytes('a', [0xf0, 0x9f, 0x98]), 1],
    ['0xFF, never valid', bytes('é', [0xff]), 2],
  ])('invalid: %s at offset %i', (_name, input, offset) => {
    expect(firstInvalidUtf8Offset(input)).toBe(offset);
    expect(decodeUtf8(input)).toEqual({ invalidAt: offset });
  });
});
