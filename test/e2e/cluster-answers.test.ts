/**
 * Answers eskeys cannot use (a proxy's HTML page with 200, an empty 200, wrong field types, a
 * create answer without a key): the built CLI stops with exit 3 and one line naming the API and
 * the field, writes no journal entry with a bad id, and publishes nothing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/sandbox/index.js';
import { makeProject, readProjectFile, runCli, statusKeys, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();
beforeEach(() => sb.sandbox.faults.clear());

const ENV = 'APP_NAME=mail\nELASTICSEARCH_API_KEY=old-key-value\n';
const HTML = '<html><body><h1>Welcome to nginx!</h1></body></html>';

/** Every journal line of the project, parsed. */
function journalEntries(dir: string): Record<string, unknown>[] {
  let files: string[] = [];
  try {
    files = readdirSync(join(dir, '.eskeys/journal'));
  } catch {
    return [];
  }
  return files.flatMap((f) =>
    readProjectFile(dir, `.eskeys/journal/${f}`)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
}

/** The key ids any journal entry names must be real key ids (non-empty strings). */
function expectNoBadIdInJournal(dir: string): void {
  for (const e of journalEntries(dir)) {
    const data = (e.data ?? {}) as Record<string, unknown>;
    for (const v of [e.keyId, data.keyId]) if (v !== undefined) expect(typeof v).toBe('string');
    expect(JSON.stringify(e)).not.toMatch(/"keyId":(null|\d)/);
  }
}

function errorLines(stderr: string): string[] {
  return stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('→ ') && !l.startsWith('eskeys: warning: '));
}

async function rotateAgainst(fault: FaultSpec) {
  const dir = makeProject(sb, { files: { '.env': ENV } });
  sb.sandbox.faults.inject(fault);
  const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir);
  return { dir, r };
}

describe('eskeys rotate when the cluster answers with an unusable body', () => {
  it.each([
    [
      'create answers 200 with an HTML page',
      { method: 'PUT', path: '/_security/api_key', body: HTML, contentType: 'text/html' },
      /answered create API key with an unusable body: the body is not JSON$/m,
    ],
    [
      'create answers 200 with an empty body',
      { method: 'PUT', path: '/_security/api_key', body: '', contentType: 'application/json' },
      /answered create API key with an unusable body: the body is empty$/m,
    ],
    [
      'create answers without api_key',
      // The id of a key that does not exist; a create answer that lost its secret.
      {
        method: 'PUT',
        path: '/_security/api_key',
        body: JSON.stringify({ id: 'VuaCfGcBCdbkQm-e5aOx', name: 'email-search@default#1' }),
      },
      /answered create API key with an unusable body: field "api_key" missing$/m,
    ],
    [
      'create answers a numeric id',
      {
        method: 'PUT',
        path: '/_security/api_key',
        body: JSON.stringify({ id: 42, name: 'n', api_key: 'secret-part', encoded: 'NDI6c2VjcmV0LXBhcnQ=' }),
      },
      /answered create API key with an unusable body: field "id" is a number, expected string$/m,
    ],
    [
      'query answers total as a string',
      {
        method: 'POST',
        path: '/_security/_query/api_key',
        body: JSON.stringify({ total: '0', count: 0, api_keys: [] }),
      },
      /answered query API keys with an unusable body: field "total" is a string, expected number$/m,
    ],
  ])('%s: exit 3, one line naming the API and field, nothing published', async (_name, fault, message) => {
    const { dir, r } = await rotateAgainst(fault as FaultSpec);
    expect(r.code, r.stderr).toBe(3);
    // Progress (`→ …`) and warnings aside, the failure is one line.
    expect(errorLines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(r.stderr).not.toContain('secret-part');
    expect(readProjectFile(dir, '.env')).toBe(ENV);
    expectNoBadIdInJournal(dir);
    // No probe went out as a key that does not exist (`ApiKey undefined`/`ApiKey null`).
    expect(sb.requests.filter((q) => q.asApiKey && q.path.startsWith('/gmail'))).toEqual([]);
    expect((await statusKeys(dir)).filter((k) => k.state !== 'invalidated')).toEqual([]);
  });
});

describe('eskeys doctor when _authenticate answers with an HTML page', () => {
  it('fails the reachability check naming the API (exit 3), no TypeError', async () => {
    const dir = makeProject(sb);
    sb.sandbox.faults.inject({
      method: 'GET',
      path: '/_security/_authenticate',
      body: HTML,
      contentType: 'text/html',
    });
    const r = await runCli(['doctor', '--json'], dir);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
    const checks = JSON.parse(r.stdout).checks as { id: string; status: string; message: string }[];
    const reachable = checks.find((c) => c.id === 'connection.reachable');
    expect(reachable?.status).toBe('fail');
    expect(reachable?.message).toMatch(/answered authenticate with an unusable body: the body is not JSON$/);
  });
});
