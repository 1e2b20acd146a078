import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createCommand } from '../../../src/cli/commands/create.js';
import { type RotateOptions, rotateCommand, runRotate } from '../../../src/cli/commands/rotate.js';
import type { OpenServices } from '../../../src/cli/composition.js';
import { CancelledError, LockedError, UsageError } from '../../../src/core/errors.js';
import { FakeCluster } from '../../support/fake-cluster.js';
import { FakeIO, fakeContext } from '../../support/fake-io.js';
import { FakePrompter } from '../../support/fake-prompter.js';
import { fakeProbes, fakeRotationServices } from '../../support/fake-rotation-ports.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

function projectDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-rotate-cmd-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'roles'));
  copyFileSync(join(ROOT, 'roles/email-search.json'), join(dir, 'roles/email-search.json'));
  return dir;
}

/** Fake services for runRotate; `locked` makes the lock refuse. */
function fakeServices(ctxClock: ConstructorParameters<typeof FakeCluster>[0], locked = false) {
  return fakeRotationServices(new FakeCluster(ctxClock), locked);
}

describe('rotate/create argv → options (the run seam)', () => {
  it.each([
    { argv: ['-t', 'email-search'], want: { template: 'email-search', mode: 'rotate' } },
    {
      argv: ['--template', 'x', '--now', '--yes', '--env', 'prod', '--json'],
      want: { now: true, yes: true, env: 'prod', json: true },
    },
    { argv: ['-t', 'x', '--grace', '2h', '--dry-run'], want: { grace: '2h', dryRun: true } },
    { argv: ['email-search', '--yes'], want: { template: 'email-search', yes: true } },
    { argv: ['email-search', '-t', 'email-search'], want: { template: 'email-search' } },
  ])('rotate $argv', async ({ argv, want }) => {
    const run = vi.fn(async (_o: RotateOptions) => {});
    const cmd = rotateCommand(fakeContext({ cwd: '/tmp' }), run).exitOverride();
    await cmd.parseAsync(argv, { from: 'user' });
    expect(run.mock.calls[0]![0]).toMatchObject(want);
  });

  it('--now and --grace exclude each other', async () => {
    const cmd = rotateCommand(fakeContext({ cwd: '/tmp' }), async () => {}).exitOverride();
    await expect(
      cmd.parseAsync(['-t', 'x', '--now', '--grace', '1h'], { from: 'user' }),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it.each([
    { verb: 'rotate', command: rotateCommand },
    { verb: 'create', command: createCommand },
  ])('$verb: a positional name and a different --template is exit 2 naming both', async ({ command }) => {
    const cmd = command(fakeContext({ cwd: '/tmp' }), async () => {}).exitOverride();
    await expect(cmd.parseAsync(['a', '--template', 'b'], { from: 'user' })).rejects.toThrow(
      new UsageError('template given twice: "a" as argument and "b" with --template; give one'),
    );
  });

  it('create takes the template name as its argument', async () => {
    const run = vi.fn(async () => {});
    const cmd = createCommand(fakeContext({ cwd: '/tmp' }), run).exitOverride();
    await cmd.parseAsync(['email-search', '--env', 'prod'], { from: 'user' });
    expect(run.mock.calls[0]).toMatchObject([{ template: 'email-search', env: 'prod' }]);
  });

  it('create has no --now', async () => {
    const cmd = createCommand(fakeContext({ cwd: '/tmp' }), async () => {})
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    await expect(cmd.parseAsync(['-t', 'x', '--now'], { from: 'user' })).rejects.toThrow(/unknown option/);
  });
});

describe('runRotate', () => {
  it('non-interactive: rotates without asking; progress on stderr, summary on stdout', async () => {
    const ctx = fakeContext({ cwd: projectDir() });
    const s = fakeServices(ctx.clock);
    await runRotate({ ctx, mode: 'create', template: 'email-search', openServices: s.open });
    expect(ctx.io.out).toMatch(/email-search@default: new key email-search@default#1 \(…\w{4}\) is live/);
    expect(ctx.io.err).toMatch(/→ creating key email-search@default#1/);
    expect(s.cluster.validKeys()).toHaveLength(1);
    for (const secret of s.cluster.secrets()) expect(ctx.io.out + ctx.io.err).not.toContain(secret);
  });

  it('interactive: picks the template, shows the plan, asks; "no" cancels before any key exists (exit 130)', async () => {
    const prompter = new FakePrompter([
      { kind: 'select', answer: 'email-search' },
      { kind: 'confirm', answer: false },
    ]);
    const ctx = fakeContext({ cwd: projectDir(), io: new FakeIO(true), prompter });
    const s = fakeServices(ctx.clock);
    const err = await runRotate({ ctx, mode: 'rotate', openServices: s.open }).catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.exitCode).toBe(130);
    expect(ctx.io.err).toMatch(/plan: rotate email-search@default/);
    expect(s.cluster.keys.size).toBe(0);
    prompter.verify();
  });

  it('the plan names the cluster without the credentials its URL may carry, and the admin', async () => {
    const ctx = fakeContext({ cwd: projectDir() });
    const s = fakeServices(ctx.clock);
    // Connection settings refuse a URL with userinfo; the plan strips it all the same.
    (s.cluster as { url: string }).url = 'https://ops:hunter2@es.example.com:9200';
    await runRotate({ ctx, mode: 'create', template: 'email-search', dryRun: true, openServices: s.open });
    expect(ctx.io.out).toContain(
      'plan: create email-search@default\n  cluster:     https://***@es.example.com:9200 (environment default)\n  admin:       admin (realm native1)\n',
    );
    expect(ctx.io.out + ctx.io.err).not.toContain('hunter2');
  });

  it('interactive "yes" proceeds', async () => {
    const prompter = new FakePrompter([{ kind: 'confirm', answer: true }]);
    const ctx = fakeContext({ cwd: projectDir(), io: new FakeIO(true), prompter });
    const s = fakeServices(ctx.clock);
    await runRotate({ ctx, mode: 'rotate', template: 'email-search', openServices: s.open });
    expect(s.cluster.validKeys()).toHaveLength(1);
    prompter.verify();
  });

  it('--now without a terminal and without --yes is a usage error, and nothing is created', async () => {
    const ctx = fakeContext({ cwd: projectDir() });
    const s = fakeServices(ctx.clock);
    await runRotate({ ctx, mode: 'create', template: 'email-search', openServices: s.open });
    const err = await runRotate({
      ctx,
      mode: 'rotate',
      template: 'email-search',
      now: true,
      openServices: s.open,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(s.cluster.keys.size).toBe(1);
  });

  it('an admin authenticated by API key is refused up front (ES lets it mint only privilege-less keys)', async () => {
    const ctx = fakeContext({ cwd: projectDir() });
    const s = fakeServices(ctx.clock);
    s.cluster.adminAuthKind = 'api_key';
    const err = await runRotate({
      ctx,
      mode: 'create',
      template: 'email-search',
      openServices: s.open,
    }).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/admin identity is an API key/);
    expect(s.cluster.keys.size).toBe(0);
  });

  it('a held lock is exit 4 before anything is created', async () => {
    const ctx = fakeContext({ cwd: projectDir() });
    const s = fakeServices(ctx.clock, true);
    const err = await runRotate({
      ctx,
      mode: 'rotate',
      template: 'email-search',
      openServices: s.open,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect(err.exitCode).toBe(4);
    expect(s.cluster.keys.size).toBe(0);
  });

  it('--json prints one JSON document with no secret', async () => {
    const ctx = fakeContext({ cwd: projectDir() });
    const s = fakeServices(ctx.clock);
    await runRotate({ ctx, mode: 'create', template: 'email-search', json: true, openServices: s.open });
    const out = JSON.parse(ctx.io.out);
    expect(out).toMatchObject({
      status: 'completed',
      template: 'email-search',
      environment: 'default',
      key: { generation: 1 },
    });
    for (const secret of s.cluster.secrets()) expect(ctx.io.out).not.toContain(secret);
  });

  it('a failed verify exits 1 after rendering the matrix', async () => {
    const ctx = fakeContext({ cwd: projectDir() });
    const s = fakeServices(ctx.clock);
    const open: OpenServices = async (...a) => ({
      ...(await s.open(...a)),
      probes: fakeProbes(() => false).run,
    });
    const err = await runRotate({ ctx, mode: 'create', template: 'email-search', openServices: open }).catch(
      (e) => e,
    );
    expect(err.exitCode).toBe(1);
    expect(ctx.io.out).toMatch(/FAILED; the new key was invalidated/);
    expect(s.cluster.validKeys()).toHaveLength(0);
  });
});
