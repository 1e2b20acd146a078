import { describe, expect, it } from 'vitest';
import { DEFAULT_PROJECT_CONFIG, parseProjectConfig } from '../../../src/core/templates/index.js';
import type { RoleTemplate } from '../../../src/core/templates/schema.js';
import {
  conflictsOf,
  findVariableConflicts,
  formatVariableConflict,
} from '../../../src/core/templates/variable-owners.js';

function tpl(name: string, outputs: Partial<RoleTemplate['outputs']>) {
  return {
    template: {
      name,
      outputs: { env_files: [], key_var: 'ELASTICSEARCH_API_KEY', follow_symlinks: false, ...outputs },
    },
    file: `roles/${name}.json`,
  };
}

const abs = (f: string) => (f.startsWith('/') ? f : `/p/${f.replace(/^\.\//, '')}`);

describe('findVariableConflicts', () => {
  it('two templates, one file, one key variable', () => {
    const c = findVariableConflicts(
      [tpl('a', { env_files: ['.env'] }), tpl('b', { env_files: ['./.env'] })],
      DEFAULT_PROJECT_CONFIG,
      abs,
    );
    expect(c.map((x) => [x.envFile, x.variable, x.templates])).toEqual([
      ['/p/.env', 'ELASTICSEARCH_API_KEY', ['a', 'b']],
    ]);
    expect(formatVariableConflict(c[0]!, '.env')).toBe(
      "templates a (roles/a.json, environment default) and b (roles/b.json, environment default) both write ELASTICSEARCH_API_KEY in .env: each rotation would overwrite the other's key; give each template its own variable or env file",
    );
  });

  it("one template's key_var is another's id_var", () => {
    const c = findVariableConflicts(
      [
        tpl('a', { env_files: ['.env'], key_var: 'K' }),
        tpl('b', { env_files: ['.env'], key_var: 'X', id_var: 'K' }),
      ],
      DEFAULT_PROJECT_CONFIG,
      abs,
    );
    expect(c.map((x) => [x.variable, x.owners.map((o) => `${o.template}:${o.field}`)])).toEqual([
      ['K', ['a:key_var', 'b:id_var']],
    ]);
  });

  it('different variables or files do not conflict; one template in several environments does not either', () => {
    const { config } = parseProjectConfig(
      JSON.stringify({ environments: { prod: {}, staging: {} } }),
      'eskeys.config.json',
    );
    expect(
      findVariableConflicts(
        [
          tpl('a', { env_files: ['.env'], key_var: 'A' }),
          tpl('b', { env_files: ['.env'], key_var: 'B' }),
          tpl('c', { env_files: ['c.env'] }),
        ],
        config,
        abs,
      ),
    ).toEqual([]);
  });

  it('an environment override brings two templates onto one file', () => {
    const { config } = parseProjectConfig(
      JSON.stringify({ environments: { prod: { outputs: { b: { env_files: ['.env'] } } } } }),
      'eskeys.config.json',
    );
    const all = findVariableConflicts(
      [tpl('a', { env_files: ['.env'] }), tpl('b', { env_files: ['b.env'] })],
      config,
      abs,
    );
    expect(all.map((x) => x.owners.map((o) => `${o.template}@${o.environment}`))).toEqual([
      ['a@default', 'a@prod', 'b@prod'],
    ]);
    expect(conflictsOf(all, 'b', 'default')).toEqual([]);
    expect(conflictsOf(all, 'b', 'prod')).toHaveLength(1);
    expect(conflictsOf(all, 'a', 'default')).toHaveLength(1);
  });
});
