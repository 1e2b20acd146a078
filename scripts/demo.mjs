#!/usr/bin/env node
// `npm start`: a full eskeys rotation on the local sandbox, end to end, with the built CLI.
// It starts the Elasticsearch-compatible sandbox in this process, bootstraps a dedicated admin
// user (not `elastic`), writes a throwaway project whose .env has other content, then runs
// `eskeys rotate` twice for roles/email-search.json and `eskeys status`, showing the permission
// matrix, the masked env-file diff and the superseded key's scheduled end. No secret is printed:
// the script checks its own output against the keys it finds in the .env file.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist/cli/bin.js');
const TEMPLATE = ['roles/email-search.json', 'test/fixtures/rotation/email-search.json']
  .map((p) => join(ROOT, p))
  .find((p) => existsSync(p));

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const printed = [];
const say = (s = '') => {
  printed.push(s);
  process.stdout.write(`${s}\n`);
};

/** Runs the built CLI without blocking this process (the sandbox serves from it). */
function eskeys(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function step(title, args, cwd) {
  say();
  say(bold(`━━ ${title}`));
  say(dim(`$ eskeys ${args.join(' ')}`));
  const r = await eskeys(args, cwd);
  for (const line of r.stderr.trimEnd().split('\n')) if (line) say(dim(line));
  say(r.stdout.trimEnd());
  if (r.code !== 0) throw new Error(`eskeys ${args[0]} exited ${r.code}`);
  return r;
}

async function main() {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm start does it for you)');
  if (!TEMPLATE) throw new Error('roles/email-search.json not found');
  const { startSandbox } = await import(join(ROOT, 'dist/sandbox/index.js'));
  const sandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-demo-'));
  try {
    const elastic = `Basic ${Buffer.from(`elastic:${sandbox.password}`).toString('base64')}`;
    const put = async (path, body) => {
      const r = await fetch(sandbox.url + path, {
        method: 'PUT',
        headers: { authorization: elastic, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`PUT ${path}: ${r.status} ${await r.text()}`);
    };
    // The admin identity eskeys acts as: manage_api_key plus everything the template delegates
    // (a key's privileges are the intersection with its owner's), never `elastic` itself.
    await put('/_security/role/eskeys-admin', {
      cluster: ['manage_api_key', 'monitor', 'manage_index_templates', 'manage_ilm', 'manage_pipeline'],
      indices: [{ names: ['gmail_emails-*'], privileges: ['all'] }],
    });
    const adminPassword = randomBytes(18).toString('base64url');
    await put('/_security/user/eskeys-admin', { password: adminPassword, roles: ['eskeys-admin'] });

    mkdirSync(join(dir, 'roles'));
    copyFileSync(TEMPLATE, join(dir, 'roles/email-search.json'));
    const envBefore = [
      '# email-search API server',
      'export PORT=8080',
      'ELASTICSEARCH_URL="http://localhost:9200"',
      '',
      '# the key eskeys manages; everything else in this file is left byte for byte',
      'ELASTICSEARCH_API_KEY=',
      'LOG_LEVEL=info',
      '',
    ].join('\n');
    writeFileSync(join(dir, '.env'), envBefore);
    writeFileSync(
      join(dir, '.eskeys.env'),
      `ESKEYS_URL=${sandbox.url}\nESKEYS_USERNAME=eskeys-admin\nESKEYS_PASSWORD=${adminPassword}\n`,
      { mode: 0o600 },
    );

    say(bold('eskeys demo'));
    say(`sandbox:  ${sandbox.url} (Elasticsearch ${sandbox.state.version.number} emulator, in this process)`);
    say('admin:    eskeys-admin (manage_api_key + the privileges the template delegates; not `elastic`)');
    say(`project:  ${dir}`);
    say('template: roles/email-search.json');

    await step(
      '0. doctor: connection, admin identity, cluster features, and whether the admin can delegate the template',
      ['doctor'],
      dir,
    );
    await step(
      '1. first rotation: no key yet, so eskeys mints generation 1, proves it, publishes it',
      ['rotate', '--template', 'email-search'],
      dir,
    );
    const firstKey = readFileSync(join(dir, '.env'), 'utf8');
    await step(
      '2. second rotation: generation 2 replaces 1; the old key stays valid for the grace period',
      ['rotate', '--template', 'email-search'],
      dir,
    );
    await step('3. status: what the cluster knows, from key metadata', ['status'], dir);
    await step(
      '4. tick --dry-run: what the scheduler (cron, `eskeys schedule`) would do on its next pass',
      ['tick', '--dry-run'],
      dir,
    );
    await step('5. inventory: every API key in the cluster, with findings', ['inventory'], dir);

    // Self-check: nothing printed above may contain a key that was ever in the .env file.
    const secrets = [firstKey, readFileSync(join(dir, '.env'), 'utf8')]
      .map((t) => /^ELASTICSEARCH_API_KEY=(\S+)/m.exec(t)?.[1])
      .filter((s) => s && s.length > 20);
    const all = printed.join('\n');
    const parts = secrets.flatMap((s) => [s, Buffer.from(s, 'base64').toString('utf8').split(':')[1] ?? s]);
    if (secrets.length !== 2 || parts.some((s) => all.includes(s))) {
      throw new Error('self-check failed: a secret appeared in the output');
    }
    say();
    say(bold('done: two rotations, every probe passed, no secret printed (self-checked).'));
    say(dim('Next: `eskeys review --live` writes the least-privilege review document for a reviewer.'));
    say(dim('Try it yourself: `eskeys sandbox`, then `eskeys rotate --template email-search --dry-run`.'));
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`demo failed: ${error.message}\n`);
    process.exit(1);
  },
);
