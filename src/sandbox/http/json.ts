import { parseError } from '../errors.js';

/** A 1-based source position, as Jackson reports token locations (`[line:col]` in ES messages). */
export interface Position {
  line: number;
  col: number;
}

/** Parsed JSON plus the token position of each object key (for ES's `[l:c] … unknown field [x]`). */
export interface PositionedJson {
  value: unknown;
  keyPosition(obj: object, key: string): Position;
  valuePosition(obj: object, key: string): Position;
  endPosition: Position;
}

const LITERALS: readonly [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
];

class Cursor {
  i = 0;
  line = 1;
  lineStart = 0;
  constructor(readonly s: string) {}
  pos(): Position {
    return { line: this.line, col: this.i - this.lineStart + 1 };
  }
  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 10) {
        this.i++;
        this.line++;
        this.lineStart = this.i;
      } else if (c === 32 || c === 9 || c === 13) this.i++;
      else break;
    }
  }
  fail(what: string): never {
    const p = this.pos();
    const ch = this.s[this.i];
    const found =
      ch === undefined
        ? 'Unexpected end-of-input'
        : `Unexpected character ('${ch}' (code ${ch.charCodeAt(0)}))`;
    throw parseError(`[${p.line}:${p.col}] ${found}: ${what}`);
  }
}

/**
 * Parses JSON recording key positions. Malformed input throws ES's 400 x_content_parse_exception
 * with a Jackson-like message (the exact Jackson wording is approximated).
 */
export function parseJsonWithPositions(text: string): PositionedJson {
  const keys = new WeakMap<object, Map<string, Position>>();
  const values = new WeakMap<object, Map<string, Position>>();
  const c = new Cursor(text);

  const parseValue = (): unknown => {
    c.ws();
    const ch = text[c.i];
    if (ch === '{') return parseObject();
    if (ch === '[') return parseArray();
    if (ch === '"') return parseString();
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, c.i)) {
        c.i += word.length;
        return value;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(c.i, c.i + 64));
    if (m) {
      c.i += m[0].length;
      return Number(m[0]);
    }
    return c.fail(
      "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    );
  };
  const parseString = (): string => {
    const start = c.i;
    c.i++;
    let escaped = false;
    while (c.i < text.length) {
      const ch = text[c.i];
      if (ch === '\\') {
        escaped = true;
        c.i += 2;
        continue;
      }
      if (ch === '"') break;
      c.i++;
    }
    if (c.i >= text.length) c.fail('was expecting closing quote for a string value');
    c.i++;
    const raw = text.slice(start, c.i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const parseObject = (): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    const kp = new Map<string, Position>();
    const vp = new Map<string, Position>();
    keys.set(obj, kp);
    values.set(obj, vp);
    c.i++;
    c.ws();
    if (text[c.i] === '}') {
      c.i++;
      return obj;
    }
    for (;;) {
      c.ws();
      if (text[c.i] !== '"') c.fail('was expecting double-quote to start field name');
      const p = c.pos();
      const key = parseString();
      c.ws();
      if (text[c.i] !== ':') c.fail('was expecting a colon to separate field name and value');
      c.i++;
      c.ws();
      vp.set(key, c.pos());
      const v = parseValue();
      kp.set(key, p);
      Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      c.ws();
      if (text[c.i] === ',') {
        c.i++;
        continue;
      }
      if (text[c.i] === '}') {
        c.i++;
        return obj;
      }
      c.fail('was expecting comma to separate Object entries');
    }
  };
  const parseArray = (): unknown[] => {
    const arr: unknown[] = [];
    c.i++;
    c.ws();
    if (text[c.i] === ']') {
      c.i++;
      return arr;
    }
    for (;;) {
      arr.push(parseValue());
      c.ws();
      if (text[c.i] === ',') {
        c.i++;
        continue;
      }
      if (text[c.i] === ']') {
        c.i++;
        return arr;
      }
      c.fail('was expecting comma to separate Array entries');
    }
  };

  const value = parseValue();
  c.ws();
  const endPosition = c.pos();
  const unknown: Position = { line: 1, col: 1 };
  return {
    value,
    keyPosition: (obj, key) => keys.get(obj)?.get(key) ?? unknown,
    valuePosition: (obj, key) => values.get(obj)?.get(key) ?? unknown,
    endPosition,
  };
}

/** Parses a JSON body quickly; on failure re-parses with positions to build ES's error. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    parseJsonWithPositions(text);
    throw parseError('[1:1] Unexpected character');
  }
}

/** `[l:c] ` prefix of an XContentParseException message. */
export function at(p: Position): string {
  return `[${p.line}:${p.col}]`;
}
