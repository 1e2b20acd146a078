import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { lintTemplate } from '../../../src/core/lint/lint.js';
import { reviewIdentity } from '../../../src/core/review/build-review.js';
import { parseLearnReport } from '../../../src/core/review/learned.js';
import { learnReportsByTemplate } from '../../../src/core/use-cases/review.js';
import { NO_AUDIT, NOW, SEARCHES_ONLY, template } from './support.js';

/** A template granting read and create_doc on mail-*, with probes for both. */
const mail = template({
  name: 'mail-app',
  description: 'reads and files mail',
  role_descriptors: {
    'mail-app': { indices: [{ names: ['mail-*'], privileges: ['read', 'create_doc'] }] },
  },
  probes: { allow: ['search', 'doc.create'], deny: ['doc.delete', 'index.delete'] },
});

function review(learned?: Parameters<typeof reviewIdentity>[0]['learned']) {
  return reviewIdentity({
    template: mail,
    file: 'roles/mail-app.json',
    environment: 'prod',
    outputs: { envFiles: ['.env'], keyVar: 'ES_API_KEY' },
    lint: lintTemplate(mail, 'roles/mail-app.json'),
    audit: NO_AUDIT,
    records: [],
    cluster: { available: false, reason: 'not asked (--offline)' },
    now: NOW,
    ...(learned ? { learned } : {}),
  });
}

describe('review with a learn report as evidence', () => {
  const learnedAt = new Date('2026-05-20T10:00:00Z');
  const doc = review({
    file: 'roles/mail-app.learn-report.json',
    report: SEARCHES_ONLY,
    writtenAt: learnedAt,
  });

  it('marks read observed (with the operations and counts) and create_doc not observed', () => {
    expect(doc.learned).toEqual({
      file: 'roles/mail-app.learn-report.json',
      writtenAt: learnedAt,
      requests: 12,
      denied: 0,
      unmapped: 0,
      privileges: [
        {
          descriptor: 'mail-app',
          scope: 'index',
          privilege: 'read',
          patterns: ['mail-*'],
          observed: true,
          operations: [
            { action: 'indices:data/read/search', names: ['mail-2026-05'], apis: ['search'], count: 12 },
          ],
        },
        {
          descriptor: 'mail-app',
          scope: 'index',
          privilege: 'create_doc',
          patterns: ['mail-*'],
          observed: false,
          operations: [],
        },
      ],
    });
  });

  it('reports the unused create_doc as a medium finding whose remedy is to remove it or explain why', () => {
    const f = doc.findings.filter((x) => x.code === 'learned/not-observed');
    expect(f).toEqual([
      {
        severity: 'medium',
        code: 'learned/not-observed',
        source: 'evidence',
        message:
          'index privilege `create_doc` on mail-* is granted to mail-app but was never used while learning (roles/mail-app.learn-report.json: 12 requests)',
        remedy: 'remove `create_doc` on mail-* from mail-app, or explain why the service needs it',
      },
    ]);
    expect(doc.followUps).toContain(
      'remove `create_doc` on mail-* from mail-app, or explain why the service needs it',
    );
  });

  it('an observed name outside the grant patterns is not evidence for the grant', () => {
    const other = review({
      file: 'r.json',
      report: { ...SEARCHES_ONLY, observed: [{ ...SEARCHES_ONLY.observed[0]!, names: ['logs-1'] }] },
    });
    expect(other.learned?.privileges.map((p) => [p.privilege, p.observed])).toEqual([
      ['read', false],
      ['create_doc', false],
    ]);
  });

  it('without a report there is no learned section and no learned finding', () => {
    const none = review();
    expect(none.learned).toBeUndefined();
    expect(none.findings.some((f) => f.code.startsWith('learned/'))).toBe(false);
  });
});

describe('parseLearnReport', () => {
  it('reads what eskeys learn writes', () => {
    expect(parseLearnReport(JSON.stringify(SEARCHES_ONLY), 'roles/mail-app.learn-report.json')).toEqual(
      SEARCHES_ONLY,
    );
  });

  it.each([
    ['{', 'roles/x.learn-report.json: not valid JSON ('],
    ['[]', 'roles/x.learn-report.json: /: expected an eskeys learn report (object), got an array'],
    [
      JSON.stringify({ ...SEARCHES_ONLY, requests: 'many' }),
      'roles/x.learn-report.json: /requests: expected a number, got "many" (not a valid eskeys learn report)',
    ],
    [
      JSON.stringify({ ...SEARCHES_ONLY, observed: [{ ...SEARCHES_ONLY.observed[0], count: -1 }] }),
      'roles/x.learn-report.json: /observed/0/count: ',
    ],
    [
      // A template is not a learn report.
      JSON.stringify({ name: 'mail-app', role_descriptors: {} }),
      'roles/x.learn-report.json: /: missing required field "template" (not a valid eskeys learn report)',
    ],
  ])('%s → one-line ConfigError', (text, start) => {
    let error: unknown;
    try {
      parseLearnReport(text, 'roles/x.learn-report.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.startsWith(start)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('learnReportsByTemplate', () => {
  const reviewed = [{ template: mail }];
  const input = (file: string, name: string) => ({ file, report: { ...SEARCHES_ONLY, template: name } });

  it('pairs each report with its template by name', () => {
    const byName = learnReportsByTemplate(reviewed, [input('a.json', 'mail-app')]);
    expect([...byName.keys()]).toEqual(['mail-app']);
    expect(byName.get('mail-app')?.file).toBe('a.json');
  });

  it('a report of another template is a ConfigError naming both', () => {
    expect(() => learnReportsByTemplate(reviewed, [input('b.json', 'billing')])).toThrow(
      new ConfigError(
        'b.json is the learn report of template billing, not of the reviewed template mail-app',
      ),
    );
  });

  it('two reports of one template are a ConfigError naming both files', () => {
    expect(() =>
      learnReportsByTemplate(reviewed, [input('a.json', 'mail-app'), input('b.json', 'mail-app')]),
    ).toThrow(new ConfigError('a.json and b.json are both learn reports of mail-app: pass one'));
  });
});
