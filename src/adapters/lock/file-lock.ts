import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError, EskeysError, LockedError } from '../../core/errors.js';
import { pidAlive } from './pid-alive.js';

/**
 * A per-(template, environment) lock so two rotations of one key never overlap on this machine or
 * on machines sharing the state folder.
 *
 * Not proper-lockfile: it records no holder, so it could not say who holds the lock (pid, host,
 * since) or notice at once that the holder died; it only ages locks by mtime. Here the lock is a
 * small JSON file (pid, host, since, token) published with link(2), which is atomic and fails when
 * the name exists, so a reader never sees a half-written holder. The holder refreshes its mtime
 * every staleMs/3; a lock is stale when its pid is dead on this host, or when it was not refreshed
 * for staleMs (a crashed or cut-off holder on another host).
 */

/** A held rotation lock. */
export interface RotationLock {
  /** Frees the lock (idempotent); never removes a lock that another process has since taken over. */
  release(): Promise<void>;
}

/** Options of acquireRotationLock. */
export interface RotationLockOptions {
  /**
   * A lock not refreshed for this long is taken over (its holder is refreshed every staleMs/3).
   * @defaultValue 600000 (10 minutes)
   */
  staleMs?: number;
}

/** What a lock file records about its holder. */
interface Holder {
  pid: number;
  host: string;
  since: string;
  name: string;
  token: string;
}

const DEFAULT_STALE_MS = 10 * 60 * 1000;
/** A takeover guard older than this was left by a process that crashed mid-takeover. */
const GUARD_STALE_MS = 30_000;

/**
 * Takes the rotation lock `name` (e.g. `applylens-api@prod`) under `stateDir/locks` (created 0700).
 * Throws LockedError (exit 4) naming the holder when it is held and not stale.
 */
export async function acquireRotationLock(
  stateDir: string,
  name: string,
  opts: RotationLockOptions = {},
): Promise<RotationLock> {
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const dir = join(stateDir, 'locks');
  try {
    // 0700: lock files name hosts, pids and templates; nobody else needs to list them.
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new ConfigError(`cannot create the lock folder ${dir}: ${(cause as NodeJS.ErrnoException).code}`, {
      cause,
    });
  }
  const path = join(dir, `${fileSafe(name)}.lock`);
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    name,
    token: randomBytes(12).toString('hex'),
  };

  try {
    // A few rounds: each lost race against a takeover or a release goes round again.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await publish(path, me)) return heldLock(path, me, staleMs);
      const current = await inspect(path);
      if (current === 'gone') continue;
      if (!isStale(current, staleMs)) {
        throw lockedError(name, current.holder, path);
      }
      await takeOver(path, current);
    }
    const current = await inspect(path);
    throw lockedError(name, current === 'gone' ? undefined : current.holder, path);
  } catch (error) {
    if (error instanceof EskeysError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`cannot take the rotation lock ${path}: ${code}`, { cause: error });
  }
}

/** Creates the lock file with the holder in it, atomically: false when it already exists. */
async function publish(path: string, holder: Holder): Promise<boolean> {
  const tmp = `${path}.${holder.token}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(JSON.stringify(holder) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

interface Seen {
  holder: Holder | undefined;
  /** Last refresh (mtime) in ms. */
  refreshedMs: number;
  /** The raw file text, to check nobody replaced it before a takeover. */
  raw: string;
}

async function inspect(path: string): Promise<Seen | 'gone'> {
  try {
    const [raw, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { holder: parseHolder(raw), refreshedMs: st.mtimeMs, raw };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

function parseHolder(raw: string): Holder | undefined {
  try {
    const h = JSON.parse(raw) as Partial<Holder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string') {
      return { pid: h.pid, host: h.host, since: String(h.since), name: String(h.name), token: h.token };
    }
  } catch {
    // fall through: an unreadable lock ages out by its mtime alone
  }
  return undefined;
}

function isStale(seen: Seen, staleMs: number): boolean {
  if (Date.now() - seen.refreshedMs > staleMs) return true;
  const h = seen.holder;
  return h !== undefined && h.host === hostname() && !pidAlive(h.pid);
}

/**
 * Removes a stale lock without removing a fresh one by mistake: two processes that both judged the
 * same lock stale must not let the second delete the lock the first has just created. Only the
 * holder of a short-lived guard file removes the lock, and only if it is still the one judged stale.
 */
async function takeOver(path: string, seen: Seen): Promise<boolean> {
  const guard = `${path}.takeover`;
  const guardHolder: Holder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    name: 'takeover',
    token: randomBytes(12).toString('hex'),
  };
  if (!(await publish(guard, guardHolder))) {
    const other = await inspect(guard);
    if (other !== 'gone' && isStale(other, GUARD_STALE_MS)) await unlink(guard).catch(() => {});
    return false;
  }
  try {
    const again = await inspect(path);
    // Same content and same mtime: still the lock judged stale, not a new one nor a refreshed one.
    if (again !== 'gone' && again.raw === seen.raw && again.refreshedMs === seen.refreshedMs) {
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

function heldLock(path: string, me: Holder, staleMs: number): RotationLock {
  let released = false;
  // The refresh keeps a long rotation from looking stale; unref so it never keeps the process alive.
  const timer = setInterval(
    () => {
      const now = new Date();
      void ownsLock(path, me).then((mine) => (mine ? utimes(path, now, now).catch(() => {}) : undefined));
    },
    Math.max(10, Math.floor(staleMs / 3)),
  );
  timer.unref();
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (await ownsLock(path, me)) await unlink(path).catch(() => {});
    },
  };
}

async function ownsLock(path: string, me: Holder): Promise<boolean> {
  const seen = await inspect(path).catch(() => 'gone' as const);
  return seen !== 'gone' && seen.holder?.token === me.token;
}

function lockedError(name: string, holder: Holder | undefined, path: string): LockedError {
  const who = holder
    ? `pid ${holder.pid} on host ${holder.host} since ${holder.since}`
    : 'an unknown process';
  return new LockedError(
    `rotation of ${name} is locked by ${who}; wait for it to finish (the lock is taken over once its holder dies or stops refreshing it), or remove ${path} if you are sure it is gone`,
  );
}

/** Lock file name for a lock name: keeps readable characters, percent-encodes the rest (so no `/` or `..`). */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_@+=,-]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/**
 * Removes the leftovers of killed eskeys processes under `stateDir/locks`: rotation locks whose
 * holder is gone (dead on this host, or not refreshed for staleMs), and the temp and takeover-guard
 * files a lock attempt creates for a few milliseconds, once older than 30 s. A live holder's lock
 * is never touched. A dry run only lists them. One line per leftover.
 */
export async function sweepRotationLocks(
  stateDir: string,
  opts: RotationLockOptions & { dryRun?: boolean } = {},
): Promise<string[]> {
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const dir = join(stateDir, 'locks');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot list the lock folder ${dir}: ${(error as NodeJS.ErrnoException).code}`, {
      cause: error,
    });
  }
  const out: string[] = [];
  try {
    for (const name of names.sort()) {
      const path = join(dir, name);
      if (name.endsWith('.lock')) {
        const seen = await inspect(path);
        if (seen === 'gone' || !isStale(seen, staleMs)) continue;
        const h = seen.holder;
        const who = h ? `pid ${h.pid} on host ${h.host} since ${h.since}` : 'unreadable';
        if (opts.dryRun || (await takeOver(path, seen))) out.push(`stale rotation lock ${path} (${who})`);
      } else if (name.endsWith('.tmp') || name.endsWith('.takeover')) {
        const st = await stat(path).catch(() => undefined);
        if (!st || Date.now() - st.mtimeMs <= GUARD_STALE_MS) continue;
        if (
          opts.dryRun ||
          (await unlink(path).then(
            () => true,
            () => false,
          ))
        ) {
          out.push(`leftover lock temp file ${path}`);
        }
      }
    }
  } catch (error) {
    if (error instanceof EskeysError) throw error;
    throw new ConfigError(
      `cannot clean up the lock folder ${dir}: ${(error as NodeJS.ErrnoException).code}`,
      {
        cause: error,
      },
    );
  }
  return out;
}
