import { PassThrough } from 'node:stream';
import type { IO } from '../../../src/cli/io.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';

/** An IO writing into strings (local to the template/lint/matrix/diff tests). */
export function bufferIO(): IO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t) => void (out += t) },
    stderr: { write: (t) => void (err += t) },
    stdin: new PassThrough(),
    isStdoutTTY: false,
    canPrompt: () => false,
    out: () => out,
    err: () => err,
  };
}

/** A valid template (the minimal email-search key) with `overrides` merged at the top level. */
export function templateInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'svc',
    role_descriptors: {
      app: {
        cluster: ['monitor'],
        indices: [
          { names: ['gmail_emails-*'], privileges: ['read', 'index', 'create_index', 'view_index_metadata'] },
        ],
      },
    },
    probes: { allow: ['cluster.health', 'doc.index', 'search'], deny: ['doc.delete', 'index.delete'] },
    ...overrides,
  };
}

/** A parsed template (defaults applied) built from `templateInput(overrides)`. */
export function template(overrides: Record<string, unknown> = {}): RoleTemplate {
  return RoleTemplateSchema.parse(templateInput(overrides));
}

/** Role descriptors with one index group and optional cluster privileges. */
export function descriptors(
  privileges: string[],
  names: string[] = ['gmail_emails-*'],
  cluster: string[] = ['monitor'],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { app: { cluster, indices: [{ names, privileges, ...extra }] } };
}
