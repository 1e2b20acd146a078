// What `eskeys recover` concludes beyond each rotation: pending keys no journal here knows
// (another host's interrupted rotations) and the exit code the problems add up to.

import type { ClusterPort } from '../cluster-port.js';
import { ExitCode, PartialFailureError, ReportedError } from '../errors.js';
import type { JournalEntry } from '../journal/journal-entry.js';
import { parseManagedKeys } from '../rotation/key-metadata.js';
import { describeKey } from '../rotation/key-state.js';
import type { RecoveryProblem } from './recover.js';

/** A pending key of no rotation journaled here, as recover reports it. */
export interface OrphanKey {
  readonly id: string;
  readonly name: string;
  /** ISO 8601. */
  readonly created: string;
  readonly created_by: string;
}

/**
 * Pending keys older than the guard window that no journal rotation of this state folder
 * mentions: interrupted rotations of another host (or a lost journal). Reported, never touched:
 * without the journal nobody here knows whether an env file already holds them.
 */
export async function findOrphanKeys(
  cluster: ClusterPort,
  entries: readonly JournalEntry[],
  environment: string | undefined,
  now: Date,
): Promise<OrphanKey[]> {
  const known = new Set(entries.map((e) => e.rotation));
  return parseManagedKeys(await cluster.findManagedKeys({ environment }))
    .filter((k) => describeKey(k, now).stalePending && !known.has(k.meta.rotation_id))
    .map((k) => ({
      id: k.info.id,
      name: k.info.name,
      created: k.info.creation.toISOString(),
      created_by: k.meta.created_by,
    }));
}

/**
 * The error recover ends with when rotations could not be recovered (each already reported):
 * all of them locked → exit 4 (running elsewhere, try later); any partial failure → exit 5;
 * otherwise a partial failure naming how many. Undefined when there is no problem.
 */
export function recoveryFailure(problems: readonly RecoveryProblem[]): Error | undefined {
  if (problems.length === 0) return undefined;
  if (problems.every((p) => p.exitCode === ExitCode.locked)) return new ReportedError(ExitCode.locked);
  return problems.some((p) => p.exitCode === ExitCode.partialFailure)
    ? new ReportedError(ExitCode.partialFailure)
    : new PartialFailureError(`${problems.length} rotation(s) could not be recovered; see above`);
}
