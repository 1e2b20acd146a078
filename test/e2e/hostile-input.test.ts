/**
 * Hostile input reaches the user as one clear line and exit 2, never a crash (exit 70), a
 * silently altered template, or a terminal driven by escape sequences. Runs the built CLI;
 * none of these need a cluster, since every check happens before eskeys connects.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, eskeys, project, repoFile } from './templates-cli.js';

/** The shipped email-search template with `edit` applied, as text. */
function template(edit: (t: Record<string, unknown>) => void = () => {}): string {
  const t = JSON.parse(repoFile('roles/email-search.json')) as Record<string, unknown>;
  edit(t);
  return JSON.stringify(t, null, 2);
}

/** One line on stderr, exit 2, no stack trace. */
function expectOneLineUsageError(r: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

const ROTATE = ['rotate', '-t', 'email-search', '--yes'];

describe('JSON nested too deep', () => {
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it('a template nested 2,500 levels deep: exit 2 naming the file and the limit (was a crash, exit 70)', async () => {
    const text = `{"name": "email-search", "role_descriptors": {"a": ${deep(2500)}}}`;
    const dir = project({ 'roles/email-search.json': text });
    const r = await eskeys(ROTATE, dir);
    // Two objects then 98 arrays make 100 levels; the 99th array, at column 150, is one too many.
    expectOneLineUsageError(
      r,
      /^eskeys: roles\/email-search\.json:1:150: invalid JSON: nested deeper than 100 levels of objects and arrays$/m,
    );
  });

  it('a config nested 2,500 levels deep: exit 2 naming eskeys.config.json', async () => {
    const dir = project({
      'roles/email-search.json': template(),
      'eskeys.config.json': `{"environments": ${deep(2500)}}`,
    });
    const r = await eskeys(ROTATE, dir);
    expectOneLineUsageError(
      r,
      /^eskeys: eskeys\.config\.json:1:\d+: invalid JSON: nested deeper than 100 levels/,
    );
  });
});

describe('prototype keys (__proto__, constructor, prototype)', () => {
  it.each([
    ['__proto__ as a role name', '"__proto__"', '/role_descriptors/__proto__'],
    ['constructor as a role name', '"constructor"', '/role_descriptors/constructor'],
    ['prototype as a role name', '"prototype"', '/role_descriptors/prototype'],
  ])(
    '%s in a template: exit 2 naming the JSON pointer (was dropped, and the key minted without it)',
    async (_n, key, pointer) => {
      const text = template().replace('"email-search": {\n      "cluster"', `${key}: {\n      "cluster"`);
      expect(text).toContain(key);
      const dir = project({ 'roles/email-search.json': text });
      const r = await eskeys(ROTATE, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `eskeys: roles/email-search.json: ${pointer}: the key "${JSON.parse(key)}" is not allowed`,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('__proto__ nested in the config: exit 2 naming its pointer', async () => {
    const dir = project({
      'roles/email-search.json': template(),
      'eskeys.config.json': '{"environments": {"prod": {"outputs": {"__proto__": {"key_var": "X"}}}}}',
    });
    const r = await eskeys(ROTATE, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'eskeys: eskeys.config.json: /environments/prod/outputs/__proto__: the key "__proto__" is not allowed',
    );
  });
});

describe('one cap for every duration: 3650d (10 years)', () => {
  it('--grace 99999999d: exit 2 naming the flag and the cap', async () => {
    const dir = project({ 'roles/email-search.json': template() });
    const r = await eskeys(['rotate', '-t', 'email-search', '--grace', '99999999d', '--yes'], dir);
    expectOneLineUsageError(r, /^eskeys: --grace 99999999d: must be at most 3650d \(10 years\)$/m);
  });

  it('--grace 3651d is over the cap; a template rotation.grace of 3651d too, named by pointer', async () => {
    const dir = project({
      'roles/email-search.json': template((t) => {
        (t.rotation as Record<string, string>).grace = '3651d';
      }),
    });
    const flag = await eskeys(['rotate', '-t', 'email-search', '--grace', '3651d', '--yes'], dir);
    expectOneLineUsageError(flag, /^eskeys: --grace 3651d: must be at most 3650d \(10 years\)$/m);
    const file = await eskeys(ROTATE, dir);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(
      'eskeys: roles/email-search.json: /rotation/grace: must be at most 3650d (10 years)',
    );
  });

  it.each(['99999999d', '99999999999999999999d'])(
    'a template expiration of %s: exit 2 naming /expiration and the cap',
    async (value) => {
      const dir = project({
        'roles/email-search.json': template((t) => {
          t.expiration = value;
        }),
      });
      const r = await eskeys(ROTATE, dir);
      expectOneLineUsageError(
        r,
        /^eskeys: roles\/email-search\.json: \/expiration: must be at most 3650d \(10 years\)$/m,
      );
    },
  );
});

describe('invalid UTF-8', () => {
  it('a template with a Latin-1 byte: exit 2 naming the file, "invalid UTF-8" and the byte offset', async () => {
    const dir = project({});
    mkdirSync(path.join(dir, 'roles'));
    // `{"name": "caf` is 13 bytes, so the lone 0xE9 (Latin-1 é) is at byte offset 13.
    writeFileSync(
      path.join(dir, 'roles/email-search.json'),
      Buffer.from([...Buffer.from('{"name": "caf'), 0xe9, ...Buffer.from('"}')]),
    );
    const r = await eskeys(ROTATE, dir);
    expectOneLineUsageError(
      r,
      /^eskeys: roles\/email-search\.json: invalid UTF-8 at byte offset 13; save the file as UTF-8$/m,
    );
  });

  it('a config with a truncated UTF-8 sequence: exit 2 naming eskeys.config.json and the offset', async () => {
    const dir = project({ 'roles/email-search.json': template() });
    // 0xE2 0x82 starts a 3-byte sequence (€ is E2 82 AC) that is cut short by `"`, at offset 16.
    writeFileSync(
      path.join(dir, 'eskeys.config.json'),
      Buffer.from([...Buffer.from('{"templates_dir"'), 0xe2, 0x82, ...Buffer.from('": "roles"}')]),
    );
    const r = await eskeys(ROTATE, dir);
    expectOneLineUsageError(
      r,
      /^eskeys: eskeys\.config\.json: invalid UTF-8 at byte offset 16; save the file as UTF-8$/m,
    );
  });
});

describe('invalid UTF-8 in eskeys doctor', () => {
  it('the config check fails naming the file and the byte offset (doctor reads the config itself)', async () => {
    const dir = project({});
    writeFileSync(
      path.join(dir, 'eskeys.config.json'),
      Buffer.from([...Buffer.from('{"templates_dir"'), 0xe2, 0x82, ...Buffer.from('": "roles"}')]),
    );
    const r = await eskeys(['doctor'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /✗ config +eskeys\.config\.json: invalid UTF-8 at byte offset 16; save the file as UTF-8/,
    );
  });
});

describe('a template path that is not a file', () => {
  it('a directory given as the template: named as a directory', async () => {
    const dir = project({ 'roles/email-search.json': template() });
    const r = await eskeys(['rotate', '-t', 'roles/', '--yes'], dir);
    expectOneLineUsageError(r, /^eskeys: roles\/ is a directory, not a file$/m);
  });

  it('a template name whose file is a directory: named as a directory', async () => {
    const dir = project({ 'roles/email-search.json/placeholder': 'x' });
    const r = await eskeys(ROTATE, dir);
    expectOneLineUsageError(r, /^eskeys: roles\/email-search\.json is a directory, not a file$/m);
  });

  it('a symlink loop: named as a symlink loop, for rotate and for lint', async () => {
    const dir = project({});
    mkdirSync(path.join(dir, 'roles'));
    symlinkSync('email-search.json', path.join(dir, 'roles/email-search.json'));
    const rotate = await eskeys(ROTATE, dir);
    expectOneLineUsageError(
      rotate,
      /^eskeys: roles\/email-search\.json is a symlink loop \(its links never reach a file\)$/m,
    );
    const lint = await eskeys(['lint', 'roles/email-search.json'], dir);
    expectOneLineUsageError(lint, /^eskeys: template file roles\/email-search\.json is a symlink loop/m);
  });
});

describe('control characters in echoed values are escaped', () => {
  it("-t $'x\\e[2J': the escape sequence is shown as \\u001b, never sent to the terminal", async () => {
    const dir = project({ 'roles/email-search.json': template() });
    const r = await eskeys(['rotate', '-t', 'x\u001b[2J\u0007', '--yes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('template x\\u001b[2J\\u0007 not found');
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('a line break in a value cannot forge a second line', async () => {
    const dir = project({ 'roles/email-search.json': template() });
    const r = await eskeys(['rotate', '-t', 'email-search', '--env', 'x\neskeys: all good', '--yes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('x\\u000aeskeys: all good');
  });

  it("a template value echoed by lint's own problem lines (not through the error path) is escaped too", async () => {
    const dir = project({
      'roles/email-search.json': template((t) => {
        const role = (t.role_descriptors as Record<string, { indices: { privileges: string[] }[] }>)[
          'email-search'
        ]!;
        role.indices[0]!.privileges = ['rea\u001b[2Jd'];
      }),
    });
    const r = await eskeys(['lint', 'roles/email-search.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rea\\u001b[2Jd');
    expect(r.stderr).not.toContain('\u001b');
  });

  it('an unknown option with an escape sequence (commander parse error) is escaped too', async () => {
    const dir = project({});
    const r = await eskeys(['lint', '--x\u001b[2J'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--x\\u001b[2J');
    expect(r.stderr).not.toContain('\u001b');
  });
});

describe('--debug works on every command', () => {
  it.each([
    ['after the verb', ['lint', '--debug', 'roles/email-search.json']],
    ['before the verb', ['--debug', 'lint', 'roles/email-search.json']],
  ])('%s: accepted (was "unknown option")', async (_n, args) => {
    const dir = project({ 'roles/email-search.json': template() });
    const r = await eskeys(args, dir);
    expect(r.stderr).not.toMatch(/unknown option/);
    expect(r.code).toBe(0);
  });

  it('shows the cause when a command fails: a symlink loop with --debug prints the ELOOP error', async () => {
    const dir = project({});
    mkdirSync(path.join(dir, 'roles'));
    symlinkSync('email-search.json', path.join(dir, 'roles/email-search.json'));
    const r = await eskeys([...ROTATE, '--debug'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ELOOP/);
  });
});

describe('eskeys sandbox on a busy port', () => {
  it('exit 2 with one line naming the port and how to choose another (was exit 70, "this is a bug")', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'sandbox', '--port', String(port)], {
          env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(r.stderr).toBe(
        `eskeys: port ${port} is in use on 127.0.0.1; choose another with --port N (--port 0 picks a free one)\n`,
      );
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
