/**
 * Observations → a least-privilege role template and the decisions behind it. Only allowed
 * operations become privileges; denied ones are reported (the learning credentials lacked them,
 * so the application evidently runs without them). Allow probes cover the observed operations
 * the probe catalogue knows; deny probes cover the dangerous operations that were not observed.
 */
import { checkProbeExpectations } from '../access/probe-checks.js';
import { PROBE_OPERATIONS, type ProbeOperation } from '../probes/catalogue.js';
import type { RoleTemplate } from '../templates/schema.js';
import {
  chooseClusterPrivilege,
  chooseDataStreamWritePrivilege,
  chooseIndexPrivilege,
  type PrivilegeChoice,
  reducePrivileges,
} from './choose-privileges.js';
import { generalizeNames } from './generalize-names.js';
import type { Observations, ObservedOperation } from './observations.js';

/**
 * Operations a learned template denies unless the traffic showed them: they delete data,
 * change settings or aliases, or touch security.
 */
export const DANGEROUS_OPERATIONS: readonly string[] = [
  'doc.delete',
  'delete_by_query',
  'index.delete',
  'index.put_settings',
  'aliases.update',
  'cluster.put_settings',
  'security.create_api_key',
  'security.invalidate_api_key',
];

/** Operation ids that repeat another's action (`count` is a search, `bulk.delete` a delete): never allow probes. */
const DUPLICATE_OPERATIONS = new Set(['count', 'bulk.delete']);

/** Options of the generator. */
export interface LearnTemplateOptions {
  readonly name: string;
  /** Explicit index patterns (`--pattern`); names they match are granted on them. */
  readonly patterns?: readonly string[];
  /** Where the key goes: the env file and variable of the template's outputs (as `eskeys init` writes them). */
  readonly outputs?: { readonly envFile: string; readonly keyVar: string };
  /** The Elasticsearch major the traffic went to: only privileges it knows are chosen (any when undefined). */
  readonly major?: number;
}

/** Why an observed allowed operation got its privilege. */
export interface PrivilegeDecision {
  readonly operation: ObservedOperation;
  /** The pattern the names were generalized to (index operations). */
  readonly patterns: readonly string[];
  readonly privilege: string | undefined;
  readonly wider: readonly string[];
  /** Whether the privilege survived the reduction (false: a chosen wider privilege contains it). */
  readonly kept: boolean;
  /**
   * Set when the privilege covers what Elasticsearch does internally for the operation rather
   * than the operation itself: the internal action, and the backing index the writes landed in.
   */
  readonly implied?: { readonly action: string; readonly backingIndex: string };
}

/** The generated template (as written to disk) and the decisions the report explains. */
export interface LearnedTemplate {
  /** The template document (JSON-ready; validated and linted by the caller or tests). */
  readonly document: Record<string, unknown>;
  readonly decisions: readonly PrivilegeDecision[];
  readonly denied: readonly ObservedOperation[];
  /** Observed operations that gave no evidence (401, 400, 5xx). */
  readonly inconclusive: readonly ObservedOperation[];
  /** Probe ids dropped because the privileges disagree (an allow probe the patterns cannot serve). */
  readonly droppedProbes: readonly string[];
}

/** Builds the least-privilege template for what was observed. Pure. */
export function generateLearnedTemplate(obs: Observations, opts: LearnTemplateOptions): LearnedTemplate {
  const allowed = obs.operations.filter((o) => o.outcome === 'allowed');
  const indexOps = allowed.filter((o) => o.scope === 'index');
  const clusterOps = allowed.filter((o) => o.scope === 'cluster');
  const allNames = [...new Set(indexOps.flatMap((o) => o.names))].map((n) => (n === '_all' ? '*' : n));
  const patternOf = generalizeNames(allNames, opts.patterns);
  const toPattern = (n: string) => patternOf.get(n === '_all' ? '*' : n) ?? n;

  // Privileges per pattern.
  const chosenByPattern = new Map<string, string[]>();
  const indexChoices: {
    operation: ObservedOperation;
    patterns: string[];
    choice: PrivilegeChoice;
    implied?: PrivilegeDecision['implied'];
  }[] = [];
  const choose = (
    operation: ObservedOperation,
    choice: PrivilegeChoice,
    implied?: PrivilegeDecision['implied'],
  ) => {
    const patterns = [...new Set(operation.names.map(toPattern))].sort();
    if (choice.privilege !== undefined)
      for (const p of patterns) chosenByPattern.set(p, [...(chosenByPattern.get(p) ?? []), choice.privilege]);
    indexChoices.push({ operation, patterns, choice, ...(implied ? { implied } : {}) });
  };
  for (const operation of indexOps) {
    choose(operation, chooseIndexPrivilege(operation.action, opts.major));
    // Creates that landed in a data stream also need the mapping updates Elasticsearch runs for them.
    const streamChoice = chooseDataStreamWritePrivilege(operation);
    if (streamChoice !== undefined)
      choose(operation, streamChoice, { action: streamChoice.action, backingIndex: operation.backingIndex! });
  }
  const reducedByPattern = new Map<string, string[]>();
  for (const [p, privs] of chosenByPattern) reducedByPattern.set(p, reducePrivileges(privs, 'index').sort());

  const clusterChoices = clusterOps.map((operation) => ({
    operation,
    choice: chooseClusterPrivilege(operation.action, opts.major),
  }));
  const cluster = reducePrivileges(
    clusterChoices.flatMap((c) => (c.choice.privilege ? [c.choice.privilege] : [])),
    'cluster',
  ).sort();

  // Patterns with the same privileges share one indices entry.
  const byPrivileges = new Map<string, string[]>();
  for (const [p, privs] of [...reducedByPattern].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const key = privs.join(',');
    byPrivileges.set(key, [...(byPrivileges.get(key) ?? []), p]);
  }
  const indices = [...byPrivileges].map(([privs, names]) => ({ names, privileges: privs.split(',') }));

  const decisions: PrivilegeDecision[] = [
    ...clusterChoices.map(({ operation, choice }) => ({
      operation,
      patterns: [],
      privilege: choice.privilege,
      wider: choice.wider,
      kept: choice.privilege !== undefined && cluster.includes(choice.privilege),
    })),
    ...indexChoices.map(({ operation, patterns, choice, implied }) => ({
      operation,
      patterns,
      privilege: choice.privilege,
      wider: choice.wider,
      kept:
        choice.privilege !== undefined &&
        patterns.every((p) => reducedByPattern.get(p)?.includes(choice.privilege!) ?? false),
      ...(implied ? { implied } : {}),
    })),
  ];

  const descriptor: Record<string, unknown> = {};
  if (cluster.length > 0) descriptor.cluster = cluster;
  if (indices.length > 0) descriptor.indices = indices;
  const roleDescriptors = { [opts.name]: descriptor };

  const observedActions = new Set(allowed.map((o) => o.action));
  const allowCandidates = PROBE_OPERATIONS.filter(
    (op) => observedActions.has(op.action) && !DUPLICATE_OPERATIONS.has(op.id),
  ).map((op) => op.id);
  // Index probes need an index pattern to aim at; without one only cluster probes apply.
  const denyCandidates = DANGEROUS_OPERATIONS.filter((id) => {
    const op = PROBE_OPERATIONS.find((o) => o.id === id) as ProbeOperation;
    return !observedActions.has(op.action) && (op.scope === 'cluster' || indices.length > 0);
  });
  const draft = {
    role_descriptors: roleDescriptors,
    probes: { allow: allowCandidates, deny: denyCandidates },
  } as Pick<RoleTemplate, 'role_descriptors' | 'probes'>;
  const inconsistent = new Set(
    checkProbeExpectations(draft)
      .filter((c) => !c.consistent)
      .map((c) => `${c.expect}:${c.probe.op}`),
  );
  const allow = allowCandidates.filter((id) => !inconsistent.has(`allow:${id}`));
  const deny = denyCandidates.filter((id) => !inconsistent.has(`deny:${id}`));

  const document: Record<string, unknown> = {
    name: opts.name,
    description: `Learned by eskeys learn from ${obs.requests} observed requests: the narrowest privileges that cover the traffic. Review before use.`,
    role_descriptors: roleDescriptors,
    expiration: 'auto',
    probes: { allow, deny },
    ...(opts.outputs
      ? {
          outputs: {
            env_files: [opts.outputs.envFile],
            key_var: opts.outputs.keyVar,
            id_var: `${opts.outputs.keyVar}_ID`,
          },
        }
      : {}),
  };
  return {
    document,
    decisions,
    denied: obs.operations.filter((o) => o.outcome === 'denied'),
    inconclusive: obs.operations.filter((o) => o.outcome === 'unauthenticated' || o.outcome === 'failed'),
    droppedProbes: [...inconsistent].sort(),
  };
}
