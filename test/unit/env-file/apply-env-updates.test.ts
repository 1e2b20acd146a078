import { parse as dotenvParse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { applyEnvUpdates, EnvFileSyntaxError, readEnvVar } from '../../../src/core/env-file/edit-env.js';
import { ConfigError } from '../../../src/core/errors.js';

const KEY = 'VnVhQ0NJc0JaRmRxLWdmRzlkS0c6dWlfX0tYUk5ScEdFbkVUUFdLdm1xZw=='; // base64 id:key, `=` padded
const ID = 'VuaCCIsBZFdq-gfG9dKG';

describe('applyEnvUpdates rewrites an existing assignment in place', () => {
  it.each([
    ['unquoted', 'K=old\n', 'K=new\n'],
    ['single quoted stays single', "K='old'\n", "K='new'\n"],
    ['double quoted stays double', 'K="old"\n', 'K="new"\n'],
    ['backtick stays backtick', 'K=`old`\n', 'K=`new`\n'],
    ['export prefix kept', 'export K=old\n', 'export K=new\n'],
    ['export with double quotes', 'export  K="old"\n', 'export  K="new"\n'],
    ['spaces around = kept', 'K =  old\n', 'K =  new\n'],
    ['indentation kept', '   K=old\n', '   K=new\n'],
    ['inline comment kept', 'K=old   # the key\n', 'K=new   # the key\n'],
    ['inline comment after quotes kept', 'K="old" # the key\n', 'K="new" # the key\n'],
    ['empty value', 'K=\nX=1\n', 'K=new\nX=1\n'],
    ['empty value then comment', 'K= # fill me\n', 'K=new # fill me\n'],
    ['comment right after =', 'K=# fill me\n', 'K=new# fill me\n'],
    ['empty double quotes', 'K=""\n', 'K="new"\n'],
    ['colon separator', 'K: old\n', 'K: new\n'],
    ['no trailing newline', 'A=1\nK=old', 'A=1\nK=new'],
    ['CRLF kept', 'A=1\r\nK=old\r\nB=2\r\n', 'A=1\r\nK=new\r\nB=2\r\n'],
    ['BOM kept', '\uFEFFK=old\n', '\uFEFFK=new\n'],
    ['old value with = and #-free text', 'K=a=b==\n', 'K=new\n'],
  ])('%s', (_name, before, after) => {
    const r = applyEnvUpdates(before, { K: 'new' });
    expect(r.text).toBe(after);
    expect(r).toMatchObject({ updated: ['K'], appended: [], unchanged: [] });
  });
});

describe('applyEnvUpdates quotes only when the value needs it', () => {
  it.each([
    ['base64 with padding stays unquoted', 'K=old\n', KEY, `K=${KEY}\n`],
    ['space switches unquoted to double quotes', 'K=old\n', 'a b', 'K="a b"\n'],
    ['# switches unquoted to double quotes', 'K=old\n', 'a#b', 'K="a#b"\n'],
    ['$ switches unquoted to double quotes', 'K=old\n', 'a$b', 'K="a$b"\n'],
    ['newline is written as \\n in double quotes', 'K=old\n', 'l1\nl2', 'K="l1\\nl2"\n'],
    ['double quote inside uses single quotes', 'K=old\n', 'say "hi"', `K='say "hi"'\n`],
    ['single quote inside keeps double', "K='old'\n", "it's", `K="it's"\n`],
    ['backslash inside uses single quotes', 'K="old"\n', 'a\\nb', "K='a\\nb'\n"],
    ['double quotes kept even when not needed', 'K="old"\n', KEY, `K="${KEY}"\n`],
    ['appended value needing quotes', '', 'x y', 'K="x y"\n'],
  ])('%s', (_name, before, value, after) => {
    const r = applyEnvUpdates(before, { K: value });
    expect(r.text).toBe(after);
    expect(readEnvVar(r.text, 'K')).toBe(value);
    expect(dotenvParse(r.text).K).toBe(value);
  });

  it('refuses a value no dotenv quoting can hold, without echoing it', () => {
    const value = `it's "s3cr3t-value"\\\n`;
    const err = (() => {
      try {
        applyEnvUpdates('K=old\n', { K: value });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^the new value of K \(\d+ chars\) cannot be written/);
    expect((err as Error).message).not.toContain('s3cr3t');
  });

  it('refuses an invalid variable name', () => {
    expect(() => applyEnvUpdates('', { 'BAD NAME': 'x' })).toThrow(ConfigError);
  });
});

describe('applyEnvUpdates appends missing variables', () => {
  it.each([
    ['empty file', '', 'ELASTICSEARCH_API_KEY=k\nELASTICSEARCH_API_KEY_ID=i\n'],
    ['BOM only', '\uFEFF', '\uFEFFELASTICSEARCH_API_KEY=k\nELASTICSEARCH_API_KEY_ID=i\n'],
    ['trailing newline', 'A=1\n', 'A=1\nELASTICSEARCH_API_KEY=k\nELASTICSEARCH_API_KEY_ID=i\n'],
    ['no trailing newline', 'A=1', 'A=1\nELASTICSEARCH_API_KEY=k\nELASTICSEARCH_API_KEY_ID=i\n'],
    ['CRLF file', 'A=1\r\n', 'A=1\r\nELASTICSEARCH_API_KEY=k\r\nELASTICSEARCH_API_KEY_ID=i\r\n'],
    [
      'CRLF file without final newline',
      'A=1\r\nB=2',
      'A=1\r\nB=2\r\nELASTICSEARCH_API_KEY=k\r\nELASTICSEARCH_API_KEY_ID=i\r\n',
    ],
    ['comment at the end', 'A=1\n# end', 'A=1\n# end\nELASTICSEARCH_API_KEY=k\nELASTICSEARCH_API_KEY_ID=i\n'],
    [
      'only commented-out assignment',
      '# ELASTICSEARCH_API_KEY=old\n',
      '# ELASTICSEARCH_API_KEY=old\nELASTICSEARCH_API_KEY=k\nELASTICSEARCH_API_KEY_ID=i\n',
    ],
  ])('%s', (_name, before, after) => {
    const r = applyEnvUpdates(before, { ELASTICSEARCH_API_KEY: 'k', ELASTICSEARCH_API_KEY_ID: 'i' });
    expect(r.text).toBe(after);
    expect(r).toMatchObject({ updated: [], appended: ['ELASTICSEARCH_API_KEY', 'ELASTICSEARCH_API_KEY_ID'] });
  });

  it('mixes update, append and unchanged, in the order given', () => {
    const r = applyEnvUpdates('B=same\nA=old\n', { A: 'new', B: 'same', C: 'added' });
    expect(r).toEqual({
      text: 'B=same\nA=new\nC=added\n',
      updated: ['A'],
      appended: ['C'],
      unchanged: ['B'],
    });
  });

  it('leaves the text identical when every value is current', () => {
    const text = "export K='v' # c\n";
    expect(applyEnvUpdates(text, { K: 'v' })).toEqual({ text, updated: [], appended: [], unchanged: ['K'] });
  });
});

describe('applyEnvUpdates with duplicates rewrites every occurrence', () => {
  it.each([
    ['two unquoted', 'K=a\nX=1\nK=b\n', 'K=new\nX=1\nK=new\n'],
    ['mixed styles', 'export K="a"\nK=b # c\n', 'export K="new"\nK=new # c\n'],
    ['one already current', 'K=new\nK=old\n', 'K=new\nK=new\n'],
  ])('%s', (_name, before, after) => {
    const r = applyEnvUpdates(before, { K: 'new' });
    expect(r.text).toBe(after);
    expect(r.updated).toEqual(['K']);
  });
});

describe('applyEnvUpdates keeps every other byte', () => {
  const other = [
    '\uFEFF# Application settings\r\n',
    '\r\n',
    'export NODE_ENV=production   # keep me\r\n',
    "SINGLE='it has # and = in it'\r\n",
    'DOUBLE="escapes \\n stay \\" as written"\r\n',
    'MULTI="first line\r\nsecond = line\r\n# not a comment"\r\n',
    '   INDENTED  =  spaced   \r\n',
    'EMPTY=\r\n',
    'PADDED=YWJjZA==\r\n',
    '# ELASTICSEARCH_API_KEY=commented-out-old\r\n',
  ];
  const before = [
    ...other.slice(0, 4),
    'ELASTICSEARCH_API_KEY="old-key==" # managed by eskeys\r\n',
    ...other.slice(4, 8),
    'export ELASTICSEARCH_API_KEY_ID=oldid\r\n',
    ...other.slice(8),
    'TRAILING=no-newline',
  ].join('');

  it('changes only the two value tokens and appends in CRLF', () => {
    const r = applyEnvUpdates(before, {
      ELASTICSEARCH_API_KEY: KEY,
      ELASTICSEARCH_API_KEY_ID: ID,
      NEW_VAR: 'x',
    });
    const expected = before
      .replace('"old-key=="', `"${KEY}"`)
      .replace('ELASTICSEARCH_API_KEY_ID=oldid', `ELASTICSEARCH_API_KEY_ID=${ID}`)
      .concat('\r\nNEW_VAR=x\r\n');
    expect(r.text).toBe(expected);
    const was = dotenvParse(before);
    const now = dotenvParse(r.text);
    expect(now).toEqual({ ...was, ELASTICSEARCH_API_KEY: KEY, ELASTICSEARCH_API_KEY_ID: ID, NEW_VAR: 'x' });
  });

  it('round-trips a second rotation to the same bytes as the first layout', () => {
    const once = applyEnvUpdates(before, { ELASTICSEARCH_API_KEY: KEY }).text;
    const twice = applyEnvUpdates(once, { ELASTICSEARCH_API_KEY: 'old-key==' }).text;
    expect(twice).toBe(before);
  });
});

describe('applyEnvUpdates refuses lines it cannot change safely', () => {
  it.each([
    ['unterminated double quote', 'A=1\nK="abc\nB=2\n', 2],
    ['unterminated single quote', "A=1\n\nK='abc\n", 3],
    ['text after the closing quote', 'K="abc" junk\n', 1],
    ['quote closed on a later line (swallows B)', 'A=1\nK="abc\nB=2"\n', 2],
  ])('%s', (_name, before, line) => {
    let err: unknown;
    try {
      applyEnvUpdates(before, { K: KEY });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvFileSyntaxError);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as EnvFileSyntaxError).line).toBe(line);
    expect((err as Error).message).toMatch(new RegExp(`^line ${line}: .*\\bK\\b`));
    expect((err as Error).message).not.toContain(KEY);
  });

  it('leaves other variables with multi-line values alone', () => {
    const before = 'CERT="-----BEGIN-----\nMIIB==\n-----END-----"\nK=old\n';
    expect(applyEnvUpdates(before, { K: 'new' }).text).toBe(before.replace('K=old', 'K=new'));
  });

  it('refuses a new value that would close an earlier unterminated quote', () => {
    // K="a' #b" would give A's lone single quote a partner (followed by a comment, as dotenv needs)
    // and swallow K into A; the read-back check catches what per-line checks cannot.
    expect(() => applyEnvUpdates("A='x\nK=old\n", { K: "a' #b" })).toThrow(EnvFileSyntaxError);
    expect(() => applyEnvUpdates("A='x\n", { K: "a' #b" })).toThrow(/^line 1: .*\bA\b/);
  });

  it('refuses nothing when dotenv still reads an unterminated quote as plain text', () => {
    // dotenv falls back to the raw text when no closing quote ends a line, so appending is safe.
    expect(applyEnvUpdates('A="open', { K: 'x y' }).text).toBe('A="open\nK="x y"\n');
  });
});
