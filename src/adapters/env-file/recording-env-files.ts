// The rotation's env files (the RecordingEnvFiles port) over the env-file store.

import { mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { applyEnvUpdates, maskedEnvDiff, readEnvVar } from '../../core/env-file/edit-env.js';
import { type OwnWrite, rollbackEnvFile } from '../../core/env-file/rollback.js';
import type { EnvFilesOptions, FileDiff, RecordingEnvFiles } from '../../core/ports/rotation.js';
import { Secret } from '../../core/secret.js';
import { EnvFileStore } from './env-file-store.js';

/**
 * The env files of one rotation over the store: atomic writes under each file's edit lock, a
 * masked diff of every change (for the report), and rollback as core decides it (rollbackEnvFile).
 */
export function recordingEnvFiles(
  project: {
    /** The project folder (edit locks named relative to it resolve against it). */
    readonly root: string;
    /** How reports and lock messages name a file (relative to the project). */
    display(path: string): string;
  },
  opts: EnvFilesOptions,
  lockWaitMs: number | undefined,
): RecordingEnvFiles {
  const store = new EnvFileStore({ cwd: project.root, lockWaitMs });
  const access = { followSymlinks: opts.followSymlinks, mode: opts.mode };
  const diffs: FileDiff[] = [];
  const diffOf = (path: string, before: string, after: string): FileDiff => ({
    file: project.display(path),
    diff: maskedEnvDiff(before, after, opts.secretVars),
  });
  /** What this rotation wrote to each file, and which variables: rollback undoes only that. */
  const written = new Map<string, OwnWrite>();
  const preview = async (path: string, vars: Readonly<Record<string, Secret | string>>) => {
    const before = (await store.read(path, access)) ?? '';
    const plain = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, v instanceof Secret ? v.reveal() : v]),
    );
    return diffOf(path, before, applyEnvUpdates(before, plain).text);
  };
  return {
    diffs,
    async update(path, vars) {
      await mkdir(dirname(path), { recursive: true });
      const { before, after } = await store.update(path, vars, access);
      written.set(path, { text: after, names: Object.keys(vars) });
      diffs.push(diffOf(path, before ?? '', after));
      return { before };
    },
    async restore(path, before) {
      // Under the file's edit lock, like update: another rotation may be editing it right now.
      await store.withLock(path, async () => {
        const current = await store.read(path, access);
        const action = rollbackEnvFile({ before, current, mine: written.get(path) });
        if (action.kind === 'remove') await unlink(path).catch(() => undefined);
        else await store.write(path, action.text, access);
      });
    },
    async readVar(path, name) {
      const text = await store.read(path, { followSymlinks: true });
      const v = text === undefined ? undefined : readEnvVar(text, name);
      return v === undefined ? undefined : new Secret(v);
    },
    preview,
    // The project-relative name, so a held lock's message names `.env`, not a temp-dir path.
    preflight: (path, vars) => store.withLock(project.display(path), () => preview(path, vars)),
  };
}
