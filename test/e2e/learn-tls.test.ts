/**
 * `eskeys learn` in front of an https cluster: the TLS rules of every other command. A
 * self-signed upstream is refused unless its CA is given (`--ca`), pinned (`--ca-fingerprint`)
 * or verification is turned off (`--insecure`, with the warning); a wrong pin is refused before
 * any request byte leaves.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { startLearn, tempProject } from './learn-support.js';

let sandbox: Sandbox;
const PASSWORD = 'learn-tls-e2e-password';
const BASIC = `Basic ${Buffer.from(`elastic:${PASSWORD}`).toString('base64')}`;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tls: true, elasticPassword: PASSWORD });
});
afterAll(async () => {
  await sandbox.close();
});

async function healthThrough(flags: (dir: string) => string[]) {
  const dir = tempProject();
  const learn = await startLearn(
    ['--upstream', sandbox.url, '--port', '0', '--name', 'tls-app', ...flags(dir)],
    dir,
  );
  const res = await fetch(`${learn.url}/_cluster/health`, { headers: { authorization: BASIC } });
  const body = (await res.json()) as { error?: { type: string; reason: string } };
  const done = await learn.stop();
  return { status: res.status, body, stderr: done.stderr };
}

describe('eskeys learn against an https upstream', () => {
  it('refuses a self-signed upstream by default (502)', async () => {
    const r = await healthThrough(() => []);
    expect(r.status).toBe(502);
    expect(r.body.error?.type).toBe('eskeys_learn_proxy_exception');
  });

  it('trusts it with --ca', async () => {
    const r = await healthThrough((dir) => {
      writeFileSync(join(dir, 'ca.pem'), sandbox.caCert!);
      return ['--ca', 'ca.pem'];
    });
    expect(r.status).toBe(200);
  });

  it('trusts it with the right --ca-fingerprint, refuses a wrong one', async () => {
    expect((await healthThrough(() => ['--ca-fingerprint', sandbox.caFingerprint!])).status).toBe(200);
    const wrong = await healthThrough(() => ['--ca-fingerprint', 'AB'.repeat(32)]);
    expect(wrong.status).toBe(502);
    expect(wrong.body.error?.reason).toContain('pinned CA fingerprint');
  });

  it('--insecure forwards and warns', async () => {
    const r = await healthThrough(() => ['--insecure']);
    expect(r.status).toBe(200);
    expect(r.stderr).toContain('eskeys: warning: TLS verification is OFF (--insecure)');
  });
});
