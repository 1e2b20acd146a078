import { Client, errors } from '@elastic/elasticsearch';
import { expect } from 'vitest';

/** A decoded JSON body, navigated freely by assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary ES bodies.
export type Json = any;

import { type Sandbox, type SandboxOptions, startSandbox } from '../../../src/sandbox/index.js';

/** A sandbox with a controllable clock and an `elastic` client. */
export interface TestCluster {
  sandbox: Sandbox;
  admin: Client;
  clock: { now: number; advance(ms: number): void };
  /** Creates a native user with one role built from `descriptor`; returns a client for it. */
  userWithRole(name: string, descriptor: Record<string, unknown>): Promise<Client>;
  /** Creates an API key (as `elastic` unless `as` is given) and returns it with a client. */
  apiKey(
    role: Record<string, unknown> | undefined,
    as?: Client,
    extra?: Record<string, unknown>,
  ): Promise<{ id: string; encoded: string; client: Client }>;
  clientFor(auth: { username: string; password: string } | { apiKey: string }): Client;
  close(): Promise<void>;
}

/** Starts a sandbox for a test file (port 0). */
export async function startTestCluster(opts: SandboxOptions = {}): Promise<TestCluster> {
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const sandbox = await startSandbox({ port: 0, now: () => clock.now, ...opts });
  const clients: Client[] = [];
  const clientFor = (auth: { username: string; password: string } | { apiKey: string }) => {
    const c = new Client({ node: sandbox.url, auth, maxRetries: 0 });
    clients.push(c);
    return c;
  };
  const admin = clientFor({ username: 'elastic', password: sandbox.password });
  let n = 0;
  return {
    sandbox,
    admin,
    clock,
    async userWithRole(name, descriptor) {
      const role = `${name}_role`;
      await admin.security.putRole({ name: role, ...descriptor });
      await admin.security.putUser({ username: name, password: 'password1', roles: [role] });
      return clientFor({ username: name, password: 'password1' });
    },
    async apiKey(role, as = admin, extra = {}) {
      const res = await as.security.createApiKey({
        name: `test-key-${++n}`,
        ...(role ? { role_descriptors: { r: role } } : {}),
        ...extra,
      } as never);
      return { id: res.id, encoded: res.encoded, client: clientFor({ apiKey: res.encoded }) };
    },
    clientFor,
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox.close();
    },
  };
}

/** Runs `fn` expecting an Elasticsearch error; returns status and body. */
export async function esError(
  fn: () => Promise<unknown>,
): Promise<{ status: number; body: Json; headers: Json }> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof errors.ResponseError) {
      return { status: e.meta.statusCode ?? 0, body: e.meta.body, headers: e.meta.headers };
    }
    throw e;
  }
  throw new Error('expected an Elasticsearch error, got success');
}

/** Asserts the standard envelope and returns the top-level error. */
export async function expectError(
  fn: () => Promise<unknown>,
  status: number,
  type: string,
  reason?: string | RegExp,
): Promise<Json> {
  const r = await esError(fn);
  expect(r.status).toBe(status);
  expect(r.body.status).toBe(status);
  expect(r.body.error.type).toBe(type);
  if (typeof reason === 'string') expect(r.body.error.reason).toBe(reason);
  else if (reason) expect(r.body.error.reason).toMatch(reason);
  return r.body.error;
}
