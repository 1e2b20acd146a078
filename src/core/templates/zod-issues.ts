import type { z } from 'zod';
import { toPointer } from './json-text.js';
import type { Problem } from './problems.js';
import { didYouMean } from './suggest.js';

/**
 * Turns zod issues into one-line problems at JSON pointers: unknown fields named with the
 * nearest valid field, missing fields named at their parent, type errors saying what was
 * found. Union errors descend into the branch that got furthest.
 */

type Path = readonly PropertyKey[];
type Issue = z.core.$ZodIssue;
// zod's internal definition objects; only the few fields read below.
type AnyDef = { type: string; [k: string]: unknown };
type AnySchema = { _zod: { def: AnyDef } };

/** Converts `issues` of `schema` parsing `input` to problems. */
export function issuesToProblems(schema: z.ZodType, input: unknown, issues: readonly Issue[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) collect(schema as unknown as AnySchema, input, issue, [], out);
  return out;
}

function collect(schema: AnySchema, input: unknown, issue: Issue, prefix: Path, out: Problem[]): void {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    if (issue.message !== 'Invalid input') {
      push(out, path, issue.message);
      return;
    }
    // The branch that got furthest into the value is the one the author meant.
    const depth = (b: readonly Issue[]) =>
      Math.max(0, ...b.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0)));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
    if (best && depth(best) > 0) {
      for (const i of best) collect(schema, input, i, path, out);
      return;
    }
    push(out, path, describeUnion(schema, path, input));
    return;
  }
  if (issue.code === 'unrecognized_keys') {
    const known = fieldNamesAt(schema, path);
    for (const key of issue.keys) {
      push(out, [...path, key], `unknown field "${key}"${didYouMean(key, known)}`);
    }
    return;
  }
  if (issue.code === 'invalid_type') {
    const parentPath = path.slice(0, -1);
    const parent = valueAt(input, parentPath);
    const key = path.at(-1);
    const value = valueAt(input, path);
    if (
      value === undefined &&
      key !== undefined &&
      typeof parent === 'object' &&
      parent !== null &&
      !Array.isArray(parent)
    ) {
      push(out, parentPath, `missing required field "${String(key)}"`);
      return;
    }
    if (!issue.message.startsWith('Invalid input')) {
      push(out, path, issue.message);
      return;
    }
    push(out, path, `expected ${article(issue.expected)}, got ${describeValue(value)}`);
    return;
  }
  if (issue.code === 'invalid_key') {
    const first = issue.issues[0];
    push(
      out,
      path,
      first && !first.message.startsWith('Invalid')
        ? `invalid name "${String(path.at(-1))}": ${first.message}`
        : `invalid name "${String(path.at(-1))}"`,
    );
    return;
  }
  if (issue.code === 'too_small' && issue.origin === 'array' && issue.message.startsWith('Too small')) {
    push(out, path, `expected at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`);
    return;
  }
  if (issue.code === 'too_small' && issue.origin === 'string' && issue.message.startsWith('Too small')) {
    push(out, path, 'must not be empty');
    return;
  }
  if (issue.code === 'invalid_value') {
    push(
      out,
      path,
      `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(valueAt(input, path))}`,
    );
    return;
  }
  push(out, path, issue.message);
}

function push(out: Problem[], path: Path, message: string): void {
  out.push({
    severity: 'error',
    path: toPointer(path.map((p) => (typeof p === 'symbol' ? String(p) : p))),
    message,
  });
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A short description of a JSON value for messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v.length > 40 ? `a string` : `"${v}"`;
  if (v === undefined) return 'nothing';
  return String(v);
}

function describeUnion(schema: AnySchema, path: Path, input: unknown): string {
  const targets = schemasAt(schema, path);
  const keys = targets.flatMap((s) => objectKeys(s));
  const got = describeValue(valueAt(input, path));
  return keys.length > 0
    ? `expected a string or an object with ${[...new Set(keys)].map((k) => `"${k}"`).join(', ')}, got ${got}`
    : `unexpected value ${got}`;
}

/** The value at `path` of `input`, or undefined. */
export function valueAt(input: unknown, path: Path): unknown {
  let cur: unknown = input;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p as string];
  }
  return cur;
}

function unwrap(s: AnySchema): AnySchema[] {
  const def = s._zod.def;
  switch (def.type) {
    case 'default':
    case 'optional':
    case 'nullable':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return unwrap(def.innerType as AnySchema);
    case 'pipe':
      return unwrap(def.in as AnySchema);
    case 'union':
      return (def.options as AnySchema[]).flatMap(unwrap);
    default:
      return [s];
  }
}

function schemasAt(schema: AnySchema, path: Path): AnySchema[] {
  let current = unwrap(schema);
  for (const p of path) {
    const next: AnySchema[] = [];
    for (const s of current) {
      const def = s._zod.def;
      if (def.type === 'object') {
        const shape = def.shape as Record<string, AnySchema>;
        if (typeof p === 'string' && shape[p]) next.push(...unwrap(shape[p]));
      } else if (def.type === 'record') {
        next.push(...unwrap(def.valueType as AnySchema));
      } else if (def.type === 'array') {
        next.push(...unwrap(def.element as AnySchema));
      }
    }
    current = next;
  }
  return current;
}

function objectKeys(s: AnySchema): string[] {
  return s._zod.def.type === 'object' ? Object.keys(s._zod.def.shape as object) : [];
}

/** Field names the schema allows at `path` (for "did you mean" on unknown fields). */
export function fieldNamesAt(schema: AnySchema | z.ZodType, path: Path): string[] {
  return [...new Set(schemasAt(schema as unknown as AnySchema, path).flatMap(objectKeys))];
}
