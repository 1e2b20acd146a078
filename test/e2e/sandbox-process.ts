import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, errors } from '@elastic/elasticsearch';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

/**
 * Starts the built `eskeys sandbox` on a free port (plus `args`) and resolves once it printed
 * its URL and the elastic password (and, with --tls, the CA fingerprint).
 */
export function startSandboxProcess(args: readonly string[] = []) {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<{ url: string; password: string; fingerprint?: string }>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (\S+)/.exec(out)?.[1];
      const password = /password: (\S+)/.exec(out)?.[1];
      if (url && password && out.includes('Ctrl+C')) {
        const fingerprint = /fingerprint \(SHA-256\): (\S+)/.exec(out)?.[1];
        resolve({ url, password, ...(fingerprint ? { fingerprint } : {}) });
      }
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited early with ${code}: ${out}`)));
  });
  const stopped = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, stopped };
}

/**
 * An API key minted by `admin` with one role descriptor, and a client authenticating with it:
 * `[key, client]` (the key for its id in expected 403 reasons).
 */
export async function keyClient(
  admin: Client,
  url: string,
  name: string,
  role: Record<string, unknown>,
): Promise<[{ id: string; encoded: string }, Client]> {
  const key = await admin.security.createApiKey({ name, role_descriptors: { r: role } });
  return [key, new Client({ node: url, auth: { apiKey: key.encoded } })];
}

/** The status, error type and reason of a request that must fail. */
export async function failure(
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
