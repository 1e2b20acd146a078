import { describe, expect, it } from 'vitest';
import {
  AuthorizationError,
  ClusterUnavailableError,
  LockedError,
  PartialFailureError,
} from '../../../src/core/errors.js';
import type { ManagedKey } from '../../../src/core/rotation/key-metadata.js';
import type { RotationOutcome } from '../../../src/core/rotation/rotate-key.js';
import {
  type EnvironmentSession,
  mostSevere,
  type PassInput,
  type PassRecovery,
  type PassTemplate,
  runPass,
} from '../../../src/core/scheduler/pass.js';
import type { AuditRecord } from '../../../src/core/scheduler/review.js';
import type { RoleTemplate } from '../../../src/core/templates/schema.js';
import { FakeClock } from '../../support/fake-clock.js';
import { DAY, daysAgo, hashOf, key, NOW, template } from './support.js';

/** An environment's keys and what the pass did to them, in memory. */
class FakeSession implements EnvironmentSession {
  readonly calls: string[] = [];
  envFilesOf?: (t: RoleTemplate) => readonly string[];
  keys: ManagedKey[];
  recoveries: PassRecovery[] = [];
  locked = new Set<string>();
  /** What rotate answers per template (default: completed). */
  outcome = new Map<string, (t: RoleTemplate) => RotationOutcome | Error>();
  /** Runs when the lock is taken (a concurrent pass finishing first). */
  onLock?: (scope: string) => void;
  constructor(
    readonly env: string,
    keys: ManagedKey[],
  ) {
    this.keys = keys;
  }
  async recover(opts: { templates?: readonly string[]; dryRun: boolean }) {
    this.calls.push(
      `recover${opts.dryRun ? ' (dry)' : ''}${opts.templates ? ` ${opts.templates.join(',')}` : ''}`,
    );
    return this.recoveries;
  }
  async findKeys() {
    this.calls.push('findKeys');
    return [...this.keys];
  }
  async findScopeKeys(template: string) {
    this.calls.push(`findScopeKeys ${template}`);
    return this.keys.filter((k) => k.meta.template === template);
  }
  async lock(scope: string) {
    if (this.locked.has(scope)) throw new LockedError(`${scope} is locked by pid 42 on host2`);
    this.calls.push(`lock ${scope}`);
    this.onLock?.(scope);
    return { release: () => void this.calls.push(`release ${scope}`) };
  }
  async rotate(t: RoleTemplate, mode: 'create' | 'rotate') {
    this.calls.push(`${mode} ${t.name}`);
    const answer = this.outcome.get(t.name)?.(t);
    if (answer instanceof Error) throw answer;
    if (answer) return answer;
    const gen =
      Math.max(0, ...this.keys.filter((k) => k.meta.template === t.name).map((k) => k.meta.generation)) + 1;
    return completed(t.name, gen);
  }
  async revoke(keys: readonly ManagedKey[]) {
    this.calls.push(`revoke ${keys.map((k) => k.info.name).join(',')}`);
  }
  async remindReview(d: { template: string }) {
    this.calls.push(`remind ${d.template}`);
  }
  async close() {
    this.calls.push('close');
  }
}

function completed(template: string, gen: number): RotationOutcome {
  return {
    status: 'completed',
    rotationId: 'r1',
    key: { id: `new${gen}`, name: `${template}@prod#${gen}`, generation: gen },
    report: { passed: true, results: [] } as never,
    published: ['.env'],
    retired: [
      {
        id: 'old',
        name: `${template}@prod#${gen - 1}`,
        action: 'superseded',
        until: new Date(NOW.getTime() + DAY),
      },
    ] as never,
  };
}

const app = template();
const other = { ...template(), name: 'other' } as RoleTemplate;
const entry = (t: RoleTemplate): PassTemplate => ({ name: t.name, template: t, hash: hashOf(t) });

function setup(
  sessions: Record<string, FakeSession | Error>,
  opts: Partial<PassInput> = {},
  audit: AuditRecord[] = [],
) {
  const warnings: string[] = [];
  const opened: string[] = [];
  const controller = new AbortController();
  const ports = {
    clock: new FakeClock(NOW),
    signal: controller.signal,
    openEnvironment: async (env: string) => {
      opened.push(env);
      const s = sessions[env]!;
      if (s instanceof Error) throw s;
      return s;
    },
    auditRecords: async () => audit,
    warn: (m: string) => void warnings.push(m),
  };
  const input: PassInput = {
    environments: Object.keys(sessions),
    templates: [entry(app)],
    narrowed: false,
    dryRun: false,
    createMissing: false,
    drift: 'narrowing',
    ...opts,
  };
  return { run: () => runPass(ports, input), warnings, opened, controller };
}

const reviewed: AuditRecord[] = [
  { type: 'review.completed', time: daysAgo(1), template: 'app', environment: 'prod' },
  { type: 'review.completed', time: daysAgo(1), template: 'other', environment: 'prod' },
];

describe('runPass', () => {
  it('recovery first, then one query for the environment, then the due scope under its lock with fresh keys', async () => {
    const s = new FakeSession('prod', [key({ created: daysAgo(91) })]);
    const { run } = setup({ prod: s }, {}, reviewed);
    const report = await run();
    expect(s.calls).toEqual([
      'recover',
      'findKeys',
      'lock app@prod',
      'findScopeKeys app',
      'rotate app',
      'release app@prod',
      'close',
    ]);
    expect(report.scopes).toEqual([
      expect.objectContaining({
        template: 'app',
        environment: 'prod',
        status: 'rotated',
        exitCode: 0,
        newKey: { id: 'new2', name: 'app@prod#2', generation: 2 },
      }),
    ]);
    expect(report.exitCode).toBe(0);
  });

  it('--concurrency: due scopes run side by side, each under its own lock; reports keep template order', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const templates = names.map((name) => ({ ...template(), name }) as RoleTemplate);
    const s = new FakeSession(
      'prod',
      names.map((name) => key({ template: name, created: daysAgo(91) })),
    );
    let inFlight = 0;
    let peak = 0;
    const finish: (() => void)[] = [];
    s.rotate = async (t: RoleTemplate, mode: 'create' | 'rotate') => {
      s.calls.push(`${mode} ${t.name}`);
      inFlight++;
      peak = Math.max(peak, inFlight);
      // The first scope finishes last: completion order differs from template order.
      await new Promise<void>((r) => (t.name === 'a1' ? finish.push(r) : setTimeout(r, 5)));
      inFlight--;
      return completed(t.name, 2);
    };
    const { run } = setup({ prod: s }, { templates: templates.map(entry), concurrency: 3 }, [
      ...names.map((name) => ({
        type: 'review.completed',
        time: daysAgo(1),
        template: name,
        environment: 'prod',
      })),
    ]);
    const pass = run();
    await new Promise((r) => setTimeout(r, 40));
    for (const f of finish) f();
    const report = await pass;
    expect(peak).toBe(3);
    expect(report.scopes.map((x) => [x.template, x.status])).toEqual(names.map((n) => [n, 'rotated']));
    for (const n of names) {
      expect(s.calls.indexOf(`lock ${n}@prod`)).toBeLessThan(s.calls.indexOf(`rotate ${n}`));
      expect(s.calls.indexOf(`rotate ${n}`)).toBeLessThan(s.calls.indexOf(`release ${n}@prod`));
    }
    expect(report.exitCode).toBe(0);
  });

  it('--concurrency never overlaps two rotations that publish into the same env file', async () => {
    const names = ['a1', 'a2', 'a3'];
    const templates = names.map((name) => ({ ...template(), name }) as RoleTemplate);
    const s = new FakeSession(
      'prod',
      names.map((name) => key({ template: name, created: daysAgo(91) })),
    );
    // a1 and a3 both write /srv/app/.env; a2 has a file of its own.
    s.envFilesOf = (t: RoleTemplate) => (t.name === 'a2' ? ['/srv/worker/.env'] : ['/srv/app/.env']);
    const running = new Set<string>();
    const overlaps: string[] = [];
    s.rotate = async (t: RoleTemplate, mode: 'create' | 'rotate') => {
      s.calls.push(`${mode} ${t.name}`);
      for (const other of running) overlaps.push(`${t.name}+${other}`);
      running.add(t.name);
      await new Promise((r) => setTimeout(r, 10));
      running.delete(t.name);
      return completed(t.name, 2);
    };
    const { run } = setup({ prod: s }, { templates: templates.map(entry), concurrency: 3 }, [
      ...names.map((name) => ({
        type: 'review.completed',
        time: daysAgo(1),
        template: name,
        environment: 'prod',
      })),
    ]);
    const report = await run();
    expect(report.scopes.map((x) => [x.template, x.status])).toEqual(names.map((n) => [n, 'rotated']));
    // a2 ran beside a1 or a3, but a1 and a3 never together.
    expect(overlaps.length).toBeGreaterThan(0);
    expect(overlaps.filter((o) => o.includes('a1') && o.includes('a3'))).toEqual([]);
  });

  it('a 403 for one template fails that scope only; a cluster that went away fails the rest untried', async () => {
    const names = ['a1', 'a2', 'a3'];
    const templates = names.map((name) => ({ ...template(), name }) as RoleTemplate);
    const reviews = names.map((name) => ({
      type: 'review.completed',
      time: daysAgo(1),
      template: name,
      environment: 'prod',
    }));
    const due = () =>
      new FakeSession(
        'prod',
        names.map((name) => key({ template: name, created: daysAgo(91) })),
      );
    const forbidden = due();
    forbidden.outcome.set(
      'a1',
      () =>
        new AuthorizationError(
          'the admin may not create index templates (action indices:admin/index_template/put)',
        ),
    );
    const one = await setup({ prod: forbidden }, { templates: templates.map(entry) }, reviews).run();
    expect(one.scopes.map((x) => [x.template, x.status])).toEqual([
      ['a1', 'failed'],
      ['a2', 'rotated'],
      ['a3', 'rotated'],
    ]);
    expect(one.exitCode).toBe(3);

    const down = due();
    down.outcome.set(
      'a1',
      () => new ClusterUnavailableError('cannot reach cluster https://es:9200 (ECONNREFUSED)'),
    );
    const all = await setup({ prod: down }, { templates: templates.map(entry) }, reviews).run();
    expect(all.scopes.map((x) => [x.template, x.status, x.reason])).toEqual([
      ['a1', 'failed', 'cannot reach cluster https://es:9200 (ECONNREFUSED)'],
      ['a2', 'failed', 'not tried: cannot reach cluster https://es:9200 (ECONNREFUSED) (at a1@prod)'],
      ['a3', 'failed', 'not tried: cannot reach cluster https://es:9200 (ECONNREFUSED) (at a1@prod)'],
    ]);
    expect(down.calls.filter((c) => c.startsWith('rotate'))).toEqual(['rotate a1']);
  });

  it('a recovery that throws fails its environment only (the journal unreadable); the next one runs', async () => {
    const broken = new FakeSession('prod', [key({ created: daysAgo(91) })]);
    broken.recover = async () => {
      throw new Error("EACCES: permission denied, open '.eskeys/journal/app@prod.jsonl'");
    };
    const fine = new FakeSession('staging', [key({ created: daysAgo(10) })]);
    const report = await setup({ prod: broken, staging: fine }).run();
    expect(report.scopes.map((x) => [x.environment, x.status, x.reason])).toEqual([
      ['prod', 'failed', "recovery failed: EACCES: permission denied, open '.eskeys/journal/app@prod.jsonl'"],
      ['staging', 'up_to_date', expect.any(String)],
    ]);
    expect(broken.calls).toEqual(['close']);
    expect(report.exitCode).toBe(70);
  });

  it('a dead key in service (the active key expired, nothing replaced it) fails the scope (exit 1); never having had one does not', async () => {
    const dead = new FakeSession('prod', [key({ created: daysAgo(120), expires: daysAgo(1) })]);
    const r1 = await setup({ prod: dead }, {}, reviewed).run();
    expect(r1.scopes[0]).toMatchObject({ status: 'missing', exitCode: 1 });
    expect(r1.scopes[0]!.reason).toMatch(
      /app@prod#1 expired .*consumers hold a dead key; run `eskeys rotate -t app --env prod` now/,
    );
    expect(r1.exitCode).toBe(1);
    const none = await setup({ prod: new FakeSession('prod', []) }, {}, reviewed).run();
    expect(none.scopes[0]).toMatchObject({ status: 'missing', exitCode: 0 });
    expect(none.exitCode).toBe(0);
  });

  it('an up-to-date scope takes no lock and sends no further request', async () => {
    const s = new FakeSession('prod', [key({ created: daysAgo(10) })]);
    const report = await setup({ prod: s }, {}, reviewed).run();
    expect(s.calls).toEqual(['recover', 'findKeys', 'close']);
    expect(report.scopes[0]).toMatchObject({ status: 'up_to_date', reason: 'next rotation in 80d' });
  });

  it('re-decides under the lock: a key another pass rotated meanwhile is left alone (no double rotation)', async () => {
    const s = new FakeSession('prod', [key({ created: daysAgo(91) })]);
    s.onLock = () => {
      s.keys = [
        key({ generation: 2, created: NOW }),
        key({
          generation: 1,
          state: 'superseded',
          created: daysAgo(91),
          revokeAfter: new Date(NOW.getTime() + DAY),
        }),
      ];
    };
    const report = await setup({ prod: s }, {}, reviewed).run();
    expect(s.calls).not.toContain('rotate app');
    expect(report.scopes[0]).toMatchObject({ status: 'up_to_date', exitCode: 0 });
  });

  it('a locked scope is skipped with its reason (exit 0); the other scopes still run', async () => {
    const s = new FakeSession('prod', [
      key({ created: daysAgo(91) }),
      key({ created: daysAgo(91), template: 'other' }),
    ]);
    s.locked.add('app@prod');
    const report = await setup({ prod: s }, { templates: [entry(app), entry(other)] }, reviewed).run();
    expect(report.scopes.map((x) => [x.template, x.status, x.reason])).toEqual([
      ['app', 'skipped', 'locked: app@prod is locked by pid 42 on host2'],
      ['other', 'rotated', expect.stringMatching(/other@prod#1 is 91d old/)],
    ]);
    expect(report.exitCode).toBe(0);
  });

  it.each([
    {
      name: 'verification failed → failed, exit 1',
      outcome: (t: RoleTemplate): RotationOutcome | Error => ({
        status: 'verify_failed',
        rotationId: 'r',
        key: { id: 'n', name: `${t.name}@prod#2`, generation: 2 },
        report: {
          passed: false,
          results: [{ op: 'doc.delete', expected: 'deny', verdict: 'fail' }],
        } as never,
      }),
      status: 'failed',
      code: 1,
      reason:
        /verification of app@prod#2 failed: doc\.delete \(deny\); the new key was invalidated, consumers untouched/,
    },
    {
      name: 'restart failed → failed, exit 1',
      outcome: (t: RoleTemplate): RotationOutcome | Error => ({
        status: 'restart_failed',
        rotationId: 'r',
        key: { id: 'n', name: `${t.name}@prod#2`, generation: 2 },
        report: { passed: true, results: [] } as never,
        detail: 'health check failed: GET http://api/health answered 503',
      }),
      status: 'failed',
      code: 1,
      reason:
        /health check failed: .*; env files restored, the new key was invalidated, the old key is still in service/,
    },
    {
      name: 'lost the race to another host → skipped, exit 0',
      outcome: (t: RoleTemplate): RotationOutcome | Error => ({
        status: 'lost_race',
        rotationId: 'r',
        key: { id: 'n', name: `${t.name}@prod#2`, generation: 2 },
        rival: key({ generation: 2, created: NOW, state: 'pending' }),
      }),
      status: 'skipped',
      code: 0,
      reason: /another host rotated first \(app@prod#2\); ours was invalidated/,
    },
    {
      name: 'half-done rotation → failed, exit 5',
      outcome: () => new PartialFailureError('retiring the old key failed; run `eskeys recover`'),
      status: 'failed',
      code: 5,
      reason: /run `eskeys recover`/,
    },
    {
      name: 'a bug → failed, exit 70, the pass goes on',
      outcome: () => new TypeError('x is undefined'),
      status: 'failed',
      code: 70,
      reason: /^internal error: x is undefined$/,
    },
  ])('$name', async ({ outcome, status, code, reason }) => {
    const s = new FakeSession('prod', [
      key({ created: daysAgo(91) }),
      key({ created: daysAgo(91), template: 'other' }),
    ]);
    s.outcome.set('app', outcome);
    const report = await setup({ prod: s }, { templates: [entry(app), entry(other)] }, reviewed).run();
    expect(report.scopes[0]).toMatchObject({ status, exitCode: code, reason: expect.stringMatching(reason) });
    expect(report.scopes[1]).toMatchObject({ template: 'other', status: 'rotated' });
    expect(report.exitCode).toBe(code);
    expect(s.calls).toContain('release app@prod');
  });

  it('revokes superseded keys past grace and records a due review once, under the lock', async () => {
    const s = new FakeSession('prod', [
      key({ generation: 2, created: daysAgo(31) }),
      key({
        generation: 1,
        state: 'superseded',
        created: daysAgo(121),
        revokeAfter: daysAgo(30),
        expires: null,
      }),
    ]);
    const report = await setup({ prod: s }).run();
    expect(s.calls).toEqual([
      'recover',
      'findKeys',
      'lock app@prod',
      'findScopeKeys app',
      'revoke app@prod#1',
      'remind app',
      'release app@prod',
      'close',
    ]);
    expect(report.scopes[0]).toMatchObject({
      status: 'up_to_date',
      reminded: true,
      revoked: [{ name: 'app@prod#1' }],
    });
  });

  it('dry run: decides and reports, takes no lock, changes nothing', async () => {
    const s = new FakeSession('prod', [
      key({ generation: 2, created: daysAgo(95) }),
      key({
        generation: 1,
        state: 'superseded',
        created: daysAgo(185),
        revokeAfter: daysAgo(1),
        expires: null,
      }),
    ]);
    const report = await setup({ prod: s }, { dryRun: true }).run();
    expect(s.calls).toEqual(['recover (dry)', 'findKeys', 'close']);
    expect(report.scopes[0]).toMatchObject({
      status: 'would_rotate',
      reminded: true,
      revoked: [{ name: 'app@prod#1' }],
    });
    expect(report.dryRun).toBe(true);
  });

  it('an unreachable environment fails its scopes (exit 3); the other environment still runs', async () => {
    const staging = new FakeSession('staging', [key({ created: daysAgo(91) })]);
    const { run, opened } = setup({
      prod: new ClusterUnavailableError('cannot reach cluster https://es-prod:9200'),
      staging,
    });
    const report = await run();
    expect(opened).toEqual(['prod', 'staging']);
    expect(report.scopes.map((x) => [x.environment, x.status, x.exitCode])).toEqual([
      ['prod', 'failed', 3],
      ['staging', 'rotated', 0],
    ]);
    expect(report.exitCode).toBe(3);
  });

  it('a rotation the recovery could not finish blocks its scope (exit 5); a locked one skips it', async () => {
    const s = new FakeSession('prod', [
      key({ created: daysAgo(91) }),
      key({ created: daysAgo(91), template: 'other' }),
    ]);
    s.recoveries = [
      {
        template: 'app',
        environment: 'prod',
        rotation: 'r1',
        outcome: 'failed',
        reason: 'cannot restore .env',
        actions: [],
        exitCode: 5,
      },
      {
        template: 'other',
        environment: 'prod',
        rotation: 'r2',
        outcome: 'locked',
        reason: 'a rotation is running',
        actions: [],
        exitCode: 0,
      },
    ];
    const report = await setup({ prod: s }, { templates: [entry(app), entry(other)] }).run();
    expect(report.scopes.map((x) => [x.template, x.status, x.reason, x.exitCode])).toEqual([
      ['app', 'failed', 'recovery failed: cannot restore .env', 5],
      ['other', 'skipped', 'locked: a rotation is running', 0],
    ]);
    expect(s.calls).not.toContain('rotate app');
    expect(report.exitCode).toBe(5);
  });

  it('a template that does not load fails its scopes with its code (2); --template narrows recovery and ignores other keys', async () => {
    const s = new FakeSession('prod', [key({ created: daysAgo(10), template: 'gone' })]);
    const broken: PassTemplate = {
      name: 'broken',
      error: { message: 'roles/broken.json: /rotation/every: expected a duration', exitCode: 2 },
    };
    const narrowed = await setup({ prod: s }, { templates: [broken], narrowed: true }).run();
    expect(narrowed.scopes).toEqual([
      expect.objectContaining({ template: 'broken', status: 'failed', exitCode: 2 }),
    ]);
    expect(s.calls[0]).toBe('recover broken');
    const all = await setup({ prod: new FakeSession('prod', s.keys) }, { templates: [broken] }).run();
    expect(all.scopes.map((x) => [x.template, x.status])).toEqual([
      ['broken', 'failed'],
      ['gone', 'no_template'],
    ]);
  });

  it('keys of a template the project no longer has: reported, past-grace ones revoked', async () => {
    const s = new FakeSession('prod', [
      key({ generation: 2, created: daysAgo(5), template: 'gone' }),
      key({
        generation: 1,
        state: 'superseded',
        created: daysAgo(95),
        revokeAfter: daysAgo(2),
        template: 'gone',
      }),
    ]);
    const report = await setup({ prod: s }, {}, reviewed).run();
    expect(report.scopes[1]).toMatchObject({
      template: 'gone',
      status: 'no_template',
      revoked: [{ name: 'gone@prod#1' }],
      reason: expect.stringMatching(/no template in the templates folder; 2 valid key\(s\)/),
    });
    expect(s.calls).toContain('revoke gone@prod#1');
  });

  it('the stop signal: the scope in progress finishes, the remaining ones are skipped (exit 130)', async () => {
    const s = new FakeSession('prod', [
      key({ created: daysAgo(91) }),
      key({ created: daysAgo(91), template: 'other' }),
    ]);
    const { run, controller } = setup({ prod: s }, { templates: [entry(app), entry(other)] }, reviewed);
    s.outcome.set('app', (t) => {
      controller.abort();
      return completed(t.name, 2);
    });
    const report = await run();
    expect(report.scopes.map((x) => [x.template, x.status])).toEqual([
      ['app', 'rotated'],
      ['other', 'skipped'],
    ]);
    expect(report.exitCode).toBe(130);
  });

  it('an unreadable audit log is a warning, not a failure', async () => {
    const s = new FakeSession('prod', [key({ created: daysAgo(10) })]);
    const { warnings } = setup({ prod: s });
    const report = await runPass(
      {
        clock: new FakeClock(NOW),
        openEnvironment: async () => s,
        auditRecords: async () => {
          throw new Error('EACCES');
        },
        warn: (m) => void warnings.push(m),
      },
      {
        environments: ['prod'],
        templates: [entry(app)],
        narrowed: false,
        dryRun: false,
        createMissing: false,
        drift: 'narrowing',
      },
    );
    expect(report.exitCode).toBe(0);
    expect(warnings.join()).toMatch(/cannot read the audit log \(EACCES\)/);
  });
});

describe('mostSevere', () => {
  it.each([
    { codes: [], want: 0 },
    { codes: [0, 0], want: 0 },
    { codes: [0, 1], want: 1 },
    { codes: [1, 2], want: 2 },
    { codes: [2, 3, 1], want: 3 },
    { codes: [3, 5, 1], want: 5 },
    { codes: [130, 1], want: 1 },
    { codes: [130, 0], want: 130 },
    { codes: [70, 3], want: 70 },
  ])('$codes → $want', ({ codes, want }) => {
    expect(mostSevere(codes)).toBe(want);
  });
});
