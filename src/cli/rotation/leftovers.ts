// The CLI's sweep of local leftovers of killed eskeys processes: stale rotation locks and lock temp
// files under the state folder, and stale edit locks and temp files beside every env file the
// project's templates (and the journal's rotations) publish to. `recover` and every `tick` run it.

import { EnvFileStore } from '../../adapters/env-file/env-file-store.js';
import { sweepRotationLocks } from '../../adapters/lock/file-lock.js';
import { isEskeysError } from '../../core/errors.js';
import type { JournalEntry } from '../../core/journal/journal-entry.js';
import { DEFAULT_ENVIRONMENT } from '../../core/templates/schema.js';
import { testLockWaitMs } from '../composition.js';
import type { CliContext } from '../context.js';
import type { Project } from '../project.js';

/** Every env file of every template in every configured environment, plus those the journal names. */
async function knownEnvFiles(project: Project, entries: readonly JournalEntry[]): Promise<string[]> {
  const files = new Set<string>();
  for (const e of entries) for (const f of e.data?.files ?? []) files.add(f);
  const configured = Object.keys(project.config.environments);
  const environments = configured.length > 0 ? configured : [DEFAULT_ENVIRONMENT];
  for (const name of await project.templateNames()) {
    try {
      const { template } = await project.scopeTemplate(name);
      for (const environment of environments) {
        for (const f of project.outputs(template, environment).envFiles) files.add(f);
      }
    } catch {
      // a broken template or outputs: its own rotation reports that; its files are unknown here
    }
  }
  return [...files].sort();
}

/**
 * Removes (or, on a dry run, lists) the local leftovers of killed eskeys processes: one line per
 * leftover in `removed`, paths relative to the project. Temp files are removed unread: they can
 * hold a key. Locks of live processes are never touched; a file whose edit lock stays held, or
 * that cannot be cleaned, is a line in `warnings` and the sweep goes on.
 */
export async function sweepLocalLeftovers(
  ctx: CliContext,
  project: Project,
  entries: readonly JournalEntry[],
  opts: { dryRun?: boolean } = {},
): Promise<{ removed: string[]; warnings: string[] }> {
  const rel = (line: string) => line.split(`${project.root}/`).join('');
  const removed: string[] = [];
  const warnings: string[] = [];
  try {
    removed.push(...(await sweepRotationLocks(project.stateDir, opts)).map(rel));
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    warnings.push(rel(error.message));
  }
  const store = new EnvFileStore({ cwd: project.root, lockWaitMs: testLockWaitMs(ctx.env) });
  for (const file of await knownEnvFiles(project, entries)) {
    try {
      removed.push(...(await store.sweepLeftovers(project.projectPath(file), opts)));
    } catch (error) {
      if (!isEskeysError(error)) throw error;
      warnings.push(rel(error.message));
    }
  }
  return { removed, warnings };
}
