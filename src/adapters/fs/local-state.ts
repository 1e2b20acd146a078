// The facts doctor reads from the local filesystem (LocalStatePort): folders and whether they
// are writable, the journal, the audit chain, env files read exactly as publish would, and file
// modes. Nothing is created or changed.

import { constants } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative } from 'node:path';
import type { DirFacts, LocalStatePort } from '../../core/doctor/index.js';
import { JsonlAuditLog } from '../audit/jsonl-audit-log.js';
import { EnvFileStore } from '../env-file/env-file-store.js';
import { JsonlJournalStore } from '../journal/jsonl-journal-store.js';

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function directoryFacts(path: string): Promise<DirFacts> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) return { exists: true, notADirectory: true, writable: false };
    return { exists: true, writable: await writable(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return { exists: false, writable: false };
  }
  let ancestor = dirname(path);
  for (;;) {
    const s = await stat(ancestor).catch(() => undefined);
    if (s) {
      return s.isDirectory()
        ? { exists: false, writable: false, ancestor, ancestorWritable: await writable(ancestor) }
        : { exists: false, writable: false, ancestor, ancestorWritable: false };
    }
    const up = dirname(ancestor);
    if (up === ancestor) return { exists: false, writable: false, ancestor, ancestorWritable: false };
    ancestor = up;
  }
}

/** The LocalStatePort over the real filesystem, paths shown relative to the project root. */
export function fsLocalState(root: string): LocalStatePort {
  const store = new EnvFileStore({ cwd: root });
  const rel = (p: string) => {
    const r = relative(root, p);
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
  return {
    directory: directoryFacts,
    verifyAudit: (path) => JsonlAuditLog.verify(path),
    journal: (stateDir) => new JsonlJournalStore(stateDir).readAll(),
    async envFile(path, followSymlinks) {
      const dir = await directoryFacts(dirname(path));
      let text: string | undefined;
      try {
        // The store's own read: the same symlink, regular-file and UTF-8 refusals as publish.
        text = await store.read(rel(path), { followSymlinks });
      } catch (error) {
        return { exists: true, error: (error as Error).message, dir };
      }
      if (text === undefined) return { exists: false, dir };
      const s = await stat(path);
      return { exists: true, text, mode: s.mode & 0o777, dir };
    },
    async fileMode(path) {
      const s = await lstat(path).catch(() => undefined);
      return s ? s.mode & 0o777 : undefined;
    },
  };
}
