import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ProcessHookRunner } from '../../../src/adapters/hooks/process-hook-runner.js';
import { Secret } from '../../../src/core/secret.js';

function runner() {
  const cwd = mkdtempSync(join(tmpdir(), 'eskeys-hooks-'));
  onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
  return { cwd, hooks: new ProcessHookRunner({ cwd, baseEnv: { PATH: process.env.PATH } }) };
}

const KEY = new Secret('c2VjcmV0LWtleS1pZDpzdXBlci1zZWNyZXQtdmFsdWU=');

describe('ProcessHookRunner', () => {
  it('passes the key in the child environment only, and scrubs it from captured output', async () => {
    const { cwd, hooks } = runner();
    const r = await hooks.runCommand({
      command: 'printf %s "$API_KEY" > got.txt; ps -o args= -p $$ > argv.txt; echo "key=$API_KEY"; exit 2',
      timeoutMs: 5000,
      env: { API_KEY: KEY, API_KEY_ID: 'id-1' },
    });
    expect(readFileSync(join(cwd, 'got.txt'), 'utf8')).toBe(KEY.reveal());
    expect(readFileSync(join(cwd, 'argv.txt'), 'utf8')).not.toContain(KEY.reveal());
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/exited 2: key=\[redacted\]/);
    expect(r.detail).not.toContain(KEY.reveal());
  });

  it("never hands eskeys' own settings (the admin credentials) to a hook, and scrubs them from output", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'eskeys-hooks-'));
    onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
    const password = 'admin-password-not-for-hooks';
    const hooks = new ProcessHookRunner({
      cwd,
      baseEnv: {
        PATH: process.env.PATH,
        APP_MODE: 'prod',
        ESKEYS_URL: 'https://es.internal:9200',
        ESKEYS_USERNAME: 'eskeys-admin',
        ESKEYS_PASSWORD: password,
      },
    });
    const r = await hooks.runCommand({
      command: `env > env.txt; echo "leak ${password}"; exit 1`,
      timeoutMs: 5000,
      env: { API_KEY: KEY },
    });
    const seen = readFileSync(join(cwd, 'env.txt'), 'utf8');
    expect(seen).toMatch(/^APP_MODE=prod$/m);
    expect(seen).not.toMatch(/^ESKEYS_/m);
    expect(seen).not.toContain(password);
    expect(r.detail).toMatch(/leak \[redacted\]/);
    expect(r.detail).not.toContain(password);
  });

  it('scrubs a key it was never handed (an old key the command prints from a file)', async () => {
    const { cwd, hooks } = runner();
    // base64 of `VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw`, an encoded API key (id:api_key).
    const oldKey = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';
    writeFileSync(join(cwd, '.env.old'), `ELASTICSEARCH_API_KEY=${oldKey}\n`);
    const r = await hooks.runCommand({
      command: 'cat .env.old; exit 1',
      timeoutMs: 5000,
      env: { API_KEY: KEY },
    });
    expect(r.detail).toBe('`cat .env.old; exit 1` exited 1: ELASTICSEARCH_API_KEY=[redacted]');
  });

  it('kills a command that outlives its timeout (whole process group)', async () => {
    const { hooks } = runner();
    const started = Date.now();
    const r = await hooks.runCommand({ command: 'sleep 30 & sleep 30', timeoutMs: 300, env: {} });
    expect(r).toMatchObject({ ok: false });
    expect(r.detail).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('exit 0 is success', async () => {
    const { hooks } = runner();
    expect(await hooks.runCommand({ command: 'true', timeoutMs: 5000, env: {} })).toMatchObject({ ok: true });
  });

  it('HTTP health check: 2xx passes, other statuses and timeouts fail', async () => {
    const { hooks } = runner();
    const server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      res.statusCode = req.url === '/ok' ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => {
      server.closeAllConnections();
      server.close();
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await hooks.checkUrl({ url: `${base}/ok`, timeoutMs: 1000 })).toMatchObject({ ok: true });
    expect(await hooks.checkUrl({ url: `${base}/down`, timeoutMs: 1000 })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/answered 503 \(expected 2xx\)/),
    });
    expect(await hooks.checkUrl({ url: `${base}/down`, timeoutMs: 1000, expectStatus: 503 })).toMatchObject({
      ok: true,
    });
    expect(await hooks.checkUrl({ url: `${base}/slow`, timeoutMs: 200 })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/timed out after 200 ms/),
    });
  });
});
