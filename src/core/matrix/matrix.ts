import { operationAccess } from '../access/analyze.js';
import { checkProbeExpectations, expectationOf } from '../access/probe-checks.js';
import { PROBE_OPERATIONS, type ProbeOperation } from '../probes/catalogue.js';
import type { RoleTemplate } from '../templates/schema.js';

/**
 * The permission matrix: probe operations × templates, with a "needed?" column taken from
 * the templates' probes (allow = needed, deny = must not) — the comparison the email-search
 * team kept by hand for its original, enhanced and minimal keys (USE-CASES.md §1).
 */

/** What the probes say about an operation: needed, must not, both (templates disagree) or nothing. */
export type Need = 'yes' | 'no' | 'conflict' | undefined;

/** One template's verdict on one operation. */
export interface MatrixCell {
  readonly template: string;
  readonly allowed: boolean;
  /** Index patterns it is allowed on (index operations). */
  readonly patterns: readonly string[];
  /** The template's privileges that grant it. */
  readonly grantedBy: readonly string[];
  /** The template's own probe for this operation, if any. */
  readonly expectation?: 'allow' | 'deny';
  /** The template's own probe disagrees with its privileges. */
  readonly contradictsOwnProbe: boolean;
  /** Allowed although the needed column says "no", or denied although it says "yes". */
  readonly violatesNeed: boolean;
}

/** One operation row. */
export interface MatrixRow {
  readonly op: ProbeOperation;
  readonly needed: Need;
  readonly cells: readonly MatrixCell[];
}

/** The whole matrix. */
export interface PermissionMatrix {
  readonly templates: readonly { readonly name: string; readonly file: string }[];
  /** Names of the templates whose probes fill the needed column. */
  readonly neededFrom: readonly string[];
  readonly rows: readonly MatrixRow[];
}

/** A template and the file it came from. */
export interface MatrixInput {
  readonly template: RoleTemplate;
  readonly file: string;
}

/**
 * Builds the matrix. The needed column merges the probes of `neededFrom` (default: every
 * template): an operation is needed when some template lists it as an allow probe, must
 * not when some lists it as a deny probe, and a conflict when both happen.
 */
export function buildMatrix(
  inputs: readonly MatrixInput[],
  neededFrom?: readonly string[],
): PermissionMatrix {
  const sources = inputs.filter((i) => !neededFrom || neededFrom.includes(i.template.name));
  const contradictions = new Map(
    inputs.map((i) => [
      i.template.name,
      new Set(
        checkProbeExpectations(i.template)
          .filter((c) => !c.consistent)
          .map((c) => c.probe.op),
      ),
    ]),
  );
  const rows = PROBE_OPERATIONS.map((op): MatrixRow => {
    const expectations = new Set(sources.map((s) => expectationOf(s.template, op.id)).filter(Boolean));
    const needed: Need =
      expectations.size === 2
        ? 'conflict'
        : expectations.has('allow')
          ? 'yes'
          : expectations.has('deny')
            ? 'no'
            : undefined;
    const cells = inputs.map(({ template }): MatrixCell => {
      const access = operationAccess(template, op);
      const expectation = expectationOf(template, op.id);
      return {
        template: template.name,
        allowed: access.allowed,
        patterns: access.patterns,
        grantedBy: access.grantedBy,
        ...(expectation ? { expectation } : {}),
        contradictsOwnProbe: contradictions.get(template.name)?.has(op.id) ?? false,
        violatesNeed: (needed === 'no' && access.allowed) || (needed === 'yes' && !access.allowed),
      };
    });
    return { op, needed, cells };
  });
  return {
    templates: inputs.map((i) => ({ name: i.template.name, file: i.file })),
    neededFrom: sources.map((s) => s.template.name),
    rows,
  };
}

/** Per template: operations it allows that the needed column forbids, and needed ones it lacks. */
export function matrixViolations(
  matrix: PermissionMatrix,
): { template: string; allowsForbidden: string[]; lacksNeeded: string[] }[] {
  return matrix.templates.map((t, i) => ({
    template: t.name,
    allowsForbidden: matrix.rows.filter((r) => r.needed === 'no' && r.cells[i]!.allowed).map((r) => r.op.id),
    lacksNeeded: matrix.rows.filter((r) => r.needed === 'yes' && !r.cells[i]!.allowed).map((r) => r.op.id),
  }));
}
