/**
 * The recording proxy of `eskeys learn` as a proxy: bodies stream through without being held
 * whole, chunked answers pass, many keep-alive clients at once are all counted, and bad
 * `--upstream` or a busy `--port` stop it with one line and exit 2.
 */
import { readFileSync } from 'node:fs';
import { Agent, createServer as createHttpServer, request } from 'node:http';
import { createServer as createNetServer, type Server } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  filesUnder,
  learnReport,
  observedCounts,
  runLearnToExit,
  startLearn,
  tempProject,
} from './learn-support.js';

let sandbox: Sandbox;
const PASSWORD = 'learn-proxy-e2e-password';
const BASIC = `Basic ${Buffer.from(`elastic:${PASSWORD}`).toString('base64')}`;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, elasticPassword: PASSWORD });
});
afterAll(async () => {
  await sandbox.close();
});

function listening(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

describe('eskeys learn as a proxy', () => {
  it('streams a 50 MB bulk body: the upstream gets the first megabyte before the client has sent the rest', async () => {
    // A stand-in upstream that reports the first megabyte, then answers in chunks.
    let received = 0;
    let firstMegabyte!: () => void;
    const gotFirstMegabyte = new Promise<void>((r) => (firstMegabyte = r));
    const upstream = createHttpServer((req, res) => {
      req.on('data', (c: Buffer) => {
        received += c.length;
        if (received >= 1024 * 1024) firstMegabyte();
      });
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.write('{"took":1,"errors":false,');
        res.end('"items":[]}');
      });
    });
    const upPort = await listening(upstream);
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${upPort}`, '--port', '0', '--name', 'bulk'],
      dir,
    );

    const item = `{"create":{"_index":"gmail_emails-2025-10"}}\n{"pad":"${'x'.repeat(1000)}"}\n`;
    const itemBytes = Buffer.byteLength(item);
    const items = Math.ceil((50 * 1024 * 1024) / itemBytes);
    const perMegabyte = Math.ceil((1024 * 1024) / itemBytes);
    const target = new URL(learn.url);
    const answer = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
      (resolve, reject) => {
        const req = request(
          {
            host: target.hostname,
            port: target.port,
            method: 'POST',
            path: '/_bulk',
            headers: { 'content-type': 'application/x-ndjson', authorization: BASIC },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          },
        );
        req.on('error', reject);
        const write = (chunk: string) =>
          new Promise<void>((r) => (req.write(chunk) ? r() : req.once('drain', () => r())));
        void (async () => {
          const batch = item.repeat(64);
          let sent = 0;
          while (sent < perMegabyte + 64) {
            await write(batch);
            sent += 64;
          }
          // Had the proxy buffered the body, this would wait forever (and the test time out).
          await gotFirstMegabyte;
          while (sent < items) {
            const n = Math.min(64, items - sent);
            await write(n === 64 ? batch : item.repeat(n));
            sent += n;
          }
          req.end();
        })();
      },
    );
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"took":1,"errors":false,"items":[]}');
    // The upstream answered without a length: the proxy passed it on chunked.
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(received).toBe(items * itemBytes);
    const done = await learn.stop();
    expect(done.code).toBe(0);
    upstream.close();
    const report = JSON.parse(readFileSync(join(dir, 'roles/bulk.learn-report.json'), 'utf8'));
    // Every item's action line was read while the body streamed past.
    expect(report.observed).toEqual([
      expect.objectContaining({
        action: 'indices:data/write/index:op_type/create',
        names: ['gmail_emails-2025-10'],
        count: items,
        privilege: 'create_doc',
      }),
    ]);
  }, 120_000);

  it('reads the names of a gzip-compressed bulk (forwarded compressed, unchanged); an unknown encoding is listed as unreadable', async () => {
    const bodies: Buffer[] = [];
    const upstream = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"errors":false,"items":[]}');
      });
    });
    const upPort = await listening(upstream);
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${upPort}`, '--port', '0', '--name', 'gz'],
      dir,
    );
    const ndjson =
      '{"create":{"_index":"logs-2025.11.03"}}\n{"m":1}\n{"create":{"_index":"logs-2025.11.04"}}\n{"m":2}\n';
    const gz = gzipSync(ndjson);
    const post = (encoding: string, body: Buffer) =>
      fetch(`${learn.url}/_bulk`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-ndjson',
          'content-encoding': encoding,
          authorization: BASIC,
        },
        body,
      });
    expect((await post('gzip', gz)).status).toBe(200);
    expect((await post('compress', Buffer.from('opaque'))).status).toBe(200);
    const done = await learn.stop();
    upstream.close();
    expect(done.code).toBe(0);
    expect(bodies[0]!.equals(gz)).toBe(true);
    const report = learnReport(dir, 'gz');
    expect(observedCounts(report)).toEqual([
      ['indices:data/write/index:op_type/create', ['logs-2025.11.03'], 1],
      ['indices:data/write/index:op_type/create', ['logs-2025.11.04'], 1],
    ]);
    expect(report.unmapped).toEqual([
      {
        method: 'POST',
        api: 'bulk',
        reason: 'body not readable (content encoding): item actions and names unknown',
        count: 1,
      },
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'roles/gz.json'), 'utf8')).role_descriptors.gz.indices).toEqual([
      { names: ['logs-*'], privileges: ['create_doc'] },
    ]);
  });

  it('forwards bodyless, empty, chunked and sized requests as sent, drops headers Connection names, and reads op_type from the query', async () => {
    // An upstream that records what reached it: the proxy must add or drop nothing but the
    // hop-by-hop headers, whether or not the request has a body.
    const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];
    const upstream = createHttpServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(req.method === 'PUT' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(req.method === 'HEAD' ? undefined : '{"ok":true}');
      });
    });
    const port = await listening(upstream);
    try {
      const dir = tempProject();
      const learn = await startLearn(
        ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'x'],
        dir,
      );
      const target = new URL(learn.url);
      const send = (method: string, path: string, headers: Record<string, string>, body?: string[]) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request(
            { host: target.hostname, port: target.port, method, path, headers, agent: false },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
          );
          req.on('error', reject);
          for (const part of body ?? []) req.write(part);
          req.end();
        });
      const json = { 'content-type': 'application/json' };
      expect(
        await send('GET', '/books/_doc/1', {
          connection: 'close, x-hop',
          'x-hop': 'dropped',
          'x-end': 'kept',
        }),
      ).toEqual({ status: 200, body: '{"ok":true}' });
      expect((await send('HEAD', '/books', {})).status).toBe(200);
      expect((await send('DELETE', '/books/_doc/2', { 'content-length': '0' })).status).toBe(200);
      expect(
        (
          await send('POST', '/books/_search', { ...json, 'transfer-encoding': 'chunked' }, [
            '{"query":',
            '{"match_all":{}}}',
          ])
        ).status,
      ).toBe(200);
      expect((await send('PUT', '/books/_doc/3?op_type=create&refresh=true', json, ['{"a":1}'])).status).toBe(
        201,
      );
      expect((await send('PUT', '/books/_doc/4', json, ['{"a":2}'])).status).toBe(201);
      expect((await learn.stop()).code).toBe(0);

      expect(seen.map((r) => [r.method, r.url, r.body])).toEqual([
        ['GET', '/books/_doc/1', ''],
        ['HEAD', '/books', ''],
        ['DELETE', '/books/_doc/2', ''],
        ['POST', '/books/_search', '{"query":{"match_all":{}}}'],
        ['PUT', '/books/_doc/3?op_type=create&refresh=true', '{"a":1}'],
        ['PUT', '/books/_doc/4', '{"a":2}'],
      ]);
      // RFC 9110 §7.6.1: a header the Connection header names is hop-by-hop, never forwarded.
      expect(seen[0]!.headers['x-hop']).toBeUndefined();
      expect(seen[0]!.headers['x-end']).toBe('kept');
      // A request sent without a body goes out without one (no chunked framing added).
      expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
      expect(seen[0]!.headers['content-length']).toBeUndefined();
      expect(seen[2]!.headers['content-length']).toBe('0');

      const report = JSON.parse(readFileSync(join(dir, 'roles/x.learn-report.json'), 'utf8'));
      expect(report.requests).toBe(6);
      const actions = report.observed.map((o: { action: string; count: number }) => [o.action, o.count]);
      // Elasticsearch runs a single-document index as a one-item bulk: op_type=create (from the
      // query) is indices:data/write/index:op_type/create, a PUT with an id is op_type/index
      // (TransportIndexAction / BulkRequest; see docs/es-facts.md).
      expect(actions).toEqual(
        expect.arrayContaining([
          ['indices:data/read/get', 1],
          ['indices:data/write/delete', 1],
          ['indices:data/read/search', 1],
          ['indices:data/write/index:op_type/create', 1],
          ['indices:data/write/index:op_type/index', 1],
        ]),
      );
    } finally {
      await new Promise((r) => upstream.close(r));
    }
  });

  it('records the index an analyze request names in its query, not _all', async () => {
    // RestAnalyzeAction (elastic/elasticsearch) serves `GET /_analyze` and takes the index from
    // `?index=` when the path has none; it is authorized as indices:admin/analyze on that index.
    const upstream = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"tokens":[]}');
      });
    });
    const port = await listening(upstream);
    try {
      const dir = tempProject();
      const learn = await startLearn(
        ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'x'],
        dir,
      );
      for (const index of ['logs', 'logs', 'metrics']) {
        const r = await fetch(`${learn.url}/_analyze?index=${index}`, { headers: { authorization: BASIC } });
        expect(r.status).toBe(200);
        await r.text();
      }
      expect((await learn.stop()).code).toBe(0);
      const report = learnReport(dir, 'x');
      expect(observedCounts(report)).toEqual([
        ['indices:admin/analyze', ['logs'], 2],
        ['indices:admin/analyze', ['metrics'], 1],
      ]);
    } finally {
      await new Promise((r) => upstream.close(r));
    }
  });

  it('serves 16 keep-alive clients at once and counts every request', async () => {
    expect(
      (await fetch(`${sandbox.url}/books`, { method: 'PUT', headers: { authorization: BASIC } })).status,
    ).toBe(200);
    const dir = tempProject();
    const learn = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'books-reader'], dir);
    const target = new URL(learn.url);
    const clients = Array.from({ length: 16 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    const search = (agent: Agent) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: target.hostname,
            port: target.port,
            method: 'GET',
            path: '/books/_search',
            agent,
            headers: { authorization: BASIC },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const statuses = await Promise.all(
      clients.map(async (agent) => {
        const out: number[] = [];
        for (let i = 0; i < 25; i++) out.push(await search(agent));
        return out;
      }),
    );
    for (const a of clients) a.destroy();
    expect(statuses.flat().filter((s) => s !== 200)).toEqual([]);
    const done = await learn.stop();
    expect(done.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'roles/books-reader.learn-report.json'), 'utf8'));
    expect(report.requests).toBe(400);
    expect(report.observed).toEqual([
      expect.objectContaining({
        action: 'indices:data/read/search',
        names: ['books'],
        count: 400,
        privilege: 'read',
      }),
    ]);
  });

  it.each([
    ['not a URL', 'not a url', /^eskeys: --upstream: \[not a url\] is not a URL/],
    [
      'not http(s)',
      'ftp://127.0.0.1:9200',
      /^eskeys: --upstream: \[ftp:\/\/127\.0\.0\.1:9200\] must start with http:\/\/ or https:\/\//,
    ],
    [
      'credentials in the URL',
      'http://elastic:pw@127.0.0.1:9200',
      /^eskeys: --upstream must not embed credentials/,
    ],
  ])('a bad --upstream (%s) exits 2 with one line and writes nothing', async (_case, upstream, message) => {
    const dir = tempProject();
    const r = await runLearnToExit(['--upstream', upstream, '--port', '0', '--name', 'x'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain(':pw@');
    expect(r.stdout).toBe('');
    expect(filesUnder(dir)).toEqual([]);
  });

  it('stops by itself after --duration and writes the template', async () => {
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', sandbox.url, '--port', '0', '--name', 'timed', '--duration', '3s'],
      dir,
    );
    expect((await fetch(`${learn.url}/_cluster/health`, { headers: { authorization: BASIC } })).status).toBe(
      200,
    );
    const done = await new Promise<number | null>((r) => learn.child.on('close', (code) => r(code)));
    expect(done).toBe(0);
    expect(learn.stderr()).toContain('stops after 3s or on Ctrl-C');
    expect(learn.stderr()).toContain('eskeys learn: --duration 3s is over; stopping\n');
    expect(JSON.parse(readFileSync(join(dir, 'roles/timed.json'), 'utf8')).role_descriptors).toEqual({
      // cluster:monitor/health is granted by the `monitor` cluster privilege.
      timed: { cluster: ['monitor'] },
    });
  });

  it('a --duration longer than one timer can hold (30d > 24.8 days) keeps learning until stopped', async () => {
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', sandbox.url, '--port', '0', '--name', 'month', '--duration', '30d'],
      dir,
    );
    expect((await fetch(`${learn.url}/_cluster/health`, { headers: { authorization: BASIC } })).status).toBe(
      200,
    );
    // Node clamps a longer setTimeout to 1 ms (TimeoutOverflowWarning): learning would end at once.
    await new Promise((r) => setTimeout(r, 1500));
    expect(learn.child.exitCode).toBeNull();
    const done = await learn.stop('SIGINT');
    expect(done.code).toBe(0);
    expect(done.stderr).not.toContain('TimeoutOverflowWarning');
    expect(done.stderr).toContain('eskeys learn: 1 request; wrote roles/month.json');
  });

  it('--json when nothing was learned prints a JSON answer saying why, and writes nothing', async () => {
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', sandbox.url, '--port', '0', '--name', 'idle', '--json'],
      dir,
    );
    const done = await learn.stop('SIGTERM');
    expect(done.code).toBe(1);
    expect(JSON.parse(done.stdout)).toEqual({
      template: 'idle',
      requests: 0,
      written: null,
      reason: 'no request reached the proxy',
    });
    expect(filesUnder(dir)).toEqual([]);
  });

  it('stopped before any request: exit 1, one line, nothing written', async () => {
    const dir = tempProject();
    const learn = await startLearn(['--upstream', sandbox.url, '--port', '0', '--name', 'idle'], dir);
    const done = await learn.stop('SIGTERM');
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(
      /\neskeys: learned nothing: no request reached the proxy; nothing written\n$/,
    );
    expect(done.stdout).toBe('');
    expect(filesUnder(dir)).toEqual([]);
  });

  it('a busy --port exits 2 with one line and writes nothing', async () => {
    const busy = createNetServer();
    const port = await listening(busy);
    const dir = tempProject();
    const r = await runLearnToExit(['--upstream', sandbox.url, '--port', String(port), '--name', 'x'], dir);
    busy.close();
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`eskeys: --port ${port}: the address 127.0.0.1:${port} is already in use\n`);
    expect(filesUnder(dir)).toEqual([]);
  });
});
