import { describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../../src/cli/commands/help-texts.js';
import { COMMANDS } from '../../../src/cli/commands/registry.js';
import { renderExitCodes } from '../../../src/cli/help.js';
import { completionVerb } from '../../../src/cli/render/completion.js';
import { ExitCode } from '../../../src/core/errors.js';
import { FakeIO, fakeContext } from '../../support/fake-io.js';

async function helpOf(verb: string): Promise<string> {
  const entry = COMMANDS.find((c) => c.name === verb)!;
  const cmd = await entry.load(fakeContext({ cwd: '/tmp', io: new FakeIO() }));
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s) }).outputHelp();
  return text;
}

describe('--help of every verb', () => {
  it.each(COMMANDS.map((c) => c.name))('%s shows examples and exit codes', async (verb) => {
    const text = await helpOf(verb);
    expect(text).toMatch(new RegExp(`\\nExamples:\\n(  \\$ eskeys ${verb}( .*)?\\n){2,4}`));
    expect(text).toMatch(/Exit codes:/);
  });

  it.each(COMMANDS.map((c) => c.name))(
    '%s lists its exit codes once, in the shared table (one code per line, ascending, ending the help)',
    async (verb) => {
      const text = await helpOf(verb);
      expect(text.match(/Exit codes/g)).toHaveLength(1);
      const block = /\nExit codes:\n((?: {2}\d+ +\S.*\n)+)$/.exec(text);
      expect(block, text).not.toBeNull();
      const codes = block![1]!
        .trim()
        .split('\n')
        .map((line) => Number(line.trim().split(' ')[0]));
      expect(codes).toEqual([...codes].sort((a, b) => a - b));
      expect(codes[0]).toBe(ExitCode.ok);
    },
  );

  it.each(COMMANDS.map((c) => c.name))('%s examples use only flags the verb has', async (verb) => {
    const entry = COMMANDS.find((c) => c.name === verb)!;
    const model = completionVerb(await entry.load(fakeContext({ cwd: '/tmp', io: new FakeIO() })));
    const known = new Set(
      [...model.options, ...model.verbs.flatMap((v) => v.options)].flatMap((o) => o.flags),
    );
    const used = COMMAND_HELP[verb]!.examples.flatMap((e) => e.split(' ').filter((w) => w.startsWith('-')));
    expect(used.filter((f) => !known.has(f))).toEqual([]);
  });

  it('rotate lists its exit codes in ascending order, one per line', async () => {
    const text = await helpOf('rotate');
    expect(text).toContain(
      [
        'Exit codes:',
        '  0    rotated; with --dry-run, the plan shown',
        '  1    a probe of the new key, the restart or the health check failed (rolled back)',
        '  2    bad usage, config or template',
        '  3    cluster unreachable or misbehaving, authentication failed, or probes inconclusive',
        '  4    another rotation of this template and environment holds the lock',
        '  5    half done: run `eskeys recover`',
        '  130  cancelled (Ctrl-C, or "no" at the question)',
      ].join('\n'),
    );
  });
});

describe('renderExitCodes', () => {
  it('pads the codes to one column', () => {
    expect(
      renderExitCodes([
        [ExitCode.usage, 'bad usage'],
        [ExitCode.ok, 'done'],
      ]),
    ).toBe('Exit codes:\n  0  done\n  2  bad usage');
  });
});
