import { describe, expect, it } from 'vitest';
import { durationProblem, isDuration, MAX_DURATION_MS } from '../../../src/core/duration.js';

describe('the one duration cap', () => {
  it('is 3650 days', () => {
    expect(MAX_DURATION_MS).toBe(3650 * 24 * 60 * 60 * 1000);
  });

  it.each(['24h', '90d', '3650d', '521w', '315360000s'])('%s is accepted', (text) => {
    expect(durationProblem(text)).toBeUndefined();
    expect(isDuration(text)).toBe(true);
  });

  it.each([
    ['3651d', 'must be at most 3650d (10 years)'],
    ['522w', 'must be at most 3650d (10 years)'],
    ['99999999d', 'must be at most 3650d (10 years)'],
    // Past Number.MAX_SAFE_INTEGER milliseconds: still "too long", not "malformed".
    ['99999999999999999999d', 'must be at most 3650d (10 years)'],
    ['1y', 'expected a duration such as 24h, 30m or 7d'],
    ['-1d', 'expected a duration such as 24h, 30m or 7d'],
    ['', 'expected a duration such as 24h, 30m or 7d'],
  ])('%j: %s', (text, problem) => {
    expect(durationProblem(text)).toBe(problem);
  });

  it.each([
    ['3651d', true],
    ['99999999999999999999d', false],
    ['1y', false],
  ])('isDuration(%j) = %s: well-formed and countable, cap aside', (text, expected) => {
    expect(isDuration(text)).toBe(expected);
  });
});
