import { describe, expect, it } from 'vitest';
import { firstNonEnvLine } from '../../../src/core/env-file/env-grammar.js';
import {
  checkOutputTargets,
  type OutputTargetFacts,
  type OutputTargetState,
} from '../../../src/core/env-file/output-targets.js';
import { ConfigError } from '../../../src/core/errors.js';

describe('firstNonEnvLine', () => {
  it.each([
    ['empty', '', undefined],
    ['assignments, comments, blanks, export', 'A=1\n# c\n\n  export B="x y"\nC=\n', undefined],
    ['a BOM and CRLF', '\uFEFFA=1\r\nB=2\r\n', undefined],
    ['dotted and dashed names (dotenv reads them)', 'a.b-c=1\n', undefined],
    ['a double-quoted value over three lines', 'PEM="-----BEGIN\nMIIB\n-----END"\nB=1\n', undefined],
    ['an escaped quote does not close the value', 'A="say \\"hi\\"\nstill"\n', undefined],
    ['a passwd line', 'A=1\nroot:x:0:0:root:/root:/bin/bash\n', 2],
    ['a bare word', 'A=1\n\nFOO\n', 3],
    ['JSON', '{\n  "a": 1\n}\n', 1],
    ['a quote never closed', 'A=1\nB="open\nC=2\n', 2],
    ['a shell command', 'A=1\nrm -rf /\n', 2],
  ])('%s', (_name, text, expected) => {
    expect(firstNonEnvLine(text)?.line).toBe(expected);
  });

  it('says why, never what the line holds', () => {
    expect(firstNonEnvLine('A=1\nroot:x:0:0\n')).toEqual({
      line: 2,
      problem: 'not blank, a comment or [export] NAME=value, so this is not an env file',
    });
    expect(firstNonEnvLine('A="open\n')).toEqual({
      line: 1,
      problem: 'a " quote opens a value that is never closed; close it',
    });
  });
});

/** Facts from a table: canonical paths by path (identity when absent) and states by canonical path. */
function facts(
  canonical: Record<string, string>,
  states: Record<string, OutputTargetState>,
): OutputTargetFacts {
  return {
    canonical: async (p) => canonical[p] ?? p,
    inspect: async (p) => states[p] ?? { kind: 'missing' },
  };
}

const base = { template: 'app', roots: ['/srv/proj'], display: (p: string) => p.replace('/srv/proj/', '') };

async function problem(input: Partial<typeof base> & { envFiles: string[] }, f: OutputTargetFacts) {
  try {
    await checkOutputTargets({ ...base, ...input }, f);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
}

describe('checkOutputTargets', () => {
  it('accepts a missing or env file inside the project', async () => {
    const env: OutputTargetState = { kind: 'file', text: 'A=1\n', ownershipKeepable: true };
    expect(
      await problem(
        { envFiles: ['/srv/proj/.env', '/srv/proj/sub/new.env'] },
        facts({}, { '/srv/proj/.env': env }),
      ),
    ).toBeUndefined();
  });

  it('refuses a path outside the project, naming template and file', async () => {
    expect(await problem({ envFiles: ['/etc/passwd'] }, facts({}, {}))).toMatch(
      /^template app: outputs\.env_files: \/etc\/passwd is outside the project folder \/srv\/proj/,
    );
  });

  it('a folder whose name merely starts like the project is outside it', async () => {
    expect(await problem({ envFiles: ['/srv/project2/.env'] }, facts({}, {}))).toMatch(/outside/);
  });

  it('judges a symlink by its target', async () => {
    const msg = await problem(
      { envFiles: ['/srv/proj/.env'] },
      facts({ '/srv/proj/.env': '/etc/app.env' }, {}),
    );
    expect(msg).toMatch(/\.env \(resolves to \/etc\/app\.env\) is outside/);
  });

  it('allows an output root, and compares canonical roots', async () => {
    const f = facts({ '/etc/myapp': '/data/myapp', '/etc/myapp/app.env': '/data/myapp/app.env' }, {});
    expect(
      await problem({ roots: ['/srv/proj', '/etc/myapp'], envFiles: ['/etc/myapp/app.env'] }, f),
    ).toBeUndefined();
  });

  it('refuses a file that is not an env file with its line, never its content', async () => {
    const f = facts(
      {},
      { '/srv/proj/.env': { kind: 'file', text: 'A=1\nsecret-ish junk\n', ownershipKeepable: true } },
    );
    const msg = await problem({ envFiles: ['/srv/proj/.env'] }, f);
    expect(msg).toMatch(/^\.env: line 2: /);
    expect(msg).not.toContain('junk');
  });

  it.each([
    ['a folder', { kind: 'other' } as const, /is not a regular file/],
    ['not UTF-8', { kind: 'file', text: undefined, ownershipKeepable: true } as const, /not valid UTF-8/],
    [
      "another user's file",
      { kind: 'file', text: 'A=1\n', ownershipKeepable: false } as const,
      /owner and group/,
    ],
  ])('refuses %s', async (_name, state, message) => {
    expect(await problem({ envFiles: ['/srv/proj/.env'] }, facts({}, { '/srv/proj/.env': state }))).toMatch(
      message,
    );
  });
});
