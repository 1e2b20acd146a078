import { describe, expect, it } from 'vitest';
import { encodedKeyId } from '../../../src/core/probes/encoded-key.js';
import { Secret } from '../../../src/core/secret.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('encodedKeyId', () => {
  it.each([
    ['an encoded key', b64('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw'), 'VuaCfGcBCdbkQm-e5aOx'],
    ['the raw id:secret', 'VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw', undefined],
    ['url-safe base64', b64('id:secret').replace(/=+$/, '').replace(/\+/g, '-') + '_', undefined],
    ['no colon', b64('idsecret'), undefined],
    ['a leading colon', b64(':secret'), undefined],
    ['a trailing colon (no secret)', b64('id:'), undefined],
    ['an id with a control character', b64('i\td:secret'), undefined],
    [
      'whitespace inside the base64',
      `${b64('id:secret').slice(0, 4)} ${b64('id:secret').slice(4)}`,
      undefined,
    ],
    ['surrounding whitespace (an env file line)', ` ${b64('id:secret')}\n`, 'id'],
    ['empty', '', undefined],
  ])('%s', (_n, value, id) => {
    expect(encodedKeyId(new Secret(value))).toBe(id);
  });
});
