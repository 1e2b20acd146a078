import type { RoleTemplate } from '../templates/schema.js';
import type { LintRuleId } from './rule-ids.js';
import { LINT_RULES, type LintSeverity } from './rules.js';

/** One lint finding, ready to render. */
export interface LintFinding {
  readonly rule: LintRuleId;
  readonly severity: LintSeverity;
  readonly template: string;
  readonly file: string;
  /** JSON pointer of the offending value. */
  readonly path: string;
  readonly message: string;
  readonly explanation: string;
  readonly alternative: string;
}

/** Findings of one template; `suppressed` are those its `lint.ignore` accepts. */
export interface TemplateLintResult {
  readonly template: string;
  readonly file: string;
  readonly findings: readonly LintFinding[];
  readonly suppressed: readonly LintFinding[];
}

const ORDER: Readonly<Record<LintSeverity, number>> = { error: 0, warning: 1, info: 2 };

/** Severity rank (error highest). */
export function severityRank(s: LintSeverity): number {
  return 2 - ORDER[s];
}

/** Runs every rule on a validated template. Pure. */
export function lintTemplate(template: RoleTemplate, file: string): TemplateLintResult {
  const ignored = new Set<string>(template.lint?.ignore ?? []);
  const findings: LintFinding[] = [];
  const suppressed: LintFinding[] = [];
  for (const rule of LINT_RULES) {
    for (const hit of rule.check(template)) {
      const finding: LintFinding = {
        rule: rule.id,
        severity: hit.severity ?? rule.severity,
        template: template.name,
        file,
        path: hit.path,
        message: hit.message,
        explanation: rule.explanation,
        alternative: hit.alternative ?? rule.alternative,
      };
      (ignored.has(rule.id) ? suppressed : findings).push(finding);
    }
  }
  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return { template: template.name, file, findings, suppressed };
}

/** Counts by severity. */
export function countBySeverity(findings: readonly LintFinding[]): Record<LintSeverity, number> {
  const out: Record<LintSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}
