import { describe, expect, it } from 'vitest';
import { PartialFailureError } from '../../../src/core/errors.js';
import type { ProbeReport, ProbeResult } from '../../../src/core/probes/types.js';
import { newKeyMetadata } from '../../../src/core/rotation/steps/create.js';
import { publishedVars } from '../../../src/core/rotation/steps/publish.js';
import { runRestartHooks } from '../../../src/core/rotation/steps/restart.js';
import { rollBack } from '../../../src/core/rotation/steps/rollback.js';
import { type RotationInput, startRotationRun } from '../../../src/core/rotation/steps/rotation-run.js';
import { judgeProbeReport } from '../../../src/core/rotation/steps/verify.js';
import { templateHash } from '../../../src/core/rotation/template-hash.js';
import { Secret } from '../../../src/core/secret.js';
import { FakeEnvFiles, FakeHooks } from '../../support/fake-rotation-ports.js';
import { rotationWorld } from './harness.js';

const result = (op: string, expected: 'allow' | 'deny', verdict: ProbeResult['verdict'], got: string) =>
  ({ op, action: 'x', expected, mode: 'live', got, verdict, durationMs: 1 }) as ProbeResult;

const report = (results: ProbeResult[]): ProbeReport => ({
  template: 'email-search',
  environment: 'prod',
  keyId: 'k1',
  startedAt: new Date('2026-03-01T12:00:00Z'),
  results,
  passed: results.every((r) => r.verdict === 'pass'),
  requests: results.length,
});

describe('verify step: judgeProbeReport', () => {
  it.each([
    {
      name: 'every probe passed: go on to publish',
      results: [
        result('cluster.health', 'allow', 'pass', '200'),
        result('doc.delete', 'deny', 'pass', '403'),
      ],
      expected: { kind: 'passed' },
    },
    {
      name: 'passes and a busy probe only: inconclusive, naming the busy probe and what it got',
      results: [
        result('cluster.health', 'allow', 'pass', '200'),
        result('doc.get', 'allow', 'inconclusive', '503 after 3 tries'),
      ],
      expected: { kind: 'inconclusive', probes: 'doc.get (allow: 503 after 3 tries)' },
    },
    {
      name: 'a failed probe beside a busy one: failed, naming every probe that did not pass',
      results: [
        result('doc.delete', 'deny', 'fail', '200'),
        result('doc.get', 'allow', 'inconclusive', '503 after 3 tries'),
        result('cluster.health', 'allow', 'pass', '200'),
      ],
      expected: { kind: 'failed', failed: ['doc.delete (deny)', 'doc.get (allow)'] },
    },
    {
      name: 'an errored probe (neither 2xx nor 403) fails too',
      results: [result('index.delete', 'deny', 'error', '404 index_not_found_exception')],
      expected: { kind: 'failed', failed: ['index.delete (deny)'] },
    },
  ])('$name', ({ results, expected }) => {
    expect(judgeProbeReport(report(results))).toEqual(expected);
  });
});

function inputOf(
  world: ReturnType<typeof rotationWorld>,
  mode: 'create' | 'rotate' = 'create',
): RotationInput {
  return {
    plan: world.plan({ mode }),
    template: world.template,
    templateHash: templateHash(world.template.role_descriptors),
    outputs: world.outputs,
    actor: 'ops@host1',
    rotationId: 'rot-7',
  };
}

describe('create step: newKeyMetadata', () => {
  it('tags the first key as managed and pending, with the rotation policy of the template', () => {
    const world = rotationWorld();
    const input = inputOf(world);
    expect(newKeyMetadata(input)).toEqual({
      managed_by: 'eskeys',
      template: 'email-search',
      environment: 'prod',
      template_hash: input.templateHash,
      generation: 1,
      predecessor: undefined,
      created_by: 'ops@host1',
      rotation_id: 'rot-7',
      state: 'pending',
      rotate_every: '90d',
      grace: '24h',
      review_every: '30d',
    });
  });
});

describe('publish step: publishedVars', () => {
  it('writes the key and, when declared, its id', () => {
    const key = new Secret('ZW5jb2RlZA==');
    expect(
      publishedVars(
        { envFiles: [], keyVar: 'ES_KEY', idVar: 'ES_KEY_ID', followSymlinks: false },
        key,
        'id1',
      ),
    ).toEqual({ ES_KEY: key, ES_KEY_ID: 'id1' });
    expect(publishedVars({ envFiles: [], keyVar: 'ES_KEY', followSymlinks: false }, key, 'id1')).toEqual({
      ES_KEY: key,
    });
  });
});

describe('restart step: runRestartHooks', () => {
  const vars = { ELASTICSEARCH_API_KEY: new Secret('bmV3'), ELASTICSEARCH_API_KEY_ID: 'id2' };
  const outputs = {
    envFiles: ['/app/.env'],
    keyVar: 'ELASTICSEARCH_API_KEY',
    followSymlinks: false,
    restart: { command: 'systemctl restart app', timeoutMs: 1000 },
    healthCheck: { kind: 'url', url: 'http://app/health', timeoutMs: 1000 } as const,
  };

  it('a failed restart command skips the health check and names the command', async () => {
    const hooks = new FakeHooks();
    hooks.restartOk = false;
    const steps: string[] = [];
    const failure = await runRestartHooks(hooks, outputs, vars, (m) => steps.push(m));
    expect(failure).toBe('restart command failed: systemctl restart app exited 1');
    expect(steps).toEqual(['restarting: systemctl restart app']);
  });

  it('a failing URL health check after a good restart is the failure; the restart got the new key in its environment', async () => {
    const hooks = new FakeHooks();
    hooks.healthOk = false;
    const steps: string[] = [];
    const failure = await runRestartHooks(hooks, outputs, vars, (m) => steps.push(m));
    expect(failure).toBe('health check failed: GET http://app/health answered 503');
    expect(steps).toEqual(['restarting: systemctl restart app', 'health check: http://app/health']);
    expect(hooks.commands.map((c) => Object.keys(c.env))).toEqual([
      ['ELASTICSEARCH_API_KEY', 'ELASTICSEARCH_API_KEY_ID'],
    ]);
  });

  it('nothing declared: nothing runs, no failure', async () => {
    const hooks = new FakeHooks();
    const failure = await runRestartHooks(
      hooks,
      { ...outputs, restart: undefined, healthCheck: undefined },
      vars,
      () => {},
    );
    expect(failure).toBeUndefined();
    expect(hooks.commands).toEqual([]);
  });
});

/** Env files that remember the order of restores. */
class RecordingEnvFiles extends FakeEnvFiles {
  readonly restored: string[] = [];
  failRestoreOf?: string;
  override async restore(path: string, before: string | undefined): Promise<void> {
    if (path === this.failRestoreOf) throw new Error(`EACCES: cannot write ${path}`);
    this.restored.push(path);
    await super.restore(path, before);
  }
}

describe('rollback step: rollBack', () => {
  async function worldWithNewKey() {
    const world = rotationWorld();
    const envFiles = new RecordingEnvFiles();
    const input = inputOf(world);
    const run = startRotationRun({ ...world.deps, envFiles }, input);
    const created = await world.cluster.createApiKey({
      name: 'email-search@prod#1',
      roleDescriptors: {},
      metadata: {},
    });
    const key = { id: created.id, name: created.name, generation: 1 };
    return { world, envFiles, run, key };
  }

  it('restores files newest first, then invalidates the new key, and journals the rotation as rolled back', async () => {
    const { world, envFiles, run, key } = await worldWithNewKey();
    envFiles.files.set('/app/.env', 'ELASTICSEARCH_API_KEY=new\n');
    envFiles.files.set('/app/worker/.env', 'ELASTICSEARCH_API_KEY=new\n');
    const backups = new Map([
      ['/app/.env', 'ELASTICSEARCH_API_KEY=old\n'],
      ['/app/worker/.env', undefined],
    ]);
    await rollBack(run, key, 'health check failed', backups);
    expect(envFiles.restored).toEqual(['/app/worker/.env', '/app/.env']);
    expect([...envFiles.files]).toEqual([['/app/.env', 'ELASTICSEARCH_API_KEY=old\n']]);
    expect(world.cluster.keys.get(key.id)?.invalidated).toBe(true);
    expect(world.journal.steps()).toEqual(['rollback:begin', 'rollback:done', 'finish:done']);
    expect(world.journal.entries.at(-1)?.data).toEqual({
      outcome: 'rolled_back',
      reason: 'health check failed',
    });
    expect(world.audit.events.map((e) => e.type)).toEqual(['rotation.rolled_back']);
  });

  it('a file it cannot restore still lets it invalidate the key, then ends as a partial failure naming the file', async () => {
    const { world, envFiles, run, key } = await worldWithNewKey();
    envFiles.failRestoreOf = '/app/.env';
    const error = await rollBack(run, key, 'publishing failed', new Map([['/app/.env', 'A=1\n']])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PartialFailureError);
    expect((error as Error).message).toContain('restoring /app/.env: EACCES: cannot write /app/.env');
    expect((error as Error).message).toContain('eskeys recover');
    expect(world.cluster.keys.get(key.id)?.invalidated).toBe(true);
    expect(world.journal.steps()).toEqual(['rollback:begin', 'rollback:failed']);
  });
});
