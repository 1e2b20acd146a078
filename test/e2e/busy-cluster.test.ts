/**
 * Busy is not denied: a cluster that answers 429 (saturated API key hashing on a key's first
 * use) or 503 (master election) on probes leaves the verdict inconclusive (exit 3), never
 * "the key has the wrong privileges" (exit 1). ESKEYS_TEST_PROBE_RETRY_MS=1 shrinks the
 * back-off so the retries run out in milliseconds.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  envValue,
  makeProject,
  readProjectFile,
  runCli,
  statusKeys,
  useRotationSandbox,
} from './rotate-support.js';

const sb = useRotationSandbox();
beforeEach(() => sb.sandbox.faults.clear());

const ENV = 'APP_NAME=mail\nELASTICSEARCH_API_KEY=old-key-value\n';
const FAST = { ESKEYS_TEST_PROBE_RETRY_MS: '1' };
/** The doc.delete deny probe, sent as the key under test (the admin's requests are not faulted). */
const DOC_DELETE_AS_KEY = {
  method: 'DELETE',
  path: /^\/gmail_emails-[^/]+\/_doc\//,
  auth: 'api_key',
} as const;

describe('eskeys rotate on a busy cluster', () => {
  it('429 on the first uses of the new key is retried: the rotation completes (exit 0)', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    // Elasticsearch's answer when its API key hashing pool is saturated, twice, on any request as the key.
    sb.sandbox.faults.inject({ path: /.*/, auth: 'api_key', status: 429, times: 2 });
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir, FAST);
    expect(r.code, r.stderr).toBe(0);
    expect(sb.sandbox.faults.pending()).toEqual([]);
    expect(envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')).not.toBe('old-key-value');
  });

  it('a deny probe answered 429 on every try: exit 3 naming the probe, new key invalidated, no consumer touched', async () => {
    const dir = makeProject(sb, {
      files: { '.env': ENV, 'eskeys.config.json': { environments: { busy: {} } } },
    });
    sb.sandbox.faults.inject({ ...DOC_DELETE_AS_KEY, status: 429, times: 1000 });
    // Its own environment: the sandbox (and its key generations) is shared by the whole file.
    const r = await runCli(['rotate', '-t', 'email-search', '--env', 'busy', '--yes'], dir, FAST);
    expect(r.code, r.stderr).toBe(3);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(
      /^eskeys: cluster http:\/\/127\.0\.0\.1:\d+ was busy: verification of email-search@busy#1 is inconclusive \(doc\.delete \(deny: 429 es_rejected_execution_exception after 6 tries\)\); the new key was invalidated and no consumer was touched; rotate again later$/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at |FAIL/);
    expect(readProjectFile(dir, '.env')).toBe(ENV);
    const keys = (await statusKeys(dir)).filter((k) => k.environment === 'busy');
    expect(keys.map((k) => [k.name, k.state])).toEqual([['email-search@busy#1', 'invalidated']]);
  });
});

describe('eskeys verify on a busy cluster', () => {
  it('503 on every try of a probe: exit 3, JSON says inconclusive (not failed), one line on stderr', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    expect((await runCli(['rotate', '-t', 'email-search', '--yes'], dir)).code).toBe(0);
    sb.sandbox.faults.inject({ ...DOC_DELETE_AS_KEY, status: 503, times: 1000 });
    const r = await runCli(['verify', '-t', 'email-search', '--json'], dir, FAST);
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout) as {
      passed: boolean;
      summary: { failed: number; inconclusive: number };
      results: { probe: string; verdict: string; got: string; status?: number }[];
    };
    expect(report.passed).toBe(false);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.inconclusive).toBe(1);
    expect(report.results.filter((x) => x.verdict !== 'pass')).toMatchObject([
      {
        probe: 'deny doc.delete',
        verdict: 'inconclusive',
        status: 503,
        got: '503 cluster_block_exception after 6 tries',
      },
    ]);
    expect(r.stderr.trim().split('\n')).toEqual([
      'eskeys: the cluster was busy: 1 of 20 probes inconclusive after retries (deny doc.delete); nothing was proven about them, run verify again later',
    ]);
  });

  it('a probe whose connection drops on every try: exit 3, inconclusive "no answer after 6 tries"', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    expect((await runCli(['rotate', '-t', 'email-search', '--yes'], dir)).code).toBe(0);
    sb.sandbox.faults.inject({ ...DOC_DELETE_AS_KEY, drop: true, times: 1000 });
    // Straight to the sandbox: the recording proxy would turn the dropped socket into a 502.
    const r = await runCli(['verify', '-t', 'email-search', '--json'], dir, {
      ...FAST,
      ESKEYS_URL: sb.sandbox.url,
    });
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout) as { results: { probe: string; verdict: string; got: string }[] };
    expect(report.results.filter((x) => x.verdict !== 'pass')).toMatchObject([
      { probe: 'deny doc.delete', verdict: 'inconclusive', got: 'no answer after 6 tries' },
    ]);
  });

  it('JUnit reports the busy probe as an <error type="eskeys.inconclusive">, never a <failure>', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    expect((await runCli(['rotate', '-t', 'email-search', '--yes'], dir)).code).toBe(0);
    sb.sandbox.faults.inject({ ...DOC_DELETE_AS_KEY, status: 429, times: 1000 });
    const r = await runCli(['verify', '-t', 'email-search', '--format', 'junit'], dir, FAST);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).not.toContain('<failure');
    expect(r.stdout).toMatch(/failures="0" errors="1"/);
    expect(r.stdout).toMatch(
      /<error message="doc\.delete: inconclusive, the cluster was busy \(429 es_rejected_execution_exception after 6 tries\)" type="eskeys\.inconclusive">/,
    );
  });
});
