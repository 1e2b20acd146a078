import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, screenshot } from '../support/chromium.js';
import {
  activeOrExternal,
  all,
  attr,
  bodyRows,
  classes,
  type Element,
  headers,
  parseReport,
  text,
} from '../support/html-report.js';
import { colourCounts, decodePng } from '../support/png.js';
import {
  ADMIN_PASSWORD,
  makeProject,
  readProjectFile,
  runCli,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();

const freshEnv = () => `h${Math.random().toString(36).slice(2, 8)}`;

/** A project with the shipped email-search template and the `write` one, and an environment. */
function project(env: string): string {
  const dir = makeProject(sb, {
    files: { '.env': 'PORT=8080\n', 'eskeys.config.json': { environments: { [env]: {} } } },
  });
  writeTemplate(dir, 'test/fixtures/probes/email-search-write.json', {
    outputs: { env_files: ['.env'], key_var: 'WRITER_ES_API_KEY' },
  });
  return dir;
}

/** The table whose caption is `caption`. */
function tableNamed(root: Element | ReturnType<typeof parseReport>['root'], caption: string): Element {
  const found = all(root, 'table').find((t) => all(t, 'caption').some((c) => text(c) === caption));
  if (!found) throw new Error(`no table "${caption}"`);
  return found;
}

interface ReviewJson {
  counts: { critical: number; high: number; medium: number };
  identities: {
    required: unknown[];
    not_required: unknown[];
    findings: { severity: string; code: string }[];
    evidence: { live: { results: { probe: string; verdict: string }[] } | null };
  }[];
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2 };

describe('eskeys review --format html (built CLI against the sandbox)', { timeout: 120_000 }, () => {
  it('--live --out: one page with the decision, findings by severity and coloured access; names from users are inert text', async () => {
    const env = freshEnv();
    const dir = project(env);
    // Free text from the template's author and from whoever creates a key reaches the page.
    writeTemplate(dir, 'roles/email-search.json', { description: '<script>alert("purpose")</script>' });
    const create = await runCli(['create', '-t', 'email-search', '--env', env], dir);
    expect(create.code, create.stderr).toBe(0);
    const status = await runCli(['status', '--env', env, '--json'], dir);
    const activeId = (JSON.parse(status.stdout).keys as { id: string; state: string }[]).find(
      (k) => k.state === 'active',
    )!.id;
    const real = (
      (await sb.admin('GET', `/_security/api_key?id=${activeId}`)).body as {
        api_keys: { metadata: Record<string, unknown> }[];
      }
    ).api_keys[0]!;
    // A managed-looking key minted by hand without role descriptors (critical: it holds its
    // owner's privileges), named and attributed with markup.
    const forged = await sb.admin('POST', '/_security/api_key', {
      name: '<script>alert(1)</script>',
      metadata: {
        ...real.metadata,
        generation: 2,
        state: 'active',
        created_by: '<img src=x onerror=alert(2)>@host',
        rotation_id: 'r-forged',
      },
    });
    expect(forged.status, JSON.stringify(forged.body)).toBe(200);
    const minted = forged.body as { encoded: string; api_key: string };
    sb.secrets.push(minted.encoded, minted.api_key);

    const r = await runCli(
      ['review', '-t', 'email-search', '--env', env, '--live', '--format', 'html', '--out', 'review.html'],
      dir,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `^review of 1 identity in ${env}: changes required \\(\\d+ critical, \\d+ high, \\d+ medium\\); wrote html document to review.html\\n$`,
      ),
    );
    expect(statSync(join(dir, 'review.html')).mode & 0o777).toBe(0o644);
    const page = readProjectFile(dir, 'review.html');
    for (const secret of sb.secrets) expect(page.includes(secret)).toBe(false);
    expect(page).not.toContain(ADMIN_PASSWORD);
    expect(page).not.toMatch(/<script|<img/i);

    const { root, errors } = parseReport(page);
    expect(errors).toEqual([]);
    expect(activeOrExternal(root)).toEqual([]);
    expect(text(all(root, 'title')[0]!)).toBe(`eskeys review: ${env}`);
    expect(text(all(root, 'h1')[0]!)).toBe(`Least-privilege review: environment ${env}`);
    for (const th of all(root, 'th')) expect(['col', 'row']).toContain(attr(th, 'scope'));

    // The same facts as the JSON document of the same review.
    const json = JSON.parse(
      (await runCli(['review', '-t', 'email-search', '--env', env, '--live', '--json'], dir)).stdout,
    ) as ReviewJson;
    const identity = json.identities[0]!;

    // Findings by severity: every finding once, most severe first, each with its badge in words.
    const findings = tableNamed(root, 'All findings, most severe first');
    expect(headers(findings)).toEqual(['severity', 'identity', 'finding', 'what to do']);
    const rows = bodyRows(findings);
    expect(rows).toHaveLength(identity.findings.length);
    const severities = rows.map((cells) => text(cells[0]!));
    expect(severities).toEqual([...severities].sort((a, b) => SEVERITY_RANK[a]! - SEVERITY_RANK[b]!));
    expect(severities.filter((s) => s === 'critical')).toHaveLength(json.counts.critical);
    expect(severities.filter((s) => s === 'high')).toHaveLength(json.counts.high);
    expect(severities.filter((s) => s === 'medium')).toHaveLength(json.counts.medium);
    expect(rows.map((cells) => text(cells[2]!))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\(cluster\/no-role-descriptors\)$/)]),
    );
    expect(text(rows[0]![0]!)).toBe('critical');
    expect(classes(all(rows[0]![0]!, 'span')[0]!)).toEqual(['sev', 'sev-critical']);

    // Access required: one row per allow probe, granted as expected.
    const required = tableNamed(root, 'Operations the service needs (allow probes)');
    expect(bodyRows(required)).toHaveLength(identity.required.length);
    for (const cells of bodyRows(required)) {
      expect(classes(cells[3]!)).toEqual(['expected']);
      expect(text(cells[3]!)).toMatch(/^✓ /);
    }
    const notRequired = tableNamed(root, 'Operations the key must not perform (deny probes)');
    expect(bodyRows(notRequired)).toHaveLength(identity.not_required.length);
    for (const cells of bodyRows(notRequired)) expect(text(cells[3]!)).toBe('✗ no');

    // The live run: one row per probe, each verdict coloured and said.
    const live = tableNamed(root, 'Live probe results');
    const results = identity.evidence.live!.results;
    expect(bodyRows(live).map((cells) => text(cells[0]!))).toEqual(results.map((x) => x.probe));
    for (const cells of bodyRows(live)) {
      expect(text(cells[6]!)).toBe('✓ pass');
      expect(classes(cells[6]!)).toEqual(['expected']);
      expect(classes(cells[3]!)).toEqual(text(cells[0]!).startsWith('allow ') ? ['allowed'] : ['denied']);
    }

    // The forged key: its name and creator are shown as text, its missing descriptors flagged.
    const managed = tableNamed(root, 'Managed keys');
    const forgedRow = bodyRows(managed).find((cells) => text(cells[0]!) === '<script>alert(1)</script>')!;
    expect(forgedRow).toBeDefined();
    expect(text(forgedRow[8]!)).toBe('<img src=x onerror=alert(2)>@host');
    expect(classes(forgedRow[4]!)).toEqual(['unexpected']);
    expect(text(forgedRow[4]!)).toBe('! none: inherits its owner’s');
    const purpose = bodyRows(
      all(root, 'table').find((t) => classes(t).includes('facts') && text(t).includes('Purpose'))!,
    ).find((cells) => text(cells[0]!) === 'Purpose')!;
    expect(text(purpose[1]!)).toBe('<script>alert("purpose")</script>');
  });

  it('offline, to stdout: a template granting `write` shows the forbidden access it grants as unexpected', async () => {
    const env = freshEnv();
    const dir = project(env);
    const r = await runCli(
      ['review', '-t', 'email-search-write', '--env', env, '--offline', '--format', 'html'],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^eskeys: review of 1 identity in \S+: changes required/);
    const { root, errors } = parseReport(r.stdout);
    expect(errors).toEqual([]);
    expect(activeOrExternal(root)).toEqual([]);
    const notRequired = tableNamed(root, 'Operations the key must not perform (deny probes)');
    const docDelete = bodyRows(notRequired).find((cells) => text(cells[0]!).endsWith('(doc.delete)'))!;
    expect(classes(docDelete[3]!)).toEqual(['unexpected']);
    expect(text(docDelete[3]!)).toBe('! YES: write on gmail_emails-*');
    const decision = all(root, 'span').find((s) => classes(s).includes('decision'))!;
    expect(text(decision)).toBe('changes required');
    expect(text(all(root, 'section').find((s) => classes(s).includes('signoff'))!)).toMatch(/Reviewer: _+/);
  });

  it.skipIf(!hasChromium)(
    'renders in headless Chromium to a page that is not blank: decision, severities and access colours are on it',
    async () => {
      const env = freshEnv();
      const dir = project(env);
      const r = await runCli(
        [
          'review',
          '-t',
          'email-search-write',
          '--env',
          env,
          '--offline',
          '--format',
          'html',
          '--out',
          'review.html',
        ],
        dir,
      );
      expect(r.code).toBe(1);
      const png = decodePng(await screenshot(join(dir, 'review.html'), { width: 1200, height: 4000 }));
      const colours = colourCounts(png);
      expect(colours.size).toBeGreaterThan(20);
      // Backgrounds of src/cli/render/html.ts (REPORT_COLOURS).
      for (const [what, hex, least] of [
        ['expected', '#c9ecd2', 2_000],
        ['unexpected', '#f9c8c8', 2_000],
        ['high severity badge', '#e8710a', 200],
      ] as const)
        expect(colours.get(hex) ?? 0, `${what} ${hex}`).toBeGreaterThan(least);
    },
  );
  if (!hasChromium) console.log(`review-html: ${CHROMIUM} is not installed; the rendering test is skipped`);
});
