/**
 * A small JSON parser that remembers where every value starts, so validation problems can
 * point at a line and column, and that reports syntax errors the same way on every Node
 * version ("line 3, column 7: expected ',' or '}' after a property"). It also notices
 * duplicate object keys, which JSON.parse silently resolves to the last one, and keys that
 * name JavaScript's prototype machinery (`__proto__`, `constructor`, `prototype`): no template
 * or config field is called that, and a value under such a key can reach an object's
 * prototype in code that copies or merges records (prototype pollution), so the loader
 * refuses them instead of letting a schema drop them silently. Nesting is capped at
 * MAX_JSON_DEPTH so a hostile file is a clear error, not a stack overflow.
 */

/**
 * The deepest nesting of objects and arrays accepted. The deepest real template is about a
 * dozen levels (a DLS query inside a role descriptor); 100 leaves room for any hand-written
 * query and stays far below what the recursive parser and the schema can walk.
 */
export const MAX_JSON_DEPTH = 100;

/** Object keys refused anywhere in a document (see above). */
export const FORBIDDEN_JSON_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A position in the text, both 1-based. */
export interface TextLocation {
  readonly line: number;
  readonly column: number;
}

/** The parsed value and where each JSON pointer starts. */
export interface ParsedJson {
  readonly value: unknown;
  /** JSON pointer (`/a/0/b`, root = ``) → start of its value. */
  readonly locations: ReadonlyMap<string, TextLocation>;
  /** Keys that appear twice in one object (pointer of the duplicate). */
  readonly duplicateKeys: readonly string[];
  /** Pointers of keys in FORBIDDEN_JSON_KEYS, in document order. */
  readonly forbiddenKeys: readonly string[];
}

/** Malformed JSON, with the location of the first error. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly location: TextLocation,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a JSON pointer from path segments. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((p) => '/' + escapePointerToken(p)).join('');
}

/** Parses JSON text; throws JsonSyntaxError naming line and column. */
export function parseJsonText(text: string): ParsedJson {
  return new Parser(text).parseDocument();
}

class Parser {
  private pos = 0;
  private readonly locations = new Map<string, TextLocation>();
  private readonly duplicates: string[] = [];
  private readonly forbidden: string[] = [];
  private depth = 0;
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
    // A UTF-8 byte-order mark is not part of the document.
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parseDocument(): ParsedJson {
    this.skipWhitespace();
    if (this.pos >= this.text.length) this.fail('the file is empty; expected a JSON object');
    const value = this.parseValue('');
    this.skipWhitespace();
    if (this.pos < this.text.length)
      this.fail(`unexpected ${this.describeHere()} after the end of the document`);
    return {
      value,
      locations: this.locations,
      duplicateKeys: this.duplicates,
      forbiddenKeys: this.forbidden,
    };
  }

  private locate(offset: number): TextLocation {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  private fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, this.locate(at));
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'end of file';
    const c = this.text[this.pos]!;
    return c === '\n' ? 'line break' : `character "${c}"`;
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '/' && (this.text[this.pos + 1] === '/' || this.text[this.pos + 1] === '*')) {
        this.fail('comments are not allowed in JSON');
      } else break;
    }
  }

  private parseValue(pointer: string): unknown {
    this.locations.set(pointer, this.locate(this.pos));
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (this.depth >= MAX_JSON_DEPTH)
        this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`);
      this.depth++;
      const value = c === '{' ? this.parseObject(pointer) : this.parseArray(pointer);
      this.depth--;
      return value;
    }
    if (c === '"') return this.parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    if (c === "'") this.fail('strings must use double quotes');
    this.fail(`unexpected ${this.describeHere()}; expected a value`);
  }

  private parseObject(pointer: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') {
        if (this.text[this.pos] === '}') this.fail('trailing comma before "}"');
        this.fail(`unexpected ${this.describeHere()}; expected a property name in double quotes`);
      }
      const key = this.parseString();
      const child = pointer + '/' + escapePointerToken(key);
      if (Object.hasOwn(out, key)) this.duplicates.push(child);
      if (FORBIDDEN_JSON_KEYS.has(key)) this.forbidden.push(child);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':')
        this.fail(`unexpected ${this.describeHere()}; expected ':' after "${key}"`);
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue(child);
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return out;
      }
      this.fail(`unexpected ${this.describeHere()}; expected ',' or '}' after a property`);
    }
  }

  private parseArray(pointer: string): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] === ']') this.fail('trailing comma before "]"');
      out.push(this.parseValue(`${pointer}/${out.length}`));
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return out;
      }
      this.fail(`unexpected ${this.describeHere()}; expected ',' or ']' in an array`);
    }
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string', start);
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\n' || c < ' ') this.fail('unterminated string or raw control character in a string');
      if (c === '\\') {
        const e = this.text[this.pos + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(Number.parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
        } else {
          this.fail('invalid escape sequence in a string');
        }
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private parseNumber(): number {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail('invalid number');
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

/** Reverses escapePointerToken. */
export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
