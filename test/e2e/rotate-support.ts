/**
 * E2E support for the rotation verbs: the in-process sandbox with a dedicated admin user
 * (`eskeys-admin`, not `elastic`), a recording proxy in front of it that keeps every secret the
 * cluster hands out (so tests can assert none leaks), temporary projects, and the built CLI
 * as a subprocess.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, onTestFinished } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'dist/cli/bin.js');
export const ADMIN_USER = 'eskeys-admin';
export const ADMIN_PASSWORD = 'eskeys-admin-e2e-password';

/** A sandbox, the admin user and the recording proxy. */
export interface RotationSandbox {
  readonly sandbox: Sandbox;
  /** The proxy URL the CLI talks to. */
  readonly url: string;
  /** Every `api_key` and `encoded` value the cluster returned so far. */
  readonly secrets: string[];
  /** Every request the CLI sent through the proxy (method, path, and whether an API key authenticated it). */
  readonly requests: { method: string; path: string; asApiKey: boolean }[];
  /** Sends a request to the sandbox as `elastic` (test setup and inspection). */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Sends a request with an encoded API key. */
  asKey(encoded: string, method: string, path: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

async function call(url: string, auth: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/** A proxy that forwards everything and records secrets from API-key create responses. */
function recordingProxy(
  target: string,
  secrets: string[],
  requests: RotationSandbox['requests'],
): Promise<Server> {
  const t = new URL(target);
  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      asApiKey: /^ApiKey /i.test(String(req.headers.authorization ?? '')),
    });
    const up = httpRequest(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          const body = Buffer.concat(chunks);
          if (req.url?.startsWith('/_security/api_key') && (req.method === 'POST' || req.method === 'PUT')) {
            try {
              const j = JSON.parse(body.toString('utf8')) as { api_key?: string; encoded?: string };
              if (j.api_key) secrets.push(j.api_key);
              if (j.encoded) secrets.push(j.encoded);
            } catch {
              // not a create response
            }
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(body);
        });
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The admin role: manage_api_key plus every privilege the test templates delegate (a key never exceeds its owner). */
export const ADMIN_ROLE = {
  cluster: ['manage_api_key', 'monitor', 'manage_index_templates', 'manage_ilm', 'manage_pipeline'],
  indices: [{ names: ['gmail_emails-*', 'applylens-*'], privileges: ['all'] }],
};

/** Starts the sandbox, creates the admin user and the recording proxy. */
export async function startRotationSandbox(opts: { version?: string } = {}): Promise<RotationSandbox> {
  const sandbox = await startSandbox({ port: 0, version: opts.version });
  const elastic = 'Basic ' + Buffer.from(`elastic:${sandbox.password}`).toString('base64');
  const admin = (method: string, path: string, body?: unknown) =>
    call(sandbox.url, elastic, method, path, body);
  expect((await admin('PUT', '/_security/role/eskeys-admin', ADMIN_ROLE)).status).toBe(200);
  expect(
    (
      await admin('PUT', `/_security/user/${ADMIN_USER}`, {
        password: ADMIN_PASSWORD,
        roles: ['eskeys-admin'],
      })
    ).status,
  ).toBe(200);
  const secrets: string[] = [];
  const requests: RotationSandbox['requests'] = [];
  const proxy = await recordingProxy(sandbox.url, secrets, requests);
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    sandbox,
    url,
    secrets,
    requests,
    admin,
    asKey: (encoded, method, path) => call(sandbox.url, `ApiKey ${encoded}`, method, path),
    close: async () => {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await sandbox.close();
    },
  };
}

/**
 * One rotation sandbox for a whole test file: started before its tests, closed after them, and
 * the secret-leak check (trackSecretLeaks) after each test. Returns a stand-in that forwards to
 * the started sandbox, so test bodies keep writing `sb.url`, `sb.admin(...)`.
 */
export function useRotationSandbox(opts: { version?: string } = {}): RotationSandbox {
  let current: RotationSandbox | undefined;
  beforeAll(async () => {
    current = await startRotationSandbox(opts);
  });
  afterAll(async () => {
    await current?.close();
  });
  trackSecretLeaks(() => current);
  return new Proxy({} as RotationSandbox, {
    get(_target, prop) {
      if (!current) throw new Error('the rotation sandbox was used before beforeAll started it');
      return Reflect.get(current, prop);
    },
  });
}

/** Result of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs and projects of the current test, for the automatic leak check (see trackSecretLeaks). */
const currentRuns: CliRun[] = [];
const currentDirs: string[] = [];

/**
 * Registers an afterEach that asserts no secret the sandbox handed out appears in any CLI
 * output, journal or audit log of the test (STYLE.md: every test that creates a key checks).
 */
export function trackSecretLeaks(sandbox: () => RotationSandbox | undefined): void {
  afterEach(() => {
    const sb = sandbox();
    const runs = currentRuns.splice(0);
    const dirs = currentDirs.splice(0);
    if (!sb || sb.secrets.length === 0) return;
    for (const dir of dirs) expectNoSecretLeak(sb, dir, runs);
  });
}

/** Runs the built CLI in `cwd` (async: the sandbox lives in this process and must keep serving). */
export async function runCli(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
  /**
   * Sends `signal` to the CLI once its stderr matches `when` (an operator's Ctrl-C mid-step), or
   * once `when()` holds (checked every 10 ms: a state of the sandbox the test waits for).
   */
  interrupt?: { when: RegExp | (() => boolean); signal: NodeJS.Signals },
): Promise<CliRun> {
  const r = await spawnCli(args, cwd, env, interrupt);
  currentRuns.push(r);
  return r;
}

function spawnCli(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  interrupt?: { when: RegExp | (() => boolean); signal: NodeJS.Signals },
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--', BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    const when = interrupt?.when;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (interrupt && when instanceof RegExp && !sent && when.test(stderr)) {
        sent = true;
        child.kill(interrupt.signal);
      }
    });
    const poll =
      interrupt && typeof when === 'function'
        ? setInterval(() => {
            if (!sent && when()) {
              sent = true;
              child.kill(interrupt.signal);
            }
          }, 10)
        : undefined;
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Files of a temporary project; `roles/<name>.json` templates are copied from the repo by default. */
export interface ProjectSpec {
  /** Repo-relative template files to copy into roles/. @defaultValue ['roles/email-search.json'] */
  readonly templates?: readonly string[];
  /** Extra files (path → text or JSON value). */
  readonly files?: Record<string, string | object>;
}

/** A temporary project with `.eskeys.env` pointing at the sandbox as the admin user; removed after the test. */
export function makeProject(sb: RotationSandbox, spec: ProjectSpec = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-rotate-'));
  currentDirs.push(dir);
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'roles'));
  for (const t of spec.templates ?? ['roles/email-search.json']) {
    copyFileSync(join(ROOT, t), join(dir, 'roles', t.split('/').pop()!));
  }
  writeFileSync(
    join(dir, '.eskeys.env'),
    `ESKEYS_URL=${sb.url}\nESKEYS_USERNAME=${ADMIN_USER}\nESKEYS_PASSWORD=${ADMIN_PASSWORD}\n`,
  );
  for (const [name, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** A template file derived from a repo template with some fields replaced, written into the project. */
export function writeTemplate(dir: string, from: string, changes: Record<string, unknown>): void {
  const t = { ...JSON.parse(readFileSync(join(ROOT, from), 'utf8')), ...changes };
  delete t.$schema;
  writeFileSync(join(dir, 'roles', `${t.name}.json`), JSON.stringify(t, null, 2));
}

/** Reads a project file. */
export function readProjectFile(dir: string, rel: string): string {
  return readFileSync(join(dir, rel), 'utf8');
}

/** The value of `name` in a dotenv text (simple KEY=VALUE lines; trailing comments cut). */
export function envValue(text: string, name: string): string | undefined {
  const m = new RegExp(`^(?:export\\s+)?${name}=([^\\s#]*)`, 'm').exec(text);
  return m?.[1];
}

/** Every text eskeys produced that must be free of secrets: outputs, journal, audit log. */
export function producedTexts(dir: string, runs: readonly CliRun[]): string[] {
  const texts = runs.flatMap((r) => [r.stdout, r.stderr]);
  for (const rel of ['.eskeys/audit.jsonl']) {
    try {
      texts.push(readProjectFile(dir, rel));
    } catch {
      // absent
    }
  }
  try {
    for (const f of readdirSync(join(dir, '.eskeys/journal')))
      texts.push(readProjectFile(dir, `.eskeys/journal/${f}`));
  } catch {
    // no journal
  }
  return texts;
}

/** Asserts no secret the cluster ever returned appears in any text eskeys produced. */
export function expectNoSecretLeak(sb: RotationSandbox, dir: string, runs: readonly CliRun[]): void {
  expect(sb.secrets.length).toBeGreaterThan(0);
  const texts = producedTexts(dir, runs);
  for (const s of sb.secrets) {
    for (const t of texts) {
      if (t.includes(s)) throw new Error(`a secret (${s.length} chars) leaked into eskeys output`);
    }
  }
}

/** One key of `status --json`. */
export interface StatusKey {
  id: string;
  name: string;
  template: string;
  environment: string;
  generation: number;
  state: string;
  expiration: string | null;
  superseded_until: string | null;
  revoke_due: boolean;
}

/** `status --all --json` as parsed keys. */
export async function statusKeys(dir: string): Promise<StatusKey[]> {
  const r = await runCli(['status', '--all', '--json'], dir);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).keys;
}
