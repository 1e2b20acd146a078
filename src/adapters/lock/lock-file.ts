import { randomBytes } from 'node:crypto';
import { link, lstat, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { pidAlive } from './pid-alive.js';

/**
 * The lock-file primitives both eskeys locks share (the rotation lock of a template and
 * environment, and the edit lock of one env file): a small JSON file naming its holder (pid, host,
 * since, token), published with link(2), which is atomic and fails when the name exists, so a
 * reader never sees a half-written holder. A lock is stale when its pid is dead on this host, or
 * when it was not touched for the lock's own stale age (a crashed holder on another host).
 */

/** What a lock file records about its holder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  /** Random: tells this process's lock from one another process took over since. */
  readonly token: string;
  /** What is locked (rotation locks name their scope). */
  readonly name?: string;
}

/** A lock file as read: its holder (undefined when unreadable), last touch, and raw text. */
export interface SeenLock {
  readonly holder: LockHolder | undefined;
  readonly mtimeMs: number;
  readonly raw: string;
}

/** A takeover guard older than this was left by a process that crashed mid-takeover. */
const GUARD_STALE_MS = 30_000;

/** A holder record for this process. */
export function newHolder(name?: string): LockHolder {
  return {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
    ...(name === undefined ? {} : { name }),
  };
}

/**
 * Creates the lock file with the holder in it, atomically: `held` when it already exists,
 * `no-folder` when its folder does not exist. The temp file is `<lock>-<pid>-<hex>.tmp` beside it,
 * which the leftover sweeps recognise.
 */
export async function publishLockFile(
  path: string,
  holder: LockHolder,
): Promise<'taken' | 'held' | 'no-folder'> {
  const tmp = `${path}-${holder.pid}-${randomBytes(6).toString('hex')}.tmp`;
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(tmp, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'no-folder';
    throw error;
  }
  try {
    try {
      await fh.writeFile(`${JSON.stringify(holder)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await link(tmp, path);
    return 'taken';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT: a leftover sweep removed the temp file between open and link; the caller retries.
    if (code === 'EEXIST' || code === 'ENOENT') return 'held';
    throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** Reads a lock file; `gone` when it does not exist. */
export async function readLockFile(path: string): Promise<SeenLock | 'gone'> {
  try {
    const [raw, st] = await Promise.all([readFile(path, 'utf8'), lstat(path)]);
    return { holder: parseHolder(raw), mtimeMs: st.mtimeMs, raw };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const h = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string') {
      return {
        pid: h.pid,
        host: h.host,
        since: String(h.since),
        token: h.token,
        ...(h.name === undefined ? {} : { name: String(h.name) }),
      };
    }
  } catch {
    // an older eskeys's bare pid, or a foreign file: judged by age alone
  }
  return undefined;
}

/** The holder's process is gone, as only this host can tell (a pid means nothing elsewhere). */
export function holderGoneHere(holder: LockHolder | undefined): boolean {
  return holder !== undefined && holder.host === hostname() && !pidAlive(holder.pid);
}

/** Stale: untouched for `staleMs`, or its holder is gone on this host. */
export function isStaleLock(seen: SeenLock, staleMs: number): boolean {
  return Date.now() - seen.mtimeMs > staleMs || holderGoneHere(seen.holder);
}

/** `pid N on host H since T`, or undefined for an unreadable lock. */
export function describeHolder(holder: LockHolder | undefined): string | undefined {
  return holder ? `pid ${holder.pid} on host ${holder.host} since ${holder.since}` : undefined;
}

/**
 * Removes a lock judged stale without removing a fresh one by mistake: two processes that both
 * judged the same lock stale must not let the second delete the lock the first has just created.
 * Only the holder of a short-lived guard file removes the lock, and only if it is still the one
 * judged stale (same content, same mtime). A guard left by a crash ages out.
 */
export async function takeOverLock(path: string, seen: SeenLock): Promise<boolean> {
  const guard = `${path}.takeover`;
  const published = await publishLockFile(guard, newHolder('takeover'));
  if (published !== 'taken') {
    const other = await readLockFile(guard).catch(() => 'gone' as const);
    if (other !== 'gone' && isStaleLock(other, GUARD_STALE_MS)) await unlink(guard).catch(() => {});
    await new Promise((r) => setTimeout(r, 10));
    return false;
  }
  try {
    const again = await readLockFile(path);
    if (again !== 'gone' && again.raw === seen.raw && again.mtimeMs === seen.mtimeMs) {
      return await unlink(path).then(
        () => true,
        () => false,
      );
    }
    return false;
  } finally {
    await unlink(guard).catch(() => {});
  }
}

/** True while the lock file still names this holder (never one another process took over since). */
export async function ownsLockFile(path: string, me: LockHolder): Promise<boolean> {
  const seen = await readLockFile(path).catch(() => 'gone' as const);
  return seen !== 'gone' && seen.holder?.token === me.token;
}
