/**
 * Severities of inventory findings, the scale of a least-privilege review (USE-CASES.md §3):
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
