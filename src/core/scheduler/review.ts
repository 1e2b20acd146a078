/**
 * Review reminders read from the audit log: when a (template, environment) was last reviewed
 * (`review.completed`, written by `eskeys review`), when the scheduler last reminded about it
 * (`review.due`), and the first trace of the scope (its review clock starts there when it has
 * never been reviewed).
 */

/** The audit event types the scheduler reads and writes for reviews. */
export const REVIEW_COMPLETED = 'review.completed';
export const REVIEW_DUE = 'review.due';

/** The part of an audit entry the scheduler needs (never a secret). */
export interface AuditRecord {
  readonly time: Date;
  readonly type: string;
  readonly template?: string;
  readonly environment?: string;
  /** `details.decision` of a `review.completed` (`approved`, `approved_with_follow_ups`, `changes_required`). */
  readonly decision?: string;
  /**
   * False for a line after a break in the hash chain. Such a line can only keep the scheduler
   * from repeating a `review.due` reminder (at worst a forged one delays a reminder by one
   * period); it never counts as a review, nor as the scope's first trace.
   */
  readonly verified?: false;
}

/**
 * A signed-off review that decided "changes required" is recorded (the review happened) but
 * does not count as "reviewed": the changes are still owed, so the reminder keeps running.
 */
export const REVIEW_CHANGES_REQUIRED = 'changes_required';

/** What the audit log knows about one scope's reviews. */
export interface ReviewFacts {
  /** Newest `review.completed` of this template in this environment (or in every environment). */
  readonly lastCompleted?: Date;
  /** Newest `review.due` reminder the scheduler recorded for the scope. */
  readonly lastReminded?: Date;
  /** Oldest audit event of the scope (any type): a lower bound of when it came under management. */
  readonly firstSeen?: Date;
}

function newest(a: Date | undefined, b: Date): Date {
  return a === undefined || b.getTime() > a.getTime() ? b : a;
}

function oldest(a: Date | undefined, b: Date): Date {
  return a === undefined || b.getTime() < a.getTime() ? b : a;
}

/**
 * The review facts of (template, environment) from audit records (pure). A `review.completed`
 * event without an environment reviewed the template itself and so covers every environment:
 * a template is one file, reviewed once, whatever the number of environments it serves. A
 * review whose decision is "changes required" does not reset the reminder.
 */
export function reviewFacts(
  records: readonly AuditRecord[],
  template: string,
  environment: string,
): ReviewFacts {
  let lastCompleted: Date | undefined;
  let lastReminded: Date | undefined;
  let firstSeen: Date | undefined;
  for (const r of records) {
    if (r.template !== template) continue;
    if (r.verified === false) {
      if (r.type === REVIEW_DUE && r.environment === environment) lastReminded = newest(lastReminded, r.time);
      continue;
    }
    if (
      r.type === REVIEW_COMPLETED &&
      r.decision !== REVIEW_CHANGES_REQUIRED &&
      (r.environment === undefined || r.environment === environment)
    ) {
      lastCompleted = newest(lastCompleted, r.time);
    }
    if (r.environment !== environment) continue;
    if (r.type === REVIEW_DUE) lastReminded = newest(lastReminded, r.time);
    firstSeen = oldest(firstSeen, r.time);
  }
  return { lastCompleted, lastReminded, firstSeen };
}
