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

/** The shell is installed (the zsh and fish tests skip with a message otherwise). */
function hasShell(shell: string): boolean {
  const found = spawnSync(shell, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found)
    console.warn(`help-completion.test.ts: ${shell} is not installed; its completion tests are skipped`);
  return found;
}
const HAS_ZSH = hasShell('zsh');
const HAS_FISH = hasShell('fish');

/**
 * What the zsh script's `_eskeys` offers for the words typed so far: zsh's completion builtins
 * (`_describe`, `compadd`, `_files`, `compdef`) are replaced by functions that print the words
 * offered, so the script's own logic runs in zsh without an interactive shell. zsh itself then
 * filters those by what was typed.
 */
function zshOffers(script: string, words: string[]): string[] {
  const dir = project({ _eskeys: script });
  const driver = [
    'compdef() { :; }',
    'source "$1"; shift',
    `_describe() { local -a offered; offered=("\${(@P)2}"); print -rl -- "\${offered[@]%%:*}"; }`,
    'compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }',
    "_files() { print -r -- '<files>'; }",
    'words=("$@"); CURRENT=$#words',
    '_eskeys',
  ].join('\n');
  const out = execFileSync('zsh', ['-f', '-c', driver, 'zsh', path.join(dir, '_eskeys'), ...words], {
    cwd: dir,
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean);
}

/** What fish completes for a command line (fish's own engine: `complete -C`), words only. */
function fishComplete(script: string, line: string): string[] {
  const dir = project({ 'eskeys.fish': script });
  const out = execFileSync(
    'fish',
    ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', path.join(dir, 'eskeys.fish'), line],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]!);
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

  it.each(['review', 'doctor', 'verify', 'inventory', 'tick', 'learn'])(
    '%s --help ends with the shared exit-code table, listed once',
    async (verb) => {
      const r = await eskeys([verb, '--help'], REPO);
      expect(r.code).toBe(0);
      expect(r.stdout.match(/Exit codes/g)).toHaveLength(1);
      expect(r.stdout).toMatch(/\nExit codes:\n {2}0 +\S.*\n(?: {2}\d+ +\S.*\n)+$/);
    },
  );

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

  it.skipIf(!HAS_ZSH)(
    'completion zsh: a script zsh -n accepts, offering every verb and option values',
    async () => {
      const r = await eskeys(['completion', 'zsh'], REPO);
      expect(r.code).toBe(0);
      const dir = project({ _eskeys: r.stdout });
      const check = spawnSync('zsh', ['-n', path.join(dir, '_eskeys')], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
      expect(zshOffers(r.stdout, ['eskeys', ''])).toEqual(VERBS);
      expect(zshOffers(r.stdout, ['eskeys', 'lint', '--format', ''])).toEqual(['table', 'json']);
      expect(zshOffers(r.stdout, ['eskeys', 'rotate', '--'])).toEqual(
        expect.arrayContaining(['--dry-run', '--now']),
      );
      expect(zshOffers(r.stdout, ['eskeys', 'audit', ''])).toEqual(
        expect.arrayContaining(['verify', 'show']),
      );
    },
  );

  it.skipIf(!HAS_FISH)(
    'completion fish: a script fish -n accepts, completing verbs, options and values',
    async () => {
      const r = await eskeys(['completion', 'fish'], REPO);
      expect(r.code).toBe(0);
      const dir = project({ 'eskeys.fish': r.stdout });
      const check = spawnSync('fish', ['--no-config', '-n', path.join(dir, 'eskeys.fish')], {
        encoding: 'utf8',
      });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
      expect(fishComplete(r.stdout, 'eskeys ')).toEqual(expect.arrayContaining(VERBS));
      expect(fishComplete(r.stdout, 'eskeys ro')).toEqual(['rotate']);
      expect(fishComplete(r.stdout, 'eskeys lint --format ').sort()).toEqual(['json', 'table']);
      expect(fishComplete(r.stdout, 'eskeys rotate --dr')).toEqual(['--dry-run']);
      expect(fishComplete(r.stdout, 'eskeys audit ').sort()).toEqual(['show', 'verify']);
    },
  );

  it('completion of an unknown shell is exit 2 in one line', async () => {
    const r = await eskeys(['completion', 'tcsh'], REPO);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "eskeys: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.\n",
    );
  });
});
