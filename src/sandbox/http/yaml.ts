/**
 * YAML answers as Elasticsearch writes them (`format=yaml`, `Accept: application/yaml`): Jackson's
 * YAMLGenerator with its defaults over SnakeYAML — a `---` document start, block style, two-space
 * indents with sequence dashes at their key's indent, string values double-quoted, names plain
 * when YAML allows it, `{}` and `[]` when empty.
 */
import { illegalArgument } from '../errors.js';
import { RawNumber, type Tree } from './response-tree.js';

/** SnakeYAML's default line width: longer double-quoted strings are folded at spaces. */
const WIDTH = 80;

// A name SnakeYAML can write plain: no indicator first, no ': ' or ' #', not a YAML literal.
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-/ ]*$/;
// SnakeYAML's implicit resolvers for booleans, null and numbers (plain `y` and `n` stay strings).
const LITERAL = /^(?:true|false|yes|no|on|off|null|~|[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)$/i;

function name(k: string): string {
  if (PLAIN_NAME.test(k) && !LITERAL.test(k) && !k.endsWith(' ')) return k;
  // SnakeYAML falls back to single quotes when it can, double quotes for control characters.
  if (/^[^\x00-\x1f\x7f]*$/.test(k)) return `'${k.replaceAll("'", "''")}'`;
  return quoted(k);
}

function quoted(s: string): string {
  return `"${s.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      case '\r':
        return '\\r';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`;
    }
  })}"`;
}

function scalar(t: Tree, column: number): string {
  if (t instanceof RawNumber) return t.text;
  if (typeof t === 'string') {
    const q = quoted(t);
    // SnakeYAML folds a long double-quoted scalar at spaces; the sandbox does not reproduce
    // the folding, so it refuses rather than answer with different lines.
    if (column + q.length > WIDTH && t.includes(' ')) {
      throw illegalArgument(
        'the eskeys sandbox does not emulate [format=yaml] for string values longer than one 80-column YAML line',
      );
    }
    return q;
  }
  return t === null ? 'null' : String(t);
}

const isEmptyOrScalar = (t: Tree) =>
  !(t instanceof Map || Array.isArray(t)) || (t instanceof Map ? t.size === 0 : t.length === 0);

function inline(t: Tree, column: number): string {
  if (t instanceof Map) return '{}';
  if (Array.isArray(t)) return '[]';
  return scalar(t, column);
}

/** Writes the entries of a non-empty mapping or sequence, each line at `indent`. */
function block(t: Map<string, Tree> | Tree[], indent: string, out: string[], firstInline: boolean): void {
  let first = firstInline;
  const lead = () => {
    const s = first ? '' : indent;
    first = false;
    return s;
  };
  if (t instanceof Map) {
    for (const [k, v] of t) {
      const head = `${lead()}${name(k)}:`;
      if (isEmptyOrScalar(v)) out.push(`${head} ${inline(v, indent.length + head.length + 1)}\n`);
      else if (v instanceof Map) {
        out.push(`${head}\n`);
        block(v, `${indent}  `, out, false);
      } else {
        out.push(`${head}\n`);
        block(v as Tree[], indent, out, false);
      }
    }
    return;
  }
  for (const v of t) {
    const head = `${lead()}- `;
    if (isEmptyOrScalar(v)) out.push(`${head}${inline(v, indent.length + 2)}\n`);
    else {
      out.push(head);
      block(v as Map<string, Tree> | Tree[], `${indent}  `, out, true);
    }
  }
}

/** The YAML document for an answer. */
export function toYaml(t: Tree): string {
  if (isEmptyOrScalar(t)) return `--- ${inline(t, 4)}\n`;
  const out = ['---\n'];
  block(t as Map<string, Tree> | Tree[], '', out, false);
  return out.join('');
}
