import { describe, expect, it } from 'vitest';
import { type AuditRecord, reviewFacts } from '../../../src/core/scheduler/review.js';
import { daysAgo } from './support.js';

const rec = (type: string, days: number, template?: string, environment?: string): AuditRecord => ({
  type,
  time: daysAgo(days),
  template,
  environment,
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
