import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

/** Starts `eskeys sandbox` and resolves once it printed its URL and password. */
function startSandboxProcess() {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<{ url: string; password: string }>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (\S+)/.exec(out)?.[1];
      const password = /password: (\S+)/.exec(out)?.[1];
      if (url && password && out.includes('Ctrl+C')) resolve({ url, password });
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited early with ${code}: ${out}`)));
  });
  const stopped = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, stopped };
}

async function failure(
  fn: () => Promise<unknown>,
): Promise<{ status: number; type: string; reason: string }> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof errors.ResponseError) {
      return { status: e.statusCode ?? 0, type: e.body.error.type, reason: e.body.error.reason };
    }
    throw e;
  }
  throw new Error('expected the request to fail');
}

describe('eskeys sandbox authorizes as Elasticsearch does', () => {
  it('GET /_license is the license API; a wildcard delete is refused before it is authorized', async () => {
    const { child, ready, stopped } = startSandboxProcess();
    const { url, password } = await ready;
    const admin = new Client({ node: url, auth: { username: 'elastic', password } });
    const monitorKey = await admin.security.createApiKey({
      name: 'monitor',
      role_descriptors: { r: { cluster: ['monitor'] } },
    });
    const monitor = new Client({ node: url, auth: { apiKey: monitorKey.encoded } });
    // monitor grants cluster:monitor/xpack/license/get; the sandbox then says it does not emulate it
    expect(await failure(() => monitor.license.get())).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'the eskeys sandbox does not emulate [license.get]',
    });
    const readerKey = await admin.security.createApiKey({
      name: 'reader',
      role_descriptors: { r: { indices: [{ names: ['logs-*'], privileges: ['read'] }] } },
    });
    const reader = new Client({ node: url, auth: { apiKey: readerKey.encoded } });
    // Elasticsearch's security filter checks action.destructive_requires_name before authorizing.
    expect(await failure(() => reader.indices.delete({ index: 'logs-*' }))).toEqual({
      status: 400,
      type: 'illegal_argument_exception',
      reason: 'Wildcard expressions or all indices are not allowed',
    });
    expect(await failure(() => reader.indices.delete({ index: 'logs-1' }))).toEqual({
      status: 403,
      type: 'security_exception',
      reason: `action [indices:admin/delete] is unauthorized for API key id [${readerKey.id}] of user [elastic] on indices [logs-1], this action is granted by the index privileges [delete_index,manage,all]`,
    });
    await Promise.all([admin.close(), monitor.close(), reader.close()]);
    child.kill('SIGINT');
    expect(await stopped).toBe(130);
  });
});
