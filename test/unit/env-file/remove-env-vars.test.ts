import { describe, expect, it } from 'vitest';
import { parseEnv, removeEnvVars } from '../../../src/core/env-file/edit-env.js';

describe('removeEnvVars', () => {
  it.each([
    {
      name: 'removes the whole line, keeps every other byte',
      text: '# app\nexport PORT=8080\nKEY=abc # managed\nOTHER="x y"\n',
      names: ['KEY'],
      out: '# app\nexport PORT=8080\nOTHER="x y"\n',
    },
    {
      name: 'every occurrence, CRLF kept',
      text: 'KEY=1\r\nA=2\r\nKEY=3\r\n',
      names: ['KEY'],
      out: 'A=2\r\n',
    },
    { name: 'last line without newline', text: 'A=1\nKEY=2', names: ['KEY'], out: 'A=1\n' },
    { name: 'nothing to remove: unchanged', text: 'A=1\n', names: ['KEY'], out: 'A=1\n' },
    {
      name: 'a quoted value spanning lines goes with its name',
      text: 'A=1\nKEY="line1\nline2"\nB=2\n',
      names: ['KEY'],
      out: 'A=1\nB=2\n',
    },
    { name: 'several names', text: 'K1=a\nA=1\nK2=b\n', names: ['K1', 'K2'], out: 'A=1\n' },
  ])('$name', ({ text, names, out }) => {
    const result = removeEnvVars(text, names);
    expect(result).toBe(out);
    for (const n of names) expect(parseEnv(result).has(n)).toBe(false);
  });
});
