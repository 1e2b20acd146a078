/**
 * Confirmation follows the person, not stdout: a rotation asks whenever stdin is a terminal,
 * even with stdout piped (`eskeys rotate | tee rotate.log`) or `--json`. The built CLI runs
 * under a pseudo-terminal from python3's pty module: stdin and stderr on the terminal, stdout
 * on a pipe. Without a terminal, a project that declares environments must be given `--env`.
 */
import { describe, expect, it } from 'vitest';
import { HAS_PTY, runInTerminal, warnIfNoPty } from './pty-support.js';
import { makeProject, readProjectFile, runCli, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();

const ENV = 'APP_NAME=mail\nELASTICSEARCH_API_KEY=old-key-value\n';

warnIfNoPty('prompt-tty.test.ts');

function expectNoSecret(...texts: string[]): void {
  for (const s of sb.secrets) for (const t of texts) expect(t).not.toContain(s);
}

describe.skipIf(!HAS_PTY)('eskeys rotate asks whenever stdin is a terminal', () => {
  it('stdout piped (rotate | tee): asks on the terminal; answering no changes nothing (exit 130)', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    const minted = sb.secrets.length;
    const r = await runInTerminal(['rotate', '-t', 'email-search'], dir, [['Proceed?', 'n']]);
    expect(r.tty).toContain('Proceed?');
    expect(r.code).toBe(130);
    expect(r.tty).toMatch(/cancelled: nothing was changed/);
    expect(readProjectFile(dir, '.env')).toBe(ENV);
    expect(sb.secrets).toHaveLength(minted); // no key was created
    expectNoSecret(r.tty, r.stdout);
  });

  it('--json in a terminal: asks, and after yes prints the JSON outcome on stdout only', async () => {
    const dir = makeProject(sb, { files: { '.env': ENV } });
    const r = await runInTerminal(['rotate', '-t', 'email-search', '--json'], dir, [['Proceed?', 'y']]);
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
    const r = await runInTerminal(['rotate', '-t', 'email-search'], dir, [['Proceed?', 'n']], {
      stderr: 'pipe',
    });
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
