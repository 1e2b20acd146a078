import { describe, expect, it } from 'vitest';
import { renderJUnit, xmlEscape } from '../../../src/cli/render/junit.js';
import type { ProbeReport } from '../../../src/core/probes/types.js';

const report: ProbeReport = {
  template: 'email-search',
  environment: 'prod',
  keyId: 'VuaCfGcBCdbkQm-e5aOx',
  startedAt: new Date('2026-01-01T10:00:00.123Z'),
  durationMs: 1234,
  requests: 3,
  passed: false,
  access: 'key-only',
  results: [
    {
      op: 'cluster.health',
      action: 'cluster:monitor/health',
      expected: 'allow',
      mode: 'live',
      status: 200,
      got: '200',
      verdict: 'pass',
      durationMs: 5,
    },
    {
      op: 'doc.delete',
      action: 'indices:data/write/delete',
      index: 'gmail_emails-eskeys-probe',
      expected: 'deny',
      mode: 'live',
      status: 404,
      got: '404 not_found',
      verdict: 'fail',
      explanation: 'granted by `write` <&> "quoted"',
      durationMs: 12,
    },
    {
      op: 'search',
      action: 'indices:data/read/search',
      expected: 'allow',
      mode: 'live',
      status: 500,
      got: '500 exception',
      verdict: 'error',
      durationMs: 7,
    },
  ],
};

describe('renderJUnit', () => {
  it('renders suites, cases, failures and errors with counts', () => {
    const xml = renderJUnit(report);
    expect(xml).toContain(
      '<testsuite name="eskeys.email-search (prod)" tests="3" failures="1" errors="1" skipped="0" time="1.234" timestamp="2026-01-01T10:00:00">',
    );
    expect(xml).toContain(
      '<testcase classname="eskeys.email-search" name="allow cluster.health" time="0.005"/>',
    );
    expect(xml).toContain('<failure message="doc.delete was allowed but must be denied" type="eskeys.deny">');
    expect(xml).toContain('granted by `write` &lt;&amp;&gt; &quot;quoted&quot;');
    expect(xml).toContain('<error message="search: unexpected answer 500 exception" type="eskeys.error">');
    expect(xml).toContain('<property name="key_id" value="…5aOx"/>');
    expect(xml).not.toContain('VuaCfGcBCdbkQm');
  });

  it('escapes markup and drops characters XML forbids', () => {
    expect(xmlEscape(`a<b>&"c"'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;');
  });
});
