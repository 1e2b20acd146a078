import { readdirSync, readFileSync } from 'node:fs';
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

  it("a template naming a privilege the cluster's major lacks: exit 2, one line at the template field, nothing written", async () => {
    // The rotation sandbox impersonates 8.19.3, whose ClusterPrivilegeResolver has no monitor_esql
    // (ga in 9.1): create API key answers 400 action_request_validation_exception "unknown cluster
    // privilege [monitor_esql]. a privilege must be either one of the predefined cluster privilege
    // names [...]" (docs/es-facts.md, "Privileges per major").
    const template = JSON.parse(
      readFileSync(new URL('../../roles/email-search.json', import.meta.url), 'utf8'),
    );
    const [role, descriptor] = Object.entries(template.role_descriptors)[0] as [
      string,
      { cluster: string[] },
    ];
    descriptor.cluster = [...descriptor.cluster, 'monitor_esql'];
    const dir = makeProject(sb, {
      files: { '.env': ENV, 'roles/email-search.json': JSON.stringify(template, null, 2) },
    });
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code).toBe(2);
    const errorLines = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('eskeys: ') && !l.startsWith('eskeys: warning:'));
    expect(errorLines).toEqual([
      `eskeys: template email-search: /role_descriptors/${role}/cluster/${descriptor.cluster.length - 1}: the cluster does not know the cluster privilege [monitor_esql] (a name from another Elasticsearch release?); no key was created. \`eskeys doctor\` checks every template against the cluster's release`,
    ]);
    // Not the cluster's list of every privilege name.
    expect(r.stderr).not.toContain('predefined cluster privilege names');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expectNothingWritten(dir);
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

describe('eskeys rotate as a different admin user than the key owner', () => {
  it("refuses before minting (exit 2, naming the owner): only a key's owner may update it; --now works", async () => {
    const env = `owner${Math.random().toString(36).slice(2, 7)}`;
    const dir = makeProject(sb, {
      files: { '.env': ENV, 'eskeys.config.json': { environments: { [env]: {} } } },
    });
    expect((await runCli(['create', '-t', 'email-search', '--env', env, '--yes'], dir)).code).toBe(0);
    const published = readProjectFile(dir, '.env');
    expect(
      (
        await sb.admin('PUT', '/_security/user/eskeys-admin-2', {
          password: 'second-admin-password',
          roles: ['eskeys-admin'],
        })
      ).status,
    ).toBe(200);
    const asSecond = { ESKEYS_USERNAME: 'eskeys-admin-2', ESKEYS_PASSWORD: 'second-admin-password' };

    const r = await runCli(['rotate', '-t', 'email-search', '--env', env, '--yes'], dir, asSecond);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `eskeys: email-search@${env}#1 belongs to user eskeys-admin (realm default_native) but eskeys connects as eskeys-admin-2: Elasticsearch lets only a key's owner update it, so its grace period could not be set once the new key is published; run eskeys as eskeys-admin, or use --now to invalidate it right after publishing instead\n`,
    );
    expect(r.stderr).not.toMatch(/creating key/);
    expect(readProjectFile(dir, '.env')).toBe(published);
    const mine = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(mine.map((k) => [k.generation, k.state])).toEqual([[1, 'active']]);

    // Invalidation needs manage_api_key, not ownership: the emergency path still works.
    const now = await runCli(['rotate', '-t', 'email-search', '--env', env, '--now', '--yes'], dir, asSecond);
    expect(now.code, now.stderr).toBe(0);
    const after = (await statusKeys(dir)).filter((k) => k.environment === env);
    expect(after.map((k) => [k.generation, k.state])).toEqual([
      [2, 'active'],
      [1, 'invalidated'],
    ]);
  });
});
