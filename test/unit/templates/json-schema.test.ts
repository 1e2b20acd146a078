import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INDEX_PRIVILEGE_NAMES } from '../../../src/core/privileges/index.js';
import { PROBE_OPERATION_IDS } from '../../../src/core/probes/catalogue.js';
import {
  jsonSchemaText,
  projectConfigJsonSchema,
  roleTemplateJsonSchema,
} from '../../../src/core/templates/json-schema.js';

const root = new URL('../../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');

describe('published JSON Schemas', () => {
  it.each([
    ['schema/role-template.schema.json', roleTemplateJsonSchema],
    ['schema/eskeys-config.schema.json', projectConfigJsonSchema],
  ])(
    '%s is exactly the schema generated from the zod schema (regenerate with eskeys schema)',
    (file, generate) => {
      expect(read(file)).toBe(jsonSchemaText(generate()));
    },
  );

  it('is draft-07, closed to unknown fields, and requires only name and role_descriptors', () => {
    const s = roleTemplateJsonSchema() as Record<string, unknown>;
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(['name', 'role_descriptors']);
  });

  it('offers privilege names and probe ids for autocompletion, still admitting raw index actions', () => {
    const text = jsonSchemaText(roleTemplateJsonSchema());
    const s = JSON.parse(text);
    const indices = s.properties.role_descriptors.additionalProperties.properties.indices.items;
    const privilegeItems = indices.properties.privileges.items;
    expect(privilegeItems.anyOf[0].enum).toEqual([...INDEX_PRIVILEGE_NAMES]);
    expect(privilegeItems.anyOf[1].pattern).toBe('^indices:');
    const allowItems = s.properties.probes.properties.allow.items;
    expect(allowItems.anyOf[0].enum).toEqual([...PROBE_OPERATION_IDS]);
    expect(allowItems.anyOf[1].properties.op.enum).toEqual([...PROBE_OPERATION_IDS]);
  });

  it('gives durations a pattern so editors flag "90 days"', () => {
    const s = roleTemplateJsonSchema() as {
      properties: { rotation: { properties: { every: { pattern: string } } } };
    };
    const re = new RegExp(s.properties.rotation.properties.every.pattern);
    expect(re.test('90d')).toBe(true);
    expect(re.test('90 days')).toBe(false);
  });
});
