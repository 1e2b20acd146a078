import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type VerifyOptions, verifyCommand } from '../../../src/cli/commands/verify.js';
import type { CliContext } from '../../../src/cli/context.js';
import { run } from '../../../src/cli/main.js';

function ctx(): CliContext & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: {
        write: (t) => {
          out += t;
        },
      },
      stderr: {
        write: (t) => {
          err += t;
        },
      },
      stdin: new PassThrough(),
      isStdoutTTY: false,
      canPrompt: () => false,
    },
    env: {},
    cwd: '/nonexistent',
    clock: { now: () => new Date(0) },
    random: { hex: (n) => '0'.repeat(n) },
    signal: new AbortController().signal,
    prompter: () => Promise.reject(new Error('no prompts')),
    connect: () => Promise.reject(new Error('no cluster')),
    cluster: () => Promise.reject(new Error('no cluster in these tests')),
    services: () => Promise.reject(new Error('no cluster in these tests')),
    closeConnections: async () => {},
    out: () => out,
    err: () => err,
  };
}

async function parse(argv: string[]): Promise<VerifyOptions> {
  let got: VerifyOptions | undefined;
  const cmd = verifyCommand(ctx(), async (_c, opts) => {
    got = opts;
  }).exitOverride();
  await cmd.parseAsync(argv, { from: 'user' });
  return got!;
}

describe('eskeys verify: argv → options', () => {
  it.each([
    [['-t', 'email-search'], { template: 'email-search', format: undefined }],
    [['--template', 'x', '--json'], { template: 'x', format: 'json' }],
    [['email-search', '--json'], { template: 'email-search', format: 'json' }],
    [
      ['--template', 'x', '--format', 'junit', '-o', 'r.xml'],
      { template: 'x', format: 'junit', output: 'r.xml' },
    ],
    [
      ['--template', 'x', '--key-env', 'APP_KEY', '--env', 'prod'],
      { template: 'x', keyEnv: 'APP_KEY', env: 'prod' },
    ],
    [
      ['--template', 'x', '--env-file', 'deploy/.env', '--key-only'],
      { envFile: 'deploy/.env', keyOnly: true },
    ],
  ])('%j', async (argv, expected) => {
    expect(await parse(argv)).toMatchObject(expected);
  });

  it.each([
    [
      ['verify', '--template', 'x', '--key-env', 'A', '--env-file', 'f'],
      'pass either --key-env or --env-file, not both',
    ],
    [['verify', '--template', 'x', '--json', '--format', 'junit'], '--json contradicts --format junit'],
    [
      ['verify', 'a', '--template', 'b'],
      'template given twice: "a" as argument and "b" with --template; give one',
    ],
  ])('rejects %j with exit 2', async (argv, message) => {
    const c = ctx();
    expect(await run(argv, c)).toBe(2);
    expect(c.err()).toBe(`eskeys: ${message}\n`);
  });

  it('requires a template (argument or --template)', async () => {
    const c = ctx();
    expect(await run(['verify'], c)).toBe(2);
    expect(c.err()).toBe('eskeys: a template is required: eskeys verify NAME (or --template NAME)\n');
  });
});
