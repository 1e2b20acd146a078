/**
 * Confirmation follows the person, not stdout: a rotation asks whenever stdin is a terminal,
 * even with stdout piped (`eskeys rotate | tee rotate.log`) or `--json`. The built CLI runs
 * under a pseudo-terminal from python3's pty module: stdin and stderr on the terminal, stdout
 * on a pipe. Without a terminal, a project that declares environments must be given `--env`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, makeProject, readProjectFile, runCli, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();

const ENV = 'APP_NAME=mail\nELASTICSEARCH_API_KEY=old-key-value\n';

const HAS_PTY = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;
if (!HAS_PTY) console.warn('prompt-tty.test.ts: skipped, python3 with its pty module is not installed');

/**
 * Runs the command with stdin (and stderr, unless `stderr` is 'pipe') on a pseudo-terminal that
 * is its controlling terminal, and stdout on a pipe; once the terminal shows `prompt`, types
 * `answer` and Enter. Prints {code, tty, stdout, stderr} as JSON. The
 * select() timeout only keeps a broken run from hanging forever; no assertion depends on it.
 */
const DRIVER = `
import json, os, pty, select, subprocess, sys, fcntl, termios
prompt, answer, stderr_mode = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3]
master, slave = pty.openpty()
def controlling_terminal():
    # A session of its own whose controlling terminal is the pty, as a login shell has
    # (so /dev/tty is this pty, never the terminal the tests were started from).
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
child = subprocess.Popen(sys.argv[4:], stdin=slave, stdout=subprocess.PIPE,
    stderr=slave if stderr_mode == 'tty' else subprocess.PIPE, close_fds=True, preexec_fn=controlling_terminal)
os.close(slave)
seen, answered = b'', False
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
    if not answered and prompt in seen:
        answered = True
        os.write(master, answer + b'\\r')
if not answered and child.poll() is None:
    child.kill()  # never asked: do not wait forever on a child that waits for input
out = child.stdout.read()
err = child.stderr.read() if child.stderr else b''
code = child.wait()
print(json.dumps({'code': code, 'tty': seen.decode('utf-8', 'replace'), 'stdout': out.decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace')}))
`;

interface TtyRun {
  readonly code: number;
  /** Everything the terminal showed (stderr when it is the terminal, and the prompts). */
  readonly tty: string;
  readonly stdout: string;
  /** stderr when it was a pipe. */
  readonly stderr: string;
}

function runInTerminal(
  args: readonly string[],
  cwd: string,
  prompt: string,
  answer: string,
  stderr: 'tty' | 'pipe' = 'tty',
): Promise<TtyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, prompt, answer, stderr, process.execPath, BIN, ...args], {
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

function expectNoSecret(...texts: string[]): void {
  for (const s of sb.secrets) for (const t of texts) expect(t).not.toContain(s);
}

describe.skipIf(!HAS_PTY)('eskeys rotate asks whenever stdin is a terminal', () => {
  it('stdout piped (rotate | tee): asks on the terminal; answering no changes nothing (exit 130)', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    const minted = sb.secrets.length;
    const r = await runInTerminal(['rotate', '-t', 'email-search'], dir, 'Proceed?', 'n');
    expect(r.tty).toContain('Proceed?');
    expect(r.code).toBe(130);
    expect(r.tty).toMatch(/cancelled: nothing was changed/);
    expect(readProjectFile(dir, '.env')).toBe(ENV);
    expect(sb.secrets).toHaveLength(minted); // no key was created
    expectNoSecret(r.tty, r.stdout);
  });

  it('--json in a terminal: asks, and after yes prints the JSON outcome on stdout only', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    const r = await runInTerminal(['rotate', '-t', 'email-search', '--json'], dir, 'Proceed?', 'y');
    expect(r.tty).toContain('Proceed?');
    expect(r.code).toBe(0);
    const outcome = JSON.parse(r.stdout) as { status: string };
    expect(outcome.status).toBe('completed');
    expect(r.stdout).not.toContain('Proceed?');
    expect(readProjectFile(dir, '.env')).not.toBe(ENV);
    expectNoSecret(r.tty, r.stdout);
  });

  it('stderr redirected too (2>err.log): the question still reaches the terminal, via /dev/tty', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    const minted = sb.secrets.length;
    const r = await runInTerminal(['rotate', '-t', 'email-search'], dir, 'Proceed?', 'n', 'pipe');
    expect(r.tty).toContain('Proceed?');
    expect(r.stderr).not.toContain('Proceed?');
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/cancelled: nothing was changed/);
    expect(readProjectFile(dir, '.env')).toBe(ENV);
    expect(sb.secrets).toHaveLength(minted);
    expectNoSecret(r.tty, r.stdout, r.stderr);
  });
});

describe('eskeys rotate without a terminal', () => {
  it('a config that declares environments and no --env: exit 2 naming --env, nothing written', async () => {
    const dir = makeProject(sb, {
      files: { '.env': ENV, 'eskeys.config.json': { environments: { prod: {}, staging: {} } } },
    });
    const minted = sb.secrets.length;
    const r = await runCli(['rotate', '-t', 'email-search', '--yes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^eskeys: --env is required: eskeys\.config\.json declares environments \(prod, staging\)/,
    );
    expect(readProjectFile(dir, '.env')).toBe(ENV);
    expect(sb.secrets).toHaveLength(minted); // no key was created
  });
});
