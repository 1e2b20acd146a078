import { operationAccess } from '../access/analyze.js';
import { checkProbeExpectations, expectationOf } from '../access/probe-checks.js';
import { PROBE_OPERATIONS, type ProbeOperation } from '../probes/catalogue.js';
import type { RoleTemplate } from '../templates/schema.js';

/**
 * The permission matrix: probe operations × templates. Each template is judged against its own
 * probes (allow = it needs the operation, deny = it must be refused), never another's: two
 * templates for two applications need different things. A reference "needed?" column, taken from
 * the probes of templates the user names (`--needed-from`), compares variants of one application
 * (the email-search team's original, enhanced and minimal keys).
 */

/** What the reference templates' probes say about an operation: needed, must not, both, or nothing. */
export type Need = 'yes' | 'no' | 'conflict' | undefined;

/** What a template's own probes declare about an operation. */
export type Declared = 'needed' | 'forbidden' | undefined;

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
  /** The template's own allow probe of this operation is not granted by its privileges. */
  readonly lacksOwnNeed: boolean;
  /** The template's own deny probe of this operation is granted by its privileges. */
  readonly allowsOwnForbidden: boolean;
  /** The template's own probe disagrees with its privileges (either of the two above). */
  readonly contradictsOwnProbe: boolean;
  /** Allowed although the reference column says "no", or denied although it says "yes". */
  readonly violatesNeed: boolean;
}

/** One operation row. */
export interface MatrixRow {
  readonly op: ProbeOperation;
  /** The reference column; undefined when no reference templates were named. */
  readonly needed: Need;
  readonly cells: readonly MatrixCell[];
}

/** The whole matrix. */
export interface PermissionMatrix {
  readonly templates: readonly { readonly name: string; readonly file: string }[];
  /** Names of the templates whose probes fill the reference column; empty: no reference column. */
  readonly neededFrom: readonly string[];
  readonly rows: readonly MatrixRow[];
}

/** A template and the file it came from. */
export interface MatrixInput {
  readonly template: RoleTemplate;
  readonly file: string;
}

/** Per template, the operations whose own probes its privileges contradict, by probe kind. */
function ownContradictions(template: RoleTemplate): { lacks: Set<string>; allows: Set<string> } {
  const inconsistent = checkProbeExpectations(template).filter((c) => !c.consistent);
  return {
    lacks: new Set(inconsistent.filter((c) => c.expect === 'allow').map((c) => c.probe.op)),
    allows: new Set(inconsistent.filter((c) => c.expect === 'deny').map((c) => c.probe.op)),
  };
}

/**
 * Builds the matrix. Every cell is judged against its own template's probes. With `neededFrom`,
 * a reference column merges those templates' probes: an operation is needed when one of them
 * lists it as an allow probe, must not when one lists it as a deny probe, a conflict when both.
 */
export function buildMatrix(
  inputs: readonly MatrixInput[],
  neededFrom?: readonly string[],
): PermissionMatrix {
  const sources = neededFrom ? inputs.filter((i) => neededFrom.includes(i.template.name)) : [];
  const contradictions = new Map(inputs.map((i) => [i.template.name, ownContradictions(i.template)]));
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
      const own = contradictions.get(template.name);
      const lacksOwnNeed = own?.lacks.has(op.id) ?? false;
      const allowsOwnForbidden = own?.allows.has(op.id) ?? false;
      return {
        template: template.name,
        allowed: access.allowed,
        patterns: access.patterns,
        grantedBy: access.grantedBy,
        ...(expectation ? { expectation } : {}),
        lacksOwnNeed,
        allowsOwnForbidden,
        contradictsOwnProbe: lacksOwnNeed || allowsOwnForbidden,
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

/** What a template's own probes declare about an operation (its first listing wins). */
export function declaredBy(cell: MatrixCell): Declared {
  return cell.expectation === 'allow' ? 'needed' : cell.expectation === 'deny' ? 'forbidden' : undefined;
}

/** One template's gaps: operations it allows but must not, and needs but lacks. */
export interface MatrixViolation {
  readonly template: string;
  readonly allowsForbidden: string[];
  readonly lacksNeeded: string[];
}

/** Per template, judged against its own probes only. */
export function matrixViolations(matrix: PermissionMatrix): MatrixViolation[] {
  return matrix.templates.map((t, i) => ({
    template: t.name,
    allowsForbidden: matrix.rows.filter((r) => r.cells[i]!.allowsOwnForbidden).map((r) => r.op.id),
    lacksNeeded: matrix.rows.filter((r) => r.cells[i]!.lacksOwnNeed).map((r) => r.op.id),
  }));
}

/** Per template, judged against the reference column; empty without reference templates. */
export function referenceViolations(matrix: PermissionMatrix): MatrixViolation[] {
  if (matrix.neededFrom.length === 0) return [];
  return matrix.templates.map((t, i) => ({
    template: t.name,
    allowsForbidden: matrix.rows.filter((r) => r.needed === 'no' && r.cells[i]!.allowed).map((r) => r.op.id),
    lacksNeeded: matrix.rows.filter((r) => r.needed === 'yes' && !r.cells[i]!.allowed).map((r) => r.op.id),
  }));
}
