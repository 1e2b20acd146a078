import { randomBytes } from 'node:crypto';
import { link, lstat, open, readdir, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { LockedError } from '../../core/errors.js';
import { pidAlive } from '../lock/pid-alive.js';

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

/** Lock and guard files are readable by their owner only, like the env files. */
const LOCK_MODE = 0o600;

/** A lock file untouched this long was left by a process that died mid-edit. */
export const EDIT_LOCK_STALE_MS = 30_000;

/** What a lock file records about its holder. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly token: string;
}

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
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomBytes(9).toString('hex'),
  };
  const deadline = Date.now() + waitMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const published = await publish(lock, me);
    if (published === 'no-folder') return undefined;
    if (published === 'taken') return () => release(lock, me);
    const seen = await inspect(lock);
    if (seen === 'gone') continue;
    if (isStale(seen)) {
      if (await takeOver(lock, seen)) onTakeOver?.(describeStale(seen));
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(shown, editLockPath(shown), seen.holder);
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** Writes the holder to a temp file and links it to the lock name: all or nothing. */
async function publish(lock: string, holder: Holder): Promise<'taken' | 'held' | 'no-folder'> {
  const tmp = `${lock}-${holder.pid}-${randomBytes(6).toString('hex')}.tmp`;
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(tmp, 'wx', LOCK_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'no-folder';
    throw error;
  }
  try {
    try {
      await fh.writeFile(`${JSON.stringify(holder)}\n`);
    } finally {
      await fh.close();
    }
    await link(tmp, lock);
    return 'taken';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return 'held';
    // ENOENT: a leftover sweep removed our temp file between open and link; go round again.
    if (code === 'ENOENT') return 'held';
    throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

interface Seen {
  readonly holder: Holder | undefined;
  readonly mtimeMs: number;
  readonly raw: string;
}

async function inspect(lock: string): Promise<Seen | 'gone'> {
  try {
    const [raw, st] = await Promise.all([readFile(lock, 'utf8'), lstat(lock)]);
    return { holder: parseHolder(raw), mtimeMs: st.mtimeMs, raw };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

function parseHolder(raw: string): Holder | undefined {
  try {
    const h = JSON.parse(raw) as Partial<Holder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string') {
      return { pid: h.pid, host: h.host, since: String(h.since), token: h.token };
    }
  } catch {
    // an older eskeys's bare pid, or a foreign file: judged by age alone
  }
  return undefined;
}

function isStale(seen: Seen): boolean {
  if (Date.now() - seen.mtimeMs > EDIT_LOCK_STALE_MS) return true;
  const h = seen.holder;
  return h !== undefined && h.host === hostname() && !pidAlive(h.pid);
}

/**
 * Removes a lock judged stale, unless it changed since: two processes that both judged it stale
 * must not let the second remove the lock the first has just taken. A guard file created with
 * O_EXCL lets only one of them look and remove; a guard left by a crash ages out like a lock.
 */
async function takeOver(lock: string, seen: Seen): Promise<boolean> {
  const guard = `${lock}.takeover`;
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(guard, 'wx', LOCK_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const st = await lstat(guard).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > EDIT_LOCK_STALE_MS) await unlink(guard).catch(() => {});
    await new Promise((r) => setTimeout(r, 10));
    return false;
  }
  await fh.close();
  try {
    const again = await inspect(lock);
    if (again !== 'gone' && again.raw === seen.raw && again.mtimeMs === seen.mtimeMs) {
      await unlink(lock);
      return true;
    }
    return false;
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/** Removes the lock if it is still ours (never one another process took over since). */
async function release(lock: string, me: Holder): Promise<void> {
  const seen = await inspect(lock).catch(() => 'gone' as const);
  if (seen !== 'gone' && seen.holder?.token === me.token) await unlink(lock).catch(() => {});
}

function lockedError(shown: string, lock: string, holder: Holder | undefined): LockedError {
  const who = holder
    ? `pid ${holder.pid} on host ${holder.host} since ${holder.since}`
    : 'another eskeys process';
  return new LockedError(
    `env file ${shown} is being edited by ${who} (lock ${lock}); retry once it has finished, or remove that file if no eskeys is running`,
  );
}

function describeStale(seen: Seen): string {
  const h = seen.holder;
  if (!h) return 'an unreadable lock untouched for over 30 s';
  const gone = h.host === hostname() && !pidAlive(h.pid);
  return `pid ${h.pid} on host ${h.host} since ${h.since}${gone ? ', no longer running' : ', untouched for over 30 s'}`;
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
  const seen = await inspect(editLockPath(envPath)).catch(() => 'gone' as const);
  if (seen !== 'gone' && isStale(seen)) out.push(`stale edit lock of ${shown} (${describeStale(seen)})`);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) {
      out.push(`leftover temp file ${join(dirname(shown), name)} (it may have held a key; removed unread)`);
    }
  }
  return out;
}
