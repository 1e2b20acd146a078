// Undoing one rotation's write of an env file. Two templates may publish into the same file, so
// "put the old text back" is right only when nobody wrote the file since this rotation did.

import { applyEnvUpdates, parseEnv, removeEnvVars } from './edit-env.js';

/** What this rotation wrote to a file: the text it left and the variables it set. */
export interface OwnWrite {
  readonly text: string;
  readonly names: readonly string[];
}

/** What rollback does to the file: remove it (it did not exist before) or write this text. */
export type RollbackAction = { readonly kind: 'remove' } | { readonly kind: 'write'; readonly text: string };

/**
 * The rollback of one env file. Untouched since this rotation wrote it (or never written by it):
 * the previous text, or removal when the file did not exist before (not a file left holding a
 * dead key). Written since by another rotation (a template sharing the file): only this
 * rotation's variables are put back (or removed when they were new), so the key the other
 * rotation published stays.
 */
export function rollbackEnvFile(input: {
  /** The text before this rotation's write; undefined when the file did not exist. */
  readonly before: string | undefined;
  /** The file's text now; undefined when it is gone. */
  readonly current: string | undefined;
  readonly mine: OwnWrite | undefined;
}): RollbackAction {
  const { before, current, mine } = input;
  if (!mine || current === undefined || current === mine.text) {
    return before === undefined ? { kind: 'remove' } : { kind: 'write', text: before };
  }
  const old = parseEnv(before ?? '');
  const back = Object.fromEntries(mine.names.filter((n) => old.has(n)).map((n) => [n, old.get(n)!] as const));
  const text = removeEnvVars(
    applyEnvUpdates(current, back).text,
    mine.names.filter((n) => !old.has(n)),
  );
  return { kind: 'write', text };
}
