/**
 * Retire must not silently narrow the old key. Elasticsearch replaces a key's `limited_by`
 * with its owner's current privileges on every update, an expiration-only one included
 * (docs/es-facts.md "Every API key update re-snapshots the owner"), and the sandbox does the
 * same. So when the admin has lost a privilege the OLD key's descriptors grant (here: `read` on
 * `applylens-*`, which the template has since dropped), retiring the old key takes that
 * privilege from the consumers still using it during the grace.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  ADMIN_ROLE,
  envValue,
  makeProject,
  readProjectFile,
  runCli,
  statusKeys,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();

/** Generation 1 of the template also let the key read applylens-*; the current one does not. */
const OLD_DESCRIPTORS = {
  'email-search': {
    cluster: ['monitor', 'manage_index_templates', 'manage_ilm', 'manage_pipeline'],
    indices: [
      { names: ['gmail_emails-*'], privileges: ['read', 'index', 'create_index', 'view_index_metadata'] },
      { names: ['applylens-*'], privileges: ['read'] },
    ],
  },
};

/** The admin's role without applylens-*: it can still delegate the current template, not the old key. */
const NARROWED_ADMIN_ROLE = {
  ...ADMIN_ROLE,
  indices: [{ names: ['gmail_emails-*'], privileges: ['all'] }],
};

/** The index patterns of a key's owner snapshot, as Elasticsearch reports it (`with_limited_by`). */
async function limitedByPatterns(id: string): Promise<string[]> {
  const r = await sb.admin('GET', `/_security/api_key?id=${id}&with_limited_by=true`);
  expect(r.status).toBe(200);
  const key = (r.body as { api_keys: { limited_by: Record<string, { indices: { names: string[] }[] }>[] }[] })
    .api_keys[0]!;
  return key.limited_by.flatMap((byRole) =>
    Object.values(byRole).flatMap((d) => d.indices.flatMap((i) => i.names)),
  );
}

/** A project whose first key carries OLD_DESCRIPTORS, then the admin narrowed and the template reverted. */
async function oldKeyThenNarrowedAdmin(): Promise<{ dir: string; env: string; oldId: string }> {
  const env = `n${Math.random().toString(36).slice(2, 8)}`;
  const dir = makeProject(sb, {
    files: {
      '.env': 'ELASTICSEARCH_API_KEY=placeholder\n',
      'eskeys.config.json': { environments: { [env]: {} } },
    },
  });
  writeTemplate(dir, 'roles/email-search.json', { role_descriptors: OLD_DESCRIPTORS });
  const create = await runCli(['create', '-t', 'email-search', '--env', env], dir);
  expect(create.code, create.stderr).toBe(0);
  const oldId = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY_ID')!;
  expect(await limitedByPatterns(oldId)).toContain('applylens-*');
  writeTemplate(dir, 'roles/email-search.json', {});
  expect((await sb.admin('PUT', '/_security/role/eskeys-admin', NARROWED_ADMIN_ROLE)).status).toBe(200);
  onTestFinished(async () => {
    await sb.admin('PUT', '/_security/role/eskeys-admin', ADMIN_ROLE);
  });
  return { dir, env, oldId };
}

describe('retire never narrows the old key silently (built CLI against the sandbox)', {
  timeout: 120_000,
}, () => {
  it('doctor reports the key in use; rotate warns that retiring narrows the old key, and retires it', async () => {
    const { dir, env, oldId } = await oldKeyThenNarrowedAdmin();

    const doctor = await runCli(['doctor', '--env', env, '--json'], dir);
    const check = (
      JSON.parse(doctor.stdout).checks as { id: string; status: string; details: string[] }[]
    ).find((c) => c.id === 'delegation.keys_in_use')!;
    expect(check.status).toBe('warn');
    expect(check.details).toEqual([`email-search@${env}#1 (id ${oldId}): read on applylens-*`]);

    const rotate = await runCli(['rotate', '-t', 'email-search', '--env', env], dir);
    expect(rotate.code, rotate.stderr).toBe(0);
    const warnings = rotate.stderr
      .split('\n')
      .filter((l) => l.includes(`retiring email-search@${env}#1 narrows it`));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('the admin no longer holds read on applylens-*');
    // The warning was true: the retire update re-snapshotted the narrowed admin into the old key.
    expect(await limitedByPatterns(oldId)).not.toContain('applylens-*');
    const old = (await statusKeys(dir)).find((k) => k.id === oldId)!;
    expect(old.state).toBe('superseded');
  });

  it('rotate --strict leaves the old key valid and unchanged (exit 5); recover stays strict until the admin holds the privileges again', async () => {
    const { dir, env, oldId } = await oldKeyThenNarrowedAdmin();
    const before = (await statusKeys(dir)).find((k) => k.id === oldId)!;

    const rotate = await runCli(['rotate', '-t', 'email-search', '--env', env, '--strict'], dir);
    expect(rotate.code, rotate.stderr).toBe(5);
    const lines = rotate.stderr.trim().split('\n');
    const last = lines[lines.length - 1]!;
    expect(last).toContain(`the old key email-search@${env}#1 was left valid and unchanged (--strict)`);
    expect(last).toContain('read on applylens-*');
    expect(last).toContain(`eskeys revoke --id ${oldId}`);
    expect(rotate.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    // The new key is published; the old one keeps its privileges, state and expiration.
    const newId = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY_ID')!;
    expect(newId).not.toBe(oldId);
    expect(await limitedByPatterns(oldId)).toContain('applylens-*');
    const held = (await statusKeys(dir)).find((k) => k.id === oldId)!;
    expect([held.state, held.expiration]).toEqual(['active', before.expiration]);

    // recover (and every tick, which recovers first) is as strict as the rotation was.
    const again = await runCli(['recover'], dir);
    expect(again.code, again.stderr).toBe(5);
    expect(await limitedByPatterns(oldId)).toContain('applylens-*');

    // Once the admin holds the privileges again, recover retires the old key without narrowing it.
    expect((await sb.admin('PUT', '/_security/role/eskeys-admin', ADMIN_ROLE)).status).toBe(200);
    const done = await runCli(['recover'], dir);
    expect(done.code, done.stderr).toBe(0);
    expect(await limitedByPatterns(oldId)).toContain('applylens-*');
    expect((await statusKeys(dir)).find((k) => k.id === oldId)!.state).toBe('superseded');
  });

  it('tick rotates a due key and warns the same way when retiring narrows the old key', async () => {
    const { dir, env, oldId } = await oldKeyThenNarrowedAdmin();
    // The old key looks 91 days old (creation and expiration moved back together): rotation is due.
    for (const k of sb.sandbox.state.apiKeys.all()) {
      if (k.metadata.environment !== env) continue;
      (k as { creation: number }).creation -= 91 * 86_400_000;
      if (k.expiration !== null) k.expiration -= 91 * 86_400_000;
    }
    const tick = await runCli(['tick', '--env', env], dir);
    expect(tick.code, tick.stderr).toBe(0);
    expect(tick.stdout).toMatch(new RegExp(`email-search@${env}  rotated: email-search@${env}#2 replaces`));
    const warnings = tick.stderr
      .split('\n')
      .filter((l) =>
        l.includes(
          `retiring email-search@${env}#1 narrows it: the admin no longer holds read on applylens-*`,
        ),
      );
    expect(warnings).toHaveLength(1);
    expect(await limitedByPatterns(oldId)).not.toContain('applylens-*');
  });
});
