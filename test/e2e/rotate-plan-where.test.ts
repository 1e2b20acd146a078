/**
 * The plan says where it acts before the question: the cluster URL, the environment, the admin
 * identity (as `_security/_authenticate` reports it) and the current key's age. The built CLI
 * runs in a pseudo-terminal (python3's pty module) for the question; `--dry-run` prints the same
 * plan on stdout for scripts.
 */
import { describe, expect, it } from 'vitest';
import { HAS_PTY, runInTerminal, warnIfNoPty } from './pty-support.js';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  makeProject,
  runCli,
  statusKeys,
  useRotationSandbox,
} from './rotate-support.js';

const sb = useRotationSandbox();

warnIfNoPty('rotate-plan-where.test.ts');

function project() {
  const env = `v${Math.random().toString(36).slice(2, 8)}`;
  const dir = makeProject(sb, {
    files: { '.env': 'A=1\n', 'eskeys.config.json': { environments: { [env]: {} } } },
  });
  return { dir, env };
}

/**
 * The plan's "where" lines. The admin is a native user: `_authenticate` names its realm
 * `default_native`, the name Elasticsearch gives the native realm when none is configured
 * (docs/es-facts.md, "The plan says where it acts").
 */
function whereLines(url: string, env: string): string[] {
  return [
    `  cluster:     ${url} (environment ${env})`,
    `  admin:       ${ADMIN_USER} (realm default_native)`,
  ];
}

describe.skipIf(!HAS_PTY)('rotate in a terminal: the plan says where it acts before asking', () => {
  it('cluster URL, environment, admin identity and the current key’s age come before "Proceed?"', async () => {
    const { dir, env } = project();
    expect((await runCli(['create', 'email-search', '--env', env], dir)).code).toBe(0);
    const current = (await statusKeys(dir)).find((k) => k.environment === env);
    const r = await runInTerminal(['rotate', 'email-search', '--env', env], dir, [['Proceed?', 'n']]);
    expect(r.unanswered).toEqual([]);
    expect(r.code).toBe(130);
    const beforeQuestion = r.tty.slice(0, r.tty.indexOf('Proceed?')).replace(/\r\n/g, '\n');
    expect(beforeQuestion).toContain(
      `plan: rotate email-search@${env}\n${whereLines(sb.url, env).join('\n')}\n`,
    );
    expect(beforeQuestion).toMatch(
      new RegExp(
        `\\n {2}current key: email-search@${env}#1 \\(…${current!.id.slice(-4)}\\), created \\S+Z, (\\d+[dhms] ?)+ old, rotation due \\S+Z\\n`,
      ),
    );
    expect(r.tty + r.stdout).not.toContain(ADMIN_PASSWORD);
  });
});

describe('rotate --dry-run: the same plan on stdout', () => {
  it('names the cluster, environment and admin; --json carries them and the key’s age', async () => {
    const { dir, env } = project();
    expect((await runCli(['create', 'email-search', '--env', env], dir)).code).toBe(0);
    const current = (await statusKeys(dir)).find((k) => k.environment === env);
    const r = await runCli(['rotate', 'email-search', '--env', env, '--dry-run'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`plan: rotate email-search@${env}\n${whereLines(sb.url, env).join('\n')}\n`);
    expect(r.stdout).toMatch(/\n {2}current key: .*, created \S+Z, (\d+[dhms] ?)+ old, /);
    const json = await runCli(['rotate', 'email-search', '--env', env, '--dry-run', '--json'], dir);
    const plan = JSON.parse(json.stdout);
    expect(plan.cluster).toEqual({
      url: sb.url,
      environment: env,
      admin: { username: ADMIN_USER, realm: 'default_native', api_key: null },
    });
    expect(plan.current).toMatchObject({ id: current!.id, created: expect.stringMatching(/Z$/) });
    expect(plan.current.age_ms).toBeGreaterThanOrEqual(0);
    expect(r.stdout + json.stdout).not.toContain(ADMIN_PASSWORD);
  });

  it('a first key (create): no current key, still the cluster and the admin', async () => {
    const { dir, env } = project();
    const r = await runCli(['create', 'email-search', '--env', env, '--dry-run'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `plan: create email-search@${env}\n${whereLines(sb.url, env).join('\n')}\n  current key: none\n`,
    );
  });
});
