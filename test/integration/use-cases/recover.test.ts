// `eskeys recover` across environments (recoverEnvironments in core/use-cases/recover.ts) over
// the real composition against the sandbox: each environment through its own services, and one
// that cannot be opened reported as a problem of each of its rotations.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { JsonlJournalStore } from '../../../src/adapters/journal/jsonl-journal-store.js';
import { openFsWorkspace } from '../../../src/adapters/workspace/fs-workspace.js';
import { openRotationServices, runContext } from '../../../src/cli/composition.js';
import { openRotations } from '../../../src/core/journal/plan-recovery.js';
import { recoverEnvironments } from '../../../src/core/use-cases/recover.js';
import { FakeClock } from '../../support/fake-clock.js';
import { fakeContext } from '../../support/fake-io.js';
import { type ProbeSandbox, startProbeSandbox } from '../../support/sandbox-helpers.js';

let sb: ProbeSandbox;
beforeAll(async () => {
  sb = await startProbeSandbox();
});
afterAll(async () => sb?.close());

describe('recoverEnvironments', () => {
  it("recovers each environment's rotations through its own services; one that cannot open is a problem of its rotations", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eskeys-recover-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'roles'));
    writeFileSync(
      join(dir, 'roles/email-search.json'),
      JSON.stringify({
        name: 'email-search',
        role_descriptors: { app: { cluster: ['monitor'] } },
        probes: { allow: ['cluster.health'] },
        outputs: { env_files: ['.env'] },
      }),
    );
    writeFileSync(
      join(dir, 'eskeys.config.json'),
      JSON.stringify({
        environments: { staging: {}, prod: { connection: { credentials_file: 'prod.env' } } },
      }),
    );
    const { workspace } = openFsWorkspace(dir);
    const journal = new JsonlJournalStore(workspace.stateDir);
    // Two rotations killed right after journalling their plan: nothing minted, nothing published.
    for (const [environment, rotation] of [
      ['staging', '20260101T000000Z-aaaaaaaa'],
      ['prod', '20260101T000000Z-bbbbbbbb'],
    ] as const) {
      await journal.append({
        v: 1,
        rotation,
        at: '2026-01-01T00:00:00.000Z',
        template: 'email-search',
        environment,
        step: 'plan',
        phase: 'done',
        data: { files: [], keyVar: 'ELASTICSEARCH_API_KEY' },
      });
    }
    const ctx = fakeContext({ cwd: dir, env: sb.adminEnv, clock: new FakeClock(new Date().toISOString()) });
    const services = await openRotationServices(ctx, workspace, { env: 'staging' });
    onTestFinished(() => services.close());
    const warnings: string[] = [];
    const entries = await journal.readAll();
    const shown: string[] = [];

    const run = await recoverEnvironments({
      ctx: runContext(ctx),
      project: workspace,
      services,
      here: 'staging',
      reporter: { step() {}, warn: (m) => warnings.push(m) },
      entries,
      open: openRotations(entries),
      environments: ['prod', 'staging'],
      openServices: (environment) => openRotationServices(ctx, workspace, { env: environment }),
      onResult: (r) => shown.push(`${r.rotation} ${r.outcome}`),
    });

    expect(run.results.map((r) => [r.environment, r.rotation, r.outcome, r.decision.action])).toEqual([
      ['staging', '20260101T000000Z-aaaaaaaa', 'rolled_back', 'roll_back'],
    ]);
    expect(shown).toEqual(['20260101T000000Z-aaaaaaaa rolled_back']);
    // prod's credentials file does not exist: a ConfigError (exit 2) when its services open.
    expect(run.problems).toEqual([
      {
        rotation: '20260101T000000Z-bbbbbbbb',
        scope: 'email-search@prod',
        error: 'environment prod: credentials_file prod.env does not exist',
        exitCode: 2,
      },
    ]);
    expect(warnings).toEqual([
      'cannot recover email-search@prod: environment prod: credentials_file prod.env does not exist',
    ]);
    expect(run.lateKeys).toEqual([]);
  });
});
