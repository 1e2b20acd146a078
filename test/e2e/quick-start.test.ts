/**
 * The README quick start, "by questions" path: the commands between the `quick-start:init`
 * markers of README.md are read from the README and run as written, in an empty folder, by the
 * built CLI. Two liberties, both about the machine running the test: `eskeys sandbox` gets
 * `--port 0` (9200 may be taken) and the exported URL is the one it printed. The "from traffic"
 * path (`quick-start:learn`) is run the same way, with an application in between: while `eskeys
 * learn` records, the test sends the requests an application would through the proxy.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLearn } from './learn-support.js';
import { BIN, envValue, ROOT, runCli } from './rotate-support.js';

/** The shell lines of a README block between `<!-- quick-start:NAME -->` markers, comments cut. */
function quickStartLines(name: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`<!-- quick-start:${name} -->`);
  const end = readme.indexOf(`<!-- /quick-start:${name} -->`);
  expect(start, `README.md has a quick-start:${name} block`).toBeGreaterThan(-1);
  const block = readme.slice(start, end);
  const code = /```sh\n([\s\S]*?)```/.exec(block)?.[1] ?? '';
  return code
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '');
}

/** Shell words of a simple command line: blanks separate, single quotes group. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

/** Starts `eskeys sandbox` as the README says, on a free port; resolves with the URL it prints. */
function startSandbox(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.on('close', (code) => reject(new Error(`eskeys sandbox exited ${code} before listening`)));
  });
}

/** What running a quick-start block left: the exported variables, the sandbox URL, all output. */
interface BlockRun {
  readonly env: Record<string, string>;
  readonly url: string;
  readonly outputs: string[];
}

/**
 * Runs a quick-start block's lines as written in `dir`: `export` sets variables (the sandbox's
 * printed URL in place of 127.0.0.1:9200), `eskeys sandbox` starts on a free port, and every other
 * eskeys command must exit 0. `learn` runs a line the caller drives itself (a proxy that records
 * while an application sends its requests).
 */
async function runBlock(
  lines: readonly string[],
  dir: string,
  learn?: (args: string[], run: BlockRun) => Promise<void>,
): Promise<BlockRun> {
  const run: { env: Record<string, string>; url: string; outputs: string[] } = {
    env: {},
    url: '',
    outputs: [],
  };
  for (const line of lines) {
    const [verb, ...rest] = words(line);
    if (verb === 'export') {
      for (const assignment of rest) {
        const eq = assignment.indexOf('=');
        run.env[assignment.slice(0, eq)] = assignment.slice(eq + 1).replace('http://127.0.0.1:9200', run.url);
      }
      continue;
    }
    expect(verb).toBe('eskeys');
    if (rest[0] === 'sandbox') {
      run.url = await startSandbox(rest);
      continue;
    }
    if (rest[0] === 'learn' && learn) {
      await learn(rest.slice(1), run);
      continue;
    }
    const r = await runCli(rest, dir, run.env);
    expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    run.outputs.push(r.stdout, r.stderr);
  }
  return run;
}

describe('README quick start, by questions', () => {
  it('runs as written in an empty folder: at most four commands, each exits 0, and .env holds a proven key', async () => {
    const lines = quickStartLines('init');
    expect(lines.length).toBeLessThanOrEqual(4);

    const dir = mkdtempSync(join(tmpdir(), 'eskeys-quick-start-'));
    try {
      const { env, url, outputs } = await runBlock(lines, dir);

      const key = envValue(readFileSync(join(dir, '.env'), 'utf8'), 'ELASTICSEARCH_API_KEY');
      expect(key).toMatch(/^[A-Za-z0-9+/=_-]{20,}$/);
      // The key works for what `--can read,create` said, and Elasticsearch refuses a document
      // delete to it with 403 (no `delete`, `write` or `all` in its role descriptors).
      const asKey = (method: string, path: string) =>
        fetch(url + path, { method, headers: { authorization: `ApiKey ${key}` } }).then((r) => r.status);
      expect(await asKey('GET', '/app-eskeys-probe/_search')).toBe(200);
      expect(await asKey('DELETE', '/app-eskeys-probe/_doc/1')).toBe(403);
      expect(await asKey('DELETE', '/app-eskeys-probe')).toBe(403);

      const verify = await runCli(['verify', '-t', 'app'], dir, env);
      expect(verify.code).toBe(0);
      // The key is in .env and nowhere else eskeys wrote or printed.
      for (const text of [...outputs, verify.stdout, verify.stderr]) expect(text).not.toContain(key!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('README quick start, from traffic', () => {
  it('runs as written in an empty folder with an application in between: the learned key does what the app did and no more', async () => {
    const lines = quickStartLines('learn');
    expect(lines.length).toBeLessThanOrEqual(4);

    const dir = mkdtempSync(join(tmpdir(), 'eskeys-quick-start-learn-'));
    try {
      const { url } = await runBlock(lines, dir, async (args, run) => {
        // The proxy on a free port instead of 9201, in front of the sandbox just started.
        const proxied = args
          .map((a) => a.replace('http://127.0.0.1:9200', run.url))
          .map((a, i, all) => (all[i - 1] === '--port' ? '0' : a));
        const learn = await startLearn(proxied, dir);
        // The application: it indexes documents into a monthly index and searches them, as
        // the admin user the quick start exported (its broad credentials before eskeys).
        const auth = `Basic ${Buffer.from(`${run.env.ESKEYS_USERNAME}:${run.env.ESKEYS_PASSWORD}`).toString('base64')}`;
        const app = (method: string, path: string, body?: unknown) =>
          fetch(learn.url + path, {
            method,
            headers: { authorization: auth, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          }).then((r) => r.status);
        expect(await app('PUT', '/app-2026-11/_doc/1', { subject: 'hello' })).toBe(201);
        expect(await app('PUT', '/app-2026-12/_doc/1', { subject: 'again' })).toBe(201);
        expect(await app('POST', '/app-2026-12/_search', { query: { match_all: {} } })).toBe(200);
        const stopped = await learn.stop('SIGINT');
        expect(stopped.code, stopped.stderr).toBe(0);
      });

      const key = envValue(readFileSync(join(dir, '.env'), 'utf8'), 'ELASTICSEARCH_API_KEY');
      expect(key).toMatch(/^[A-Za-z0-9+/=_-]{20,}$/);
      const asKey = (method: string, path: string, body?: unknown) =>
        fetch(url + path, {
          method,
          headers: { authorization: `ApiKey ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }).then((r) => r.status);
      // What the application did works with the learned key ...
      expect(await asKey('PUT', '/app-2026-12/_doc/2', { subject: 'later' })).toBe(201);
      expect(await asKey('POST', '/app-2026-12/_search', { query: { match_all: {} } })).toBe(200);
      // ... and what it never did is refused: Elasticsearch answers 403 for a document delete
      // and an index delete to a key without `delete` / `delete_index` on the names.
      expect(await asKey('DELETE', '/app-2026-12/_doc/1')).toBe(403);
      expect(await asKey('DELETE', '/app-2026-12')).toBe(403);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
