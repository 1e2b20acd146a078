/**
 * Ids of the lint rules, in report order. Kept apart from the rules themselves so the
 * template loader can validate `lint.ignore` without loading the linter.
 */
export const LINT_RULE_IDS = [
  'grant-all',
  'grant-manage',
  'grant-delete-index',
  'write-includes-delete',
  'grant-delete',
  'create-overwrites',
  'security-privilege-on-service-key',
  'restricted-indices',
  'unproven-document-security',
  'broad-pattern',
  'no-expiration',
  'expiration-before-rotation',
  'rotation-too-long',
  'grace-longer-than-rotation',
  'review-longer-than-rotation',
  'deny-probe-allowed',
  'allow-probe-denied',
  'no-deny-probes',
  'raw-action-privilege',
  'privilege-not-in-every-major',
] as const;

/** A lint rule id. */
export type LintRuleId = (typeof LINT_RULE_IDS)[number];

/** True when `id` names a lint rule. */
export function isLintRuleId(id: string): id is LintRuleId {
  return (LINT_RULE_IDS as readonly string[]).includes(id);
}
