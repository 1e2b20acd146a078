import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  displayPath,
  loadTemplate,
  loadTemplates,
  readProjectConfig,
  resolveTemplatePaths,
} from '../../../src/adapters/workspace/template-files.js';
import { TemplateError, UsageError } from '../../../src/core/errors.js';
import { templateInput, tempProject } from './support.js';

describe('finding templates on disk', () => {
  const files = {
    'roles/a.json': templateInput({ name: 'a' }),
    'roles/b.json': templateInput({ name: 'b' }),
    'roles/notes.txt': 'not a template',
    'other/c.json': templateInput({ name: 'c' }),
  };

  it.each<[string[], string[]]>([
    [[], ['roles/a.json', 'roles/b.json']],
    [['b'], ['roles/b.json']],
    [['roles/a.json'], ['roles/a.json']],
    [['other'], ['other/c.json']],
    [
      ['other/c.json', 'a', 'roles/a.json'],
      ['other/c.json', 'roles/a.json'],
    ],
  ])('%j → %j', async (refs, expected) => {
    const cwd = tempProject(files);
    const found = await resolveTemplatePaths(refs, cwd);
    expect(found.map((f) => displayPath(cwd, f))).toEqual(expected);
  });

  it.each<[string[], string]>([
    [['c'], 'template "c" not found (no file c and no roles/c.json)'],
    [['aa'], 'template "aa" not found (no file aa and no roles/aa.json); did you mean "a"?'],
    [['roles/zz.json'], 'template file roles/zz.json not found'],
  ])('%j is a usage error', async (refs, message) => {
    const cwd = tempProject(files);
    await expect(resolveTemplatePaths(refs, cwd)).rejects.toThrow(new UsageError(message));
  });

  it('says so when there is no templates directory', async () => {
    const cwd = tempProject({ 'x.txt': '' });
    await expect(resolveTemplatePaths([], cwd)).rejects.toThrow(
      'no templates given and roles/ does not exist; pass template files',
    );
  });

  it('shows paths outside cwd as absolute', () => {
    expect(displayPath('/a/b', '/a/b/roles/x.json')).toBe('roles/x.json');
    expect(displayPath('/a/b', '/elsewhere/x.json')).toBe(path.resolve('/elsewhere/x.json'));
  });
});

describe('loading templates and the project config', () => {
  it('loads one template by name with its warnings', async () => {
    const cwd = tempProject({ 'roles/svc.json': templateInput({ name: 'other' }) });
    const loaded = await loadTemplate('svc', cwd);
    expect(loaded.file).toBe('roles/svc.json');
    expect(loaded.template.name).toBe('other');
    expect(loaded.warnings).toHaveLength(1);
  });

  it('lists the problems of every invalid template in one TemplateError', async () => {
    const cwd = tempProject({
      'roles/a.json': { name: 'a', role_descriptors: { x: { cluster: ['monitr'] } } },
      'roles/b.json': { name: 'b', role_descriptors: { x: { cluster: ['manag'] } } },
    });
    const error = await loadTemplates([], cwd).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).problems).toEqual([
      'roles/a.json: /role_descriptors/x/cluster/0: unknown cluster privilege "monitr"; did you mean "monitor"?',
      'roles/b.json: /role_descriptors/x/cluster/0: unknown cluster privilege "manag"; did you mean "manage"?',
    ]);
  });

  it('uses defaults without eskeys.config.json and validates it when present', async () => {
    expect((await readProjectConfig(tempProject({}))).config.templates_dir).toBe('roles');
    const cwd = tempProject({ 'eskeys.config.json': '{"templates_dir": 5}' });
    await expect(readProjectConfig(cwd)).rejects.toThrow(
      'eskeys.config.json: /templates_dir: expected a string, got 5',
    );
  });

  it('reads an explicit config file and resolves templates_dir against its folder', async () => {
    const cwd = tempProject({
      'ops/eskeys.config.json': '{"templates_dir": "keys"}',
      'ops/keys/a.json': JSON.stringify(templateInput({ name: 'a' })),
    });
    const found = await readProjectConfig(cwd, 'ops/eskeys.config.json');
    expect(found.file).toBe('ops/eskeys.config.json');
    expect(found.templatesDir).toBe('ops/keys');
    const loaded = await loadTemplates([], cwd, found.templatesDir);
    expect(loaded.map((t) => [t.template.name, t.file])).toEqual([['a', 'ops/keys/a.json']]);
  });

  it('refuses an explicit config file that does not exist (no silent defaults)', async () => {
    await expect(readProjectConfig(tempProject({}), 'nope.json')).rejects.toThrow(
      'config file nope.json does not exist',
    );
  });
});
