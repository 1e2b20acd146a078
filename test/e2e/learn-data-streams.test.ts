/**
 * `eskeys learn` in front of an ingest application that writes to data streams, through the
 * built CLI: the learned template must carry `auto_configure` beside `create_doc`, because
 * Elasticsearch updates a stream's mappings (`indices:admin/mapping/auto_put`) for a document with
 * a new field and `create_doc` does not grant that on data streams. Facts: docs/es-facts.md
 * "Learn: writes to data streams".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { startLearn, tempProject, textsUnder } from './learn-support.js';
import { runCli } from './rotate-support.js';

let sandbox: Sandbox;
const PASSWORD = 'learn-ds-e2e-elastic-password';

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, elasticPassword: PASSWORD });
  const admin = new Client({ node: sandbox.url, auth: { username: 'elastic', password: PASSWORD } });
  // The admin's index template makes every logs-app-* name a data stream on first write.
  await admin.indices.putIndexTemplate({
    name: 'logs-app',
    index_patterns: ['logs-app-*'],
    data_stream: {},
    priority: 200,
  });
  await admin.close();
});
afterAll(async () => {
  await sandbox.close();
});

/**
 * What the shipper does: bulk-creates, then creates single documents, each with a field the
 * stream has not mapped yet (named after the run), into `stream` (auto-created on first write).
 */
async function shipperTraffic(client: Client, stream: string, run: string): Promise<number[]> {
  const statuses: number[] = [];
  const at = '2026-12-06T14:00:00.000Z';
  const bulk = await client.bulk(
    {
      operations: [
        { create: { _index: stream } },
        { '@timestamp': at, [`${run}_bulk_a`]: 'one' },
        { create: { _index: stream } },
        { '@timestamp': at, [`${run}_bulk_b`]: 2 },
      ],
    },
    { meta: true },
  );
  statuses.push(bulk.statusCode ?? 0, ...bulk.body.items.map((i) => i.create?.status ?? 0));
  const indexed = await client.index(
    { index: stream, document: { '@timestamp': at, [`${run}_doc`]: 'three' } },
    { meta: true },
  );
  statuses.push(indexed.statusCode ?? 0);
  const created = await client.create(
    { index: stream, id: `${run}-4`, document: { '@timestamp': at, [`${run}_create`]: true } },
    { meta: true },
  );
  statuses.push(created.statusCode ?? 0);
  return statuses;
}

describe('eskeys learn against data streams', () => {
  it('writes that land in a data stream → create_doc + auto_configure; a key minted from it replays new fields and verifies', async () => {
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', sandbox.url, '--port', '0', '--name', 'logs-app', '--pattern', 'logs-app-*'],
      dir,
    );
    const app = new Client({ node: learn.url, auth: { username: 'elastic', password: PASSWORD } });
    const statuses = await shipperTraffic(app, 'logs-app-default', 'learn');
    await app.close();
    expect(statuses).toEqual([200, 201, 201, 201, 201]);
    const learned = await learn.stop('SIGINT');
    expect(learned.stderr).not.toMatch(/error|at .*\.js/i);
    expect(learned.code).toBe(0);

    const template = JSON.parse(readFileSync(join(dir, 'roles/logs-app.json'), 'utf8'));
    // Elasticsearch: create_doc grants indices:data/write/index:op_type/create; auto_configure
    // grants indices:admin/mapping/auto_put and indices:admin/auto_create (IndexPrivilege
    // AUTO_CONFIGURE_AUTOMATON); Fleet's agent keys carry the same pair for data streams.
    expect(template.role_descriptors).toEqual({
      'logs-app': { indices: [{ names: ['logs-app-*'], privileges: ['auto_configure', 'create_doc'] }] },
    });
    expect(template.probes.allow).toEqual(['doc.create']);
    const report = JSON.parse(readFileSync(join(dir, 'roles/logs-app.learn-report.json'), 'utf8'));
    const autoPut = report.observed.find(
      (o: { action: string }) => o.action === 'indices:admin/mapping/auto_put',
    );
    expect(autoPut.privilege).toBe('auto_configure');
    expect(autoPut.why).toMatch(
      /^writes landed in data stream logs-app-default \(backing index \.ds-logs-app-default-\d{4}\.\d{2}\.\d{2}-000001\): Elasticsearch updates its mappings with indices:admin\/mapping\/auto_put, which create_doc does not grant on data streams/,
    );
    expect(learned.stdout).toContain(
      '| `indices:admin/mapping/auto_put` | `logs-app-default` | 4 | `auto_configure` |',
    );

    const lint = await runCli(['lint', 'roles/logs-app.json'], dir);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).toContain('0 errors, 0 warnings');

    // As review evidence the learned report shows auto_configure used (the mapping updates the
    // writes caused), so review does not call it granted-and-never-used.
    const review = await runCli(['review', '--offline', '--json'], dir);
    expect(review.code, review.stderr).toBe(0);
    const identity = JSON.parse(review.stdout).identities[0];
    expect(
      identity.observed_access.map((a: { privilege: string; required_access: string }) => [
        a.privilege,
        a.required_access,
      ]),
    ).toEqual([
      ['auto_configure', 'observed'],
      ['create_doc', 'observed'],
    ]);
    expect(identity.findings.filter((f: { code: string }) => f.code === 'learned/not-observed')).toEqual([]);

    // A key minted from the learned role descriptors replays the shipper with new fields, into the
    // learned stream and into a stream it creates, with only 2xx answers.
    const admin = new Client({ node: sandbox.url, auth: { username: 'elastic', password: PASSWORD } });
    const key = await admin.security.createApiKey({
      name: 'learned-ingest',
      role_descriptors: template.role_descriptors,
    });
    await admin.close();
    const keyed = new Client({ node: sandbox.url, auth: { apiKey: key.encoded } });
    expect(await shipperTraffic(keyed, 'logs-app-default', 'replay')).toEqual([200, 201, 201, 201, 201]);
    expect(await shipperTraffic(keyed, 'logs-app-newstream', 'replay')).toEqual([200, 201, 201, 201, 201]);
    await keyed.close();

    // eskeys mints and verifies the learned template: the allow doc.create probe writes a new
    // field into a probe data stream, which passes only with auto_configure.
    const env = { ESKEYS_URL: sandbox.url, ESKEYS_USERNAME: 'elastic', ESKEYS_PASSWORD: PASSWORD };
    const created = await runCli(['create', '--template', 'logs-app', '--yes'], dir, env);
    expect(created.code, created.stdout + created.stderr).toBe(0);
    const verify = await runCli(['verify', '-t', 'logs-app', '--json'], dir, env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const rows = JSON.parse(verify.stdout).results as { probe: string; verdict: string; got: string }[];
    expect(rows.find((r) => r.probe === 'allow doc.create')).toMatchObject({ verdict: 'pass', got: '201' });

    // Nothing secret anywhere: not the password, the Basic header, either key or its parts.
    const minted = /^ELASTICSEARCH_API_KEY=(.+)$/m.exec(readFileSync(join(dir, '.env'), 'utf8'))?.[1];
    expect(minted).toBeDefined();
    const basic = Buffer.from(`elastic:${PASSWORD}`).toString('base64');
    const outputs = [
      learned.stdout,
      learned.stderr,
      lint.stdout,
      created.stdout,
      created.stderr,
      verify.stdout,
      verify.stderr,
    ];
    for (const s of [PASSWORD, basic, key.api_key, key.encoded, minted!])
      for (const text of outputs) expect(text.includes(s)).toBe(false);
    const files = textsUnder(dir).filter((t) => !t.includes(`ELASTICSEARCH_API_KEY=${minted}`));
    for (const s of [PASSWORD, basic, key.api_key, key.encoded, minted!])
      for (const text of files) expect(text.includes(s)).toBe(false);
  }, 120_000);
  it('single-document creates alone (no _bulk) are read from their answers: create_doc + auto_configure', async () => {
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', sandbox.url, '--port', '0', '--name', 'single', '--json'],
      dir,
    );
    const app = new Client({ node: learn.url, auth: { username: 'elastic', password: PASSWORD } });
    const at = '2026-12-06T14:00:00.000Z';
    const indexed = await app.index({ index: 'logs-app-single', document: { '@timestamp': at, a: 1 } });
    const created = await app.create({
      index: 'logs-app-single',
      id: 'x',
      document: { '@timestamp': at, b: 2 },
    });
    await app.close();
    // The answers name the backing index the documents went to (DataStream backing index names).
    expect(indexed._index).toMatch(/^\.ds-logs-app-single-\d{4}\.\d{2}\.\d{2}-000001$/);
    expect(created._index).toBe(indexed._index);
    const done = await learn.stop('SIGTERM');
    expect(done.code, done.stderr).toBe(0);
    const template = JSON.parse(readFileSync(join(dir, 'roles/single.json'), 'utf8'));
    expect(template.role_descriptors).toEqual({
      single: { indices: [{ names: ['logs-app-single'], privileges: ['auto_configure', 'create_doc'] }] },
    });
    const report = JSON.parse(done.stdout);
    expect(
      report.observed.map((o: { action: string; apis: string[]; count: number }) => [
        o.action,
        o.apis,
        o.count,
      ]),
    ).toEqual([
      ['indices:data/write/index:op_type/create', ['create', 'index'], 2],
      ['indices:admin/mapping/auto_put', ['create', 'index'], 2],
    ]);
    expect(report.observed[1].why).toContain(`(backing index ${indexed._index})`);
  }, 60_000);
});
