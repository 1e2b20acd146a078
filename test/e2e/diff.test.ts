import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eskeys, project, REPO, repoFile } from './templates-cli.js';

describe('eskeys diff (built CLI)', () => {
  it('exits 1 when the change adds access (minimal → minimal-with-write)', async () => {
    const r = await eskeys(
      ['diff', 'roles/email-search.json', 'test/fixtures/templates/minimal-with-write.json'],
      REPO,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('!+ adds index privilege write on gmail_emails-*');
    expect(r.stdout).toContain('!+ adds doc.delete (indices:data/write/delete) on gmail_emails-*');
    expect(r.stdout).toMatch(/this change ADDS access\n$/);
  });

  it('exits 0 when the change only removes access (enhanced → minimal)', async () => {
    const r = await eskeys(
      ['diff', '--format', 'json', 'test/fixtures/templates/enhanced.json', 'roles/email-search.json'],
      REPO,
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.adds_access).toBe(false);
    expect(json.changes[0].summary).toBe('removes index privilege all on gmail_emails-*');
  });

  it('compares git revisions of a template', async () => {
    const cwd = project({ 'roles/email-search.json': repoFile('roles/email-search.json') });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd,
        stdio: 'pipe',
      });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'v1');
    const file = path.join(cwd, 'roles/email-search.json');
    const t = JSON.parse(repoFile('roles/email-search.json'));
    t.role_descriptors['email-search'].indices[0].privileges.push('delete_index');
    writeFileSync(file, JSON.stringify(t, null, 2));

    const working = await eskeys(['diff', 'email-search', '--git', 'HEAD'], cwd);
    expect(working.code).toBe(1);
    expect(working.stdout.split('\n').slice(0, 3)).toEqual([
      'email-search: roles/email-search.json@HEAD → roles/email-search.json',
      '!+ adds index privilege delete_index on gmail_emails-*',
      '!+ adds index.delete (indices:admin/delete) on gmail_emails-*',
    ]);

    git('commit', '-q', '-am', 'v2');
    const range = await eskeys(['diff', 'roles/email-search.json', '--git', 'HEAD..HEAD~1'], cwd);
    expect(range.code).toBe(0);
    expect(range.stdout).toContain(' - removes index privilege delete_index on gmail_emails-*');

    const bad = await eskeys(['diff', 'roles/email-search.json', '--git', 'no-such-rev'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^eskeys: cannot read email-search\.json at no-such-rev: fatal: /);
  });

  it('exits 2 with a usage error for a wrong number of templates', async () => {
    const r = await eskeys(['diff', 'roles/email-search.json'], REPO);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('eskeys: give OLD and NEW templates, or one template with --git REV\n');
  });
});
