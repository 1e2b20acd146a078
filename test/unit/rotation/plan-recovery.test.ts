import { describe, expect, it } from 'vitest';
import type { JournalEntry, JournalPhase, JournalStep } from '../../../src/core/journal/journal-entry.js';
import { type FileHolds, openRotations, planRecovery } from '../../../src/core/journal/plan-recovery.js';

const FILES = ['/app/.env', '/app/worker/.env'];

function journal(steps: string[], planData: Record<string, unknown> = {}): JournalEntry[] {
  const entries: JournalEntry[] = [
    {
      v: 1,
      rotation: 'rot-1',
      at: '2026-06-01T00:00:00.000Z',
      template: 't',
      environment: 'prod',
      step: 'plan',
      phase: 'done',
      data: { files: FILES, keyVar: 'K', oldKeyId: 'old', retireIds: ['old'], grace: '24h', ...planData },
    },
  ];
  for (const s of steps) {
    const [step, phase, file] = s.split(':') as [JournalStep, JournalPhase, string?];
    entries.push({
      v: 1,
      rotation: 'rot-1',
      at: '2026-06-01T00:00:01.000Z',
      template: 't',
      environment: 'prod',
      step,
      phase,
      data:
        step === 'create' && phase === 'done' ? { keyId: 'new', keyName: 't@prod#2' } : file ? { file } : {},
    });
  }
  return entries;
}

const holds = (a: FileHolds, b: FileHolds) => ({ [FILES[0]!]: a, [FILES[1]!]: b });

describe('openRotations', () => {
  it('finished rotations are not open; progress is read from the entries', () => {
    expect(openRotations(journal(['create:begin', 'create:done', 'finish:done']))).toEqual([]);
    const [p] = openRotations(
      journal([
        'create:begin',
        'create:done',
        'verify:begin',
        'verify:done',
        'publish:begin',
        `publish_file:done:${FILES[0]}`,
      ]),
    );
    expect(p).toMatchObject({
      rotation: 'rot-1',
      keyId: 'new',
      created: true,
      verified: true,
      publishBegun: true,
      published: false,
      filesDone: [FILES[0]],
      lastStep: 'publish_file:done',
    });
  });
});

describe('planRecovery', () => {
  it.each<{
    name: string;
    steps: string[];
    valid?: boolean;
    files: Record<string, FileHolds>;
    plan?: Record<string, unknown>;
    want: object;
  }>([
    {
      name: 'crash during create: roll back (invalidate whatever the cluster made for this rotation)',
      steps: ['create:begin'],
      files: holds('old', 'old'),
      want: { action: 'roll_back', restoreFiles: [] },
    },
    {
      name: 'crash before verify passed: roll back, consumers untouched',
      steps: ['create:begin', 'create:done', 'verify:begin'],
      files: holds('old', 'old'),
      want: { action: 'roll_back', restoreFiles: [] },
    },
    {
      name: 'verified but nothing published: roll back',
      steps: ['create:done', 'verify:done', 'publish:begin'],
      files: holds('old', 'old'),
      want: { action: 'roll_back' },
    },
    {
      name: 'mid-publish: roll forward, copying the new key to the remaining file',
      steps: ['create:done', 'verify:done', 'publish:begin', `publish_file:done:${FILES[0]}`],
      files: holds('new', 'old'),
      want: {
        action: 'roll_forward',
        completeFiles: [FILES[1]],
        newSource: FILES[0],
        activate: true,
        retire: true,
      },
    },
    {
      name: 'published, restart configured but not run: roll forward with restart',
      steps: ['create:done', 'verify:done', 'publish:done'],
      files: holds('new', 'new'),
      plan: { restart: true },
      want: { action: 'roll_forward', completeFiles: [], restart: true },
    },
    {
      name: 'restart had failed and the old key is still in a file: finish the rollback',
      steps: ['create:done', 'verify:done', 'publish:done', 'restart:failed', 'rollback:begin'],
      files: holds('old', 'new'),
      want: { action: 'roll_back', restoreFiles: [FILES[1]], oldSource: FILES[0] },
    },
    {
      name: 'activated, not retired: only retire',
      steps: ['create:done', 'verify:done', 'publish:done', 'activate:done'],
      files: holds('new', 'new'),
      want: { action: 'roll_forward', completeFiles: [], activate: false, retire: true },
    },
    {
      name: 'a new key the cluster no longer accepts is never rolled forward',
      steps: ['create:done', 'verify:done', 'publish:begin', `publish_file:done:${FILES[0]}`],
      files: holds('new', 'old'),
      valid: false,
      want: { action: 'roll_back', restoreFiles: [FILES[0]], oldSource: FILES[1] },
    },
  ])('$name', ({ steps, valid, files, plan, want }) => {
    const [p] = openRotations(journal(steps, plan));
    expect(planRecovery(p!, { newKeyValid: valid ?? true, files })).toMatchObject(want);
  });
});
