import { parseIndexPattern, patternMatches } from '../privileges/index-pattern.js';
import { AUTO_PUT_MAPPING_ACTION } from '../privileges/index-privileges.js';
import {
  clusterPrivilegesGranting,
  indexPrivilegesGranting,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
  setMatchesAction,
} from '../privileges/privilege-names.js';
import type { RoleTemplate } from '../templates/schema.js';
import { isClusterScopedAction, type ProbeOperation } from './catalogue.js';
import type { Outcome } from './interpret.js';
import type { Expectation, Verdict } from './types.js';

/** A privilege of the template that grants an action (and on which pattern, for index privileges). */
export interface Grant {
  readonly privilege: string;
  readonly pattern?: string;
}

function matches(pattern: string, index: string): boolean {
  try {
    return patternMatches(parseIndexPattern(pattern), index);
  } catch {
    return false;
  }
}

/**
 * The template's privileges that grant `action` (on `index`, for index actions). With no concrete
 * index (static probes on a pattern), every index group counts.
 */
export function grantsInTemplate(template: RoleTemplate, action: string, index?: string): Grant[] {
  const out: Grant[] = [];
  const seen = new Set<string>();
  const add = (g: Grant) => {
    const k = `${g.privilege}\u0000${g.pattern ?? ''}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(g);
    }
  };
  for (const d of Object.values(template.role_descriptors)) {
    if (isClusterScopedAction(action)) {
      for (const p of d.cluster ?? []) {
        const r = resolveClusterPrivilege(p);
        if (r && setMatchesAction(r.actions, action)) add({ privilege: p });
      }
      continue;
    }
    for (const entry of d.indices ?? []) {
      const pattern = index === undefined ? entry.names[0] : entry.names.find((n) => matches(n, index));
      if (pattern === undefined) continue;
      for (const p of entry.privileges) {
        const r = resolveIndexPrivilege(p);
        if (r && setMatchesAction(r.actions, action)) add({ privilege: p, pattern });
      }
    }
  }
  return out;
}

/** Narrower privileges to use instead of one that grants a forbidden action. */
function saferAlternative(privilege: string, op: ProbeOperation): string {
  const p = privilege.toLowerCase();
  if (op.scope === 'cluster') {
    if (p === 'all' || p === 'manage')
      return 'list only the cluster privileges the key needs (e.g. `monitor`, `manage_index_templates`, `manage_ilm`, `manage_pipeline`)';
    if (p === 'manage_security' || p === 'manage_api_key' || p === 'manage_own_api_key')
      return `remove \`${privilege}\`; keys are minted by the admin identity, not by the application`;
    return `remove \`${privilege}\``;
  }
  if (p === 'write') {
    if (op.id === 'doc.update') return 'use `create_doc` (append-only) instead';
    return 'use `index` or `create_doc` instead';
  }
  if (p === 'all')
    return 'list only the index privileges the key needs (e.g. `read`, `index`, `create_index`, `view_index_metadata`)';
  if (p === 'manage') return 'use `create_index` and `view_index_metadata` instead';
  if (p === 'index' && op.id === 'doc.update') return 'use `create_doc` or `create` instead';
  if (p === 'delete_index') return 'remove `delete_index`; drop indices with admin credentials when needed';
  return `remove \`${privilege}\``;
}

function grantText(grants: readonly Grant[]): string {
  return grants
    .map((g) => (g.pattern ? `\`${g.privilege}\` on \`${g.pattern}\`` : `\`${g.privilege}\``))
    .join(', ');
}

/** Inputs of an explanation. */
export interface ExplainInput {
  readonly template: RoleTemplate;
  readonly op: ProbeOperation;
  readonly expected: Expectation;
  readonly verdict: Verdict;
  readonly index?: string;
  readonly outcome?: Outcome;
  /** Static probes: has_privileges answered this. */
  readonly staticGranted?: boolean;
  /** The probe wrote to a data stream (data-streams.ts). */
  readonly dataStream?: boolean;
}

/**
 * A document write to a data stream denied although the template grants the write itself: the
 * privilege model says the denial can only be the mapping update the probe document's new field
 * needs. Elasticsearch lets `create`, `create_doc`, `index` and `write` update mappings of
 * indices and aliases, never of data streams (docs/es-facts.md, "No BWC mapping updates on
 * streams"), so on a stream only the privileges granting the action itself will do.
 */
function streamMappingDenial(input: ExplainInput, on: string): string | undefined {
  const { template, op, index } = input;
  if (!input.dataStream || !index || grantsInTemplate(template, op.action, index).length === 0)
    return undefined;
  if (grantsInTemplate(template, AUTO_PUT_MAPPING_ACTION, index).length > 0) return undefined;
  // Not the 403's own text: it names the key's full id, which reports only show masked.
  return `${op.id}${on} was denied on the mapping update (${AUTO_PUT_MAPPING_ACTION}) a document with a new field needs: on a data stream \`create_doc\`, \`create\` and \`index\` do not update mappings (they do on plain indices); add \`auto_configure\` (or one of [${indexPrivilegesGranting(AUTO_PUT_MAPPING_ACTION).join(',')}]) for the stream's pattern, or map every field the application writes in the index template`;
}

/**
 * Why a probe failed and what to change, from the template and the privilege model
 * (e.g. "doc.delete was allowed: granted by `write` on `gmail_emails-*`; use `index` or
 * `create_doc` instead"). Undefined for passing probes.
 */
export function explain(input: ExplainInput): string | undefined {
  const { template, op, expected, verdict, index, outcome } = input;
  if (verdict === 'pass') return undefined;
  const on = index && op.scope === 'index' ? ` on ${index}` : '';
  const needed =
    op.scope === 'cluster' ? clusterPrivilegesGranting(op.action) : indexPrivilegesGranting(op.action);
  const neededText = `[${needed.join(',')}]`;
  const grants = grantsInTemplate(template, op.action, op.scope === 'index' ? index : undefined);

  if (verdict === 'error') {
    const detail = outcome?.detail ? `: ${outcome.detail}` : '';
    if (expected === 'allow' && outcome?.kind === 'authorized' && outcome.reason === 'index_absent') {
      return `${op.id}${on} could not be checked: the index does not exist${detail}`;
    }
    return `${op.id}${on} expected ${expected === 'allow' ? '2xx' : '403 security_exception'}, got ${outcome?.got ?? 'no answer'}${detail}`;
  }

  if (expected === 'deny') {
    const how =
      outcome?.kind === 'authorized'
        ? `was allowed (${outcome.got} is only answered after the privilege check passed)`
        : outcome?.kind === 'allowed'
          ? `was ALLOWED (${outcome.got})`
          : 'is allowed (has_privileges)';
    if (grants.length > 0) {
      const alternatives = [...new Set(grants.map((g) => saferAlternative(g.privilege, op)))];
      return `${op.id} ${how}: granted by ${grantText(grants)}; ${alternatives.join('; ')}`;
    }
    return `${op.id}${on} ${how}, but the template grants it nowhere${on ? ' on this index' : ''}: the key does not match the template (it needs one of ${neededText}); rotate it`;
  }

  // expected allow, got denied
  const mapping = streamMappingDenial(input, on);
  if (mapping) return mapping;
  if (grants.length > 0) {
    return `${op.id}${on} was denied although the template grants it (${grantText(grants)}): an API key gets the intersection of its role descriptors and its owner's privileges, so the identity that created the key (the admin identity) probably lacks it; give it one of ${neededText} and mint a new key`;
  }
  return `${op.id}${on} was denied: the template does not grant it${on ? ' on this index' : ''}; it needs one of ${neededText}`;
}
