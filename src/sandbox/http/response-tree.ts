/**
 * A JSON document kept exactly as the sandbox rendered it, for the response parameters that
 * rewrite an answer (filter_path, pretty, YAML): numbers keep their text (a Long beyond 2^53
 * survives) and objects keep their key order (a Map: integer-like keys are not reordered).
 */

/** A JSON number, kept as its text. */
export class RawNumber {
  constructor(readonly text: string) {}
}

export type Tree = null | boolean | string | RawNumber | Tree[] | Map<string, Tree>;

/** Parses JSON the sandbox itself produced (well-formed by construction). */
export function parseTree(text: string): Tree {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const value = (): Tree => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out = new Map<string, Tree>();
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const k = string();
        ws();
        i++; // ':'
        out.set(k, value());
        ws();
        if (text[i++] === '}') return out;
      }
    }
    if (c === '[') {
      i++;
      const out: Tree[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i++] === ']') return out;
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const n = m.exec(text);
    if (!n) throw new Error(`bug: response is not JSON at ${i}`);
    i += n[0].length;
    return new RawNumber(n[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    let escaped = false;
    while (text[i] !== '"') {
      if (text[i] === '\\') {
        escaped = true;
        i++;
      }
      i++;
    }
    i++;
    const raw = text.slice(start, i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  return value();
}

/** Compact JSON, as the sandbox renders answers without `pretty`. */
export function toJson(t: Tree): string {
  if (t instanceof RawNumber) return t.text;
  if (t instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of t) parts.push(`${JSON.stringify(k)}:${toJson(v)}`);
    return `{${parts.join(',')}}`;
  }
  if (Array.isArray(t)) return `[${t.map(toJson).join(',')}]`;
  return JSON.stringify(t);
}

/**
 * Jackson's DefaultPrettyPrinter as Elasticsearch configures it for `pretty`: two-space indents
 * for objects and arrays alike, ` : ` between a name and its value, `{ }` and `[ ]` when empty,
 * and a line feed after the document.
 */
export function toPrettyJson(t: Tree): string {
  const out: string[] = [];
  const write = (v: Tree, indent: string): void => {
    if (v instanceof Map) {
      if (v.size === 0) return void out.push('{ }');
      const inner = `${indent}  `;
      out.push('{\n');
      let first = true;
      for (const [k, x] of v) {
        if (!first) out.push(',\n');
        first = false;
        out.push(`${inner}${JSON.stringify(k)} : `);
        write(x, inner);
      }
      out.push(`\n${indent}}`);
      return;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return void out.push('[ ]');
      const inner = `${indent}  `;
      out.push('[\n');
      v.forEach((x, n) => {
        if (n > 0) out.push(',\n');
        out.push(inner);
        write(x, inner);
      });
      out.push(`\n${indent}]`);
      return;
    }
    out.push(toJson(v));
  };
  write(t, '');
  out.push('\n');
  return out.join('');
}
