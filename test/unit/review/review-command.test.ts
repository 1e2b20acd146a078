import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlAuditLog } from '../../../src/adapters/audit/jsonl-audit-log.js';
import { type ReviewOptions, reviewCommand, runReview } from '../../../src/cli/commands/review.js';
import { ReportedError } from '../../../src/core/errors.js';
import { fakeContext } from '../../support/fake-io.js';
import { repoFile, tempProject } from '../templates/support.js';

async function parse(argv: string[]): Promise<ReviewOptions> {
  let captured: ReviewOptions | undefined;
  const cmd = reviewCommand(fakeContext({ cwd: '/project' }), async (_ctx, o) => {
    captured = o;
  }).exitOverride();
  await cmd.parseAsync(argv, { from: 'user' });
  return captured!;
}

describe('eskeys review: flags → options', () => {
  it.each<[string[], Partial<ReviewOptions>]>([
    [[], { templates: [], format: 'markdown' }],
    [['-t', 'a', '--template', 'roles/b.json'], { templates: ['a', 'roles/b.json'] }],
    [['--json'], { format: 'json' }],
    [['--format', 'json', '--out', 'r.json'], { format: 'json', out: 'r.json' }],
    [['--live', '--key-only', '--env', 'prod'], { live: true, keyOnly: true, env: 'prod' }],
    [['--live', '-t', 'a', '--key-env', 'K'], { live: true, keyEnv: 'K', templates: ['a'] }],
    [['--sign-off', '  Jane Doe '], { signOff: 'Jane Doe' }],
    [['--offline'], { offline: true }],
  ])('%j', async (argv, expected) => {
    expect(await parse(argv)).toMatchObject(expected);
  });

  it.each([
    [['--live', '--offline'], '--live needs the cluster; drop --offline'],
    [['--key-only'], '--key-only, --key-env and --env-file only apply to --live'],
    [['--live', '--key-env', 'K'], '--key-env and --env-file name one key: pass exactly one --template'],
    [
      ['--live', '-t', 'a', '--key-env', 'K', '--env-file', '.env'],
      'pass either --key-env or --env-file, not both',
    ],
    [['--json', '--format', 'markdown'], '--json contradicts --format markdown'],
    [['--sign-off', ' '], '--sign-off needs the reviewer name (one line, up to 200 characters)'],
  ])('%j is a usage error', async (argv, message) => {
    await expect(parse(argv)).rejects.toMatchObject({ exitCode: 2, message });
  });
});

async function review(cwd: string, opts: Partial<ReviewOptions> = {}) {
  const ctx = fakeContext({ cwd });
  let code = 0;
  try {
    await runReview(ctx, { templates: [], format: 'markdown', offline: true, ...opts });
  } catch (e) {
    if (!(e instanceof ReportedError)) throw e;
    code = e.exitCode;
  }
  return { code, out: ctx.io.out, err: ctx.io.err };
}

describe('runReview (offline)', () => {
  it('reviews every template of roles/ and exits 0 when approved with follow-ups', async () => {
    const cwd = tempProject({
      'roles/email-search.json': repoFile('roles/email-search.json'),
      'roles/ingest-writer.json': repoFile('roles/ingest-writer.json'),
    });
    const r = await review(cwd);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('| Decision | **approved with follow-ups** |');
    expect(r.out).toContain('| email-search@default | approved with follow-ups | 0 | 0 | 1 | none |');
    expect(r.out).toContain('| ingest-writer@default | approved with follow-ups | 0 | 0 | 1 | none |');
    expect(r.out).toContain('Not available: not asked (--offline).');
  });

  it('exits 1 with one summary line when changes are required; --out writes the document and prints the summary', async () => {
    const cwd = tempProject({ 'roles/w.json': repoFile('test/fixtures/probes/email-search-write.json') });
    const r = await review(cwd, { out: 'review.json', format: 'json' });
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      'review of 1 identity in default: changes required (0 critical, 3 high, 1 medium); wrote json document to review.json\n',
    );
    const doc = JSON.parse(readFileSync(join(cwd, 'review.json'), 'utf8'));
    expect(doc.decision).toBe('changes_required');
    expect(statSync(join(cwd, 'review.json')).mode & 0o777).toBe(0o644);
  });

  it('--sign-off appends a verifiable review.completed per identity, stamped by the clock', async () => {
    const cwd = tempProject({ 'roles/email-search.json': repoFile('roles/email-search.json') });
    const r = await review(cwd, { signOff: 'Jane Doe' });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /^eskeys: signed off by Jane Doe: 1 review.completed event in .eskeys\/audit.jsonl/,
    );
    expect(await JsonlAuditLog.verify(join(cwd, '.eskeys/audit.jsonl'))).toMatchObject({
      ok: true,
      entries: 1,
    });
    const entry = JSON.parse(readFileSync(join(cwd, '.eskeys/audit.jsonl'), 'utf8'));
    expect(entry.time).toBe('2026-06-01T00:00:00.000Z');
    expect(entry.event).toMatchObject({
      type: 'review.completed',
      template: 'email-search',
      environment: 'default',
      details: { reviewer: 'Jane Doe', decision: 'approved_with_follow_ups' },
    });
    // The next review sees it as evidence and dates the next one from it.
    const again = await review(cwd, { format: 'json' });
    const id = JSON.parse(again.out).identities[0];
    expect(id.evidence.audit.last_review.summary).toBe('approved with follow-ups by Jane Doe');
    expect(id.review_schedule).toMatchObject({ basis: 'last_review', due_at: '2026-07-01T00:00:00.000Z' });
  });

  it('an invalid template is exit 2 before anything is written', async () => {
    const cwd = tempProject({ 'roles/bad.json': '{ "name": "bad", "role_descriptors": 3 }' });
    await expect(review(cwd, { signOff: 'Jane' })).rejects.toMatchObject({ exitCode: 2 });
    expect(() => statSync(join(cwd, '.eskeys/audit.jsonl'))).toThrow();
  });

  it('a document that cannot be written records no sign-off (exit 2, one line)', async () => {
    const cwd = tempProject({ 'roles/email-search.json': repoFile('roles/email-search.json') });
    await expect(review(cwd, { signOff: 'Jane', out: 'missing-dir/review.md' })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^cannot write missing-dir\/review.md: ENOENT/),
    });
    expect(() => statSync(join(cwd, '.eskeys/audit.jsonl'))).toThrow();
  });

  it('--out whose rename fails records no sign-off: the audit entry never exists without its document', async () => {
    const cwd = tempProject({
      'roles/email-search.json': repoFile('roles/email-search.json'),
      // A non-empty directory where the document should go: the temp file is written, the rename fails.
      'review.md/keep': 'x',
    });
    await expect(review(cwd, { signOff: 'Jane', out: 'review.md' })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^cannot write review.md: /),
    });
    expect(() => statSync(join(cwd, '.eskeys/audit.jsonl'))).toThrow();
    expect(readdirSync(cwd).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a sign-off the audit log refuses after the document is in place: partial failure (exit 5) naming the document', async () => {
    const cwd = tempProject({
      'roles/email-search.json': repoFile('roles/email-search.json'),
      // A log whose last line was cut by an interrupted write: readable, but nothing may be appended to it.
      '.eskeys/audit.jsonl': '{"seq":1,"time":"2026-05-01T00:00:00Z"',
    });
    await expect(review(cwd, { signOff: 'Jane', out: 'review.md' })).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringMatching(
        /^wrote review.md, but its sign-off could not be recorded .*incomplete line.*review.md says "signed off by Jane"/,
      ),
    });
    expect(readFileSync(join(cwd, 'review.md'), 'utf8')).toContain('Signed off by **Jane**');
    expect(readFileSync(join(cwd, '.eskeys/audit.jsonl'), 'utf8')).toBe(
      '{"seq":1,"time":"2026-05-01T00:00:00Z"',
    );
  });

  it('an unknown environment is exit 2 with nothing on stderr before the error', async () => {
    const cwd = tempProject({ 'roles/email-search.json': repoFile('roles/email-search.json') });
    const ctx = fakeContext({ cwd });
    await expect(runReview(ctx, { templates: [], format: 'markdown', env: 'nope' })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^unknown environment "nope"/),
    });
    expect(ctx.io.err).toBe('');
  });
});
