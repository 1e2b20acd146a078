import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Whole-file replacement that a crash or a concurrent reader never sees half done, shared by
 * every writer that replaces a file (env files, `review --out`).
 *
 * Written by hand rather than with write-file-atomic 6: that package opens its temp file without
 * O_EXCL, always follows symlinks (it writes to the realpath) and never fsyncs the directory, so
 * a crash right after the rename could still lose the new entry. Here: a temp file in the same
 * folder (rename is only atomic within one filesystem) created with O_EXCL (never an existing
 * file or a planted symlink) and mode 0600 (never briefly readable by others), write, fsync (the
 * data is on disk before the name points at it), rename over the target (a reader sees the whole
 * old or the whole new file; a symlink swapped in at the target is replaced, not followed), fsync
 * of the folder (the rename itself survives a crash).
 */

/** How writeFileAtomic creates the file. */
export interface AtomicWriteOptions {
  /** Permission bits of the written file. */
  readonly mode: number;
  /**
   * Let the process umask narrow `mode`, as for any file a command creates (a review document);
   * otherwise the bits are set exactly (an env file gets the template's mode whatever the umask).
   * @defaultValue false
   */
  readonly applyUmask?: boolean;
  /** Owner and group to give the file (those of the file it replaces, so its consumers can still read it). */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** Test seam: runs after the temp file is written and synced, just before the rename (fault injection). */
  readonly beforeRename?: (tempPath: string) => Promise<void> | void;
}

/**
 * The folder could not be synced after the rename: the new content is already in place and a
 * crash can only bring back the old file. Callers decide whether that is a failure.
 */
export class FolderSyncError extends Error {
  constructor(
    readonly folder: string,
    options: { cause: unknown },
  ) {
    super(
      `fsync of folder ${folder} failed: ${(options.cause as Error)?.message ?? String(options.cause)}`,
      options,
    );
    this.name = 'FolderSyncError';
  }
}

/**
 * The temp file beside `path`: `.<name>.eskeys-<pid>-<hex>.tmp`, the shape `eskeys recover`
 * sweeps as a leftover of a killed process (it may hold a key).
 */
export function tempPathBeside(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.eskeys-${process.pid}-${randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * Replaces `path` with `text` atomically and durably (see the module comment). Throws the
 * file-system error as is when the file could not be replaced (the temp file removed), and
 * FolderSyncError when only the final folder fsync failed.
 */
export async function writeFileAtomic(path: string, text: string, opts: AtomicWriteOptions): Promise<void> {
  const tmp = tempPathBeside(path);
  let created = false;
  try {
    const fh = await open(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      opts.applyUmask ? opts.mode : 0o600,
    );
    created = true;
    try {
      if (opts.owner) {
        // chown to oneself and to one of one's groups needs no privilege.
        const mine = await fh.stat();
        if (mine.uid !== opts.owner.uid || mine.gid !== opts.owner.gid) {
          await fh.chown(opts.owner.uid, opts.owner.gid);
        }
      }
      // The umask can only narrow the mode; set it exactly so a restrictive umask cannot make it 0400.
      if (!opts.applyUmask) await fh.chmod(opts.mode);
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await opts.beforeRename?.(tmp);
    await rename(tmp, path);
    created = false;
  } catch (error) {
    if (created) await unlink(tmp).catch(() => {});
    throw error;
  }
  try {
    await syncFolder(dirname(path));
  } catch (cause) {
    throw new FolderSyncError(dirname(path), { cause });
  }
}

/**
 * fsync of a folder, which makes a rename or a new file's directory entry durable; Windows
 * cannot open a directory for it, which is harmless there.
 */
export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
