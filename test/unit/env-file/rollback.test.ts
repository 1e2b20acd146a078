import { describe, expect, it } from 'vitest';
import { rollbackEnvFile } from '../../../src/core/env-file/rollback.js';

// What undoing one rotation's write of an env file does, when the file is as it left it and when
// another rotation (a template sharing the file) has written it since.
describe('rollbackEnvFile', () => {
  const mine = { text: 'A=1\nKEY=new\n', names: ['KEY'] };

  it.each([
    [
      'untouched since: the previous text comes back',
      'A=1\nKEY=old\n',
      'A=1\nKEY=new\n',
      mine,
      { kind: 'write', text: 'A=1\nKEY=old\n' },
    ],
    [
      'the file did not exist before: it is removed, not left holding a dead key',
      undefined,
      'A=1\nKEY=new\n',
      mine,
      { kind: 'remove' },
    ],
    [
      'never written by this rotation: the previous text',
      'KEY=old\n',
      'KEY=other\n',
      undefined,
      { kind: 'write', text: 'KEY=old\n' },
    ],
    ['gone since: the previous text', 'KEY=old\n', undefined, mine, { kind: 'write', text: 'KEY=old\n' }],
    [
      "written since by another rotation: only this rotation's variable is put back, the other's stays",
      'A=1\nKEY=old\nOTHER=o1\n',
      'A=1\nKEY=new\nOTHER=o2\n',
      { text: 'A=1\nKEY=new\nOTHER=o1\n', names: ['KEY'] },
      { kind: 'write', text: 'A=1\nKEY=old\nOTHER=o2\n' },
    ],
    [
      'written since, and this rotation added the variable: it is removed again',
      'OTHER=o1\n',
      'OTHER=o2\nKEY=new\n',
      { text: 'OTHER=o1\nKEY=new\n', names: ['KEY'] },
      { kind: 'write', text: 'OTHER=o2\n' },
    ],
  ] as const)('%s', (_name, before, current, own, expected) => {
    expect(rollbackEnvFile({ before, current, mine: own })).toEqual(expected);
  });
});
