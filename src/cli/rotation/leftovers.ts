// The leftover sweep (core/use-cases/sweep-leftovers.ts) over the real lock files and env-file
// store of the project.

import { EnvFileStore } from '../../adapters/env-file/env-file-store.js';
import { sweepRotationLocks } from '../../adapters/lock/file-lock.js';
import type { JournalEntry } from '../../core/journal/journal-entry.js';
import { sweepLeftovers } from '../../core/use-cases/sweep-leftovers.js';
import { testLockWaitMs } from '../composition.js';
import type { CliContext } from '../context.js';
import type { Project } from '../project.js';

/** Sweeps the project's local leftovers of killed eskeys processes (see sweepLeftovers). */
export function sweepLocalLeftovers(
  ctx: CliContext,
  project: Project,
  entries: readonly JournalEntry[],
  opts: { dryRun?: boolean } = {},
): Promise<{ removed: string[]; warnings: string[] }> {
  const store = new EnvFileStore({ cwd: project.root, lockWaitMs: testLockWaitMs(ctx.env) });
  return sweepLeftovers(
    project,
    {
      rotationLocks: (o) => sweepRotationLocks(project.stateDir, o),
      envFileLeftovers: (file, o) => store.sweepLeftovers(file, o),
    },
    entries,
    opts,
  );
}
