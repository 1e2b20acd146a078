import { describe, expect, it } from 'vitest';
import { code, escapeHtml, html, htmlPage, table } from '../../../src/cli/render/html.js';
import { renderReviewHtml } from '../../../src/cli/render/review-html.js';
import { lintTemplate } from '../../../src/core/lint/lint.js';
import { reviewDocument, reviewIdentity } from '../../../src/core/review/build-review.js';
import {
  activeOrExternal,
  all,
  attr,
  bodyRows,
  classes,
  parseReport,
  text,
} from '../../support/html-report.js';
import { NO_AUDIT, NOW, SEARCHES_ONLY, template } from '../review/support.js';

describe('html building blocks', () => {
  it.each([
    ['markup', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['attribute quotes', `" onmouseover='x'`, '&quot; onmouseover=&#39;x&#39;'],
    ['entities', 'a&b', 'a&amp;b'],
    // The terminal and Markdown renderers show control characters the same way.
    ['control characters', 'key\u001b[2J\nname', 'key\\u001b[2J\\u000aname'],
  ])('escapeHtml: %s', (_name, input, escaped) => {
    expect(escapeHtml(input)).toBe(escaped);
  });

  it('html escapes every interpolated string, keeps markup it built, and drops false/undefined', () => {
    const name = '<b>x</b>';
    expect(html`<p>${name} ${html`<em>${name}</em>`} ${false}${undefined}${3}</p>`.text).toBe(
      '<p>&lt;b&gt;x&lt;/b&gt; <em>&lt;b&gt;x&lt;/b&gt;</em> 3</p>',
    );
    expect(html`${['<', html`<br>`, '>']}`.text).toBe('&lt;<br>&gt;');
  });

  it('code wraps after / : . and , only, never inside an escape', () => {
    expect(code('indices:data/read/search').text).toBe(
      '<code>indices:<wbr>data/<wbr>read/<wbr>search</code>',
    );
    expect(code('gmail_emails-*').text).toBe('<code>gmail_emails-*</code>');
    expect(code('<x>.y').text).toBe('<code>&lt;x&gt;.<wbr>y</code>');
  });

  it('table: column headers scoped col, the first cell of a row scoped row, classes on cells', () => {
    const page = htmlPage(
      't',
      table({
        caption: 'c',
        header: ['a', 'b'],
        rows: [['<1>', { content: 'yes', className: 'expected' }]],
        rowHeader: true,
      }),
    );
    const { root, errors } = parseReport(page);
    expect(errors).toEqual([]);
    const t = all(root, 'table')[0]!;
    expect(all(t, 'th').map((th) => [text(th), attr(th, 'scope')])).toEqual([
      ['a', 'col'],
      ['b', 'col'],
      ['<1>', 'row'],
    ]);
    const [header, cell] = bodyRows(t)[0]!;
    expect(header!.tagName).toBe('th');
    expect(classes(cell!)).toEqual(['expected']);
    expect(activeOrExternal(root)).toEqual([]);
  });
});

describe('review page', () => {
  /** Reads and files mail; a learn report saw searches only. */
  const mail = template({
    name: 'mail-app',
    description: 'reads <i>and</i> files mail',
    role_descriptors: {
      'mail-app': { indices: [{ names: ['mail-*'], privileges: ['read', 'create_doc'] }] },
    },
    probes: { allow: ['search', 'doc.create'], deny: ['doc.delete', 'index.delete'] },
  });
  const identity = reviewIdentity({
    template: mail,
    file: 'roles/mail-app.json',
    environment: 'prod',
    outputs: { envFiles: ['.env'], keyVar: 'ES_API_KEY' },
    lint: lintTemplate(mail, 'roles/mail-app.json'),
    audit: NO_AUDIT,
    records: [],
    cluster: { available: false, reason: 'not asked (--offline)' },
    now: NOW,
    learned: {
      file: 'roles/mail-app.learn-report.json',
      writtenAt: new Date('2026-05-20T10:00:00Z'),
      report: SEARCHES_ONLY,
    },
  });
  const page = renderReviewHtml(
    reviewDocument([identity], { generatedAt: NOW, environment: 'prod', generatedBy: 'ops@host' }),
  );
  const { root, errors } = parseReport(page);

  it('is one well-formed page with nothing active or external', () => {
    expect(errors).toEqual([]);
    expect(activeOrExternal(root)).toEqual([]);
    expect(page).not.toContain('<i>');
  });

  it('shows the learned evidence: read observed (12 searches on mail-2026-05), create_doc not observed', () => {
    const learned = all(root, 'table').find(
      (t) => text(all(t, 'caption')[0] ?? t) === 'Observed while learning',
    )!;
    expect(
      bodyRows(learned).map((cells) => [
        text(cells[0]!),
        text(cells[2]!),
        classes(cells[2]!),
        text(cells[3]!),
      ]),
    ).toEqual([
      ['read (index)', '✓ observed', ['expected'], 'indices:data/read/search ×12 on mail-2026-05'],
      ['create_doc (index)', '! not observed', ['unexpected'], '—'],
    ]);
  });

  it('lists the medium finding with its badge, and the decision in words', () => {
    const findings = all(root, 'table').find(
      (t) => text(all(t, 'caption')[0] ?? t) === 'All findings, most severe first',
    )!;
    const codes = bodyRows(findings).map((cells) => [
      text(cells[0]!),
      text(cells[2]!).match(/\(([^ ]+)\)$/)?.[1],
    ]);
    expect(codes).toContainEqual(['medium', 'learned/not-observed']);
    expect(
      all(root, 'span')
        .filter((s) => classes(s).includes('decision'))
        .map(text)[0],
    ).toBe('approved with follow-ups');
  });
});
