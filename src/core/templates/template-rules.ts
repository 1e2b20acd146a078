import { exampleIndexName, indexNameProblem } from '../access/index-names.js';
import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from '../duration.js';
import { isLintRuleId, LINT_RULE_IDS } from '../lint/rule-ids.js';
import {
  CLUSTER_PRIVILEGE_NAMES,
  INDEX_PRIVILEGE_NAMES,
  InvalidIndexPatternError,
  isRawClusterAction,
  isRawIndexAction,
  parseIndexPattern,
  resolveClusterPrivilege,
  resolveIndexPrivilege,
} from '../privileges/index.js';
import { PROBE_OPERATION_IDS, probeOperation } from '../probes/catalogue.js';
import { escapePointerToken } from './json-text.js';
import type { Problem } from './problems.js';
import { didYouMean } from './suggest.js';

/**
 * The named rules that run after the schema (STYLE.md, Config): privilege names, index
 * patterns, probes, durations and names. They read the raw document defensively, so they
 * run even where the schema already failed elsewhere and every problem is reported at once.
 * Rules report what makes a template wrong or unusable; what is merely risky is lint's job.
 */

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: Json): [number, string][] =>
  Array.isArray(v) ? v.flatMap((x, i) => (typeof x === 'string' ? [[i, x] as [number, string]] : [])) : [];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

class Collector {
  readonly problems: Problem[] = [];
  error(path: string, message: string): void {
    this.problems.push({ severity: 'error', path, message });
  }
  warn(path: string, message: string): void {
    this.problems.push({ severity: 'warning', path, message });
  }
}

/** Named rules for a role template; `file` is used only to compare the template name with it. */
export function checkTemplateRules(raw: Json, fileBaseName?: string): Problem[] {
  const c = new Collector();
  if (!isObj(raw)) return c.problems;
  if (typeof raw.name === 'string' && fileBaseName !== undefined && raw.name !== fileBaseName) {
    c.warn(
      '/name',
      `template name "${raw.name}" differs from its file name "${fileBaseName}.json"; commands find templates by file name`,
    );
  }
  const derivable = checkRoleDescriptors(c, raw.role_descriptors);
  checkProbes(c, raw.probes, derivable);
  checkRotation(c, raw);
  checkOutputs(c, raw.outputs, '/outputs');
  checkLintSettings(c, raw.lint);
  return c.problems;
}

/** Checks role descriptors; returns whether some wildcard pattern yields a probe index name. */
function checkRoleDescriptors(c: Collector, rds: Json): boolean {
  // Derivability is only judged on a clean set of patterns: a broken or missing pattern is
  // already reported, and "no probe index can be derived" would only repeat it per probe.
  let derivable = false;
  let patternTrouble = false;
  if (!isObj(rds)) return true;
  const names = Object.keys(rds);
  if (names.length === 0) patternTrouble = true;
  if (names.length === 0) {
    c.error(
      '/role_descriptors',
      'no role descriptors: an API key without role descriptors inherits every privilege of the identity that creates it; declare at least one',
    );
  }
  for (const name of names) {
    const d = rds[name];
    const base = `/role_descriptors/${escapePointerToken(name)}`;
    if (!isObj(d)) continue;
    const cluster = strings(d.cluster);
    const indices = Array.isArray(d.indices) ? d.indices : [];
    if (cluster.length === 0 && indices.length === 0 && d.cluster !== undefined && d.indices !== undefined) {
      c.warn(base, `role descriptor "${name}" grants nothing (no cluster or index privileges)`);
    }
    checkNames(c, cluster, `${base}/cluster`, 'cluster');
    indices.forEach((entry, i) => {
      if (!isObj(entry)) return;
      const ep = `${base}/indices/${i}`;
      checkNames(c, strings(entry.privileges), `${ep}/privileges`, 'index');
      if (!Array.isArray(entry.names) || entry.names.length === 0) patternTrouble = true;
      for (const [j, pattern] of strings(entry.names)) {
        if (pattern === '') {
          patternTrouble = true;
          continue;
        }
        try {
          parseIndexPattern(pattern);
        } catch (e) {
          if (!(e instanceof InvalidIndexPatternError)) throw e;
          c.error(`${ep}/names/${j}`, e.message);
          patternTrouble = true;
          continue;
        }
        if (!pattern.startsWith('/') && pattern !== pattern.toLowerCase()) {
          c.warn(
            `${ep}/names/${j}`,
            `index pattern "${pattern}" has upper-case letters, but index names are lowercase; it matches nothing`,
          );
          patternTrouble = true;
        }
        if (pattern.includes(',')) {
          c.error(
            `${ep}/names/${j}`,
            `index pattern "${pattern}" contains ","; list each pattern separately`,
          );
          patternTrouble = true;
        }
        if (exampleIndexName(pattern) !== undefined) derivable = true;
      }
      if (typeof entry.query === 'string') {
        try {
          JSON.parse(entry.query);
        } catch {
          c.error(`${ep}/query`, 'the document-level security query string is not valid JSON');
        }
      }
    });
  }
  return derivable || patternTrouble;
}

function checkNames(c: Collector, names: [number, string][], base: string, kind: 'cluster' | 'index'): void {
  const seen = new Set<string>();
  for (const [i, name] of names) {
    if (name === '') continue;
    const path = `${base}/${i}`;
    const lower = name.toLowerCase();
    if (seen.has(lower)) c.warn(path, `${kind} privilege "${name}" is listed twice`);
    seen.add(lower);
    const resolved = kind === 'cluster' ? resolveClusterPrivilege(name) : resolveIndexPrivilege(name);
    if (resolved) {
      const raw = kind === 'cluster' ? isRawClusterAction(name) : isRawIndexAction(name);
      if (!raw && name !== lower) {
        c.warn(path, `privilege names are lower-case: write "${lower}" instead of "${name}"`);
      }
      if (
        kind === 'index' &&
        (lower.startsWith('indices:admin/template/') || lower.startsWith('indices:admin/index_template/'))
      ) {
        c.error(
          path,
          `"${name}" is authorized as a cluster action, so it grants nothing as an index privilege; move it to "cluster"`,
        );
      }
      continue;
    }
    c.error(path, unknownPrivilegeMessage(name, kind));
  }
}

function unknownPrivilegeMessage(name: string, kind: 'cluster' | 'index'): string {
  const lower = name.toLowerCase();
  if (kind === 'cluster') {
    if (isRawIndexAction(name)) {
      return `"${name}" is an index action, not a cluster action; move it to an "indices" entry`;
    }
    if (INDEX_PRIVILEGE_NAMES.includes(lower)) {
      return `"${name}" is an index privilege, not a cluster privilege; move it to an "indices" entry`;
    }
    return `unknown cluster privilege "${name}"${didYouMean(name, CLUSTER_PRIVILEGE_NAMES)}`;
  }
  if (isRawClusterAction(name)) {
    return `"${name}" is a cluster action, not an index action; move it to "cluster"`;
  }
  if (CLUSTER_PRIVILEGE_NAMES.includes(lower)) {
    return `"${name}" is a cluster privilege, not an index privilege; move it to "cluster"`;
  }
  return `unknown index privilege "${name}"${didYouMean(name, INDEX_PRIVILEGE_NAMES)}`;
}

function checkProbes(c: Collector, probes: Json, derivable: boolean): void {
  if (!isObj(probes)) return;
  if (typeof probes.index === 'string' && probes.index !== '') {
    const why = indexNameProblem(probes.index);
    if (why) c.error('/probes/index', why);
  }
  const firstSeen = new Map<string, string>();
  for (const expect of ['allow', 'deny'] as const) {
    const list = probes[expect];
    if (!Array.isArray(list)) continue;
    list.forEach((spec, i) => {
      const path = `/probes/${expect}/${i}`;
      const opId =
        typeof spec === 'string' ? spec : isObj(spec) && typeof spec.op === 'string' ? spec.op : undefined;
      if (opId === undefined || opId === '') return;
      const index = isObj(spec) && typeof spec.index === 'string' ? spec.index : undefined;
      const opPath = typeof spec === 'string' ? path : `${path}/op`;
      const op = probeOperation(opId);
      if (!op) {
        c.error(opPath, `unknown probe operation "${opId}"${didYouMean(opId, PROBE_OPERATION_IDS)}`);
        return;
      }
      const key = `${opId}\u0000${index ?? ''}`;
      const earlier = firstSeen.get(key);
      if (earlier !== undefined) {
        if (earlier.startsWith(`/probes/${expect}/`))
          c.warn(path, `probe "${opId}" is listed twice (also ${earlier})`);
        else c.error(path, `probe "${opId}" is both an allow and a deny probe (also ${earlier}); keep one`);
      } else {
        firstSeen.set(key, path);
      }
      if (index !== undefined) {
        if (op.scope === 'cluster') {
          c.error(`${path}/index`, `"${opId}" is a cluster operation and takes no index; remove "index"`);
        } else {
          const why = indexNameProblem(index);
          if (why) c.error(`${path}/index`, `${why} (probes need a concrete index, not a pattern)`);
        }
        return;
      }
      if (op.scope !== 'index' || derivable) return;
      if (expect === 'allow' && typeof probes.index === 'string') return;
      c.error(
        opPath,
        `probe "${opId}" needs an index, and none can be derived from the template's index patterns; set "index" on the probe${expect === 'allow' ? ' or "probes.index"' : ''}`,
      );
    });
  }
}

function durationAt(obj: Obj, key: string): number | undefined {
  const v = obj[key];
  return typeof v === 'string' ? parseDuration(v) : undefined;
}

function checkRotation(c: Collector, raw: Obj): void {
  const rotation = isObj(raw.rotation) ? raw.rotation : {};
  const checks: [string, number | undefined, number][] = [
    ['/rotation/every', durationAt(rotation, 'every'), HOUR],
    ['/rotation/grace', durationAt(rotation, 'grace'), 0],
    ['/rotation/review', durationAt(rotation, 'review'), HOUR],
    ['/expiration', durationAt(raw, 'expiration'), HOUR],
  ];
  for (const [path, ms, min] of checks) {
    if (ms === undefined) continue;
    if (ms < min) c.error(path, min === 0 ? 'must not be negative' : 'must be at least 1h');
    else if (ms > MAX_DURATION_MS) c.error(path, `must be at most ${MAX_DURATION_TEXT}`);
  }
}

function checkOutputs(c: Collector, outputs: Json, base: string): void {
  if (!isObj(outputs)) return;
  if (typeof outputs.key_var === 'string' && outputs.key_var === outputs.id_var) {
    c.error(
      `${base}/id_var`,
      `id_var must differ from key_var ("${outputs.key_var}"), or the id would overwrite the key`,
    );
  }
  for (const hook of ['restart', 'health_check'] as const) {
    const h = outputs[hook];
    const ms = isObj(h) ? durationAt(h, 'timeout') : undefined;
    if (ms === undefined) continue;
    if (ms < 1000) c.error(`${base}/${hook}/timeout`, 'must be at least 1s');
    else if (ms > DAY) c.error(`${base}/${hook}/timeout`, 'must be at most 24h');
  }
  const seen = new Set<string>();
  for (const [i, f] of strings(outputs.env_files)) {
    if (seen.has(f)) c.warn(`${base}/env_files/${i}`, `env file "${f}" is listed twice`);
    seen.add(f);
  }
}

function checkLintSettings(c: Collector, lint: Json): void {
  if (!isObj(lint)) return;
  for (const [i, id] of strings(lint.ignore)) {
    if (id !== '' && !isLintRuleId(id)) {
      c.error(`/lint/ignore/${i}`, `unknown lint rule "${id}"${didYouMean(id, LINT_RULE_IDS)}`);
    }
  }
}

/** Named rules for the project config. */
export function checkProjectConfigRules(raw: Json): Problem[] {
  const c = new Collector();
  if (!isObj(raw) || !isObj(raw.environments)) return c.problems;
  for (const [env, def] of Object.entries(raw.environments)) {
    if (!isObj(def) || !isObj(def.outputs)) continue;
    for (const [template, outputs] of Object.entries(def.outputs)) {
      const base = `/environments/${escapePointerToken(env)}/outputs/${escapePointerToken(template)}`;
      if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(template)) {
        c.error(base, `"${template}" is not a template name (lowercase letters, digits, ".", "_" or "-")`);
      }
      checkOutputs(c, outputs, base);
    }
  }
  return c.problems;
}
