import { describe, expect, it } from 'vitest';
import { configCheck, templateChecks } from '../../../src/core/doctor/index.js';
import { validateTemplate } from '../../../src/core/templates/load-template.js';

const t = (value: Record<string, unknown>) => {
  const c = validateTemplate(value);
  if (!c.value) throw new Error(c.errors.map((e) => e.message).join('; '));
  return c.value;
};

describe('project checks', () => {
  it('an invalid config fails with exit kind config and lists every problem', () => {
    const c = configCheck({
      file: 'eskeys.config.json',
      errors: ['eskeys.config.json: /state_dir: expected string', 'eskeys.config.json: /foo: unknown field'],
      warnings: [],
      environments: [],
    });
    expect(c).toMatchObject({
      id: 'project.config',
      status: 'fail',
      failure: 'config',
      message: 'eskeys.config.json: /state_dir: expected string',
      details: ['eskeys.config.json: /foo: unknown field'],
    });
  });

  it('an error-level lint finding fails the template (exit 1), warnings only count', () => {
    const [allGrant, reader] = templateChecks([
      {
        file: 'roles/admin-ish.json',
        template: t({
          name: 'admin-ish',
          role_descriptors: { a: { indices: [{ names: ['logs-*'], privileges: ['all'] }] } },
        }),
        errors: [],
        warnings: [],
      },
      {
        file: 'roles/reader.json',
        template: t({
          name: 'reader',
          role_descriptors: { a: { indices: [{ names: ['logs-*'], privileges: ['read'] }] } },
        }),
        errors: [],
        warnings: [],
      },
    ]);
    expect(allGrant).toMatchObject({ id: 'project.template:admin-ish', status: 'fail' });
    expect(allGrant!.failure).toBeUndefined();
    expect(allGrant!.message).toMatch(/^roles\/admin-ish\.json: lint: \d+ errors?: grant-all: /);
    expect(reader!.status).not.toBe('fail');
  });

  it('two files with one template name both fail', () => {
    const same = t({ name: 'dup', role_descriptors: { a: { cluster: ['monitor'] } } });
    const checks = templateChecks([
      { file: 'roles/dup.json', template: same, errors: [], warnings: [] },
      { file: 'roles/dup-copy.json', template: same, errors: [], warnings: [] },
    ]);
    expect(checks.map((c) => [c.status, c.message])).toEqual([
      ['fail', 'template name "dup" is used by roles/dup.json and roles/dup-copy.json'],
      ['fail', 'template name "dup" is used by roles/dup.json and roles/dup-copy.json'],
    ]);
  });
});
