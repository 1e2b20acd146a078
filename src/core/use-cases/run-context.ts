// What every use case of the core gets from the command that runs it, besides its ports.

import type { JournalStep } from '../journal/journal-entry.js';
import type { Clock, Random } from '../ports.js';

/** The run's clock, randomness, stop signal and the actor recorded in the journal and audit log. */
export interface RunContext {
  readonly clock: Clock;
  readonly random: Random;
  /** Aborted on SIGINT/SIGTERM so long operations can clean up (canaries, locks). */
  readonly signal: AbortSignal;
  /** Who runs eskeys (`user@host`), for the journal and the audit log. */
  readonly actor: string;
  /** Called after each journal step is durable (the test-only crash hook). */
  readonly afterStep?: (step: JournalStep) => void;
}
