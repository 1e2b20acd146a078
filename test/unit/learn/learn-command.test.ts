import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LearnOptions, learnCommand, runLearn } from '../../../src/cli/commands/learn.js';
import { ReportedError, UsageError } from '../../../src/core/errors.js';
import { FakeIO, fakeContext } from '../../support/fake-io.js';

async function parse(argv: string[], env: Record<string, string> = {}): Promise<LearnOptions> {
  let captured: LearnOptions | undefined;
  const cmd = learnCommand(fakeContext({ cwd: '/p', env }), async (o) => {
    captured = o;
  }).exitOverride();
  cmd.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await cmd.parseAsync(argv, { from: 'user' });
  return captured!;
}

describe('eskeys learn: flags → options', () => {
  it('defaults: loopback, no duration, no patterns, Markdown report, TLS verified', async () => {
    const o = await parse(['--upstream', 'http://127.0.0.1:9200', '--port', '9201', '--name', 'mail-app']);
    expect(o.upstream.href).toBe('http://127.0.0.1:9200/');
    expect([o.host, o.port, o.name, o.durationMs, o.patterns, o.json, o.out]).toEqual([
      '127.0.0.1',
      9201,
      'mail-app',
      undefined,
      [],
      false,
      undefined,
    ]);
    expect(o.tls).toEqual({ insecure: false });
    // The key goes where `eskeys init` puts it by default, so `eskeys create -t NAME` publishes it.
    expect(o.outputs).toEqual({ envFile: '.env', keyVar: 'ELASTICSEARCH_API_KEY' });
  });

  it('--dotenv and --key-var set the template outputs', async () => {
    const o = await parse([
      ...['--upstream', 'http://127.0.0.1:9200', '--port', '9201', '--name', 'a'],
      ...['--dotenv', 'deploy/app.env', '--key-var', 'APP_ES_KEY'],
    ]);
    expect(o.outputs).toEqual({ envFile: 'deploy/app.env', keyVar: 'APP_ES_KEY' });
  });

  it('every flag', async () => {
    const o = await parse([
      ...['--upstream', 'https://es:9200', '--port', '0', '--name', 'a', '--out', 'x/a.json'],
      ...['--duration', '30m', '--host', '0.0.0.0', '--pattern', 'gmail_*', '--pattern', 'logs-*'],
      ...['--json', '--ca', 'ca.pem', '--ca-fingerprint', 'AB', '--insecure'],
    ]);
    expect(o.durationMs).toBe(30 * 60 * 1000);
    expect(o.patterns).toEqual(['gmail_*', 'logs-*']);
    expect(o.out).toBe('x/a.json');
    expect(o.host).toBe('0.0.0.0');
    expect(o.tls).toEqual({ caPath: '/p/ca.pem', caFingerprint: 'AB', insecure: true });
  });

  it('--upstream falls back to ESKEYS_URL; TLS settings to their variables', async () => {
    const o = await parse(['--port', '1', '--name', 'a'], {
      ESKEYS_URL: 'https://es:9200',
      ESKEYS_CA_FINGERPRINT: 'CD',
      ESKEYS_INSECURE: '1',
    });
    expect(o.upstream.origin).toBe('https://es:9200');
    expect(o.tls).toEqual({ caFingerprint: 'CD', insecure: true });
  });

  it.each([
    [['--port', '1', '--name', 'a'], '--upstream is required: the cluster URL to forward to'],
    [
      ['--upstream', 'http://x:1', '--port', '70000', '--name', 'a'],
      '--port must be a port number (0-65535), got 70000',
    ],
    [
      ['--upstream', 'http://x:1', '--port', '-1', '--name', 'a'],
      '--port must be a port number (0-65535), got -1',
    ],
    [
      ['--upstream', 'http://x:1', '--port', '1', '--name', 'Bad Name'],
      '--name Bad Name: expected lowercase letters, digits, ".", "_" or "-" (max 63)',
    ],
    [
      ['--upstream', 'http://x:1', '--port', '1', '--name', 'a', '--duration', 'soon'],
      '--duration soon: expected a duration such as 30m or 2h',
    ],
    [
      ['--upstream', 'http://x:1', '--port', '1', '--name', 'a', '--duration', '0s'],
      '--duration 0s: must be longer than 0',
    ],
    [
      ['--upstream', 'http://x:1/?a=1', '--port', '1', '--name', 'a'],
      '--upstream must not carry a query or fragment',
    ],
  ])('%j → usage error', async (argv, message) => {
    await expect(parse(argv)).rejects.toEqual(new UsageError(message));
  });
});

describe('runLearn', () => {
  it('warns when listening beyond loopback (stopped at once: nothing observed, exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eskeys-learn-unit-'));
    const io = new FakeIO();
    const stop = new AbortController();
    stop.abort();
    const run = runLearn({
      io,
      cwd: dir,
      upstream: new URL('http://127.0.0.1:9'),
      host: '0.0.0.0',
      port: 0,
      name: 'a',
      patterns: [],
      outputs: { envFile: '.env', keyVar: 'ELASTICSEARCH_API_KEY' },
      json: false,
      tls: { insecure: false },
      signal: stop.signal,
      now: () => 0,
    });
    await expect(run).rejects.toBeInstanceOf(ReportedError);
    await run.catch((e: ReportedError) => expect(e.exitCode).toBe(1));
    expect(io.err).toContain(
      'eskeys: warning: listening on 0.0.0.0, not loopback: anyone who can reach this port reaches the cluster through it\n',
    );
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
