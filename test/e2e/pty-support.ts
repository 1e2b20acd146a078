/**
 * Runs the built CLI on a pseudo-terminal from python3's pty module, as a person at a terminal
 * would: stdin (and stderr, unless piped) on the terminal, which is the child's controlling
 * terminal (so /dev/tty is this pty, never the terminal the tests were started from), stdout on
 * a pipe. Tests that need it skip with a message where python3 or its pty module is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from './rotate-support.js';

/** python3 with its pty module is installed. */
export const HAS_PTY = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

/** Warns once, naming the test file, when the pty tests of that file are skipped. */
export function warnIfNoPty(file: string): void {
  if (!HAS_PTY) console.warn(`${file}: skipped, python3 with its pty module is not installed`);
}

/**
 * For each [question, answer] in order, waits until the terminal shows the question after the
 * previous answer, then types the answer and Enter; a child never asked is killed rather than
 * waited on. Prints {code, tty, stdout, stderr, unanswered} as JSON. The select() timeout only
 * keeps a broken run from hanging forever; no assertion depends on it.
 */
const DRIVER = `
import json, os, pty, select, struct, subprocess, sys, fcntl, termios
script, stderr_mode, stdout_mode, cols = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
master, slave = pty.openpty()
if cols:
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, cols, 0, 0))
def controlling_terminal():
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
child = subprocess.Popen(sys.argv[5:], stdin=slave, stdout=slave if stdout_mode == 'tty' else subprocess.PIPE,
    stderr=slave if stderr_mode == 'tty' else subprocess.PIPE, close_fds=True, preexec_fn=controlling_terminal)
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
out = child.stdout.read() if child.stdout else b''
err = child.stderr.read() if child.stderr else b''
code = child.wait()
print(json.dumps({'code': code, 'tty': seen.decode('utf-8', 'replace'), 'stdout': out.decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace'), 'unanswered': [q for q, _ in script]}))
`;

/** What a run on the terminal gave. */
export interface TtyRun {
  readonly code: number;
  /** Everything the terminal showed (stderr and stdout when they are the terminal, and the prompts). */
  readonly tty: string;
  readonly stdout: string;
  /** stderr when it was a pipe. */
  readonly stderr: string;
  /** Questions the terminal never showed. */
  readonly unanswered: string[];
}

/** Runs `eskeys ARGS` in `cwd` on a terminal, answering `script` in order. */
export function runInTerminal(
  args: readonly string[],
  cwd: string,
  script: readonly (readonly [string, string])[],
  opts: {
    stderr?: 'tty' | 'pipe';
    /** @defaultValue 'pipe' */
    stdout?: 'tty' | 'pipe';
    /** The terminal's width (TIOCSWINSZ); @defaultValue 0, a terminal that reports no size */
    columns?: number;
    /** Added to the child's environment (NO_COLOR=1 and TERM=dumb unless overridden). */
    env?: Record<string, string>;
  } = {},
): Promise<TtyRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'python3',
      [
        '-c',
        DRIVER,
        JSON.stringify(script),
        opts.stderr ?? 'tty',
        opts.stdout ?? 'pipe',
        String(opts.columns ?? 0),
        process.execPath,
        '--',
        BIN,
        ...args,
      ],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1', TERM: 'dumb', ...opts.env } },
    );
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
