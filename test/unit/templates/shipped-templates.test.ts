import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintTemplate } from '../../../src/core/lint/lint.js';
import { parseTemplate } from '../../../src/core/templates/load-template.js';

const rolesDir = new URL('../../../roles/', import.meta.url);
const files = readdirSync(rolesDir).filter((f) => f.endsWith('.json'));

describe('shipped templates in roles/', () => {
  it('ships the four examples of issue 3', () => {
    expect(files.sort()).toEqual([
      'ci-verifier.json',
      'dashboard-readonly.json',
      'email-search.json',
      'ingest-writer.json',
    ]);
  });

  it.each(files)('%s validates without warnings, lints clean and references the JSON Schema', (file) => {
    const text = readFileSync(new URL(file, rolesDir), 'utf8');
    const { template, warnings } = parseTemplate(text, `roles/${file}`);
    expect(warnings).toEqual([]);
    expect(lintTemplate(template, `roles/${file}`)).toMatchObject({ findings: [], suppressed: [] });
    const schemaRef = JSON.parse(text).$schema as string;
    expect(schemaRef).toBe('../schema/role-template.schema.json');
    expect(existsSync(new URL(schemaRef, rolesDir))).toBe(true);
  });

  it('email-search is the minimal key of the email-search service (README)', () => {
    const { template } = parseTemplate(
      readFileSync(new URL('email-search.json', rolesDir), 'utf8'),
      'roles/email-search.json',
    );
    expect(template.role_descriptors['email-search']).toEqual({
      cluster: ['monitor', 'manage_index_templates', 'manage_ilm', 'manage_pipeline'],
      indices: [
        { names: ['gmail_emails-*'], privileges: ['read', 'index', 'create_index', 'view_index_metadata'] },
      ],
    });
    expect(template.probes.deny).toEqual(
      expect.arrayContaining([
        'doc.delete',
        'bulk.delete',
        'delete_by_query',
        'index.delete',
        'index.put_settings',
        'aliases.update',
        'cluster.put_settings',
        'security.create_api_key',
      ]),
    );
    expect(template.outputs).toMatchObject({
      env_files: ['.env'],
      key_var: 'ELASTICSEARCH_API_KEY',
      id_var: 'ELASTICSEARCH_API_KEY_ID',
    });
  });

  it('ingest-writer grants create_doc only', () => {
    const { template } = parseTemplate(
      readFileSync(new URL('ingest-writer.json', rolesDir), 'utf8'),
      'roles/ingest-writer.json',
    );
    const groups = Object.values(template.role_descriptors).flatMap((d) => d.indices ?? []);
    expect(groups.flatMap((g) => g.privileges)).toEqual(['create_doc']);
    expect(Object.values(template.role_descriptors).flatMap((d) => d.cluster ?? [])).toEqual([]);
  });
});
