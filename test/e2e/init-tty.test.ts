/**
 * `eskeys init` in a terminal: every answer not given as a flag is asked. The built CLI runs
 * under a pseudo-terminal from python3's pty module (stdin and stderr on the terminal, stdout on
 * a pipe), and the driver types each answer once the terminal shows its question.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, makeProject, readProjectFile, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();

const HAS_PTY = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;
if (!HAS_PTY) console.warn('init-tty.test.ts: skipped, python3 with its pty module is not installed');

/**
 * Runs the command on a pseudo-terminal; for each [question, answer] in order, waits until the
 * terminal shows the question after the previous answer, then types the answer and Enter.
 * Prints {code, tty, stdout, unanswered} as JSON. The select() timeout only keeps a broken run
 * from hanging forever; no assertion depends on it.
 */
const DRIVER = `
import json, os, pty, select, subprocess, sys, fcntl, termios
script = json.loads(sys.argv[1])
master, slave = pty.openpty()
def controlling_terminal():
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
child = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=subprocess.PIPE, stderr=slave,
    close_fds=True, preexec_fn=controlling_terminal)
os.close(slave)
seen, since = b'', 0
while True:
    ready, _, _ = select.select([master], [], [], 60)
    if not ready:
        break
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    seen += data
    if script and script[0][0].encode() in seen[since:]:
        question, answer = script.pop(0)
        since = len(seen)
        os.write(master, answer.encode() + b'\\r')
if script and child.poll() is None:
    child.kill()
out = child.stdout.read()
code = child.wait()
print(json.dumps({'code': code, 'tty': seen.decode('utf-8', 'replace'), 'stdout': out.decode('utf-8', 'replace'), 'unanswered': [q for q, _ in script]}))
`;

interface TtyRun {
  readonly code: number;
  readonly tty: string;
  readonly stdout: string;
  readonly unanswered: string[];
}

function runInTerminal(args: readonly string[], cwd: string, script: [string, string][]): Promise<TtyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, JSON.stringify(script), process.execPath, BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1', TERM: 'dumb' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as TtyRun)
        : reject(new Error(`pty driver failed (${code}): ${err}`)),
    );
  });
}

describe.skipIf(!HAS_PTY)('eskeys init asks in a terminal', () => {
  it('asks every question, tests the connection, and writes what was answered', async () => {
    const dir = makeProject(sb, { templates: [] });
    const r = await runInTerminal(['init'], dir, [
      ['Template name', 'applylens'],
      ['Cluster URL', ''], // Enter: the URL of .eskeys.env, offered as the default
      ['Index patterns', 'applylens-*, applylens_logs-*'],
      ['search or read documents', 'y'],
      ['add new documents', 'n'],
      ['overwrite or update documents', 'y'],
      ['delete documents', 'n'],
      ['create its own indices', 'y'],
      ['ingest pipelines', 'n'],
      ['ILM policies', 'y'],
      ['index templates', 'n'],
      ['Env file that receives the key', 'app.env'],
      ['Variable holding the key', 'APPLYLENS_ES_KEY'],
      ['Write roles/applylens.json and eskeys.config.json?', 'y'],
    ]);
    expect(r.unanswered).toEqual([]);
    expect(r.code).toBe(0);
    // The connection was tested as doctor does, before anything was written.
    expect(r.tty).toContain(`✓ ${sb.url}: eskeys-admin`);
    expect(r.stdout).toContain('wrote roles/applylens.json');

    const t = JSON.parse(readProjectFile(dir, 'roles/applylens.json'));
    // search/read → read; update → index (covers adding too); own indices → create_index +
    // view_index_metadata, not manage; ILM → the cluster privilege manage_ilm.
    expect(t.role_descriptors.applylens).toEqual({
      cluster: ['manage_ilm'],
      indices: [
        {
          names: ['applylens-*', 'applylens_logs-*'],
          privileges: ['read', 'index', 'create_index', 'view_index_metadata'],
        },
      ],
    });
    expect(t.probes.deny).toEqual(expect.arrayContaining(['doc.delete', 'index.delete', 'aliases.update']));
    expect(t.outputs).toEqual({
      env_files: ['app.env'],
      key_var: 'APPLYLENS_ES_KEY',
      id_var: 'APPLYLENS_ES_KEY_ID',
    });
    // The admin password of .eskeys.env is never shown nor written.
    expect(r.tty + r.stdout).not.toContain('eskeys-admin-e2e-password');
    expect(readProjectFile(dir, 'roles/applylens.json')).not.toContain('eskeys-admin-e2e-password');
  });

  it('answering no to the last question writes nothing (exit 130)', async () => {
    const dir = makeProject(sb, { templates: [] });
    const r = await runInTerminal(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read'],
      dir,
      [
        ['Cluster URL', ''],
        ['Env file that receives the key', ''],
        ['Variable holding the key', ''],
        ['Write roles/applylens.json and eskeys.config.json?', 'n'],
      ],
    );
    expect(r.unanswered).toEqual([]);
    expect(r.code).toBe(130);
    expect(existsSync(join(dir, 'roles/applylens.json'))).toBe(false);
    expect(existsSync(join(dir, 'eskeys.config.json'))).toBe(false);
  });
});
