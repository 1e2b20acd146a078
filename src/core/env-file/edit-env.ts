import { ConfigError } from '../errors.js';

/**
 * Pure editing of dotenv files: update or append variables while keeping every other byte.
 *
 * Parsing reuses dotenv 17's own line grammar (lib/main.js `LINE`, with capture groups added)
 * on the same CR/CRLF-normalized text dotenv parses, and maps offsets back to the raw text.
 * Using dotenv's grammar rather than a stricter one of our own matters: the file's consumers read
 * it with dotenv, so "where is FOO and what is its value" must have dotenv's answer, including its
 * quirks (multi-line quoted values, `#` ending an unquoted value, `KEY: value`).
 *
 * Duplicates: every assignment of an updated variable is rewritten, not only the last one that
 * dotenv uses. A parser that takes the first occurrence would otherwise keep reading the old key,
 * which stops working once its grace ends, and the old secret would linger in the file.
 */

/** What `applyEnvUpdates` did: the new text and which variables were rewritten, appended or already current. */
export interface EnvUpdateResult {
  text: string;
  updated: string[];
  appended: string[];
  unchanged: string[];
}

/** An env-file line eskeys must change cannot be parsed safely; the message starts with `line N:` (exit 2). */
export class EnvFileSyntaxError extends ConfigError {
  /** 1-based line of the problem. */
  readonly line: number;
  /** The problem without the `line N:` prefix. */
  readonly problem: string;
  /** The env file, once the adapter that read it has named it (then the message starts with it). */
  readonly file: string | undefined;
  constructor(line: number, problem: string, options?: { cause?: unknown; file?: string }) {
    super(`${options?.file ? `${options.file}: ` : ''}line ${line}: ${problem}`, options);
    this.line = line;
    this.problem = problem;
    this.file = options?.file;
  }
  /** The same error with the file named in front of the message (the pure core never knows paths). */
  inFile(file: string): EnvFileSyntaxError {
    return new EnvFileSyntaxError(this.line, this.problem, { file, cause: this.cause });
  }
}

// dotenv 17 LINE regex, same alternatives in the same order, with named groups; `d` for offsets.
const ASSIGNMENT =
  /(?:^|^)\s*(?:export\s+)?(?<key>[\w.-]+)(?<sep>\s*=\s*?|:\s+?)(?<value>\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dgm;

const VALID_NAME = /^[\w.-]+$/;
/** Characters that mean the same thing unquoted to dotenv, shells and docker compose. */
const UNQUOTED_SAFE = /^[A-Za-z0-9_\-.,:/+=@%^~]*$/;
const WELL_FORMED_QUOTED: Record<Quote, RegExp> = {
  '': /^/,
  "'": /^'(?:\\'|[^'])*'$/,
  '"': /^"(?:\\"|[^"])*"$/,
  '`': /^`(?:\\`|[^`])*`$/,
};

type Quote = '' | "'" | '"' | '`';

/** One assignment as dotenv sees it, with the raw-text span of its value token (quotes included). */
interface Assignment {
  name: string;
  /** The value dotenv.parse would give. */
  value: string;
  /** Raw-text offsets of the value token, without surrounding whitespace; start === end for an empty value. */
  tokenStart: number;
  tokenEnd: number;
  quote: Quote;
  /** The token starts with a quote but dotenv fell back to reading it unquoted (unterminated, or text after the closing quote). */
  malformedQuote: boolean;
  /** 1-based lines of the token's first and last character. */
  line: number;
  endLine: number;
}

interface Normalized {
  norm: string;
  /** norm offset → raw offset (length norm.length + 1); undefined when identical. */
  toRaw: Int32Array | undefined;
}

/** dotenv parses `text.replace(/\r\n?/g, '\n')`; keep a map back to the raw offsets so edits touch raw bytes. */
function normalize(text: string): Normalized {
  if (!text.includes('\r')) return { norm: text, toRaw: undefined };
  const toRaw = new Int32Array(text.length + 1);
  let norm = '';
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\r') {
      toRaw[n++] = i;
      norm += '\n';
      if (text[i + 1] === '\n') i++;
    } else {
      toRaw[n++] = i;
      norm += ch;
    }
  }
  toRaw[n] = text.length;
  return { norm, toRaw: toRaw.subarray(0, n + 1) };
}

function lineAt(norm: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < norm.length; i++) if (norm.charCodeAt(i) === 10) line++;
  return line;
}

/** The value dotenv.parse gives for a raw value group (dotenv 17 lib/main.js `parse`, step by step). */
function dotenvValue(raw: string | undefined): string {
  let value = (raw || '').trim();
  const maybeQuote = value[0];
  value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
  if (maybeQuote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  return value;
}

/** Every assignment in file order, as dotenv.parse would find them. */
function parseAssignments(text: string): Assignment[] {
  const { norm, toRaw } = normalize(text);
  const raw = (offset: number): number => (toRaw ? toRaw[offset]! : offset);
  const out: Assignment[] = [];
  ASSIGNMENT.lastIndex = 0;
  for (let m = ASSIGNMENT.exec(norm); m !== null; m = ASSIGNMENT.exec(norm)) {
    // A zero-length match cannot happen (a key is required), so lastIndex always advances.
    const groups = m.groups!;
    const idx = m.indices!.groups!;
    const rawValue = groups.value;
    let start: number;
    let end: number;
    if (rawValue === undefined) {
      start = end = idx.sep![1];
    } else {
      const vStart = idx.value![0];
      const trimmed = rawValue.trim();
      if (trimmed === '') {
        start = end = vStart;
      } else {
        start = vStart + (rawValue.length - rawValue.trimStart().length);
        end = start + trimmed.length;
      }
    }
    const token = norm.slice(start, end);
    const first = token[0];
    const quote: Quote = first === "'" || first === '"' || first === '`' ? first : '';
    out.push({
      name: groups.key!,
      value: dotenvValue(rawValue),
      tokenStart: raw(start),
      tokenEnd: raw(end),
      quote,
      malformedQuote: quote !== '' && !WELL_FORMED_QUOTED[quote].test(token),
      line: lineAt(norm, start),
      endLine: lineAt(norm, Math.max(start, end - 1)),
    });
  }
  return out;
}

/** All variables as dotenv.parse returns them (last occurrence wins). */
export function parseEnv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const a of parseAssignments(text)) vars.set(a.name, a.value);
  return vars;
}

/** The value dotenv would give `name` in `text` (last occurrence wins), or undefined when it is not assigned. */
export function readEnvVar(text: string, name: string): string | undefined {
  return parseEnv(text).get(name);
}

function representable(value: string, quote: Quote): boolean {
  switch (quote) {
    case '':
      return UNQUOTED_SAFE.test(value);
    // dotenv turns only \n and \r into escapes inside double quotes and never unescapes \" or \\,
    // so a value holding either cannot round-trip there; real newlines are written as \n.
    case '"':
      return !/["\\]/.test(value);
    case "'":
      return !/['\r\n]/.test(value);
    case '`':
      return !/[`\r\n]/.test(value);
  }
}

function encode(name: string, value: string, preferred: Quote): string {
  // Keep the line's quoting; leave unquoted only when needed, and prefer double quotes then.
  const quote = [preferred, '"' as const, "'" as const].find((q) => representable(value, q));
  if (quote === undefined) {
    // Never echo the value: it is usually a secret.
    throw new ConfigError(
      `the new value of ${name} (${value.length} chars) cannot be written to an env file: it holds both quote kinds or a backslash with a newline`,
    );
  }
  if (quote === '"') return '"' + value.replace(/\n/g, '\\n').replace(/\r/g, '\\r') + '"';
  return quote + value + quote;
}

function detectEol(text: string): string {
  return /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
}

/**
 * Sets each variable of `updates` in a dotenv file's text. Existing assignments are rewritten in
 * place (every occurrence, see the module comment), keeping their `export ` prefix, quoting,
 * whitespace and trailing comment; missing ones are appended in the file's line-ending style.
 * Every other byte is kept. Throws EnvFileSyntaxError when an assignment to rewrite is not safely
 * parseable, and ConfigError for an invalid name or an unwritable value.
 */
export function applyEnvUpdates(text: string, updates: Readonly<Record<string, string>>): EnvUpdateResult {
  const names = Object.keys(updates);
  for (const name of names) {
    if (!VALID_NAME.test(name)) throw new ConfigError(`invalid env variable name ${JSON.stringify(name)}`);
  }
  const assignments = parseAssignments(text);
  const edits: { start: number; end: number; text: string }[] = [];
  const updated: string[] = [];
  const appended: string[] = [];
  const unchanged: string[] = [];

  for (const name of names) {
    const value = updates[name]!;
    const mine = assignments.filter((a) => a.name === name);
    if (mine.length === 0) {
      appended.push(name);
      continue;
    }
    let changed = false;
    for (const a of mine) {
      if (a.value === value) continue;
      if (a.malformedQuote) {
        throw new EnvFileSyntaxError(
          a.line,
          `the value of ${name} opens a ${quoteName(a.quote)} quote that is not closed on this line, or has text after its closing quote; fix the quoting`,
        );
      }
      if (a.endLine !== a.line) {
        // A quote dotenv closes only on a later line: often a forgotten closing quote that swallowed
        // the following variables. Replacing the span would delete them, so refuse.
        throw new EnvFileSyntaxError(
          a.line,
          `the quoted value of ${name} runs on to line ${a.endLine}; eskeys only replaces single-line values, so close the quote on line ${a.line}`,
        );
      }
      edits.push({ start: a.tokenStart, end: a.tokenEnd, text: encode(name, value, a.quote) });
      changed = true;
    }
    (changed ? updated : unchanged).push(name);
  }

  let out = text;
  for (const e of edits.sort((x, y) => y.start - x.start)) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  if (appended.length > 0) {
    const eol = detectEol(text);
    const empty = out === '' || out === '\uFEFF';
    if (!empty && !/[\r\n]$/.test(out)) out += eol;
    for (const name of appended) out += `${name}=${encode(name, updates[name]!, '')}${eol}`;
  }

  assertReadsBack(text, out, updates);
  return { text: out, updated, appended, unchanged };
}

/**
 * Removes every assignment of `names` from a dotenv file's text: the whole lines they occupy
 * (from the line of the name to the line where the value ends, with their line endings). Every
 * other byte is kept; the result must read back with exactly those variables gone.
 */
export function removeEnvVars(text: string, names: readonly string[]): string {
  const drop = new Set<number>();
  for (const a of parseAssignments(text)) {
    if (!names.includes(a.name)) continue;
    for (let l = a.line; l <= a.endLine; l++) drop.add(l);
  }
  if (drop.size === 0) return text;
  // Lines with their own line endings, so the survivors keep theirs byte for byte.
  const lines = text
    .match(/[^\r\n]*(?:\r\n|\n|\r|$)/g)!
    .filter((l, i, all) => l !== '' || i < all.length - 1);
  const out = lines.filter((_, i) => !drop.has(i + 1)).join('');
  const was = parseEnv(text);
  const now = parseEnv(out);
  const wrong = [...was].filter(([n, v]) => (names.includes(n) ? now.has(n) : now.get(n) !== v));
  if (wrong.length > 0 || [...now.keys()].some((n) => !was.has(n))) {
    throw new EnvFileSyntaxError(
      drop.values().next().value ?? 1,
      `removing ${names.join(', ')} would change how other variables read back; check the quoting near this line`,
    );
  }
  return out;
}

function quoteName(q: Quote): string {
  return q === '"' ? 'double' : q === "'" ? 'single' : 'backtick';
}

/**
 * The edit is only kept when dotenv reads the result exactly as intended: every updated variable
 * has its new value and every other variable is untouched. This catches what the per-line checks
 * cannot, e.g. an appended quote closing an unterminated quote earlier in the file.
 */
function assertReadsBack(before: string, after: string, updates: Readonly<Record<string, string>>): void {
  const was = parseEnv(before);
  const now = parseEnv(after);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(updates)) if (now.get(name) !== value) problems.push(name);
  for (const [name, value] of was) if (!(name in updates) && now.get(name) !== value) problems.push(name);
  for (const name of now.keys()) if (!was.has(name) && !(name in updates)) problems.push(name);
  if (problems.length === 0) return;
  const lines = parseAssignments(before).filter((a) => problems.includes(a.name) || a.malformedQuote);
  const line = lines[0]?.line ?? lineCount(before);
  throw new EnvFileSyntaxError(
    line,
    `updating would change how ${[...new Set(problems)].join(', ')} read back; check the quoting near this line`,
  );
}

function lineCount(text: string): number {
  return Math.max(1, text.split(/\r\n|\n|\r/).length);
}

/** Mask for a secret value in human output: its length only, never a prefix or suffix. */
export function maskValue(value: string): string {
  return `****…(${value.length} chars)`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (/[\r\n]$/.test(text)) lines.pop();
  return lines;
}

/** Display form of each line of `text`: values of secret variables masked, everything else as is. */
function maskedLines(text: string, secretVars: readonly string[], knownSecrets: readonly string[]): string[] {
  const lines = splitLines(text);
  const display = lines.slice();
  // Offsets below are in raw text; recompute each line's raw start to cut it.
  const rawStarts: number[] = [];
  {
    let pos = 0;
    for (const l of lines) {
      rawStarts.push(pos);
      pos += l.length;
      if (text.startsWith('\r\n', pos)) pos += 2;
      else if (pos < text.length) pos += 1;
    }
  }
  for (const a of parseAssignments(text)) {
    if (!secretVars.includes(a.name) || a.tokenStart === a.tokenEnd) continue;
    const first = a.line - 1;
    const last = a.endLine - 1;
    const head = lines[first]!.slice(0, a.tokenStart - rawStarts[first]!);
    const tail = lines[last]!.slice(a.tokenEnd - rawStarts[last]!);
    display[first] = head + maskValue(a.value) + (first === last ? tail : '');
    for (let i = first + 1; i <= last; i++) display[i] = i === last ? '…' + tail : '…';
  }
  const commented = new RegExp(
    `^(\\s*#\\s*(?:export\\s+)?(?:${secretVars.map(escapeRegExp).join('|') || '(?!)'})\\s*[=:]\\s*)(\\S.*)$`,
  );
  for (let i = 0; i < display.length; i++) {
    const line = display[i]!;
    const m = commented.exec(line);
    let shown = m ? m[1] + maskValue(m[2]!) : line;
    // Defence in depth: a secret pasted anywhere else (a comment, another variable) is masked too.
    for (const s of knownSecrets) if (s.length >= 8) shown = shown.split(s).join('****');
    display[i] = shown;
  }
  return display;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A unified-style diff (hunks of changed lines, no context) from `before` to `after`, with the values
 * of `secretVars` masked on both sides; other values are shown. Empty when nothing changed.
 */
export function maskedEnvDiff(before: string, after: string, secretVars: readonly string[]): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const known = [...new Set([before, after].flatMap((t) => secretVars.map((v) => readEnvVar(t, v) ?? '')))];
  const da = maskedLines(before, secretVars, known);
  const db = maskedLines(after, secretVars, known);

  const ops = diffLines(a, b);
  const out: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === '=') {
      i++;
      continue;
    }
    const hunk: DiffOp[] = [];
    while (i < ops.length && ops[i]!.kind !== '=') hunk.push(ops[i++]!);
    const dels = hunk.filter((o) => o.kind === '-');
    const adds = hunk.filter((o) => o.kind === '+');
    // Unified diff numbering: 1-based first line, or for an empty side the line it follows.
    const aStart = dels.length > 0 ? dels[0]!.a + 1 : hunk[0]!.a;
    const bStart = adds.length > 0 ? adds[0]!.b + 1 : hunk[0]!.b;
    out.push(`@@ -${range(aStart, dels.length)} +${range(bStart, adds.length)} @@`);
    for (const d of dels) out.push('-' + da[d.a]);
    for (const d of adds) out.push('+' + db[d.b]);
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

interface DiffOp {
  kind: '=' | '-' | '+';
  /** Index into the old lines (for '-' and '='), else the old position the op sits before. */
  a: number;
  /** Index into the new lines (for '+' and '='), else the new position the op sits before. */
  b: number;
}

/** Line diff by longest common subsequence, after trimming the common head and tail (env files are small). */
function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  const ops: DiffOp[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: '=', a: k, b: k });
  if (n * m > 4_000_000) {
    for (let k = 0; k < n; k++) ops.push({ kind: '-', a: head + k, b: head });
    for (let k = 0; k < m; k++) ops.push({ kind: '+', a: head + n, b: head + k });
  } else {
    // lcs[i][j] = LCS length of a[head+i..] and b[head+j..]
    const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i]![j] =
          a[head + i] === b[head + j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] === b[head + j]) {
        ops.push({ kind: '=', a: head + i++, b: head + j++ });
      } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
        ops.push({ kind: '+', a: head + i, b: head + j++ });
      } else {
        ops.push({ kind: '-', a: head + i++, b: head + j });
      }
    }
  }
  for (let k = 0; k < tail; k++) ops.push({ kind: '=', a: a.length - tail + k, b: b.length - tail + k });
  return ops;
}
