/**
 * `eskeys learn` end to end: the official client acts as an application through the built CLI's
 * recording proxy in front of the sandbox; the learned template is then minted into a key that
 * replays the same traffic (only 2xx) and is refused document and index deletes.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { filesUnder, startLearn, statusOf, tempProject, textsUnder } from './learn-support.js';
import { runCli } from './rotate-support.js';

let sandbox: Sandbox;
const PASSWORD = 'learn-e2e-elastic-password';

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, elasticPassword: PASSWORD });
});
afterAll(async () => {
  await sandbox.close();
});

/** What the application does: create mail into monthly indices, bulk-create, search, get, read the mapping. */
async function appTraffic(client: Client, run: string): Promise<number[]> {
  const statuses: number[] = [];
  const meta = async <T>(p: Promise<{ statusCode: number | null; body: T }>) => {
    const r = await p;
    statuses.push(r.statusCode ?? 0);
    return r.body;
  };
  await meta(
    client.create(
      { index: 'gmail_emails-2025-10', id: `${run}-1`, document: { subject: 'hello' } },
      { meta: true },
    ),
  );
  await meta(
    client.create(
      { index: 'gmail_emails-2025-11', id: `${run}-2`, document: { subject: 'again' } },
      { meta: true },
    ),
  );
  await meta(
    client.bulk(
      {
        operations: [
          { create: { _index: 'gmail_emails-2025-11', _id: `${run}-3` } },
          { subject: 'bulk one' },
          { create: { _index: 'gmail_emails-2025-10', _id: `${run}-4` } },
          { subject: 'bulk two' },
        ],
      },
      { meta: true },
    ),
  );
  await meta(client.search({ index: 'gmail_emails-*', query: { match_all: {} } }, { meta: true }));
  await meta(client.get({ index: 'gmail_emails-2025-10', id: `${run}-1` }, { meta: true }));
  await meta(client.indices.getMapping({ index: 'gmail_emails-2025-11' }, { meta: true }));
  await meta(client.indices.exists({ index: 'gmail_emails-2025-10' }, { meta: true }));
  return statuses;
}

describe('eskeys learn', () => {
  it('learns create_doc/read/view_index_metadata on gmail_emails-*; a key minted from it replays the traffic and is refused deletes', async () => {
    const dir = tempProject();
    const learn = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'mail-app'], dir);
    const app = new Client({ node: learn.url, auth: { username: 'elastic', password: PASSWORD } });
    const statuses = await appTraffic(app, 'learn');
    await app.close();
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    const first = await learn.stop('SIGINT');
    expect(first.stderr).not.toMatch(/error|at .*\.js/i);
    expect(first.code).toBe(0);

    const template = JSON.parse(readFileSync(join(dir, 'roles/mail-app.json'), 'utf8'));
    // Elasticsearch privileges: create_doc grants indices:data/write/index:op_type/create (creates
    // only, no overwrite); read grants indices:data/read/*; view_index_metadata grants
    // indices:admin/mappings/get and indices:admin/get (the HEAD exists check).
    expect(template.role_descriptors).toEqual({
      'mail-app': {
        indices: [{ names: ['gmail_emails-*'], privileges: ['create_doc', 'read', 'view_index_metadata'] }],
      },
    });
    expect(template.probes).toEqual({
      allow: ['search', 'doc.get', 'doc.create', 'index.get_mapping'],
      deny: [
        'doc.delete',
        'delete_by_query',
        'index.delete',
        'index.put_settings',
        'aliases.update',
        'cluster.put_settings',
        'security.create_api_key',
        'security.invalidate_api_key',
      ],
    });
    expect(first.stdout).toContain(
      '| `indices:data/write/index:op_type/create` | `gmail_emails-2025-10` | 2 | `create_doc` |',
    );

    const lint = await runCli(['lint', 'roles/mail-app.json'], dir);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toContain('0 errors, 0 warnings');

    // eskeys itself mints from it: every allow and deny probe of the learned template passes.
    const created = await runCli(['create', '--template', 'mail-app', '--yes'], dir, {
      ESKEYS_URL: sandbox.url,
      ESKEYS_USERNAME: 'elastic',
      ESKEYS_PASSWORD: PASSWORD,
    });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('permission matrix (12 probes, all passed)');

    // Mint a key from the learned role descriptors (as elastic, the sandbox's superuser).
    const admin = new Client({ node: sandbox.url, auth: { username: 'elastic', password: PASSWORD } });
    const key = await admin.security.createApiKey({
      name: 'learned-key',
      role_descriptors: template.role_descriptors,
    });
    await admin.close();

    // The key replays the same traffic through a second learning session (the template exists:
    // mail-app.learned.json and a diff), with only 2xx, and is refused deletes.
    const second = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'mail-app'], dir);
    const keyed = new Client({ node: second.url, auth: { apiKey: key.encoded } });
    const replay = await appTraffic(keyed, 'replay');
    expect(replay).toEqual([201, 201, 200, 200, 200, 200, 200]);
    expect(await statusOf(keyed.delete({ index: 'gmail_emails-2025-10', id: 'replay-1' }))).toBe(403);
    expect(await statusOf(keyed.indices.delete({ index: 'gmail_emails-2025-10' }))).toBe(403);
    await keyed.close();
    const again = await second.stop('SIGTERM');
    expect(again.code).toBe(0);

    const relearned = JSON.parse(readFileSync(join(dir, 'roles/mail-app.learned.json'), 'utf8'));
    expect(relearned.role_descriptors).toEqual(template.role_descriptors);
    expect(JSON.parse(readFileSync(join(dir, 'roles/mail-app.json'), 'utf8'))).toEqual(template);
    expect(again.stdout).toContain('roles/mail-app.json → learned');
    // The learned proposal is not a template in force: folder listings (lint, tick, status) skip
    // it, or a tick would rotate a second key of the same name into the same env file.
    const folder = await runCli(['lint'], dir);
    expect(folder.code).toBe(0);
    expect(folder.stdout).toContain('1 template linted, 0 errors');
    expect(folder.stdout + folder.stderr).not.toContain('mail-app.learned');
    const report = JSON.parse(readFileSync(join(dir, 'roles/mail-app.learn-report.json'), 'utf8'));
    expect(report.denied.map((d: { action: string; names: string[] }) => [d.action, d.names])).toEqual([
      ['indices:admin/delete', ['gmail_emails-2025-10']],
      ['indices:data/write/delete', ['gmail_emails-2025-10']],
    ]);

    // Nothing secret anywhere: not the password, the Basic header, the key or its parts.
    const basic = Buffer.from(`elastic:${PASSWORD}`).toString('base64');
    const secrets = [PASSWORD, basic, key.api_key, key.encoded];
    const outputs = [first.stdout, first.stderr, again.stdout, again.stderr, ...textsUnder(dir)];
    for (const s of secrets) for (const text of outputs) expect(text.includes(s)).toBe(false);
  });

  it('a bulk item the credentials may not write is reported denied, not granted, though the bulk answered 200', async () => {
    const admin = new Client({ node: sandbox.url, auth: { username: 'elastic', password: PASSWORD } });
    await admin.indices.create({ index: 'orders-eu' });
    await admin.indices.create({ index: 'orders-us' });
    const key = await admin.security.createApiKey({
      name: 'eu-writer',
      role_descriptors: { eu: { indices: [{ names: ['orders-eu'], privileges: ['create_doc'] }] } },
    });
    await admin.close();
    const dir = tempProject();
    const learn = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'orders'], dir);
    const app = new Client({ node: learn.url, auth: { apiKey: key.encoded } });
    const res = await app.bulk({
      operations: [
        { create: { _index: 'orders-eu' } },
        { n: 1 },
        { create: { _index: 'orders-us' } },
        { n: 2 },
      ],
    });
    await app.close();
    // Elasticsearch authorizes bulk items per shard: the orders-us item fails with 403 while the
    // bulk itself answers 200 with errors: true.
    expect(res.errors).toBe(true);
    expect(res.items.map((i) => i.create?.status)).toEqual([201, 403]);
    const done = await learn.stop();
    expect(done.code).toBe(0);
    const template = JSON.parse(readFileSync(join(dir, 'roles/orders.json'), 'utf8'));
    expect(template.role_descriptors).toEqual({
      orders: { indices: [{ names: ['orders-eu'], privileges: ['create_doc'] }] },
    });
    const report = JSON.parse(readFileSync(join(dir, 'roles/orders.learn-report.json'), 'utf8'));
    expect(report.denied).toEqual([
      { action: 'indices:data/write/index:op_type/create', names: ['orders-us'], apis: ['bulk'], count: 1 },
    ]);
    for (const text of [done.stdout, done.stderr, ...textsUnder(dir)]) {
      expect(text.includes(key.encoded)).toBe(false);
      expect(text.includes(key.api_key)).toBe(false);
    }
  });

  it('an application that reads GET / gets monitor with a cluster.info allow probe, which the key passes and review accepts', async () => {
    const dir = tempProject();
    const learn = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'pinger'], dir);
    const app = new Client({ node: learn.url, auth: { username: 'elastic', password: PASSWORD } });
    expect((await app.info()).version.number).toMatch(/^\d+\.\d+\.\d+/);
    await app.close();
    expect((await learn.stop()).code).toBe(0);
    const template = JSON.parse(readFileSync(join(dir, 'roles/pinger.json'), 'utf8'));
    // GET / is cluster:monitor/main; `monitor` is the narrowest named privilege that grants it.
    expect(template.role_descriptors).toEqual({ pinger: { cluster: ['monitor'] } });
    expect(template.probes.allow).toEqual(['cluster.info']);

    const env = { ESKEYS_URL: sandbox.url, ESKEYS_USERNAME: 'elastic', ESKEYS_PASSWORD: PASSWORD };
    const created = await runCli(['create', '--template', 'pinger', '--yes'], dir, env);
    expect(created.code, created.stdout + created.stderr).toBe(0);
    expect(created.stdout).toMatch(/cluster\.info +allow +200 +live +ok/);
    // The learned template's monitor is justified by its own allow probe.
    const review = await runCli(['review', '--offline', '--json'], dir);
    expect(review.code, review.stderr).toBe(0);
    const findings = JSON.parse(review.stdout).identities[0].findings as { code: string }[];
    expect(findings.filter((f) => f.code === 'template/unjustified-grant')).toEqual([]);
  });

  it('credentials refused everything: nothing written (exit 1), but the report of what was denied is printed', async () => {
    const admin = new Client({ node: sandbox.url, auth: { username: 'elastic', password: PASSWORD } });
    // A role descriptor with no privileges: the key may do nothing (not even what its owner may).
    const key = await admin.security.createApiKey({ name: 'nothing', role_descriptors: { none: {} } });
    await admin.close();
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', sandbox.url, '--port', '0', '--name', 'refused', '--json'],
      dir,
    );
    const app = new Client({ node: learn.url, auth: { apiKey: key.encoded } });
    expect(await statusOf(app.search({ index: 'books' }))).toBe(403);
    await app.close();
    const done = await learn.stop();
    expect(done.code).toBe(1);
    expect(done.stderr).toContain(
      'eskeys: learned nothing: 1 request reached the proxy and none was allowed (1 denied (403)); nothing written\n',
    );
    const out = JSON.parse(done.stdout);
    expect(out.written).toBeNull();
    expect(out.denied).toEqual([
      { action: 'indices:data/read/search', names: ['books'], apis: ['search'], count: 1 },
    ]);
    expect(filesUnder(dir)).toEqual([]);
    for (const text of [done.stdout, done.stderr]) expect(text.includes(key.encoded)).toBe(false);
  });

  it('requests no action is known for, answered 200, are still written out for review (exit 0)', async () => {
    const dir = tempProject();
    const learn = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'cleaner'], dir);
    // Clearing a scroll needs no privilege (RBACEngine grants it to anyone): listed, not mapped.
    const res = await fetch(`${learn.url}/_search/scroll/_all`, {
      method: 'DELETE',
      headers: { authorization: `Basic ${Buffer.from(`elastic:${PASSWORD}`).toString('base64')}` },
    });
    expect(res.status).toBeLessThan(500);
    const done = await learn.stop();
    expect(done.code, done.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'roles/cleaner.learn-report.json'), 'utf8'));
    expect(report.unmapped.map((u: { api: string }) => u.api)).toEqual(['clear_scroll']);
  });

  it('answers 502 in the shape of an Elasticsearch error when the upstream is down; warns at start; writes nothing (exit 1)', async () => {
    const dir = tempProject();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'down'],
      dir,
    );
    const res = await fetch(`${learn.url}/books/_search`, { method: 'POST' });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { status: number; error: { type: string; reason: string } };
    expect(body.status).toBe(502);
    expect(body.error.type).toBe('eskeys_learn_proxy_exception');
    expect(body.error.reason).toContain('ECONNREFUSED');
    const done = await learn.stop();
    expect(done.stderr).toContain(
      `eskeys: warning: upstream http://127.0.0.1:${port} is not reachable now (ECONNREFUSED); the application gets 502 until it is\n`,
    );
    // A template from a 502 alone would grant nothing: nothing is written, exit 1.
    expect(done.stderr).toContain(
      'eskeys: learned nothing: 1 request reached the proxy and none was allowed (1 failed (400/5xx, or 502: the upstream unreachable)); nothing written\n',
    );
    expect(done.code).toBe(1);
    expect(filesUnder(dir)).toEqual([]);
  });
});
