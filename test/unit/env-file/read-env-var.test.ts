import { parse as dotenvParse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { parseEnv, readEnvVar } from '../../../src/core/env-file/edit-env.js';

// Every case is checked against dotenv itself: consumers read these files with dotenv.
const cases: [string, string][] = [
  ['unquoted', 'A=hello\n'],
  ['unquoted with spaces around', 'A =  hello world  \n'],
  ['single quoted', "A='hello # not a comment'\n"],
  ['double quoted with escapes', 'A="line1\\nline2\\rx \\t y"\n'],
  ['backtick quoted', 'A=`it\'s "quoted"`\n'],
  ['inline comment after unquoted', 'A=value # comment\n'],
  ['hash without space ends an unquoted value', 'A=abc#def\n'],
  ['inline comment after quoted', 'A="value" # comment\n'],
  ['export prefix', 'export A=exported\n'],
  ['export prefix with quotes', 'export A="x y"\n'],
  ['base64 with padding', 'A=dGVzdDp0ZXN0LWtleS12YWx1ZQ==\n'],
  ['equals inside value', 'A=a=b=c\n'],
  ['colon separator', 'A: yaml style\n'],
  ['empty value', 'A=\nB=2\n'],
  ['empty value with comment', 'A= # nothing\nB=2\n'],
  ['empty quotes', 'A=""\n'],
  ['duplicates: last wins', 'A=first\nA=second\n'],
  ['CRLF', 'A=one\r\nB=two\r\n'],
  ['CRLF multi-line double quoted', 'A="l1\r\nl2"\r\nB=two\r\n'],
  ['multi-line single quoted', "A='l1\nl2'\nB=two\n"],
  ['BOM', '\uFEFFA=bom\nB=2\n'],
  ['comments and blank lines', '# A=commented\n\n  # c\nA=real\n\n'],
  ['no trailing newline', 'A=1\nB=last'],
  ['unterminated quote falls back to raw text', 'A="open\nB=two\n'],
  ['text after closing quote', 'A="x" junk\n'],
  ['escaped double quote is kept as is', 'A="a\\"b"\n'],
  ['indented', '   A=indented\n'],
  ['dotted and dashed names', 'a.b-c=1\n'],
  ['empty file', ''],
  ['only comments', '# nothing here\n'],
];

describe('readEnvVar matches dotenv.parse', () => {
  it.each(cases)('%s', (_name, text) => {
    const expected = dotenvParse(text);
    expect(Object.fromEntries(parseEnv(text))).toEqual(expected);
    for (const key of ['A', 'B', 'a.b-c']) expect(readEnvVar(text, key)).toBe(expected[key]);
  });

  it('returns undefined for a variable that is only in a comment', () => {
    expect(readEnvVar('# A=1\n', 'A')).toBeUndefined();
  });
});
