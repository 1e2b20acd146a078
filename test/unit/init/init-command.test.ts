/**
 * `eskeys init` through its two seams: argv → options (initCommand with a recording run), and
 * runInit with scripted prompts in a temporary folder (`--no-check`: no cluster here; the
 * connection test is covered by test/e2e/init*.test.ts).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type InitOptions, initCommand, runInit } from '../../../src/cli/commands/init.js';
import { UsageError } from '../../../src/core/errors.js';
import { FakeIO, fakeContext } from '../../support/fake-io.js';
import { FakePrompter } from '../../support/fake-prompter.js';

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-init-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('argv → options', () => {
  it('--index and --can repeat and take comma lists; --no-check turns the connection test off', async () => {
    let seen: InitOptions | undefined;
    const cmd = initCommand(fakeContext({ cwd: folder() }), async (o) => {
      seen = o;
    });
    await cmd.parseAsync(
      [
        '--name',
        'app',
        '--index',
        'app-*,app_logs-*',
        '--index',
        'app2-*',
        '--can',
        'read',
        '--can',
        'create,delete',
        '--no-check',
        '--yes',
      ],
      { from: 'user' },
    );
    expect(seen?.index).toEqual(['app-*,app_logs-*', 'app2-*']);
    expect(seen?.can).toEqual(['read', 'create,delete']);
    expect(seen?.check).toBe(false);
    expect(seen?.yes).toBe(true);
  });
});

describe('runInit in a terminal', () => {
  it('an answer that cannot make a good template is asked again, with the reason', async () => {
    const dir = folder();
    const prompter = new FakePrompter([
      { kind: 'input', answer: 'app' },
      { kind: 'input', answer: 'https://es.example.internal:9200' }, // cluster URL
      { kind: 'input', answer: '*' }, // every index: lint refuses it
      // read, create, streams, index, delete, indices, pipelines, ilm, templates
      ...[true, true, false, false, false, false, false, false, false].map((answer) => ({
        kind: 'confirm' as const,
        answer,
      })),
      { kind: 'input', answer: '.env' },
      { kind: 'input', answer: 'ELASTICSEARCH_API_KEY' },
      { kind: 'input', answer: 'app-*' }, // asked again
      { kind: 'confirm', answer: true }, // write?
    ]);
    const ctx = fakeContext({ cwd: dir, io: new FakeIO(true), prompter });
    await runInit({ ctx, check: false });
    prompter.verify();
    expect(prompter.asked.filter((q) => q.startsWith('Index patterns'))).toHaveLength(2);
    expect(ctx.io.err).toMatch(/✗ .*\*/);
    const t = JSON.parse(readFileSync(join(dir, 'roles/app.json'), 'utf8'));
    // search/read → read; add documents → create_doc (IndexPrivilege CREATE_DOC: op_type create only).
    expect(t.role_descriptors.app.indices).toEqual([
      { names: ['app-*'], privileges: ['read', 'create_doc'] },
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'eskeys.config.json'), 'utf8'))).toEqual({
      templates_dir: 'roles',
      state_dir: '.eskeys',
      environments: { default: { connection: { url: 'https://es.example.internal:9200' } } },
    });
  });

  it('a bad answer given as a flag is not asked again: exit 2 naming the flag, nothing written', async () => {
    const dir = folder();
    const ctx = fakeContext({ cwd: dir, io: new FakeIO(true), prompter: new FakePrompter([]) });
    const error = await runInit({
      ctx,
      check: false,
      url: 'http://127.0.0.1:9200',
      name: 'app',
      index: ['*'],
      can: ['read'],
      dotenv: '.env',
      keyVar: 'K',
      yes: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^--index: /);
    expect(existsSync(join(dir, 'roles'))).toBe(false);
  });

  it('a template that appears while init waits for the answer is not overwritten', async () => {
    const dir = folder();
    const flags = {
      check: false,
      url: 'http://127.0.0.1:9200',
      name: 'app',
      index: ['app-*'],
      can: ['read'],
      dotenv: '.env',
      keyVar: 'K',
    };
    const script = new FakePrompter([{ kind: 'confirm', answer: true }]);
    // Another process (a second init, an editor) writes the file between init's check and its write.
    const prompter = {
      ...script,
      input: script.input.bind(script),
      select: script.select.bind(script),
      password: script.password.bind(script),
      async confirm(message: string) {
        mkdirSync(join(dir, 'roles'), { recursive: true });
        writeFileSync(join(dir, 'roles/app.json'), '{"theirs": true}\n');
        return script.confirm(message);
      },
    };
    const ctx = fakeContext({ cwd: dir, io: new FakeIO(true), prompter });
    const error = await runInit({ ctx, ...flags }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe('roles/app.json already exists; pass --force to overwrite it');
    expect(readFileSync(join(dir, 'roles/app.json'), 'utf8')).toBe('{"theirs": true}\n');
    expect(existsSync(join(dir, 'eskeys.config.json'))).toBe(false);
    expect(readdirSync(join(dir, 'roles'))).toEqual(['app.json']); // no temp file left
  });
});
