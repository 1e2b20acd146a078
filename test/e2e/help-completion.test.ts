import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eskeys, project, REPO } from './templates-cli.js';

/** Every verb of eskeys, written out: the script must offer each one. */
const VERBS = [
  'init',
  'lint',
  'matrix',
  'diff',
  'schema',
  'verify',
  'create',
  'rotate',
  'revoke',
  'status',
  'list',
  'tick',
  'schedule',
  'recover',
  'doctor',
  'inventory',
  'review',
  'audit',
  'learn',
  'sandbox',
  'completion',
];

/** What bash completes for the words typed so far (the last one is being completed). */
function bashComplete(script: string, words: string[]): string[] {
  const dir = project({});
  const file = path.join(dir, 'eskeys.bash');
  writeFileSync(file, script);
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _eskeys; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      file,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('eskeys --help and completion (built CLI)', () => {
  it('rotate --help shows examples and every exit code', async () => {
    const r = await eskeys(['rotate', '--help'], REPO);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:\n  $ eskeys rotate email-search --env prod\n');
    expect(r.stdout).toContain('\nExit codes:\n  0    rotated; with --dry-run, the plan shown\n');
    expect(r.stdout).toContain('  4    another rotation of this template and environment holds the lock\n');
    expect(r.stdout).toContain('  5    half done: run `eskeys recover`\n');
  });

  it.each(['create', 'revoke'])('%s --help shows exit codes', async (verb) => {
    const r = await eskeys([verb, '--help'], REPO);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nExit codes:\n {2}0 {4}\S/);
    expect(r.stdout).toContain(`Examples:\n  $ eskeys ${verb} `);
  });

  it('completion bash: a script bash accepts, offering every verb and each verb’s options', async () => {
    const r = await eskeys(['completion', 'bash'], REPO);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const dir = project({ 'eskeys.bash': r.stdout });
    expect(spawnSync('bash', ['-n', path.join(dir, 'eskeys.bash')]).status).toBe(0);
    expect(bashComplete(r.stdout, ['eskeys', ''])).toEqual([
      ...VERBS,
      '--help',
      '--version',
      '--debug',
      '--no-color',
    ]);
    expect(bashComplete(r.stdout, ['eskeys', 'ro'])).toEqual(['rotate']);
    expect(bashComplete(r.stdout, ['eskeys', 'lint', '--format', ''])).toEqual(['table', 'json']);
    expect(bashComplete(r.stdout, ['eskeys', 'rotate', '--dr'])).toEqual(['--dry-run']);
    expect(bashComplete(r.stdout, ['eskeys', 'audit', ''])).toEqual(
      expect.arrayContaining(['verify', 'show']),
    );
    expect(bashComplete(r.stdout, ['eskeys', 'audit', 'show', '--la'])).toEqual(['--last']);
  });

  it.each(['zsh', 'fish'])('completion %s names every verb', async (shell) => {
    const r = await eskeys(['completion', shell], REPO);
    expect(r.code).toBe(0);
    for (const verb of VERBS) expect(r.stdout).toMatch(new RegExp(`(^|[ '(])${verb}[: ]`, 'm'));
  });

  it('completion of an unknown shell is exit 2 in one line', async () => {
    const r = await eskeys(['completion', 'tcsh'], REPO);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "eskeys: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.\n",
    );
  });
});
