import { z } from 'zod';
import { LINT_RULE_IDS } from '../lint/rule-ids.js';
import { CLUSTER_PRIVILEGE_NAMES, INDEX_PRIVILEGE_NAMES } from '../privileges/index.js';
import { PROBE_OPERATION_IDS } from '../probes/catalogue.js';
import {
  ClusterPrivilegeNameSchema,
  IndexPrivilegeNameSchema,
  LintRuleIdSchema,
  ProbeOperationIdSchema,
  ProjectConfigSchema,
  RoleTemplateSchema,
} from './schema.js';

/**
 * JSON Schemas generated from the zod schemas, so editors validate and autocomplete
 * templates (roles/*.json reference schema/role-template.schema.json via `$schema`).
 * The zod schemas keep privilege names and probe ids as plain strings, because the loader
 * checks them with better messages; here they become enums for autocompletion (privileges
 * still admit raw action patterns, as Elasticsearch does). The committed files under
 * schema/ are this output verbatim; a test keeps them in sync.
 */

type JsonObject = Record<string, unknown>;

function replace(target: JsonObject, replacement: JsonObject): void {
  const description = target.description;
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, replacement, description !== undefined ? { description } : {});
}

function generate(schema: z.ZodType, title: string): JsonObject {
  const out = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-7',
    override: (ctx) => {
      const js = ctx.jsonSchema as JsonObject;
      if (ctx.zodSchema === IndexPrivilegeNameSchema) {
        replace(js, {
          anyOf: [
            { type: 'string', enum: [...INDEX_PRIVILEGE_NAMES] },
            { type: 'string', pattern: '^indices:', description: 'a raw index action pattern' },
          ],
        });
      } else if (ctx.zodSchema === ClusterPrivilegeNameSchema) {
        replace(js, {
          anyOf: [
            { type: 'string', enum: [...CLUSTER_PRIVILEGE_NAMES] },
            {
              type: 'string',
              pattern: '^(cluster:|indices:admin/template/|indices:admin/index_template/)',
              description: 'a raw cluster action pattern',
            },
          ],
        });
      } else if (ctx.zodSchema === ProbeOperationIdSchema) {
        replace(js, { type: 'string', enum: [...PROBE_OPERATION_IDS] });
      } else if (ctx.zodSchema === LintRuleIdSchema) {
        replace(js, { type: 'string', enum: [...LINT_RULE_IDS] });
      }
    },
  }) as JsonObject;
  const { $schema, ...rest } = out;
  return { $schema, title, ...rest };
}

/** The JSON Schema of role templates (schema/role-template.schema.json). */
export function roleTemplateJsonSchema(): JsonObject {
  return generate(RoleTemplateSchema, 'eskeys role template');
}

/** The JSON Schema of eskeys.config.json (schema/eskeys-config.schema.json). */
export function projectConfigJsonSchema(): JsonObject {
  return generate(ProjectConfigSchema, 'eskeys project config');
}

/** The exact text of a committed schema file: two-space JSON and a final newline. */
export function jsonSchemaText(schema: JsonObject): string {
  return JSON.stringify(schema, null, 2) + '\n';
}
