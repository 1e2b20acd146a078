import { describe, expect, it } from 'vitest';
import { Secret } from '../../../src/core/secret.js';
import {
  containsSecretLike,
  findSecret,
  isSecretFieldName,
  looksLikeSecretToken,
  redactSecrets,
} from '../../../src/core/secrets/detect.js';

// An Elasticsearch API key as the create API key response returns it: `id` is 20 characters,
// `api_key` 22, and `encoded` is standard base64 of `id:api_key` (the values of the create API
// key example in the Elasticsearch reference).
const ID = 'VuaCfGcBCdbkQm-e5aOx';
const API_KEY = 'ui2lp2axTNmsyakw9tvNnw';
const ENCODED = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';
const ENCODED_URL_SAFE = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw';

describe('looksLikeSecretToken', () => {
  it.each([
    ['an encoded API key', ENCODED, true],
    ['an encoded API key without padding (base64url)', ENCODED_URL_SAFE, true],
    ['a short encoded id:key pair (24 characters)', 'YWJjZGVmZ2g6aWprbG1ub3A=', true], // base64('abcdefgh:ijklmnop')
    ['a 40-character base64 run', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+_-A', true],
    ['a 20-character key id', ID, false],
    ['a 22-character key secret alone', API_KEY, false],
    ['a 39-character base64 run', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+_-', false],
    ['a path', '/tmp/eskeys-rotate-aBcDeF/very/long/path/to/project/worker/.env', false],
    ['a word', 'restarting', false],
  ])('%s', (_name, token, secret) => {
    expect(looksLikeSecretToken(token)).toBe(secret);
  });
});

describe('containsSecretLike (free text: journal reasons)', () => {
  it.each([
    ['an encoded key inside a sentence', `create failed: got ${ENCODED} back`, true],
    ['an encoded key in quotes', `{"x":"${ENCODED}"}`, true],
    ['an encoded key after a colon', `key:${ENCODED}`, true],
    ['an id, a name and a path', `key ${ID} (api@prod#7) in ./worker/.env`, false],
    [
      'an HTTP error',
      'security_exception: action [cluster:admin/xpack/security/api_key/create] is unauthorized',
      false,
    ],
  ])('%s', (_name, text, secret) => {
    expect(containsSecretLike(text)).toBe(secret);
  });
});

describe('redactSecrets (hook output)', () => {
  it('replaces known values of 8 characters or more, wherever they appear', () => {
    expect(redactSecrets('pw=hunter2-admin; again hunter2-admin', ['hunter2-admin'])).toBe(
      'pw=[redacted]; again [redacted]',
    );
  });

  it('leaves known values shorter than 8 characters (they would blank ordinary words)', () => {
    expect(redactSecrets('the prod api', ['prod'])).toBe('the prod api');
  });

  it('replaces a key it was not told about (an old key a hook prints from a file)', () => {
    expect(redactSecrets(`ELASTICSEARCH_API_KEY=${ENCODED}`)).toBe('ELASTICSEARCH_API_KEY=[redacted]');
    expect(redactSecrets(`old "${ENCODED_URL_SAFE}" gone`)).toBe('old "[redacted]" gone');
  });

  it('keeps ordinary output as it is', () => {
    const text = `container api restarted (key id ${ID})\n  done: 0 errors`;
    expect(redactSecrets(text, ['not-in-text'])).toBe(text);
  });
});

describe('findSecret (structured values: audit events, journal entries)', () => {
  it.each([
    ['a Secret', { a: [{ b: new Secret('x') }] }, '$.a[0].b', 'a Secret'],
    [
      'an encoded key under any name',
      { details: { note: ENCODED } },
      '$.details.note',
      'a string shaped like an encoded API key',
    ],
    ['an api_key value', { api_key: API_KEY }, '$.api_key', 'a value under a secret field name'],
    ['an apiKey value', { apiKey: API_KEY }, '$.apiKey', 'a value under a secret field name'],
    ['a password', { password: 'hunter2' }, '$.password', 'a value under a secret field name'],
    ['a token', { access_token: 'abc' }, '$.access_token', 'a value under a secret field name'],
  ])('finds %s', (_name, value, path, what) => {
    expect(findSecret(value)).toEqual({ path, what });
  });

  it.each([
    [
      'masked and empty values under secret names',
      { api_key: '[redacted]', token: '****abcd', secret: '…abcd', password: '' },
    ],
    [
      'a template hash (64 hex characters after `sha256:`)',
      { templateHash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
    ],
    ['secret-ish words inside longer names', { apiKeyName: 'api@prod#7', tokenCount: 3 }],
    ['a key id', { keyId: ID }],
  ])('accepts %s', (_name, value) => {
    expect(findSecret(value)).toBeUndefined();
  });
});

describe('isSecretFieldName', () => {
  it.each([
    ['api_key', true],
    ['ApiKey', true],
    ['encoded', true],
    ['encoded_key', true],
    ['private_key', true],
    ['credentials', true],
    ['api_key_id', false],
    ['keyName', false],
  ])('%s', (name, secret) => {
    expect(isSecretFieldName(name)).toBe(secret);
  });
});
