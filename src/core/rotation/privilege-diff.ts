import { canonicalJson } from './template-hash.js';

type Descriptors = Readonly<Record<string, unknown>>;

interface FlatGrant {
  readonly line: string;
}

/** Flattens descriptors to one line per grant: `cluster: monitor`, `indices gmail_emails-*: read`. */
function grants(descriptors: Descriptors | undefined): FlatGrant[] {
  const out: FlatGrant[] = [];
  for (const [role, raw] of Object.entries(descriptors ?? {})) {
    const d = (raw ?? {}) as {
      cluster?: string[];
      indices?: { names: string[] | string; privileges: string[]; [k: string]: unknown }[];
    };
    for (const p of d.cluster ?? []) out.push({ line: `${role}: cluster ${p}` });
    for (const entry of d.indices ?? []) {
      const names = ([] as string[]).concat(entry.names).join(',');
      const { names: _n, privileges, ...all } = entry;
      // Elasticsearch echoes defaults (`allow_restricted_indices: false`) the template omits.
      const rest = Object.fromEntries(
        Object.entries(all).filter(([k, v]) => !(k === 'allow_restricted_indices' && v === false)),
      );
      const extra = Object.keys(rest).length > 0 ? ` ${canonicalJson(rest)}` : '';
      for (const p of privileges) out.push({ line: `${role}: indices [${names}] ${p}${extra}` });
    }
  }
  return out;
}

/** What a template change adds and removes compared with the key in service. */
export interface PrivilegeDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: boolean;
}

/**
 * Grant-level difference between the current key's role descriptors and the template's
 * (dry-run "privilege diff"): lines present only in `next` are additions, only in
 * `current` removals. Order and duplicates are ignored.
 */
export function privilegeDiff(current: Descriptors | undefined, next: Descriptors): PrivilegeDiff {
  const a = new Set(grants(current).map((g) => g.line));
  const b = new Set(grants(next).map((g) => g.line));
  const added = [...b].filter((l) => !a.has(l)).sort();
  const removed = [...a].filter((l) => !b.has(l)).sort();
  return { added, removed, unchanged: added.length === 0 && removed.length === 0 };
}
