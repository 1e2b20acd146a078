import { diffTemplates } from '../diff/diff.js';
import type { RoleTemplate } from '../templates/schema.js';

/**
 * Template drift: the key in service was minted from other role descriptors than the
 * template declares today (its `template_hash` differs). Which way the access moved decides
 * what the scheduler does about it (see policy.ts).
 */

/** Which way a template change moved access, compared with the key in service. */
export type DriftDirection =
  /** The template now grants strictly less (only removals). */
  | 'narrows'
  /** The template now grants something the key does not have. */
  | 'widens'
  /** The descriptors differ but grant the same access (order, description, metadata). */
  | 'same_access'
  /** The key's descriptors are unknown or not analysable. */
  | 'unknown';

/** A template change since the key in service was minted. */
export interface Drift {
  readonly direction: DriftDirection;
  /** One sentence per access change ("removes index privilege write on gmail_emails-*"). */
  readonly changes: readonly string[];
}

const FINE_GRAINED = new Set(['operation', 'actions']);

/**
 * Compares the key's role descriptors (as the cluster reports them) with the template's (pure).
 * The key side is analysed as the same template with the key's descriptors, so only access
 * changes show up (lifecycle and probes are the same on both sides).
 */
export function classifyDrift(
  template: RoleTemplate,
  keyDescriptors: Readonly<Record<string, unknown>> | undefined,
): Drift {
  if (!keyDescriptors || Object.keys(keyDescriptors).length === 0) {
    return { direction: 'unknown', changes: [] };
  }
  try {
    const diff = diffTemplates(
      {
        template: { ...template, role_descriptors: keyDescriptors as RoleTemplate['role_descriptors'] },
        file: 'key in service',
      },
      { template, file: 'template' },
    );
    // Privileges and patterns say it in the template's own words; operations and raw actions
    // restate the same change at a finer grain, so they are only the fallback.
    const coarse = diff.changes.filter((c) => !FINE_GRAINED.has(c.kind));
    const changes = (coarse.length > 0 ? coarse : diff.changes).map((c) => c.summary);
    if (diff.addsAccess) return { direction: 'widens', changes };
    return { direction: changes.length > 0 ? 'narrows' : 'same_access', changes };
  } catch {
    // A descriptor this version cannot analyse (a privilege it does not know): say so, decide nothing.
    return { direction: 'unknown', changes: [] };
  }
}
