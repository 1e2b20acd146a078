import { mkdir, readdir, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, EskeysError, LockedError } from '../../core/errors.js';
import {
  describeHolder,
  isStaleLock,
  type LockHolder,
  newHolder,
  ownsLockFile,
  publishLockFile,
  readLockFile,
  takeOverLock,
} from './lock-file.js';

/**
 * A per-(template, environment) lock so two rotations of one key never overlap on this machine or
 * on machines sharing the state folder.
 *
 * Not proper-lockfile: it records no holder, so it could not say who holds the lock (pid, host,
 * since) or notice at once that the holder died; it only ages locks by mtime. Here the lock is a
 * holder file of ./lock-file.ts (shared with the env-file edit lock). The holder refreshes its mtime
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

const DEFAULT_STALE_MS = 10 * 60 * 1000;
/** Lock temp and takeover-guard files older than this were left by a killed process. */
const LEFTOVER_AGE_MS = 30_000;

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
  const me = newHolder(name);

  try {
    // A few rounds: each lost race against a takeover or a release goes round again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const published = await publishLockFile(path, me);
      if (published === 'taken') return heldLock(path, me, staleMs);
      if (published === 'no-folder') throw new ConfigError(`the lock folder ${dir} disappeared`);
      const current = await readLockFile(path);
      if (current === 'gone') continue;
      if (!isStaleLock(current, staleMs)) {
        throw lockedError(name, current.holder, path);
      }
      await takeOverLock(path, current);
    }
    const current = await readLockFile(path);
    throw lockedError(name, current === 'gone' ? undefined : current.holder, path);
  } catch (error) {
    if (error instanceof EskeysError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`cannot take the rotation lock ${path}: ${code}`, { cause: error });
  }
}

function heldLock(path: string, me: LockHolder, staleMs: number): RotationLock {
  let released = false;
  // The refresh keeps a long rotation from looking stale; unref so it never keeps the process alive.
  const timer = setInterval(
    () => {
      const now = new Date();
      void ownsLockFile(path, me).then((mine) => (mine ? utimes(path, now, now).catch(() => {}) : undefined));
    },
    Math.max(10, Math.floor(staleMs / 3)),
  );
  timer.unref();
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      if (await ownsLockFile(path, me)) await unlink(path).catch(() => {});
    },
  };
}

function lockedError(name: string, holder: LockHolder | undefined, path: string): LockedError {
  const who = describeHolder(holder) ?? 'an unknown process';
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
        const seen = await readLockFile(path);
        if (seen === 'gone' || !isStaleLock(seen, staleMs)) continue;
        const who = describeHolder(seen.holder) ?? 'unreadable';
        if (opts.dryRun || (await takeOverLock(path, seen))) out.push(`stale rotation lock ${path} (${who})`);
      } else if (name.endsWith('.tmp') || name.endsWith('.takeover')) {
        const st = await stat(path).catch(() => undefined);
        if (!st || Date.now() - st.mtimeMs <= LEFTOVER_AGE_MS) continue;
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
