// The sweep of local leftovers of killed eskeys processes: stale rotation locks and lock temp
// files under the state folder, and stale edit locks and temp files beside every env file the
// project's templates (and the journal's rotations) publish to. `recover` and every `tick` run it.

import { isEskeysError } from '../errors.js';
import type { JournalEntry } from '../journal/journal-entry.js';
import type { Workspace } from '../ports/workspace.js';
import { DEFAULT_ENVIRONMENT } from '../templates/schema.js';

/** Removes (or lists, on a dry run) leftovers; each method returns one line per leftover. */
export interface LeftoverSweeper {
  /** Stale rotation locks and lock temp files of the state folder (absolute paths in lines). */
  rotationLocks(opts: { dryRun?: boolean }): Promise<string[]>;
  /** A stale edit lock and temp files beside one env file, named relative to the project. */
  envFileLeftovers(file: string, opts: { dryRun?: boolean }): Promise<string[]>;
}

/** Every env file of every template in every configured environment, plus those the journal names. */
async function knownEnvFiles(project: Workspace, entries: readonly JournalEntry[]): Promise<string[]> {
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
export async function sweepLeftovers(
  project: Workspace,
  sweeper: LeftoverSweeper,
  entries: readonly JournalEntry[],
  opts: { dryRun?: boolean } = {},
): Promise<{ removed: string[]; warnings: string[] }> {
  const rel = (line: string) => line.split(`${project.root}/`).join('');
  const removed: string[] = [];
  const warnings: string[] = [];
  try {
    removed.push(...(await sweeper.rotationLocks(opts)).map(rel));
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    warnings.push(rel(error.message));
  }
  for (const file of await knownEnvFiles(project, entries)) {
    try {
      removed.push(...(await sweeper.envFileLeftovers(project.projectPath(file), opts)));
    } catch (error) {
      if (!isEskeysError(error)) throw error;
      warnings.push(rel(error.message));
    }
  }
  return { removed, warnings };
}
