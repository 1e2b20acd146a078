import { z } from 'zod';
import { clusterPrivilegesGrantingIn, indexPrivilegesGrantingIn } from '../access/analyze.js';
import { ConfigError } from '../errors.js';
import type { LearnReport } from '../learn/report.js';
import { glob } from '../privileges/glob.js';
import { formatProblem } from '../templates/problems.js';
import { issuesToProblems } from '../templates/zod-issues.js';
import type { GrantExplanation, LearnedEvidence, LearnedOperation, ReviewFinding } from './types.js';

/**
 * A learn report (`eskeys learn` writes `roles/NAME.learn-report.json`) as review evidence:
 * every privilege the template grants is "observed" when the learning traffic used it (an
 * allowed operation whose action the privilege grants, on a name its patterns match) and "not
 * observed" otherwise — granted and never used, which the reviewer must see.
 */

/** A learn report read from a file, and when that file was written (the report holds no time). */
export interface LearnedInput {
  /** The report file as shown. */
  readonly file: string;
  readonly report: LearnReport;
  /** The file's modification time: when `eskeys learn` wrote it. */
  readonly writtenAt?: Date;
}

const names = z.array(z.string());
const count = z.number().int().nonnegative();
const operation = { action: z.string().min(1), names, apis: z.array(z.string()), count };

// Unknown fields are ignored (a newer eskeys may add some); the ones read here must be right.
const LearnReportSchema = z.object({
  template: z.string().min(1),
  requests: count,
  observed: z.array(
    z.object({
      ...operation,
      scope: z.enum(['cluster', 'index']),
      patterns: names,
      privilege: z.string().nullable(),
      why: z.string(),
    }),
  ),
  denied: z.array(z.object(operation)),
  inconclusive: z.array(z.object({ ...operation, outcome: z.string() })),
  unmapped: z.array(
    z.object({
      method: z.string(),
      api: z.string().optional(),
      path: z.string().optional(),
      reason: z.string(),
      count,
    }),
  ),
  incomplete_bodies: count,
  probes: z.object({ allow: names, deny: names }),
});

/** Parses a learn report; ConfigError (exit 2), one line naming the file and the field, when it is not one. */
export function parseLearnReport(text: string, file: string): LearnReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${file}: not valid JSON (${(error as Error).message}): not an eskeys learn report`,
      {
        cause: error,
      },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ConfigError(
      `${file}: /: expected an eskeys learn report (object), got ${Array.isArray(json) ? 'an array' : typeof json}`,
    );
  const parsed = LearnReportSchema.safeParse(json);
  if (!parsed.success) {
    const first = issuesToProblems(LearnReportSchema, json, parsed.error.issues)[0];
    const what = first ? formatProblem(file, first) : `${file}: /: invalid`;
    throw new ConfigError(`${what} (not a valid eskeys learn report)`);
  }
  return parsed.data as LearnReport;
}

function grantsAction(grant: GrantExplanation, action: string): boolean {
  return grant.scope === 'cluster'
    ? clusterPrivilegesGrantingIn([grant.privilege], action).length > 0
    : indexPrivilegesGrantingIn([grant.privilege], action).length > 0;
}

/** An index operation counts for a grant when one of its names is one the grant's patterns match. */
function onGrantedNames(grant: GrantExplanation, opNames: readonly string[]): boolean {
  if (grant.scope === 'cluster') return true;
  return opNames.some((n) => grant.patterns.some((p) => glob(p).regex.test(n)));
}

/** Each granted privilege, observed or not, with the report's operations that used it. */
export function learnedEvidence(grants: readonly GrantExplanation[], input: LearnedInput): LearnedEvidence {
  const { report } = input;
  const privileges = grants.map((g) => {
    const operations: LearnedOperation[] = report.observed
      .filter((o) => o.scope === g.scope && grantsAction(g, o.action) && onGrantedNames(g, o.names))
      .map((o) => ({ action: o.action, names: o.names, apis: o.apis, count: o.count }));
    return {
      descriptor: g.descriptor,
      scope: g.scope,
      privilege: g.privilege,
      patterns: g.patterns,
      observed: operations.length > 0,
      operations,
    };
  });
  return {
    file: input.file,
    ...(input.writtenAt ? { writtenAt: input.writtenAt } : {}),
    requests: report.requests,
    denied: report.denied.reduce((n, d) => n + d.count, 0),
    unmapped: report.unmapped.reduce((n, u) => n + u.count, 0),
    privileges,
  };
}

/** One medium finding per privilege granted and never used while learning. */
export function learnedFindings(template: string, learned: LearnedEvidence | undefined): ReviewFinding[] {
  if (!learned) return [];
  return learned.privileges
    .filter((p) => !p.observed)
    .map((p) => {
      const on = p.scope === 'index' ? ` on ${p.patterns.join(', ')}` : '';
      return {
        severity: 'medium' as const,
        code: 'learned/not-observed',
        source: 'evidence' as const,
        message: `${p.scope} privilege \`${p.privilege}\`${on} is granted to ${template} but was never used while learning (${learned.file}: ${learned.requests} requests)`,
        remedy: `remove \`${p.privilege}\`${on} from ${template}, or explain why the service needs it`,
      };
    });
}
