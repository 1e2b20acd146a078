import { TemplateError } from '../errors.js';
import { glob, isConcrete } from '../privileges/glob.js';
import type { ProbeSpec, RoleTemplate } from '../templates/schema.js';
import { nameFromPattern, PROBE_MARKER, primaryCanaryPattern, stableProbeIndex } from './canary-names.js';
import { PROBE_OPERATIONS, type ProbeOperation, probeOperation } from './catalogue.js';
import { type ProbeTarget, READ_ONLY_OPERATIONS } from './requests.js';
import type { Expectation } from './types.js';

/**
 * Planning a probe run is pure: from the template, one random tag and whether admin calls are
 * available, it decides every probe's target, whether it runs live or statically, what it must
 * wait for, and which resources setup must provide. The runner (run-probes.ts) only executes.
 */

/** Fixed document ids in the stable probe index: repeated runs overwrite instead of accumulating. */
export const PROBE_DOC_IDS = {
  doc: `${PROBE_MARKER}-doc`,
  create: `${PROBE_MARKER}-create`,
  delete: `${PROBE_MARKER}-delete`,
  deleteByQuery: `${PROBE_MARKER}-dbq`,
  deny: `${PROBE_MARKER}-deny`,
} as const;

/** A resource a live probe needs before it can run. */
export type ProbeNeed =
  /** The stable probe index (`index` names it). */
  | { readonly kind: 'stable'; readonly index: string }
  /** A canary index created for this run only (for the `index.delete` allow probe). */
  | { readonly kind: 'canary'; readonly index: string };

/** One probe as planned. */
export interface PlannedProbe {
  /** Unique within the run: `allow doc.index`, `deny doc.delete`, `deny search#2`. */
  readonly key: string;
  readonly op: ProbeOperation;
  readonly expected: Expectation;
  /** What the request aims at. */
  readonly target: ProbeTarget;
  /** Index reported in the matrix (index-scope operations). */
  readonly index?: string;
  /** Set when the probe cannot run live safely; has_privileges answers instead. */
  readonly staticReason?: string;
  /** Names has_privileges is asked about for index operations (when static). */
  readonly staticNames?: readonly string[];
  readonly needs?: ProbeNeed;
  /** Keys of probes that must finish first (e.g. doc.get after doc.index). */
  readonly after?: readonly string[];
}

/** The whole plan. */
export interface ProbePlan {
  readonly probes: readonly PlannedProbe[];
  /** Stable probe indices the live probes need, each with who may create it. */
  readonly stableIndices: readonly string[];
  /** Canary indices setup creates (admin only) and teardown removes. */
  readonly canaryIndices: readonly string[];
  readonly tag: string;
}

/** Options of planning. */
export interface PlanOptions {
  /** Random lowercase hex, unique per run. */
  readonly tag: string;
  readonly adminAvailable: boolean;
  /** Timestamp written into probe documents. */
  readonly at: string;
}

const ORDER = new Map(PROBE_OPERATIONS.map((o, i) => [o.id, i]));

function normalise(spec: ProbeSpec): { op: string; index?: string } {
  return typeof spec === 'string' ? { op: spec } : spec;
}

function hasWildcard(pattern: string): boolean {
  if (pattern.startsWith('/')) return true;
  try {
    return !isConcrete(glob(pattern));
  } catch {
    return false;
  }
}

/** Allow probes whose target is the stable probe index. */
const ALLOW_ON_STABLE = new Set([
  'search',
  'count',
  'doc.get',
  'doc.index',
  'doc.create',
  'doc.update',
  'doc.delete',
  'bulk.delete',
  'delete_by_query',
  'index.create',
  'index.get_settings',
  'index.put_settings',
  'index.get_mapping',
  'aliases.update',
]);

/**
 * Allow probes never run live: proving them would delete or roll over a data stream, and the
 * only stream a run may touch is its stable probe stream, which the other probes still use.
 * Their deny probes aim at a fresh name like every other deny probe.
 */
const STATIC_WHEN_ALLOWED: ReadonlyMap<string, string> = new Map([
  ['data_stream.delete', 'deleting a data stream is not probed live when allowed'],
  ['rollover', 'rolling over an alias or data stream is not probed live when allowed'],
]);

/**
 * Deny probes that need an existing index to be exact. On a missing index, indexing may be
 * refused for `indices:admin/auto_create` (a 403 that would pass the probe although the key may
 * write documents), and a bulk delete item fails with 404 before its per-item privilege check.
 * They aim at the stable probe index instead, with the fixed `deny` id or a fresh id nothing has.
 */
const DENY_ON_STABLE = new Set(['doc.index', 'doc.create', 'doc.update', 'doc.delete', 'bulk.delete']);

/** Builds the plan. Throws TemplateError for unknown operation ids. */
export function planProbes(template: RoleTemplate, opts: PlanOptions): ProbePlan {
  const { tag, adminAvailable, at } = opts;
  const specs: { op: ProbeOperation; expected: Expectation; index?: string }[] = [];
  const unknown: string[] = [];
  for (const [expected, list] of [
    ['allow', template.probes.allow],
    ['deny', template.probes.deny],
  ] as const) {
    list.forEach((raw, i) => {
      const spec = normalise(raw);
      const op = probeOperation(spec.op);
      if (!op)
        unknown.push(
          `template ${template.name}: /probes/${expected}/${i}: unknown probe operation [${spec.op}]`,
        );
      else specs.push({ op, expected, index: spec.index });
    });
  }
  if (unknown.length > 0) throw new TemplateError(unknown[0]!, unknown);
  specs.sort(
    (a, b) =>
      ORDER.get(a.op.id)! - ORDER.get(b.op.id)! ||
      (a.expected === b.expected ? 0 : a.expected === 'allow' ? -1 : 1),
  );

  const fresh = `${PROBE_MARKER}-${tag}`;
  const primary = primaryCanaryPattern(template);
  const defaultStable = stableProbeIndex(template);
  const stableIndices = new Set<string>();
  const canaryIndices = new Set<string>();
  const keys = new Set<string>();
  const probes: PlannedProbe[] = [];

  for (const s of specs) {
    let key = `${s.expected} ${s.op.id}`;
    for (let n = 2; keys.has(key); n++) key = `${s.expected} ${s.op.id}#${n}`;
    keys.add(key);
    const base = { key, op: s.op, expected: s.expected };

    if (s.op.scope === 'cluster') {
      probes.push({ ...base, target: clusterTarget(s.op.id, fresh, tag) });
      continue;
    }

    const explicit = s.index;
    const makeStatic = (reason: string, names: readonly string[]): PlannedProbe => ({
      ...base,
      target: { index: names[0] },
      index: names[0],
      staticReason: reason,
      staticNames: names,
    });

    // An explicit concrete index: existing data. Only reads run live against it.
    if (explicit !== undefined && !hasWildcard(explicit)) {
      if (READ_ONLY_OPERATIONS.has(s.op.id)) {
        probes.push({ ...base, target: { index: explicit, docId: PROBE_DOC_IDS.doc }, index: explicit });
      } else {
        probes.push(
          makeStatic(`${s.op.id} would change ${explicit}, an index eskeys did not create`, [explicit]),
        );
      }
      continue;
    }

    const pattern = explicit ?? primary;
    // A fresh name matching the pattern (for deny probes and canaries); undefined for regex-only
    // or concrete-only templates, where `probes.index` may still give a stable probe index.
    const canary = pattern ? nameFromPattern(pattern, fresh) : undefined;
    const derived = (suffix: string) =>
      pattern ? nameFromPattern(pattern, `${fresh}-${suffix}`) : undefined;
    const stable =
      explicit !== undefined ? (canary ? nameFromPattern(explicit, PROBE_MARKER) : undefined) : defaultStable;
    const noName = 'no concrete probe index can match the template index patterns';
    const staticNames = [canary ?? explicit ?? stable ?? firstPattern(template) ?? fresh];
    const onStable = (target: ProbeTarget, index: string): PlannedProbe => {
      stableIndices.add(index);
      return { ...base, target, index, needs: { kind: 'stable', index } };
    };

    if (s.expected === 'allow') {
      if (s.op.id === 'index.delete') {
        const victim = derived('del');
        if (!victim) probes.push(makeStatic(noName, staticNames));
        else if (!adminAvailable)
          probes.push(makeStatic('deleting needs a canary index created by the admin identity', [victim]));
        else {
          canaryIndices.add(victim);
          probes.push({
            ...base,
            target: { index: victim },
            index: victim,
            needs: { kind: 'canary', index: victim },
          });
        }
        continue;
      }
      if (STATIC_WHEN_ALLOWED.has(s.op.id)) {
        probes.push(makeStatic(STATIC_WHEN_ALLOWED.get(s.op.id)!, staticNames));
        continue;
      }
      const alias = s.op.id === 'aliases.update' ? derived('alias') : undefined;
      if (ALLOW_ON_STABLE.has(s.op.id) && stable && (s.op.id !== 'aliases.update' || alias)) {
        probes.push(onStable(allowDocTarget(s.op.id, stable, alias, at), stable));
        continue;
      }
      probes.push(makeStatic(noName, staticNames));
      continue;
    }

    // deny
    if (DENY_ON_STABLE.has(s.op.id)) {
      if (!stable) {
        probes.push(makeStatic(noName, staticNames));
        continue;
      }
      const docId = s.op.id === 'doc.index' || s.op.id === 'doc.create' ? PROBE_DOC_IDS.deny : fresh;
      probes.push(onStable({ index: stable, docId, at }, stable));
      continue;
    }
    if (!canary) {
      probes.push(makeStatic(noName, staticNames));
      continue;
    }
    if (s.op.id === 'index.create') {
      const name = derived('new')!;
      if (!adminAvailable) {
        probes.push(
          makeStatic('an index created by mistake could only be removed by the admin identity', [name]),
        );
      } else {
        probes.push({ ...base, target: { index: name }, index: name });
      }
      continue;
    }
    // Every other deny probe aims at the fresh canary name, which does not exist: 403 when the
    // key lacks the privilege, 404 when it has it (authorization runs first, §3a).
    const alias = s.op.id === 'aliases.update' ? derived('alias') : undefined;
    probes.push({ ...base, target: { index: canary, docId: fresh, name: alias, at }, index: canary });
  }

  // Ordering: document reads and updates after the probe that writes the document.
  const writer = probes.find((p) => p.op.id === 'doc.index' && p.expected === 'allow' && !p.staticReason);
  const ordered = probes.map((p) =>
    writer &&
    p.expected === 'allow' &&
    !p.staticReason &&
    (p.op.id === 'doc.get' || p.op.id === 'doc.update') &&
    p.index === writer.index
      ? { ...p, after: [writer.key] }
      : p,
  );
  return { probes: ordered, stableIndices: [...stableIndices], canaryIndices: [...canaryIndices], tag };
}

function firstPattern(template: RoleTemplate): string | undefined {
  for (const d of Object.values(template.role_descriptors))
    for (const e of d.indices ?? []) return e.names[0];
  return undefined;
}

/**
 * The cluster-level resources a probe run tagged `tag` creates when its template.put, ilm.put and
 * pipeline.put probes are allowed. A run killed before its teardown leaves them; a rotation
 * journals its tag so recover can remove exactly these, never another run's.
 */
export function perRunClusterResources(tag: string): {
  readonly indexTemplate: string;
  readonly ilmPolicy: string;
  readonly pipeline: string;
} {
  const fresh = `${PROBE_MARKER}-${tag}`;
  return { indexTemplate: `${fresh}-tpl`, ilmPolicy: `${fresh}-ilm`, pipeline: `${fresh}-pipeline` };
}

function clusterTarget(op: string, fresh: string, tag: string): ProbeTarget {
  switch (op) {
    case 'template.put':
      // A random priority, so the throwaway template never ties with an existing one (a tie on
      // overlapping patterns is a 400 in Elasticsearch).
      return {
        name: perRunClusterResources(tag).indexTemplate,
        priority: 1_000_000 + (Number.parseInt(tag.slice(0, 6), 16) || 0),
      };
    case 'cluster.put_settings':
      return { name: `archived.${fresh}` };
    case 'ilm.put':
      return { name: perRunClusterResources(tag).ilmPolicy };
    case 'pipeline.put':
      return { name: perRunClusterResources(tag).pipeline };
    case 'security.create_api_key':
      return { name: `${fresh}-key` };
    case 'security.invalidate_api_key':
      return { name: `${fresh}-no-such-key` };
    default:
      return {};
  }
}

function allowDocTarget(op: string, stable: string, alias: string | undefined, at: string): ProbeTarget {
  switch (op) {
    case 'doc.create':
      return { index: stable, docId: PROBE_DOC_IDS.create, at };
    case 'doc.delete':
    case 'bulk.delete':
      return { index: stable, docId: PROBE_DOC_IDS.delete, at };
    case 'delete_by_query':
      return { index: stable, docId: PROBE_DOC_IDS.deleteByQuery, at };
    case 'aliases.update':
      return { index: stable, name: alias, at };
    default:
      return { index: stable, docId: PROBE_DOC_IDS.doc, at };
  }
}
