// doctor's use case (core/use-cases/doctor.ts) through its ports: a real project folder read by
// the workspace adapter, the connection and credential files from the test, a scripted admin.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { inspectFsWorkspace } from '../../../src/adapters/workspace/fs-workspace.js';
import { checkTemplates } from '../../../src/adapters/workspace/template-files.js';
import type { ConnectionSettings } from '../../../src/core/config/connection.js';
import { UsageError } from '../../../src/core/errors.js';
import { Secret } from '../../../src/core/secret.js';
import { type DoctorPorts, diagnose } from '../../../src/core/use-cases/doctor.js';
import { MemoryLocalState, ScriptedCluster } from './support.js';

function project(files: Record<string, string | object>): string {
  const d = mkdtempSync(join(tmpdir(), 'eskeys-diagnose-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return d;
}

const SETTINGS: ConnectionSettings = {
  url: 'https://es.example:9200',
  auth: { kind: 'basic', username: 'eskeys-admin', password: new Secret('pw') },
  insecure: false,
  sources: {},
};

function reader(name: string, outputs: object = {}): object {
  return {
    name,
    role_descriptors: { r: { indices: [{ names: ['logs-*'], privileges: ['read'] }] } },
    outputs,
  };
}

/** The ports over the project folder; records which environments the connection and credentials were asked for. */
async function ports(root: string) {
  const asked = { connection: [] as string[], credentials: [] as (string | undefined)[] };
  const { workspace, facts } = await inspectFsWorkspace(root);
  const p: DoctorPorts = {
    workspace,
    configFacts: facts,
    checkTemplates: (refs) => checkTemplates(refs, workspace.root, workspace.config.templates_dir),
    connectionFor: (environment) => {
      asked.connection.push(environment);
      return SETTINGS;
    },
    credentialFiles: (environment) => {
      asked.credentials.push(environment);
      return [];
    },
    openCluster: async () =>
      new ScriptedCluster({ cluster: ['manage_api_key', 'monitor'], index: { 'logs-*': ['read'] } }),
    local: new MemoryLocalState(),
  };
  return { ports: p, asked };
}

describe('diagnose (doctor use case)', () => {
  it('an environment the config does not define fails the settings without asking for a connection', async () => {
    const root = project({
      'eskeys.config.json': { environments: { prod: {} } },
      'roles/reader.json': reader('reader'),
    });
    const { ports: p, asked } = await ports(root);
    const report = await diagnose(p, { environment: 'qa' });
    const status = (id: string) => report.checks.find((c) => c.id === id);
    expect([status('project.environment')?.status, status('project.environment')?.message]).toEqual([
      'fail',
      'unknown environment "qa" (known: prod)',
    ]);
    expect([status('connection.settings')?.status, status('connection.settings')?.message]).toEqual([
      'skip',
      'the environment is unknown',
    ]);
    expect(asked).toEqual({ connection: [], credentials: [undefined] });
  });

  it("an env file outside the project fails local.env_files with rotate's refusal; the connection is the environment's", async () => {
    const root = project({
      'eskeys.config.json': { environments: { prod: {} } },
      'roles/reader.json': reader('reader', { env_files: ['../elsewhere/.env'] }),
    });
    const { ports: p, asked } = await ports(root);
    const report = await diagnose(p, { environment: 'prod' });
    const envFiles = report.checks.find((c) => c.id === 'local.env_files:reader');
    expect(envFiles?.status).toBe('fail');
    expect(envFiles?.message).toMatch(
      /^template reader: outputs\.env_files: \/.*\/elsewhere\/\.env is outside the project folder .*; eskeys only writes env files there \(declare the folder in output_roots of eskeys\.config\.json to allow it\)$/,
    );
    expect(asked).toEqual({ connection: ['prod'], credentials: ['prod'] });
  });

  it('two templates writing one variable into one env file are a project finding; one named template is not checked for it', async () => {
    const root = project({
      'eskeys.config.json': {},
      'roles/a.json': reader('a', { env_files: ['.env'] }),
      'roles/b.json': reader('b', { env_files: ['.env'] }),
    });
    const whole = await diagnose((await ports(root)).ports, { environment: 'default' });
    const shared = whole.checks.find((c) => c.id === 'project.output-variables');
    expect(shared?.status).toBe('fail');
    expect(shared?.message).toBe(
      "templates a (roles/a.json, environment default) and b (roles/b.json, environment default) both write ELASTICSEARCH_API_KEY in .env: each rotation would overwrite the other's key; give each template its own variable or env file",
    );
    const one = await diagnose((await ports(root)).ports, { environment: 'default', template: 'a' });
    expect(one.checks.some((c) => c.id === 'project.output-variables')).toBe(false);
  });

  it('a named template that does not exist is bad usage (exit 2), an empty project a finding', async () => {
    const root = project({ 'eskeys.config.json': {} });
    const error = await diagnose((await ports(root)).ports, {
      environment: 'default',
      template: 'nope',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    const report = await diagnose((await ports(root)).ports, { environment: 'default' });
    expect(report.checks.find((c) => c.id === 'project.templates')?.status).toBe('fail');
  });
});
