import { illegalArgument } from '../errors.js';
import type { SandboxState } from '../state.js';

/** APIs whose action Elasticsearch treats as destructive (DeleteIndex, OpenIndex, CloseIndex). */
export const DESTRUCTIVE_APIS: ReadonlySet<string> = new Set([
  'indices.delete',
  'indices.open',
  'indices.close',
]);

function destructiveRequiresName(state: SandboxState): boolean {
  const v =
    state.clusterSettings.transient['action.destructive_requires_name'] ??
    state.clusterSettings.persistent['action.destructive_requires_name'];
  return v === undefined || v === null ? true : String(v) === 'true';
}

/**
 * DestructiveOperations.failDestructive: with `action.destructive_requires_name` (default true),
 * a wildcard or `_all` in a delete/open/close index request is refused. Elasticsearch's security
 * action filter runs this before it authorizes the action, so the 400 comes before any 403.
 * `*,-*` (match nothing) is allowed.
 */
export function failDestructive(state: SandboxState, expression: string): void {
  if (!destructiveRequiresName(state)) return;
  const parts = expression.split(',');
  const matchNone = parts.length === 2 && parts[0] === '*' && parts[1] === '-*';
  if (!matchNone && parts.some((p) => !p.startsWith('-') && (p.includes('*') || p === '_all'))) {
    throw illegalArgument('Wildcard expressions or all indices are not allowed');
  }
}
