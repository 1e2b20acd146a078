import { Client, errors } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxServer } from '../../../src/sandbox/cli-entry.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';

describe('faults aimed at one kind of credential', () => {
  let sb: Sandbox;
  let client: Client;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0 });
    client = new Client({
      node: sb.url,
      auth: { username: 'elastic', password: sb.password },
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await client.close();
    await sb.close();
  });

  it('an `auth: api_key` fault hits only requests sent with an API key, not the admin user', async () => {
    const key = await client.security.createApiKey({ name: 'fault-auth' });
    sb.faults.inject({ method: 'GET', path: '/_security/_authenticate', auth: 'api_key', status: 429 });
    // The admin (basic) passes through; the fault stays pending for the key.
    expect((await client.security.authenticate()).username).toBe('elastic');
    expect(sb.faults.pending()).toEqual([
      { method: 'GET', path: '/_security/_authenticate', auth: 'api_key', remaining: 1 },
    ]);
    const res = await fetch(`${sb.url}/_security/_authenticate`, {
      headers: { authorization: `ApiKey ${key.encoded}` },
    });
    expect(res.status).toBe(429);
    expect(sb.faults.pending()).toEqual([]);
  });
});

describe('fault injection and counters', () => {
  let sb: Sandbox;
  let client: Client;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0 });
    client = new Client({
      node: sb.url,
      auth: { username: 'elastic', password: sb.password },
      maxRetries: 3,
    });
  });
  afterAll(async () => {
    await client.close();
    await sb.close();
  });

  it('a 503 then success: the client retries', async () => {
    sb.counters.reset();
    sb.faults.inject({ method: 'GET', path: '/_cluster/health', status: 503 });
    const h = await client.cluster.health();
    expect(h.cluster_name).toBe('eskeys-sandbox');
    expect(sb.counters.byEndpoint()).toEqual({ 'GET /_cluster/health': 2 });
  });

  it('a 429 carries es_rejected_execution_exception', async () => {
    sb.faults.inject({ path: /^\/_security\//, status: 429, times: 1 });
    const noRetry = client.child({ maxRetries: 0 });
    const err = await noRetry.security.authenticate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.ResponseError);
    const meta = (err as errors.ResponseError).meta;
    expect(meta.statusCode).toBe(429);
    expect((meta.body as { error: { type: string } }).error.type).toBe('es_rejected_execution_exception');
  });

  it('a dropped connection surfaces as ConnectionError', async () => {
    sb.faults.inject({ path: '/', drop: true });
    const noRetry = client.child({ maxRetries: 0 });
    await expect(noRetry.info()).rejects.toBeInstanceOf(errors.ConnectionError);
  });

  it('a verbatim body fault answers 200 with that text and content type (an HTML page behind a proxy)', async () => {
    sb.faults.inject({ method: 'GET', path: '/', body: '<html>proxy</html>', contentType: 'text/html' });
    const res = await fetch(`${sb.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(await res.text()).toBe('<html>proxy</html>');
  });

  it('latency delays the answer', async () => {
    sb.faults.inject({ path: '/', latencyMs: 150 });
    const started = Date.now();
    await client.info();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('counts by normalised endpoint, and clear() drops pending faults', async () => {
    sb.counters.reset();
    await client.index({ index: 'cnt', id: 'a', document: { x: 1 } });
    await client.get({ index: 'cnt', id: 'a' });
    await client.get({ index: 'cnt', id: 'a' });
    expect(sb.counters.byEndpoint()).toEqual({ 'PUT /{index}/_doc/{id}': 1, 'GET /{index}/_doc/{id}': 2 });
    expect(sb.counters.total()).toBe(3);
    sb.faults.inject({ path: '/', status: 503, times: 5 });
    sb.faults.clear();
    expect((await client.info()).tagline).toBe('You Know, for Search');
  });

  it('is controllable over /_sandbox routes by elastic only, uncounted', async () => {
    sb.counters.reset();
    await client.transport.request({
      method: 'POST',
      path: '/_sandbox/faults',
      body: { method: 'GET', path: '/', status: 503, times: 1 },
    });
    const noRetry = client.child({ maxRetries: 0 });
    await expect(noRetry.info()).rejects.toBeInstanceOf(errors.ResponseError);
    const counters = (await client.transport.request({ method: 'GET', path: '/_sandbox/counters' })) as {
      total: number;
      by_endpoint: Record<string, number>;
    };
    expect(counters).toEqual({ total: 1, by_endpoint: { 'GET /': 1 } });
    await client.transport.request({ method: 'POST', path: '/_sandbox/counters/_reset' });
    const seeded = (await client.transport.request({
      method: 'POST',
      path: '/_sandbox/seed/api_keys',
      body: { count: 50, metadata: { managed_by: 'eskeys' } },
    })) as { count: number };
    expect(seeded.count).toBe(50);
    expect(sb.state.apiKeys.size).toBe(50);
    await client.transport.request({ method: 'DELETE', path: '/_sandbox/faults' });
    expect(sb.counters.total()).toBe(0);
    const key = await client.security.createApiKey({ name: 'not-admin' });
    const kc = new Client({ node: sb.url, auth: { apiKey: key.encoded } });
    await expect(kc.transport.request({ method: 'GET', path: '/_sandbox/counters' })).rejects.toMatchObject({
      meta: { statusCode: 403 },
    });
    await kc.close();
  });

  it('executeLate: the client sees a dropped connection, the request runs when released', async () => {
    sb.faults.inject({ method: 'PUT', path: '/_security/api_key', executeLate: true });
    const noRetry = client.child({ maxRetries: 0 });
    await expect(noRetry.security.createApiKey({ name: 'late-one' })).rejects.toBeInstanceOf(
      errors.ConnectionError,
    );
    // Not run yet: no key of that name (an answer with no keys, or a 404, both mean none).
    const before = await client.security.getApiKey({ name: 'late-one' }).then(
      (r) => r.api_keys.length,
      (e: errors.ResponseError) => (e.meta.statusCode === 404 ? 0 : -1),
    );
    expect(before).toBe(0);
    const held = (await client.transport.request({ method: 'GET', path: '/_sandbox/faults' })) as {
      held: number;
    };
    expect(held.held).toBe(1);
    const released = (await client.transport.request({
      method: 'POST',
      path: '/_sandbox/faults/_release_held',
    })) as { statuses: number[] };
    expect(released.statuses).toEqual([200]);
    const after = await client.security.getApiKey({ name: 'late-one' });
    expect(after.api_keys.map((k) => [k.name, k.invalidated])).toEqual([['late-one', false]]);
  });
});

describe('HTTPS', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, tls: true });
  });
  afterAll(() => sb.close());

  it('serves https with a generated certificate', () => {
    expect(sb.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.caCert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(sb.caFingerprint).toMatch(/^[0-9A-F]{64}$/);
  });

  it('works with caFingerprint', async () => {
    const c = new Client({
      node: sb.url,
      auth: { username: 'elastic', password: sb.password },
      caFingerprint: sb.caFingerprint!,
      tls: { rejectUnauthorized: false },
    });
    expect((await c.info()).tagline).toBe('You Know, for Search');
    await c.close();
  });

  it('works with tls.ca', async () => {
    const c = new Client({
      node: sb.url,
      auth: { username: 'elastic', password: sb.password },
      tls: { ca: sb.caCert! },
    });
    expect((await c.security.authenticate()).username).toBe('elastic');
    await c.close();
  });

  it('a wrong fingerprint is refused by the client', async () => {
    const c = new Client({
      node: sb.url,
      auth: { username: 'elastic', password: sb.password },
      caFingerprint: 'AA'.repeat(32),
      tls: { rejectUnauthorized: false },
      maxRetries: 0,
    });
    await expect(c.info()).rejects.toBeInstanceOf(errors.ConnectionError);
    await c.close();
  });

  it('401 over https also offers Bearer', async () => {
    const c = new Client({ node: sb.url, tls: { ca: sb.caCert! }, maxRetries: 0 });
    const err = (await c.info().catch((e: unknown) => e)) as errors.ResponseError;
    expect((err.meta.body as { error: { header: unknown } }).error.header).toEqual({
      'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'],
    });
    await c.close();
  });
});

describe('eskeys sandbox entry point', () => {
  it('prints the URL, credentials and env, and stops on request', async () => {
    let out = '';
    let stop!: () => void;
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const running = runSandboxServer(
      { port: 0, elasticPassword: 'printed-throwaway' },
      { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } },
      { waitForStop: () => stopped },
    );
    for (let i = 0; i < 100 && !out.includes('Press Ctrl+C'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('password: printed-throwaway');
    expect(out).toMatch(
      /ESKEYS_URL=http:\/\/127\.0\.0\.1:\d+ ESKEYS_USERNAME=elastic ESKEYS_PASSWORD=printed-throwaway/,
    );
    stop();
    await running;
  });
});
