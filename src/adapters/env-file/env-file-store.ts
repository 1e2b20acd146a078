import { lstat, readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyEnvUpdates, EnvFileSyntaxError, type EnvUpdateResult } from '../../core/env-file/edit-env.js';
import { ConfigError, EskeysError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import { FolderSyncError, writeFileAtomic } from '../fs/atomic-write.js';
import { acquireEditLock, listEditLeftovers, sweepEditLeftovers } from './edit-lock.js';

/**
 * Reads and atomically replaces env files, the place where a managed key is handed to its
 * consumers. The replacement itself (temp file with O_EXCL, fsync, rename, folder fsync) is
 * adapters/fs/atomic-write.ts.
 */

/** Where relative env-file paths are resolved from. */
export interface EnvFileStoreOptions {
  /** Base folder for relative paths (the project root, never process.cwd() implicitly). */
  cwd: string;
  /** Test seam: runs after the temp file is written and synced, just before the rename (fault injection). */
  beforeRename?: (tempPath: string) => Promise<void> | void;
  /** How long an edit waits for another process's edit of the same file. @defaultValue 10000 */
  lockWaitMs?: number;
}

/** Options shared by read, write and update. */
export interface EnvFileAccessOptions {
  /**
   * Follow a symlinked env file and act on its target; refused otherwise, because a link planted
   * where the env file should be could redirect a live key to a file other people can read.
   * @defaultValue false
   */
  followSymlinks?: boolean;
  /**
   * Permission bits the written file ends up with (the template's `outputs.mode`); 0640 lets a
   * consumer running as another user in the file's group read the key.
   * @defaultValue ENV_FILE_MODE
   */
  mode?: number;
}

/** Default permission bits of an env file eskeys writes: the key is readable by its owner only. */
export const ENV_FILE_MODE = 0o600;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads, writes and updates env files under a base folder; the only place (with the ES adapter) that reveals secrets. */
export class EnvFileStore {
  readonly #cwd: string;
  readonly #beforeRename: EnvFileStoreOptions['beforeRename'];
  readonly #lockWaitMs: number;

  constructor(opts: EnvFileStoreOptions) {
    this.#cwd = opts.cwd;
    this.#beforeRename = opts.beforeRename;
    this.#lockWaitMs = opts.lockWaitMs ?? 10_000;
  }

  /**
   * Runs `fn` (a read-modify-write of the file) holding the file's edit lock: `.<name>.eskeys-lock`
   * beside it, created with O_EXCL. Two eskeys processes rotating templates that share one env
   * file would otherwise both read the old text and the second rename would drop the first key.
   * Waits up to lockWaitMs for a live holder (then LockedError, exit 4); a dead holder's lock on
   * this host, or any lock older than 30 s, is taken over (see edit-lock.ts).
   */
  async withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const release = await acquireEditLock(resolve(this.#cwd, path), path, this.#lockWaitMs).catch(
      (cause: unknown) => {
        throw cause instanceof EskeysError ? cause : fsError(path, 'lock', cause);
      },
    );
    try {
      return await fn();
    } finally {
      await release?.();
    }
  }

  /**
   * Removes what killed eskeys processes left beside the file: a stale edit lock and
   * `.<name>.eskeys-*.tmp` temp files (removed unread: they can hold a key). A dry run only lists
   * them. One line per leftover, naming the file as `path` names it.
   */
  async sweepLeftovers(path: string, opts: { dryRun?: boolean } = {}): Promise<string[]> {
    const abs = resolve(this.#cwd, path);
    try {
      return opts.dryRun
        ? await listEditLeftovers(abs, path)
        : await sweepEditLeftovers(abs, path, this.#lockWaitMs);
    } catch (cause) {
      throw cause instanceof EskeysError ? cause : fsError(path, 'clean up beside', cause);
    }
  }

  /** The file's text (a BOM kept), or undefined when it does not exist. Throws ConfigError naming the file otherwise. */
  async read(path: string, opts: EnvFileAccessOptions = {}): Promise<string | undefined> {
    const target = await this.#target(path, opts);
    if (!target.exists) return undefined;
    let bytes: Buffer;
    try {
      bytes = await readFile(target.path);
    } catch (cause) {
      throw fsError(path, 'read', cause);
    }
    try {
      // Invalid UTF-8 would come back as U+FFFD and be written back changed; refuse instead.
      return utf8.decode(bytes);
    } catch (cause) {
      throw new ConfigError(`env file ${path} is not valid UTF-8; eskeys only edits UTF-8 env files`, {
        cause,
      });
    }
  }

  /**
   * Replaces the file atomically with `text` (adapters/fs/atomic-write.ts), with `opts.mode` (default
   * 0600) and, when it existed, its owner and group. Returns the permission bits of the file it
   * replaced so the caller can warn when they were wider.
   */
  async write(
    path: string,
    text: string,
    opts: EnvFileAccessOptions = {},
  ): Promise<{ previousMode?: number }> {
    const target = await this.#target(path, opts);
    try {
      await writeFileAtomic(target.path, text, {
        mode: opts.mode ?? ENV_FILE_MODE,
        // The replacement must keep the file's owner and group, or a consumer running as another
        // user (root writing for an app user, or a group-readable 0640 file) could no longer read
        // its key.
        ...(target.exists ? { owner: { uid: target.uid, gid: target.gid } } : {}),
        ...(this.#beforeRename ? { beforeRename: this.#beforeRename } : {}),
      });
    } catch (cause) {
      // After the rename the new content is in place, so a failed folder sync must not report
      // failure: a caller that believed the publish failed would invalidate the key the file now
      // holds. A crash before the folder reaches the disk can only bring back the old, still
      // valid, file.
      if (!(cause instanceof FolderSyncError)) throw fsError(path, 'write', cause);
    }
    return target.exists ? { previousMode: target.mode } : {};
  }

  /**
   * Read → applyEnvUpdates → write. Secrets are revealed here and nowhere else on this path. The
   * file is not rewritten when every value is already current. Syntax errors name the file and line.
   * `before`/`after` are the raw texts and so hold secrets: hand them only to maskedEnvDiff or back
   * to write() (e.g. to restore `before` after a failed restart), never to output or logs.
   */
  async update(
    path: string,
    updates: Readonly<Record<string, Secret | string>>,
    opts: EnvFileAccessOptions = {},
  ): Promise<{ before?: string; after: string; result: EnvUpdateResult; previousMode?: number }> {
    return this.withLock(path, () => this.#update(path, updates, opts));
  }

  async #update(
    path: string,
    updates: Readonly<Record<string, Secret | string>>,
    opts: EnvFileAccessOptions,
  ): Promise<{ before?: string; after: string; result: EnvUpdateResult; previousMode?: number }> {
    const before = await this.read(path, opts);
    const plain: Record<string, string> = {};
    for (const [name, value] of Object.entries(updates)) {
      plain[name] = typeof value === 'string' ? value : value.reveal();
    }
    let result: EnvUpdateResult;
    try {
      result = applyEnvUpdates(before ?? '', plain);
    } catch (error) {
      if (error instanceof EnvFileSyntaxError) throw error.inFile(path);
      if (error instanceof ConfigError)
        throw new ConfigError(`env file ${path}: ${error.message}`, { cause: error });
      throw error;
    }
    if (before !== undefined && result.text === before) return { before, after: before, result };
    const { previousMode } = await this.write(path, result.text, opts);
    return previousMode === undefined
      ? { before, after: result.text, result }
      : { before, after: result.text, result, previousMode };
  }

  /** Resolves `path` and checks what is there: nothing, a regular file, or a symlink (refused unless followed). */
  async #target(path: string, opts: EnvFileAccessOptions): Promise<Target> {
    const abs = resolve(this.#cwd, path);
    let st = await lstat(abs).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT') return undefined;
      throw fsError(path, 'inspect', cause);
    });
    let real = abs;
    if (st?.isSymbolicLink()) {
      if (!opts.followSymlinks) {
        throw new ConfigError(
          `env file ${path} is a symbolic link; eskeys does not write through links unless told to follow them (point the output at the real file, or allow following symlinks)`,
        );
      }
      try {
        real = await realpath(abs);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new ConfigError(`env file ${path} is a symbolic link to a missing file`, { cause });
        }
        throw fsError(path, 'resolve the symbolic link', cause);
      }
      st = await lstat(real).catch((cause: NodeJS.ErrnoException) => {
        throw fsError(path, 'inspect the link target of', cause);
      });
    }
    if (st === undefined) return { path: real, exists: false };
    if (!st.isFile()) throw new ConfigError(`env file ${path} is not a regular file`);
    return { path: real, exists: true, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  }
}

type Target =
  | { path: string; exists: false }
  | { path: string; exists: true; mode: number; uid: number; gid: number };

function fsError(path: string, action: string, cause: unknown): ConfigError {
  if (cause instanceof ConfigError) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'ENOTDIR'
          ? 'a parent of it is not a folder'
          : code === 'EISDIR'
            ? 'it is a folder'
            : code === 'ENOSPC'
              ? 'no space left on the device'
              : (code ?? (cause instanceof Error ? cause.message : String(cause)));
  return new ConfigError(`cannot ${action} env file ${path}: ${reason}`, { cause });
}
