import { lstat, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { OutputTargetFacts, OutputTargetState } from '../../core/env-file/output-targets.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The disk's answers for the output-target check: real paths and what each target is. */
export const nodeOutputTargetFacts: OutputTargetFacts = {
  async canonical(path: string): Promise<string> {
    // A missing file (or folder) has no realpath: resolve the nearest existing ancestor, so a
    // link anywhere above the file still counts, and append the rest as named.
    const rest: string[] = [];
    let at = path;
    for (;;) {
      try {
        return join(await realpath(at), ...rest.reverse());
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(at) === at) throw cause;
        // A dangling symlink is not missing: its target decides where the write would land.
        const st = await lstat(at).catch(() => undefined);
        if (st?.isSymbolicLink()) return join(await danglingTarget(at), ...rest.reverse());
        rest.push(basename(at));
        at = dirname(at);
      }
    }
  },

  async inspect(canonicalPath: string): Promise<OutputTargetState> {
    const st = await lstat(canonicalPath).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT') return undefined;
      throw cause;
    });
    if (st === undefined) return { kind: 'missing' };
    if (!st.isFile()) return { kind: 'other' };
    let text: string | undefined;
    try {
      text = utf8.decode(await readFile(canonicalPath));
    } catch {
      text = undefined;
    }
    return { kind: 'file', text, ownershipKeepable: ownershipKeepable(st.uid, st.gid) };
  },
};

/** Where a dangling link points, resolved against its own folder. */
async function danglingTarget(link: string): Promise<string> {
  const target = await readlink(link);
  return nodeOutputTargetFacts.canonical(resolve(dirname(link), target));
}

/** Whether this process may give a new file this owner and group (chown to self, chgrp to one of its groups, or root). */
export function ownershipKeepable(uid: number, gid: number): boolean {
  if (typeof process.getuid !== 'function' || typeof process.getgid !== 'function') return true;
  const me = process.getuid();
  if (me === 0) return true;
  if (uid !== me) return false;
  return gid === process.getgid() || (process.getgroups?.() ?? []).includes(gid);
}
