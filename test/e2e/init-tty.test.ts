/**
 * `eskeys init` in a terminal: every answer not given as a flag is asked. The built CLI runs
 * under a pseudo-terminal from python3's pty module (stdin and stderr on the terminal, stdout on
 * a pipe), and the driver types each answer once the terminal shows its question.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_PTY, runInTerminal, warnIfNoPty } from './pty-support.js';
import { makeProject, readProjectFile, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();

warnIfNoPty('init-tty.test.ts');

describe.skipIf(!HAS_PTY)('eskeys init asks in a terminal', () => {
  it('asks every question, tests the connection, and writes what was answered', async () => {
    const dir = makeProject(sb, { templates: [] });
    const r = await runInTerminal(['init'], dir, [
      ['Template name', 'applylens'],
      ['Cluster URL', ''], // Enter: the URL of .eskeys.env, offered as the default
      ['Index patterns', 'applylens-*, applylens_logs-*'],
      ['search or read documents', 'y'],
      ['add new documents', 'n'],
      ['write into data streams', 'n'],
      ['overwrite or update documents', 'y'],
      ['delete documents', 'n'],
      ['create its own indices', 'y'],
      ['ingest pipelines', 'n'],
      ['ILM policies', 'y'],
      ['index templates', 'n'],
      ['Env file that receives the key', 'app.env'],
      ['Variable holding the key', 'APPLYLENS_ES_KEY'],
      ['Write roles/applylens.json and eskeys.config.json?', 'y'],
    ]);
    expect(r.unanswered).toEqual([]);
    expect(r.code).toBe(0);
    // The connection was tested as doctor does, before anything was written.
    expect(r.tty).toContain(`✓ ${sb.url}: eskeys-admin`);
    expect(r.stdout).toContain('wrote roles/applylens.json');

    const t = JSON.parse(readProjectFile(dir, 'roles/applylens.json'));
    // search/read → read; update → index (covers adding too); own indices → create_index +
    // view_index_metadata, not manage; ILM → the cluster privilege manage_ilm.
    expect(t.role_descriptors.applylens).toEqual({
      cluster: ['manage_ilm'],
      indices: [
        {
          names: ['applylens-*', 'applylens_logs-*'],
          privileges: ['read', 'index', 'create_index', 'view_index_metadata'],
        },
      ],
    });
    expect(t.probes.deny).toEqual(expect.arrayContaining(['doc.delete', 'index.delete', 'aliases.update']));
    expect(t.outputs).toEqual({
      env_files: ['app.env'],
      key_var: 'APPLYLENS_ES_KEY',
      id_var: 'APPLYLENS_ES_KEY_ID',
    });
    // The admin password of .eskeys.env is never shown nor written.
    expect(r.tty + r.stdout).not.toContain('eskeys-admin-e2e-password');
    expect(readProjectFile(dir, 'roles/applylens.json')).not.toContain('eskeys-admin-e2e-password');
  });

  it('answering no to the last question writes nothing (exit 130)', async () => {
    const dir = makeProject(sb, { templates: [] });
    const r = await runInTerminal(
      ['init', '--name', 'applylens', '--index', 'applylens-*', '--can', 'read'],
      dir,
      [
        ['Cluster URL', ''],
        ['Env file that receives the key', ''],
        ['Variable holding the key', ''],
        ['Write roles/applylens.json and eskeys.config.json?', 'n'],
      ],
    );
    expect(r.unanswered).toEqual([]);
    expect(r.code).toBe(130);
    expect(existsSync(join(dir, 'roles/applylens.json'))).toBe(false);
    expect(existsSync(join(dir, 'eskeys.config.json'))).toBe(false);
  });
});
