import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { onTestFinished } from 'vitest';
import type { CliContext } from '../../../src/cli/context.js';
import type { IO } from '../../../src/cli/io.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';

/** An IO writing into strings (local to the template/lint/matrix/diff tests). */
export function bufferIO(): IO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (t) => {
        out += t;
      },
    },
    stderr: {
      write: (t) => {
        err += t;
      },
    },
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

/** A CliContext over `io` rooted at `cwd` (no prompts, fixed clock). */
export function cliContext(io: IO, cwd: string): CliContext {
  return {
    io,
    env: {},
    cwd,
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    random: { hex: (n) => '0'.repeat(n) },
    signal: new AbortController().signal,
    prompter: () => Promise.reject(new Error('no prompts in these tests')),
    connect: () => Promise.reject(new Error('no cluster in these tests')),
    cluster: () => Promise.reject(new Error('no cluster in these tests')),
    services: () => Promise.reject(new Error('no cluster in these tests')),
    closeConnections: async () => {},
  };
}

/** A temporary project directory with `files` (path → content), removed after the test. */
export function tempProject(files: Record<string, string | object>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'eskeys-templates-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    const abs = path.join(dir, name);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** The text of a fixture or shipped file, relative to the repository root. */
export function repoFile(rel: string): string {
  return readFileSync(new URL(`../../../${rel}`, import.meta.url), 'utf8');
}
