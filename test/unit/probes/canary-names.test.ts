import { describe, expect, it } from 'vitest';
import {
  isValidIndexName,
  nameFromPattern,
  stableProbeIndex,
} from '../../../src/core/probes/canary-names.js';
import { RoleTemplateSchema } from '../../../src/core/templates/schema.js';

describe('nameFromPattern', () => {
  it.each([
    ['a trailing wildcard', 'gmail_emails-*', 'gmail_emails-eskeys-probe-7f3a'],
    ['a bare wildcard', '*', 'eskeys-probe-7f3a'],
    ['a leading wildcard', '*-logs', 'eskeys-probe-7f3a-logs'],
    ['a glued wildcard', 'logs*', 'logs-eskeys-probe-7f3a'],
    ['a middle wildcard', 'app-*-prod', 'app-eskeys-probe-7f3a-prod'],
    ['several wildcards', 'a-*-*', 'a-eskeys-probe-7f3a-'],
    ['a question mark', 'logs-202?-*', 'logs-202x-eskeys-probe-7f3a'],
    ['a dot prefix', '.app-*', '.app-eskeys-probe-7f3a'],
  ])('derives a matching name from %s', (_name, pattern, expected) => {
    expect(nameFromPattern(pattern, 'eskeys-probe-7f3a')).toBe(expected);
  });

  it.each([
    ['a concrete index', 'gmail_emails-2025-10'],
    ['a regular expression', '/gmail_.*/'],
    ['date math', '<logs-{now/d}>'],
    ['a remote cluster', 'remote:logs-*'],
    ['upper case (no index can match)', 'Logs-*'],
    ['restricted indices only', '.security-*'],
  ])('gives up on %s', (_name, pattern) => {
    expect(nameFromPattern(pattern, 'eskeys-probe-7f3a')).toBeUndefined();
  });

  it.each([
    ['ok', 'gmail_emails-x', true],
    ['leading underscore', '_x', false],
    ['upper case', 'X', false],
    ['comma', 'a,b', false],
    ['dot', '.', false],
  ])('validates index names: %s', (_n, name, ok) => {
    expect(isValidIndexName(name)).toBe(ok);
  });
});

describe('stableProbeIndex', () => {
  const template = (extra: object) =>
    RoleTemplateSchema.parse({
      name: 't',
      role_descriptors: {
        r: { indices: [{ names: ['gmail_emails-2025-10', 'gmail_emails-*'], privileges: ['read'] }] },
      },
      ...extra,
    });
  it('derives it from the first usable pattern, without a random part', () => {
    expect(stableProbeIndex(template({}))).toBe('gmail_emails-eskeys-probe');
  });
  it('takes probes.index when declared', () => {
    expect(stableProbeIndex(template({ probes: { index: 'gmail_emails-probe' } }))).toBe(
      'gmail_emails-probe',
    );
  });
});
