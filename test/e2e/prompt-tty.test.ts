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
 * Runs the command with stdin and stderr on a pseudo-terminal and stdout on a pipe; once the
 * terminal shows `prompt`, types `answer` and Enter. Prints {code, tty, stdout} as JSON. The
 * select() timeout only keeps a broken run from hanging forever; no assertion depends on it.
 */
const DRIVER = `
import json, os, pty, select, subprocess, sys
prompt, answer = sys.argv[1].encode(), sys.argv[2].encode()
master, slave = pty.openpty()
child = subprocess.Popen(sys.argv[3:], stdin=slave, stdout=subprocess.PIPE, stderr=slave, close_fds=True)
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
out = child.stdout.read()
code = child.wait()
print(json.dumps({'code': code, 'tty': seen.decode('utf-8', 'replace'), 'stdout': out.decode('utf-8', 'replace')}))
`;

interface TtyRun {
  readonly code: number;
  /** Everything the terminal showed (stderr and the prompts). */
  readonly tty: string;
  readonly stdout: string;
}

function runInTerminal(
  args: readonly string[],
  cwd: string,
  prompt: string,
  answer: string,
): Promise<TtyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER, prompt, answer, process.execPath, BIN, ...args], {
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
