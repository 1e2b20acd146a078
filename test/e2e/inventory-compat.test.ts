/**
 * `eskeys inventory` against an 8.4 cluster (sandbox profile 8.4.3): the query API knows no
 * `with_limited_by` (400 "unrecognized parameter") and returns no `role_descriptors`
 * (reference §4.3-§4.4). Inventory retries without the parameter, lists every key, and says
 * their privileges are unknown rather than claiming they inherit their owner's.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, runCli, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox({ version: '8.4.3' });

describe('eskeys inventory on a cluster before 8.5', { timeout: 120_000 }, () => {
  it('lists the keys with unknown privileges and a caveat, exit 0', async () => {
    const scoped = await sb.admin('POST', '/_security/api_key', {
      name: 'scoped-before-8.5',
      expiration: '30d',
      role_descriptors: { r: { cluster: ['monitor'] } },
    });
    expect(scoped.status).toBe(200);
    const dir = makeProject(sb, {
      files: {
        '.env': 'ELASTICSEARCH_API_KEY=placeholder\n',
        'eskeys.config.json': { environments: { prod: {} } },
      },
    });
    const r = await runCli(['inventory', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      keys: {
        name: string;
        privileges: { source: string };
        findings: { rule: string; severity: string }[];
      }[];
      limited_by_returned: boolean;
      notes: string[];
      summary: { without_role_descriptors: number; role_descriptors_not_returned: number };
    };
    const key = doc.keys.find((k) => k.name === 'scoped-before-8.5')!;
    expect(key.privileges.source).toBe('unreported');
    expect(key.findings.map((f) => `${f.severity}:${f.rule}`)).toEqual(['info:descriptors-not-returned']);
    expect(doc.keys.every((k) => k.findings.every((f) => f.rule !== 'inherits-owner-privileges'))).toBe(true);
    expect(doc.limited_by_returned).toBe(false);
    expect(doc.notes.join('\n')).toContain('predates 8.5');
    expect(doc.summary.without_role_descriptors).toBe(0);
    expect(doc.summary.role_descriptors_not_returned).toBe(doc.keys.length);

    const table = await runCli(['inventory'], dir);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('unknown (role descriptors not returned before 8.5)');
    expect(table.stderr).toMatch(/^eskeys: warning: the cluster predates 8\.5/m);
  });
});
