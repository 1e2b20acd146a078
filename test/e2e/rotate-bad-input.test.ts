import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, readProjectFile, runCli, statusKeys, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();

const ENV = 'APP_NAME=mail\nELASTICSEARCH_API_KEY=old-key-value\n';

/** Bad input never writes: the env file is unchanged and no key exists for the template. */
async function expectNothingWritten(dir: string): Promise<void> {
  expect(readProjectFile(dir, '.env')).toBe(ENV);
  expect(await statusKeys(dir)).toEqual([]);
}

describe('eskeys rotate with bad input: one line, documented exit code, nothing written', () => {
  it('wrong admin password: exit 3, the password is not echoed', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir, {
      ESKEYS_PASSWORD: 'not-the-password',
    });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/rejected the admin credentials/);
    expect(r.stderr).not.toContain('not-the-password');
    await expectNothingWritten(dir);
  });

  it('unreachable cluster: exit 3', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir, {
      ESKEYS_URL: 'http://127.0.0.1:9',
    });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach cluster http:\/\/127\.0\.0\.1:9/);
    expect(readProjectFile(dir, '.env')).toBe(ENV);
  });

  it.each([
    ['malformed JSON', '{"name": "email-search",', /roles\/email-search\.json:1:\d+/],
    [
      'an unknown privilege',
      JSON.stringify({
        name: 'email-search',
        role_descriptors: { app: { indices: [{ names: ['mail-*'], privileges: ['delete_indx'] }] } },
      }),
      /roles\/email-search\.json: \/role_descriptors\/app\/indices\/0\/privileges\/0: .*delete_indx.*did you mean "delete_index"/,
    ],
  ])('a template with %s: exit 2 naming the file and field', async (_name, text, message) => {
    const dir = makeProject(sb, { files: { '.env': ENV, 'roles/email-search.json': text } });
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expectNothingWritten(dir);
    expect(readdirSync(join(dir))).not.toContain('.eskeys');
  });

  it('a broken env file (unterminated quote on the key line): exit 2 naming file and line, before any key exists', async () => {
    const broken = 'APP_NAME=mail\nELASTICSEARCH_API_KEY="unterminated\nOTHER=1\n';
    const dir = makeProject(sb, { files: { '.env': broken } });
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^eskeys: \.env: line 2: /m);
    expect(r.stderr).not.toMatch(/creating key/);
    expect(readProjectFile(dir, '.env')).toBe(broken);
    expect(await statusKeys(dir)).toEqual([]);
  });
});
