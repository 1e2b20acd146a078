// The scheduler pass's session of one environment (core/use-cases/pass-session.ts) over the real
// composition: the ES adapter against the sandbox, the journal, audit log and env files in a
// temp project. What runPass asks of it, checked by what ends up in the cluster and the files.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { JsonlJournalStore } from '../../../src/adapters/journal/jsonl-journal-store.js';
import { openFsWorkspace } from '../../../src/adapters/workspace/fs-workspace.js';
import { openRotationServices, runContext } from '../../../src/cli/composition.js';
import { ConfigError, PartialFailureError } from '../../../src/core/errors.js';
import type { ScopeDecision } from '../../../src/core/scheduler/policy.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';
import { createPassSession } from '../../../src/core/use-cases/pass-session.js';
import { FakeClock } from '../../support/fake-clock.js';
import { fakeContext } from '../../support/fake-io.js';
import { mintKey, type ProbeSandbox, startProbeSandbox } from '../../support/sandbox-helpers.js';

let sb: ProbeSandbox;
let environments = 0;
beforeAll(async () => {
  sb = await startProbeSandbox();
});
afterAll(async () => sb?.close());

const TEMPLATE = {
  name: 'email-search',
  role_descriptors: {
    'email-search': {
      cluster: ['monitor'],
      indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'index', 'create_index'] }],
    },
  },
  probes: { allow: ['cluster.health'], deny: ['doc.delete'] },
  outputs: { env_files: ['.env'], key_var: 'ELASTICSEARCH_API_KEY' },
};

/** A project folder with one template, and the session of its `default` environment. */
async function session(env: Record<string, string> = sb.adminEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'eskeys-session-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'roles'));
  writeFileSync(join(dir, 'roles/email-search.json'), JSON.stringify(TEMPLATE));
  // Names must not collide across tests: each test's keys live in their own environment.
  environments += 1;
  const environment = `session${environments}`;
  writeFileSync(join(dir, 'eskeys.config.json'), JSON.stringify({ environments: { [environment]: {} } }));
  const ctx = fakeContext({ cwd: dir, env, clock: new FakeClock(new Date().toISOString()) });
  const { workspace } = openFsWorkspace(dir);
  const services = await openRotationServices(ctx, workspace, { env: environment });
  const steps: string[] = [];
  const s = createPassSession({
    ctx: runContext(ctx),
    project: workspace,
    services,
    environment,
    reporter: { step: (m) => steps.push(m), warn: (m) => steps.push(`warn: ${m}`) },
  });
  onTestFinished(() => s.close());
  const template: RoleTemplate = RoleTemplateSchema.parse(TEMPLATE);
  const envValue = () =>
    /^ELASTICSEARCH_API_KEY=(.*)$/m.exec(readFileSync(join(dir, '.env'), 'utf8'))?.[1] ?? '';
  /** The key id inside an encoded key (base64 of `id:api_key`). */
  const idOf = (encoded: string) => Buffer.from(encoded, 'base64').toString('utf8').split(':')[0];
  return { dir, environment, session: s, template, envValue, idOf, steps, stateDir: workspace.stateDir };
}

describe('pass session (the EnvironmentSession of core/use-cases/pass-session.ts)', () => {
  it('creates the first key, then rotates it: each key named template@environment#generation and published to .env', async () => {
    const { environment, session: s, template, envValue, idOf } = await session();
    const created = await s.rotate(template, 'create', []);
    expect(created.status).toBe('completed');
    if (created.status !== 'completed') return;
    expect(created.key.name).toBe(`email-search@${environment}#1`);
    expect(idOf(envValue())).toBe(created.key.id);

    const keys = await s.findScopeKeys('email-search');
    expect(keys.map((k) => k.info.id)).toEqual([created.key.id]);
    const rotated = await s.rotate(template, 'rotate', keys);
    expect(rotated.status).toBe('completed');
    if (rotated.status !== 'completed') return;
    expect(rotated.key.name).toBe(`email-search@${environment}#2`);
    expect(idOf(envValue())).toBe(rotated.key.id);
    // The old key outlives the rotation (its grace), so both are managed keys of the environment.
    expect((await s.findKeys()).map((k) => k.info.id).sort()).toEqual(
      [created.key.id, rotated.key.id].sort(),
    );
  });

  it('refuses to rotate with an API-key admin before anything is minted (exit 2)', async () => {
    const adminKey = await mintKey(sb.admin, {}, 'session-admin-key');
    const { ESKEYS_USERNAME: _u, ESKEYS_PASSWORD: _p, ...rest } = sb.adminEnv;
    const {
      environment,
      session: s,
      template,
    } = await session({
      ...rest,
      ESKEYS_API_KEY: adminKey.encoded.reveal(),
    });
    const error = await s.rotate(template, 'create', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect(await sb.admin.findManagedKeys({ template: 'email-search', environment })).toEqual([]);
  });

  it('refuses to rotate over an interrupted rotation (exit 5), and recover clears the way', async () => {
    const { environment, session: s, template, stateDir } = await session();
    // A rotation killed right after it journalled its plan: nothing minted, nothing published.
    await new JsonlJournalStore(stateDir).append({
      v: 1,
      rotation: '20260101T000000Z-deadbeef',
      at: '2026-01-01T00:00:00.000Z',
      template: 'email-search',
      environment,
      step: 'plan',
      phase: 'done',
      data: { files: [], keyVar: 'ELASTICSEARCH_API_KEY' },
    });
    const error = await s.rotate(template, 'create', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialFailureError);
    expect((error as PartialFailureError).message).toContain(
      `an interrupted rotation of email-search@${environment} (20260101T000000Z-deadbeef, stopped at plan:done) is in the journal; run \`eskeys recover\` first`,
    );

    const recovered = await s.recover({ dryRun: false });
    expect(recovered.map((r) => [r.rotation, r.outcome, r.decision, r.exitCode])).toEqual([
      ['20260101T000000Z-deadbeef', 'rolled_back', 'roll_back', 0],
    ]);
    expect((await s.rotate(template, 'create', [])).status).toBe('completed');
  });

  it('records a review reminder in the audit log, and names the env files of a template', async () => {
    const { dir, environment, session: s, template } = await session();
    await s.remindReview({
      template: 'email-search',
      environment,
      review: { every: '30d', dueAt: new Date('2026-02-01T00:00:00Z'), lastCompleted: undefined },
    } as unknown as ScopeDecision);
    const events = readFileSync(join(dir, '.eskeys/audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).event);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'review.due',
        template: 'email-search',
        environment,
        details: { review_every: '30d', due_at: '2026-02-01T00:00:00.000Z', last_completed_at: null },
      }),
    ]);
    expect(s.envFilesOf?.(template)).toEqual([join(dir, '.env')]);
  });
});
