/**
 * Probes against data streams, through the built CLI: an ingest key (`create_doc` +
 * `auto_configure` on `logs-app-*`) whose index pattern an index template with `data_stream`
 * covers. Facts: docs/es-facts.md "Probes against data streams".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_ROLE,
  type CliRun,
  envValue,
  expectNoSecretLeak,
  makeProject,
  readProjectFile,
  runCli,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();

/** The ingest template: the usual least-privilege key for shipping logs into a data stream. */
function ingestTemplate(privileges: readonly string[], name = 'logs-app') {
  return {
    name,
    description: 'log shipper of the app: appends documents to the logs-app-* data streams, nothing else',
    role_descriptors: { [name]: { indices: [{ names: ['logs-app-*'], privileges }] } },
    probes: {
      allow: ['doc.create'],
      deny: [
        'search',
        'doc.index',
        'doc.delete',
        'bulk.delete',
        'delete_by_query',
        'index.delete',
        'data_stream.delete',
        'rollover',
        'index.put_settings',
      ],
    },
  };
}

/** The admin identity may delegate on logs-app-* too; the data-stream template exists. */
async function prepareCluster(): Promise<void> {
  const role = {
    ...ADMIN_ROLE,
    indices: [...ADMIN_ROLE.indices, { names: ['logs-app-*', '.ds-logs-app-*'], privileges: ['all'] }],
  };
  expect((await sb.admin('PUT', '/_security/role/eskeys-admin', role)).status).toBe(200);
  const tpl = await sb.admin('PUT', '/_index_template/logs-app', {
    index_patterns: ['logs-app-*'],
    data_stream: {},
    priority: 200,
  });
  expect(tpl.status).toBe(200);
}

function project(env: string, privileges: readonly string[], name?: string): string {
  const dir = makeProject(sb, {
    templates: [],
    files: {
      '.env': 'ELASTICSEARCH_API_KEY=placeholder\n',
      'eskeys.config.json': { environments: { [env]: {} } },
    },
  });
  writeTemplate(dir, 'roles/email-search.json', ingestTemplate(privileges, name));
  return dir;
}

/** Every probe name the sandbox still holds (indices, streams, backing indices). */
async function probeResourcesLeft(): Promise<string[]> {
  const s = sb.sandbox.state;
  return [...s.indices.keys(), ...s.dataStreams.keys()].filter((n) => n.includes('eskeys-probe'));
}

interface ResultRow {
  probe: string;
  verdict: string;
  got: string;
  index?: string;
  explanation?: string;
  note?: string;
}

describe('probes against data streams (built CLI against the sandbox)', { timeout: 120_000 }, () => {
  it('create and verify an ingest key on a data stream: every probe passes, nothing is left (exit 0)', async () => {
    await prepareCluster();
    const env = 'ds1';
    const dir = project(env, ['create_doc', 'auto_configure']);
    const runs: CliRun[] = [];
    const create = await runCli(['create', '-t', 'logs-app', '--env', env], dir);
    runs.push(create);
    expect(create.code, create.stdout + create.stderr).toBe(0);
    expect(envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')).not.toBe('placeholder');
    const verify = await runCli(['verify', '-t', 'logs-app', '--env', env, '--json'], dir);
    runs.push(verify);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const report = JSON.parse(verify.stdout) as { passed: boolean; results: ResultRow[] };
    expect(report.passed).toBe(true);
    const byProbe = new Map(report.results.map((r) => [r.probe, r]));
    // The document went into the stream's backing index (".ds-" + stream + "-" + date + "-" + 6-digit generation).
    expect(byProbe.get('allow doc.create')).toMatchObject({ verdict: 'pass', got: '201' });
    expect(byProbe.get('allow doc.create')?.index).toBe('logs-app-eskeys-probe');
    // A document of a data stream is deleted through its backing index: that is what the deny probe asks.
    expect(byProbe.get('deny doc.delete')?.index).toMatch(
      /^\.ds-logs-app-eskeys-probe-\d{4}\.\d{2}\.\d{2}-000001$/,
    );
    expect(byProbe.get('deny doc.delete')?.got).toBe('403 security_exception');
    expect(byProbe.get('deny index.delete')?.got).toBe('403 security_exception');
    expect(byProbe.get('deny data_stream.delete')?.got).toBe('403 security_exception');
    expect(byProbe.get('deny rollover')?.got).toBe('403 security_exception');
    expect(await probeResourcesLeft()).toEqual([]);
    const rotate = await runCli(['rotate', '-t', 'logs-app', '--env', env, '--yes'], dir);
    runs.push(rotate);
    expect(rotate.code, rotate.stdout + rotate.stderr).toBe(0);
    expect(await probeResourcesLeft()).toEqual([]);
    expectNoSecretLeak(sb, dir, runs);
  });

  it('a create_doc-only key fails verification on the mapping update a new field needs, saying so (exit 1)', async () => {
    await prepareCluster();
    const env = 'ds2';
    const dir = project(env, ['create_doc']);
    // Minted directly (as an operator's existing key would be), then put where verify reads it.
    const minted = await sb.admin('POST', '/_security/api_key', {
      name: 'narrow-ingest',
      role_descriptors: { ingest: { indices: [{ names: ['logs-app-*'], privileges: ['create_doc'] }] } },
    });
    const encoded = (minted.body as { encoded: string }).encoded;
    sb.secrets.push(encoded, (minted.body as { api_key: string }).api_key);
    writeFileSync(join(dir, '.env'), `ELASTICSEARCH_API_KEY=${encoded}\n`);
    const verify = await runCli(
      ['verify', '-t', 'logs-app', '--env', env, '--env-file', '.env', '--json'],
      dir,
    );
    expect(verify.code, verify.stdout + verify.stderr).toBe(1);
    const report = JSON.parse(verify.stdout) as { results: ResultRow[] };
    const row = report.results.find((r) => r.probe === 'allow doc.create');
    expect(row?.verdict).toBe('fail');
    expect(row?.got).toBe('403 security_exception');
    // Elasticsearch's rule: create/create_doc/index/write update mappings of indices, never of data streams.
    expect(row?.explanation).toContain('indices:admin/mapping/auto_put');
    expect(row?.explanation).toContain('auto_configure');
    expect(verify.stderr).toMatch(/allow doc\.create/);
    // Key ids are shown masked (…abcd): the 403's own text, which names the full id, is not repeated.
    expect(verify.stdout + verify.stderr).not.toContain((minted.body as { id: string }).id);
    expect(await probeResourcesLeft()).toEqual([]);
    expectNoSecretLeak(sb, dir, [verify]);
  });
});
