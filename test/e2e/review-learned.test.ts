/**
 * `eskeys review` with a learn report as evidence, end to end: an application searches through
 * the built CLI's learning proxy in front of the sandbox; the learned template is then widened
 * by hand with create_doc, and the review marks read "observed" (with the searches counted)
 * and create_doc "not observed" (a medium finding).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { startLearn, tempProject } from './learn-support.js';
import { runCli } from './rotate-support.js';

let sandbox: Sandbox;
const PASSWORD = 'review-learned-e2e-password';

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, elasticPassword: PASSWORD });
  const admin = new Client({ node: sandbox.url, auth: { username: 'elastic', password: PASSWORD } });
  await admin.index({ index: 'mail-2026-05', id: '1', document: { subject: 'hello' }, refresh: true });
  await admin.close();
});
afterAll(async () => {
  await sandbox.close();
});

/** A project whose mail-app template was learned from three searches, then widened with create_doc. */
async function learnedProject(): Promise<string> {
  const dir = tempProject();
  const learn = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'mail-app'], dir);
  const app = new Client({ node: learn.url, auth: { username: 'elastic', password: PASSWORD } });
  for (let n = 0; n < 3; n++) await app.search({ index: 'mail-2026-05', query: { match_all: {} } });
  await app.close();
  const stopped = await learn.stop('SIGINT');
  expect(stopped.code, stopped.stderr).toBe(0);
  const file = join(dir, 'roles/mail-app.json');
  const template = JSON.parse(readFileSync(file, 'utf8'));
  // Elasticsearch: read grants indices:data/read/search (read = indices:data/read/*).
  expect(template.role_descriptors['mail-app'].indices).toEqual([
    { names: ['mail-*'], privileges: ['read'] },
  ]);
  template.role_descriptors['mail-app'].indices[0].privileges = ['read', 'create_doc'];
  template.probes.allow.push('doc.create');
  writeFileSync(file, JSON.stringify(template, null, 2));
  return dir;
}

describe('eskeys review --learned', () => {
  it('marks read observed (3 searches) and create_doc not observed, a medium finding', async () => {
    const dir = await learnedProject();
    const md = await runCli(['review', '--offline', '--learned', 'roles/mail-app.learn-report.json'], dir);
    expect(md.stderr).not.toMatch(/at .*\.js/);
    expect(md.code, md.stderr).toBe(0); // medium findings only: approved with follow-ups
    expect(md.stdout).toContain('#### Observed while learning');
    expect(md.stdout).toContain(
      '| `read` (index) | `mail-*` | observed | `indices:data/read/search` ×3 on `mail-2026-05` |',
    );
    expect(md.stdout).toContain('| `create_doc` (index) | `mail-*` | **not observed** | — |');
    expect(md.stdout).toMatch(
      /Learn report `roles\/mail-app\.learn-report\.json`: written \d{4}-\d\d-\d\dT[\d:]+Z; 3 requests observed/,
    );
    expect(md.stdout).toContain(
      'remove `create_doc` on mail-* from mail-app, or explain why the service needs it',
    );

    // JSON, and the report found beside the template when no --learned is given.
    const json = await runCli(['review', '--offline', '--json'], dir);
    expect(json.code, json.stderr).toBe(0);
    const identity = JSON.parse(json.stdout).identities[0];
    expect(identity.observed_access).toEqual([
      {
        descriptor: 'mail-app',
        scope: 'index',
        privilege: 'read',
        patterns: ['mail-*'],
        required_access: 'observed',
        operations: [
          { action: 'indices:data/read/search', names: ['mail-2026-05'], apis: ['search'], count: 3 },
        ],
      },
      {
        descriptor: 'mail-app',
        scope: 'index',
        privilege: 'create_doc',
        patterns: ['mail-*'],
        required_access: 'not_observed',
        operations: [],
      },
    ]);
    expect(identity.evidence.learned).toMatchObject({
      file: 'roles/mail-app.learn-report.json',
      requests: 3,
      denied: 0,
      privileges_observed: 1,
      privileges_granted: 2,
    });
    expect(identity.findings.filter((f: { code: string }) => f.code === 'learned/not-observed')).toHaveLength(
      1,
    );
  });

  it('a malformed report is exit 2, one line naming the file and field, and nothing written', async () => {
    const dir = await learnedProject();
    const report = JSON.parse(readFileSync(join(dir, 'roles/mail-app.learn-report.json'), 'utf8'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...report, requests: 'lots' }));
    const r = await runCli(['review', '--offline', '--learned', 'bad.json', '--out', 'review.md'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'eskeys: bad.json: /requests: expected a number, got "lots" (not a valid eskeys learn report)\n',
    );
    expect(existsSync(join(dir, 'review.md'))).toBe(false);

    const missing = await runCli(['review', '--offline', '--learned', 'gone.json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('eskeys: --learned gone.json: no such file\n');
  });

  it("another template's report is exit 2 naming both templates", async () => {
    const dir = await learnedProject();
    const report = JSON.parse(readFileSync(join(dir, 'roles/mail-app.learn-report.json'), 'utf8'));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ ...report, template: 'billing' }));
    const r = await runCli(['review', '--offline', '--learned', 'other.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'eskeys: other.json is the learn report of template billing, not of the reviewed template mail-app\n',
    );
  });
});
