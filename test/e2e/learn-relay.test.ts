/**
 * The learn proxy at the byte level, through the built CLI: what a raw HTTP/1.1 client sees when
 * it pipelines requests, half-closes, sends what the proxy will not relay (CONNECT, broken
 * framing, oversize heads) or meets an upstream answering without a length.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { learnReport, startLearn, tempProject } from './learn-support.js';

const BASIC = `Basic ${Buffer.from('elastic:learn-relay-e2e-password').toString('base64')}`;
const servers: { close(cb: () => void): void }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

function listening(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

/** A stand-in cluster that records what reached it and answers `{"ok":true}` (or nothing to HEAD). */
async function recordingUpstream() {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      res.end(req.method === 'HEAD' ? undefined : '{"ok":true}');
    });
  });
  return { seen, port: await listening(server) };
}

/** Writes `text` on a raw connection to the proxy (optionally half-closing) and reads until it closes. */
function rawExchange(url: string, text: string, opts: { halfClose?: boolean } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (got += d));
    socket.on('end', () => {
      socket.end();
      resolve(got);
    });
    socket.on('error', reject);
    socket.write(text, 'latin1');
    if (opts.halfClose) socket.end();
  });
}

describe('eskeys learn relays HTTP/1.1 as sent', () => {
  it('answers pipelined requests in order, with the HEAD answer bodiless, and counts each', async () => {
    const { seen, port } = await recordingUpstream();
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'p'],
      dir,
    );
    const got = await rawExchange(
      learn.url,
      `GET /books/_doc/1 HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC}\r\n\r\n` +
        `HEAD /books HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC}\r\n\r\n` +
        `POST /books/_search HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC}\r\n` +
        'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\n{"q\r\n3\r\n":1\r\n1\r\n}\r\n0\r\n\r\n',
    );
    // Three answers, in request order; the HEAD answer carries its Content-Length but no body.
    expect(got.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200']);
    expect(got.split('{"ok":true}')).toHaveLength(3);
    expect(seen.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', '/books/_doc/1', ''],
      ['HEAD', '/books', ''],
      ['POST', '/books/_search', '{"q":1}'],
    ]);
    // Host names the upstream; the Authorization header reaches it unchanged.
    expect(seen[0]!.headers.host).toBe(`127.0.0.1:${port}`);
    expect(seen[0]!.headers.authorization).toBe(BASIC);
    expect((await learn.stop()).code).toBe(0);
    const report = learnReport(dir, 'p');
    expect(report.requests).toBe(3);
    expect(report.observed.map((o) => [o.action, o.count])).toEqual(
      expect.arrayContaining([
        ['indices:data/read/get', 1],
        ['indices:data/read/search', 1],
      ]),
    );
  });

  it('answers a client that half-closed after its request, and drops Upgrade and Proxy-Authorization', async () => {
    const { seen, port } = await recordingUpstream();
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'h'],
      dir,
    );
    const got = await rawExchange(
      learn.url,
      'GET /_cluster/health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Proxy-Authorization: Basic cHJveHk6c2VjcmV0\r\n\r\n',
      { halfClose: true },
    );
    expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(got.endsWith('{"ok":true}')).toBe(true);
    // The proxy relays HTTP/1.1 only (no protocol switch), and its own credentials stay with it.
    expect(seen[0]!.headers.upgrade).toBeUndefined();
    expect(seen[0]!.headers['proxy-authorization']).toBeUndefined();
    expect((await learn.stop()).code).toBe(0);
  });

  it('keeps the client connection when the upstream lets an idle connection go: the next request opens a new one', async () => {
    // An upstream that answers each connection's first request with a sized, keep-alive answer
    // and then closes that connection, as a cluster does with idle keep-alive connections.
    let connections = 0;
    let upstreamClosed!: () => void;
    const firstClosed = new Promise<void>((r) => (upstreamClosed = r));
    // Only connections that carry a request count: learn's reachability check at start opens
    // one and sends nothing.
    const upstream = createNetServer((socket) => {
      socket.once('data', () => {
        connections++;
        socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
        socket.on('close', () => upstreamClosed());
      });
    });
    const port = await listening(upstream);
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'k'],
      dir,
    );
    const { hostname, port: proxyPort } = new URL(learn.url);
    const client = connect({ host: hostname, port: Number(proxyPort) });
    let got = '';
    let onData = () => {};
    client.setEncoding('latin1');
    client.on('data', (d: string) => {
      got += d;
      onData();
    });
    const answers = (n: number) =>
      new Promise<void>((resolve) => {
        onData = () => {
          if ((got.match(/\{\}/g) ?? []).length >= n) resolve();
        };
        onData();
      });
    client.write('GET /_cluster/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await answers(1);
    await firstClosed;
    client.write('GET /_cluster/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await answers(2);
    client.end();
    expect(got.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(connections).toBe(2);
    expect((await learn.stop()).code).toBe(0);
    expect(learnReport(dir, 'k').requests).toBe(2);
  });

  it('relays 100 Continue before the final answer to a request that expects it', async () => {
    const { seen, port } = await recordingUpstream();
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'e'],
      dir,
    );
    const target = new URL(learn.url);
    const result = await new Promise<{ continued: boolean; status: number }>((resolve, reject) => {
      let continued = false;
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/books/_search',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': '2', expect: '100-continue' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ continued, status: res.statusCode ?? 0 }));
        },
      );
      req.on('error', reject);
      // The body is sent only once the interim answer came through the proxy.
      req.on('continue', () => {
        continued = true;
        req.end('{}');
      });
    });
    expect(result).toEqual({ continued: true, status: 200 });
    expect(seen.map((r) => [r.method, r.url, r.body])).toEqual([['POST', '/books/_search', '{}']]);
    expect((await learn.stop()).code).toBe(0);
    expect(learnReport(dir, 'e').requests).toBe(1);
  });

  it('passes an answer delimited by the connection closing, then closes the client connection', async () => {
    // An upstream that answers without Content-Length or chunking (HTTP/1.0 style, RFC 9112 §6.3).
    const upstream = createNetServer((socket) => {
      socket.once('data', () => {
        socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"cluster_name":"until-close"}');
      });
    });
    const port = await listening(upstream);
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'c'],
      dir,
    );
    const got = await rawExchange(learn.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(got).toBe(
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"cluster_name":"until-close"}',
    );
    expect((await learn.stop()).code).toBe(0);
    expect(learnReport(dir, 'c').requests).toBe(1);
  });

  it('answers the requests before a refused one on the same connection, then refuses it', async () => {
    const { seen, port } = await recordingUpstream();
    const dir = tempProject();
    const learn = await startLearn(
      ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'f'],
      dir,
    );
    // Both in the first packet, before the upstream connection is even open.
    const got = await rawExchange(
      learn.url,
      'GET /books/_doc/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /books/_doc/2 HTTP/1.1\r\nno colon here\r\n\r\n',
    );
    expect(got.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
    expect(got).toContain('{"ok":true}HTTP/1.1 400 Bad Request');
    expect(seen.map((r) => r.url)).toEqual(['/books/_doc/1']);
    expect((await learn.stop()).code).toBe(0);
  });

  it.each([
    [
      'CONNECT (the proxy is no tunnel)',
      'CONNECT 10.0.0.1:443 HTTP/1.1\r\nHost: 10.0.0.1:443\r\n\r\n',
      501,
      'CONNECT is not relayed',
    ],
    [
      'ambiguous body framing (request smuggling shape)',
      'POST /_bulk HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      'both Transfer-Encoding and Content-Length',
    ],
    ['a malformed header line', 'GET / HTTP/1.1\r\nno colon here\r\n\r\n', 400, 'malformed header line'],
    [
      'a head over 16 KiB',
      `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
      431,
      'message head too large',
    ],
  ])(
    'refuses %s with an Elasticsearch-shaped error, closes, and forwards nothing',
    async (_case, text, status, reason) => {
      const { seen, port } = await recordingUpstream();
      const dir = tempProject();
      const learn = await startLearn(
        ['--upstream', `http://127.0.0.1:${port}`, '--port', '0', '--name', 'r'],
        dir,
      );
      const got = await rawExchange(learn.url, text);
      const [head, body] = got.split('\r\n\r\n') as [string, string];
      expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(head.toLowerCase()).toContain('connection: close');
      expect(JSON.parse(body)).toEqual({
        error: {
          root_cause: [
            { type: 'eskeys_learn_proxy_exception', reason: `eskeys learn: request refused: ${reason}` },
          ],
          type: 'eskeys_learn_proxy_exception',
          reason: `eskeys learn: request refused: ${reason}`,
        },
        status,
      });
      expect(seen).toEqual([]);
      const done = await learn.stop();
      // Nothing reached the upstream, so nothing was learned (exit 1, nothing written).
      expect(done.code).toBe(1);
    },
  );
});
