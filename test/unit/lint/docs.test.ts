import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINT_RULES } from '../../../src/core/lint/rules.js';
import { PROBE_OPERATIONS } from '../../../src/core/probes/catalogue.js';

const doc = readFileSync(new URL('../../../docs/TEMPLATES.md', import.meta.url), 'utf8');

describe('docs/TEMPLATES.md stays in step with the code', () => {
  it.each(LINT_RULES.map((r) => [r.id, r.severity]))('documents lint rule %s (%s)', (id, severity) => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${id}\` |`));
    expect(row, `a table row for ${id}`).toBeDefined();
    expect(row!.split('|')[2]!.trim().startsWith(severity)).toBe(true);
  });

  it.each(PROBE_OPERATIONS.map((o) => [o.id, o.action]))('documents probe %s (%s)', (id, action) => {
    expect(doc).toContain(`| \`${id}\` |`);
    expect(doc).toContain(`\`${action}\``);
  });
});
