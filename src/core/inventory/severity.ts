import type { LintRuleId } from '../lint/rule-ids.js';
import type { LintSeverity } from '../lint/rules.js';

/**
 * Severities of inventory findings, the scale of a least-privilege review (docs/REVIEW.md):
 * critical > high > medium > info.
 */
export const INVENTORY_SEVERITIES = ['critical', 'high', 'medium', 'info'] as const;

/** How much an inventory finding matters. */
export type InventorySeverity = (typeof INVENTORY_SEVERITIES)[number];

const RANK: Readonly<Record<InventorySeverity, number>> = { critical: 3, high: 2, medium: 1, info: 0 };

/** Rank of a severity: higher is worse (critical 3 ... info 0). */
export function inventorySeverityRank(s: InventorySeverity): number {
  return RANK[s];
}

/** True when `s` is at or above `threshold`. */
export function atOrAbove(s: InventorySeverity, threshold: InventorySeverity): boolean {
  return RANK[s] >= RANK[threshold];
}

/** The worse of two severities. */
export function worse(a: InventorySeverity, b: InventorySeverity): InventorySeverity {
  return RANK[a] >= RANK[b] ? a : b;
}

/** True when `s` names a severity. */
export function isInventorySeverity(s: string): s is InventorySeverity {
  return (INVENTORY_SEVERITIES as readonly string[]).includes(s);
}

/** Lint rules whose error on a live key is critical: every action, or security administration. */
const CRITICAL_ON_A_LIVE_KEY: ReadonlySet<LintRuleId> = new Set<LintRuleId>([
  'grant-all',
  'security-privilege-on-service-key',
]);

/**
 * Security privileges that reach only the key itself: an API key owns no other key, so on a key
 * `manage_own_api_key` cannot touch the rest of the cluster. From 9.4 it lets the key clone
 * itself with no expiration (persistence beyond rotation); eskeys does not know the cluster's
 * version when it judges, so it is high (conservative), not critical.
 */
const OWN_KEY_ONLY: ReadonlySet<string> = new Set(['manage_own_api_key']);

/**
 * How bad it is that a live API key holds what a template lint rule flags: the one mapping
 * inventory and review share. Lint judges a template before a key exists (an error fails CI);
 * on a live key an error is high (critical for `grant-all` and security privileges other than
 * `manage_own_api_key` alone), a warning medium, an info info. `privilege` is the value the
 * lint hit points at, when it names one.
 */
export function liveLintSeverity(
  rule: LintRuleId,
  lint: LintSeverity,
  privilege?: unknown,
): InventorySeverity {
  if (lint === 'info') return 'info';
  if (lint === 'warning') return 'medium';
  if (!CRITICAL_ON_A_LIVE_KEY.has(rule)) return 'high';
  if (
    rule === 'security-privilege-on-service-key' &&
    typeof privilege === 'string' &&
    OWN_KEY_ONLY.has(privilege.toLowerCase())
  ) {
    return 'high';
  }
  return 'critical';
}

/** The value at a JSON pointer (lint hits name their offending value by pointer). */
export function valueAtPointer(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}
