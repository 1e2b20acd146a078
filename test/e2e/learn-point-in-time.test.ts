/**
 * `eskeys learn` in front of an exporter that pages with a point in time, through the built CLI.
 * A search with `pit` names no index in its path; Elasticsearch authorizes it on the indices the
 * point in time was opened on (RestSearchAction.preparePointInTime, docs/es-facts.md "Search with
 * a point in time"). Recorded as a search of every index it would teach the template `read` on
 * `*`; learn maps the id to the names of the open request instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { startLearn, statusOf, tempProject } from './learn-support.js';
import { runCli } from './rotate-support.js';

let sandbox: Sandbox;
const PASSWORD = 'learn-pit-e2e-elastic-password';
const DOCS = 45;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, elasticPassword: PASSWORD });
  const admin = new Client({ node: sandbox.url, auth: { username: 'elastic', password: PASSWORD } });
  await admin.bulk({
    refresh: true,
    operations: Array.from({ length: DOCS }, (_, n) => [
      { index: { _index: n % 2 ? 'export-books-2026.11' : 'export-books-2026.12', _id: `b${n}` } },
      { n, title: `book ${n}` },
    ]).flat(),
  });
  // An index the exporter never reads: the learned key must not read it either.
  await admin.index({ index: 'payroll', id: '1', document: { n: 1 }, refresh: true });
  await admin.close();
});
afterAll(async () => {
  await sandbox.close();
});

/** The exporter: opens a point in time, pages through it sorted on `n`, closes it; returns the ids. */
async function exportAll(client: Client): Promise<string[]> {
  const opened = await client.openPointInTime({ index: 'export-books-*', keep_alive: '1m' });
  let id = opened.id;
  const seen: string[] = [];
  let after: (string | number)[] | undefined;
  for (;;) {
    const page = await client.search({
      pit: { id, keep_alive: '1m' },
      sort: [{ n: 'asc' }],
      size: 10,
      ...(after ? { search_after: after } : {}),
    });
    id = page.pit_id ?? id;
    if (page.hits.hits.length === 0) break;
    for (const hit of page.hits.hits) seen.push(hit._id!);
    after = page.hits.hits.at(-1)!.sort as (string | number)[];
  }
  await client.closePointInTime({ id });
  return seen;
}

describe('eskeys learn and points in time', () => {
  it('a point-in-time export learns read on the indices it was opened on, not on every index; the minted key replays it', async () => {
    const dir = tempProject();
    const learn = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'exporter'], dir);
    const app = new Client({ node: learn.url, auth: { username: 'elastic', password: PASSWORD } });
    const expected = Array.from({ length: DOCS }, (_, n) => `b${n}`);
    expect(await exportAll(app)).toEqual(expected);
    await app.close();
    const learned = await learn.stop('SIGINT');
    expect(learned.code, learned.stderr).toBe(0);

    const template = JSON.parse(readFileSync(join(dir, 'roles/exporter.json'), 'utf8'));
    // `read` grants indices:data/read/open_point_in_time and indices:data/read/search
    // (IndexPrivilege READ: indices:data/read/*).
    expect(template.role_descriptors).toEqual({
      exporter: { indices: [{ names: ['export-books-*'], privileges: ['read'] }] },
    });
    const report = JSON.parse(readFileSync(join(dir, 'roles/exporter.learn-report.json'), 'utf8'));
    const search = report.observed.find((o: { action: string }) => o.action === 'indices:data/read/search');
    expect(search).toMatchObject({ names: ['export-books-*'], count: 6 });
    // Closing needs no privilege (RBACEngine grants ClosePointInTimeAction to anyone; the context
    // is checked to belong to the caller): listed, with a reason that says nothing is missing.
    expect(report.unmapped).toEqual([
      {
        method: 'DELETE',
        api: 'close_point_in_time',
        reason:
          '[indices:data/read/close_point_in_time] needs no privilege: Elasticsearch checks that the scroll, point in time or async result belongs to the caller, and the request that opened it was recorded; nothing to grant',
        count: 1,
      },
    ]);

    const lint = await runCli(['lint', 'roles/exporter.json'], dir);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);

    // A key minted from the learned role descriptors runs the same export, and nothing more.
    const admin = new Client({ node: sandbox.url, auth: { username: 'elastic', password: PASSWORD } });
    const key = await admin.security.createApiKey({
      name: 'learned-exporter',
      role_descriptors: template.role_descriptors,
    });
    await admin.close();
    const keyed = new Client({ node: sandbox.url, auth: { apiKey: key.encoded } });
    expect(await exportAll(keyed)).toEqual(expected);
    expect(await statusOf(keyed.search({ index: 'payroll' }))).toBe(403);
    expect(await statusOf(keyed.openPointInTime({ index: 'payroll', keep_alive: '1m' }))).toBe(403);
    expect(await statusOf(keyed.delete({ index: 'export-books-2026.11', id: 'b1' }))).toBe(403);
    await keyed.close();
  }, 60_000);
});
