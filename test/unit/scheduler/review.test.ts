import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuditRecordReader } from '../../../src/adapters/audit/audit-record-reader.js';
import { JsonlAuditLog } from '../../../src/adapters/audit/jsonl-audit-log.js';
import { type AuditRecord, reviewFacts } from '../../../src/core/scheduler/review.js';
import { daysAgo } from './support.js';

const rec = (type: string, days: number, template?: string, environment?: string): AuditRecord => ({
  type,
  time: daysAgo(days),
  template,
  environment,
});

describe('reviewFacts after a break in the audit chain', () => {
  it('an unverified line only de-duplicates reminders: it is neither a review nor the first trace', () => {
    const unverified = (type: string, days: number): AuditRecord => ({
      ...rec(type, days, 'app', 'prod'),
      verified: false,
    });
    const facts = reviewFacts(
      [
        rec('key.created', 100, 'app', 'prod'),
        unverified('review.completed', 1),
        unverified('review.due', 2),
        unverified('key.created', 300),
      ],
      'app',
      'prod',
    );
    expect(facts).toEqual({ lastCompleted: undefined, lastReminded: daysAgo(2), firstSeen: daysAgo(100) });
  });
});

describe('reviewFacts', () => {
  const log: AuditRecord[] = [
    rec('key.created', 100, 'app', 'prod'),
    rec('review.completed', 50, 'app', 'prod'),
    rec('review.completed', 20, 'app', 'staging'),
    rec('review.completed', 10, 'other', 'prod'),
    rec('review.due', 5, 'app', 'prod'),
    rec('review.due', 3, 'app', 'staging'),
    rec('key.created', 200, 'app', 'staging'),
  ];

  it.each([
    {
      name: 'prod: its own review, its own reminder, its oldest event',
      env: 'prod',
      want: { lastCompleted: daysAgo(50), lastReminded: daysAgo(5), firstSeen: daysAgo(100) },
    },
    {
      name: 'staging: reviews of other environments and templates do not count',
      env: 'staging',
      want: { lastCompleted: daysAgo(20), lastReminded: daysAgo(3), firstSeen: daysAgo(200) },
    },
    { name: 'an environment with no trace', env: 'dev', want: {} },
  ])('$name', ({ env, want }) => {
    const f = reviewFacts(log, 'app', env);
    expect({ ...f }).toEqual({
      lastCompleted: undefined,
      lastReminded: undefined,
      firstSeen: undefined,
      ...want,
    });
  });

  it('a review of the template without an environment covers every environment', () => {
    const f = reviewFacts([...log, rec('review.completed', 2, 'app')], 'app', 'dev');
    expect(f.lastCompleted).toEqual(daysAgo(2));
  });

  it('the newest review wins whatever the order of the log', () => {
    const f = reviewFacts(
      [rec('review.completed', 1, 'app', 'prod'), rec('review.completed', 9, 'app', 'prod')],
      'app',
      'prod',
    );
    expect(f.lastCompleted).toEqual(daysAgo(1));
  });
});

describe('reviewFacts: only an approving review resets the reminder', () => {
  const decided = (days: number, decision?: string): AuditRecord => ({
    ...rec('review.completed', days, 'app', 'prod'),
    ...(decision !== undefined ? { decision } : {}),
  });

  it.each([
    { decision: 'approved', counts: true },
    { decision: 'approved_with_follow_ups', counts: true },
    { decision: undefined, counts: true },
    { decision: 'changes_required', counts: false },
  ])('a review.completed deciding $decision counts as reviewed: $counts', ({ decision, counts }) => {
    const f = reviewFacts([decided(40, 'approved'), decided(2, decision)], 'app', 'prod');
    expect(f.lastCompleted).toEqual(counts ? daysAgo(2) : daysAgo(40));
  });

  it('a signed-off "changes required" alone leaves the identity unreviewed (its reminder stays due)', () => {
    const f = reviewFacts(
      [rec('key.created', 90, 'app', 'prod'), decided(1, 'changes_required')],
      'app',
      'prod',
    );
    expect(f.lastCompleted).toBeUndefined();
    expect(f.firstSeen).toEqual(daysAgo(90));
  });

  it('the audit log as the scheduler reads it: a "changes required" sign-off after an approval leaves the approval as the last review', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eskeys-review-facts-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'audit.jsonl');
    let t = daysAgo(40).getTime();
    const log = new JsonlAuditLog(path, { now: () => new Date(t) });
    const signOff = (decision: string) =>
      log.append({
        type: 'review.completed',
        template: 'app',
        environment: 'prod',
        actor: 'jane@laptop',
        details: { reviewer: 'Jane', decision },
      });
    await signOff('approved');
    t = daysAgo(1).getTime();
    await signOff('changes_required');
    const records = await new AuditRecordReader(path, () => {}).read();
    expect(records.map((r) => r.decision)).toEqual(['approved', 'changes_required']);
    expect(reviewFacts(records, 'app', 'prod').lastCompleted).toEqual(daysAgo(40));
  });
});
