import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LockedError } from '../../core/errors.js';
import {
  describeHolder,
  holderGoneHere,
  isStaleLock,
  type LockHolder,
  newHolder,
  ownsLockFile,
  publishLockFile,
  readLockFile,
  type SeenLock,
  takeOverLock,
} from '../lock/lock-file.js';

/**
 * The edit lock of one env file: `.<name>.eskeys-lock` beside it, held for the few milliseconds
 * of a read-modify-write. Two eskeys processes rotating templates that share the file would
 * otherwise both read the old text, and the second rename would drop the first key.
 *
 * The lock records its holder (pid, host, since) and is published whole: written to a temp file
 * (`.<name>.eskeys-lock-<pid>-<hex>.tmp`), then link(2)ed to the lock name, which fails when the
 * name exists. So a reader never sees a half-written holder from a current eskeys; an unreadable
 * lock (an older eskeys wrote only a pid, or a crash mid-write elsewhere) ages out by mtime only.
 *
 * A lock whose holder is a dead process on this host is taken over at once: a rotation killed
 * mid-publish must not block the next one. A lock of another host is judged by age alone (its pid
 * means nothing here), as is any lock untouched for 30 s (no edit takes that long; a reused pid
 * must not keep a dead holder's lock forever). A live holder is waited for, then LockedError (4).
 */

/** A lock file untouched this long was left by a process that died mid-edit. */
export const EDIT_LOCK_STALE_MS = 30_000;

/** The lock file's path for an env file. */
export function editLockPath(envPath: string): string {
  return join(dirname(envPath), `.${basename(envPath)}.eskeys-lock`);
}

/**
 * Takes the edit lock of `envPath` (absolute), waiting up to `waitMs` for a live holder.
 * Returns the release function; undefined when the folder does not exist (nothing to race with:
 * the write creates it). `shown` is the path as the user wrote it, for messages.
 */
export async function acquireEditLock(
  envPath: string,
  shown: string,
  waitMs: number,
  onTakeOver?: (stale: string) => void,
): Promise<(() => Promise<void>) | undefined> {
  const lock = editLockPath(envPath);
  const me = newHolder();
  const deadline = Date.now() + waitMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const published = await publishLockFile(lock, me);
    if (published === 'no-folder') return undefined;
    if (published === 'taken') return () => release(lock, me);
    const seen = await readLockFile(lock);
    if (seen === 'gone') continue;
    if (isStale(seen)) {
      if (await takeOverLock(lock, seen)) onTakeOver?.(describeStale(seen));
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(shown, editLockPath(shown), seen.holder);
    await new Promise((r) => setTimeout(r, delay));
  }
}

function isStale(seen: SeenLock): boolean {
  return isStaleLock(seen, EDIT_LOCK_STALE_MS);
}

/** Removes the lock if it is still ours (never one another process took over since). */
async function release(lock: string, me: LockHolder): Promise<void> {
  if (await ownsLockFile(lock, me)) await unlink(lock).catch(() => {});
}

function lockedError(shown: string, lock: string, holder: LockHolder | undefined): LockedError {
  const who = describeHolder(holder) ?? 'another eskeys process';
  return new LockedError(
    `env file ${shown} is being edited by ${who} (lock ${lock}); retry once it has finished, or remove that file if no eskeys is running`,
  );
}

function describeStale(seen: SeenLock): string {
  const who = describeHolder(seen.holder);
  if (!who) return 'an unreadable lock untouched for over 30 s';
  return `${who}${holderGoneHere(seen.holder) ? ', no longer running' : ', untouched for over 30 s'}`;
}

/**
 * Removes what killed eskeys processes left beside one env file (absolute path): its stale edit
 * lock (taken over) and the `.<name>.eskeys-*.tmp` files, i.e. env-file temp files, which can hold
 * a key, and lock temp files. Runs under the edit lock, so no eskeys is writing the file and every
 * such temp file is a leftover. The files are removed unread. Returns one line per removal.
 */
export async function sweepEditLeftovers(envPath: string, shown: string, waitMs: number): Promise<string[]> {
  const removed: string[] = [];
  const release = await acquireEditLock(envPath, shown, waitMs, (stale) =>
    removed.push(`stale edit lock of ${shown} (${stale})`),
  );
  if (!release) return removed; // no folder, so nothing beside the file
  try {
    const prefix = `.${basename(envPath)}.eskeys-`;
    for (const name of await readdir(dirname(envPath))) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      try {
        await unlink(join(dirname(envPath), name));
        removed.push(
          `leftover temp file ${join(dirname(shown), name)} (it may have held a key; removed unread)`,
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  } finally {
    await release();
  }
  return removed;
}

/** The leftovers {@link sweepEditLeftovers} would remove, without removing or locking anything (dry run). */
export async function listEditLeftovers(envPath: string, shown: string): Promise<string[]> {
  const prefix = `.${basename(envPath)}.eskeys-`;
  const names = await readdir(dirname(envPath)).catch(() => [] as string[]);
  const out: string[] = [];
  const seen = await readLockFile(editLockPath(envPath)).catch(() => 'gone' as const);
  if (seen !== 'gone' && isStale(seen)) out.push(`stale edit lock of ${shown} (${describeStale(seen)})`);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) {
      out.push(`leftover temp file ${join(dirname(shown), name)} (it may have held a key; removed unread)`);
    }
  }
  return out;
}
