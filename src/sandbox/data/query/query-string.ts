/**
 * `query_string` in its common forms, parsed as Lucene's classic QueryParser does: terms,
 * `field:value`, quoted phrases, `*`/`?` wildcards, `field:*`, parentheses, `AND`/`OR`/`NOT`,
 * `&&`/`||`/`!` and `+`/`-`. Ranges, fuzziness, boosts, regular expressions and proximity are
 * refused loudly.
 */
import { EsError } from '../../errors.js';
import { notEmulated } from '../../http/not-emulated.js';
import type { IndexRecord } from '../../state.js';
import { anyField, matchTest, type Predicate } from './compile.js';
import { fieldInfo, rawValues, tokens } from './fields.js';

type Occur = 'must' | 'should' | 'must_not';
interface Clause {
  occur: Occur;
  test: Predicate;
}

interface Env {
  idx: IndexRecord;
  now: number;
  defaultFields: string[];
  andByDefault: boolean;
  /** Values a field's type cannot read match nothing instead of failing (`lenient`, or `*` fields). */
  lenient: boolean;
}

const OPTIONS = [
  'query',
  'default_field',
  'fields',
  'default_operator',
  'analyze_wildcard',
  'lenient',
  'allow_leading_wildcard',
  'boost',
  '_name',
];

function failed(query: string, why: string): EsError {
  return new EsError(400, 'query_shard_exception', `Failed to parse query [${query}]`, {
    causedBy: { type: 'parse_exception', reason: `Cannot parse '${query}': ${why}` },
  });
}

/** Splits the query text into Lucene's tokens (words keep their escapes resolved). */
function lex(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === '+' || ch === '-' || ch === '!') {
      out.push(ch);
      i++;
    } else if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      out.push(text.slice(i, i + 2));
      i += 2;
    } else {
      let word = '';
      while (i < text.length && !/[\s()]/.test(text[i]!)) {
        if (text[i] === '\\' && i + 1 < text.length) {
          word += `\\${text[i + 1]}`;
          i += 2;
        } else if (text[i] === '"') {
          const end = text.indexOf('"', i + 1);
          if (end < 0) throw failed(text, 'unterminated phrase');
          word += text.slice(i, end + 1);
          i = end + 1;
        } else word += text[i++];
      }
      out.push(word);
    }
  }
  return out;
}

const unescapeLucene = (s: string) => s.replace(/\\(.)/g, '$1');

function phraseTest(env: Env, field: string, phrase: string): Predicate {
  const { kind } = fieldInfo(env.idx, field);
  if (kind !== 'text') return (hit) => rawValues(hit, field).some((v) => String(v) === phrase);
  const want = tokens(phrase);
  return (hit) =>
    rawValues(hit, field).some((v) => {
      const have = tokens(String(v));
      for (let s = 0; s + want.length <= have.length; s++)
        if (want.every((w, j) => have[s + j] === w)) return true;
      return false;
    });
}

function termClause(env: Env, query: string, word: string): Predicate {
  // field:value, unless the colon is escaped.
  const colon = word.search(/(?<!\\):/);
  const field = colon > 0 ? unescapeLucene(word.slice(0, colon)) : undefined;
  const value = colon > 0 ? word.slice(colon + 1) : word;
  if (value === '') throw failed(query, 'a field name needs a value');
  if (/^[[{<>]/.test(value) || /(?<!\\)[~^]/.test(value) || /^\/.*\/$/.test(value)) {
    throw notEmulated('query.query_string ranges, fuzziness, boosts and regular expressions');
  }
  const fields = field ? [field] : env.defaultFields;
  if (value === '*') {
    if (field === '*' || !field) return () => true;
    return anyField(fields, (f) => (hit) => rawValues(hit, f).length > 0);
  }
  if (value.startsWith('"')) {
    const phrase = unescapeLucene(value.slice(1, -1));
    return anyField(fields, (f) => phraseTest(env, f, phrase));
  }
  if (/(?<!\\)[*?]/.test(value)) {
    const re = new RegExp(
      `^${value
        .split(/(\\.|\*|\?)/)
        .map((p) =>
          p === '*' ? '.*' : p === '?' ? '.' : unescapeLucene(p).replace(/[\\^$.+?()[\]{}|/-]/g, '\\$&'),
        )
        .join('')}$`,
      's',
    );
    return anyField(fields, (f) => {
      const text = fieldInfo(env.idx, f).kind === 'text';
      // Wildcard terms are not analysed; on text fields they match single tokens.
      return (hit) =>
        rawValues(hit, f).some((v) => (text ? tokens(String(v)) : [String(v)]).some((t) => re.test(t)));
    });
  }
  return anyField(fields, (f) =>
    matchTest(
      env.idx,
      f,
      unescapeLucene(value),
      env.andByDefault ? 'and' : 'or',
      undefined,
      env.now,
      env.lenient || (field?.includes('*') ?? false),
    ),
  );
}

/** Parses `tokens[pos…]` up to `)` or the end into a boolean of clauses (QueryParser.addClause). */
function parseClauses(
  env: Env,
  query: string,
  toks: string[],
  pos: { i: number },
  nested: boolean,
): Predicate {
  const clauses: Clause[] = [];
  while (pos.i < toks.length) {
    let tok = toks[pos.i]!;
    if (tok === ')') {
      if (!nested) throw failed(query, "unexpected ')'");
      break;
    }
    let conj: 'and' | 'or' | undefined;
    if (tok === 'AND' || tok === '&&' || tok === 'OR' || tok === '||') {
      conj = tok === 'AND' || tok === '&&' ? 'and' : 'or';
      tok = toks[++pos.i] ?? '';
      if (clauses.length === 0 || tok === '' || tok === ')')
        throw failed(query, `misplaced ${conj.toUpperCase()}`);
    }
    let mod: 'req' | 'not' | undefined;
    if (tok === '+' || tok === '-' || tok === '!' || tok === 'NOT') {
      mod = tok === '+' ? 'req' : 'not';
      tok = toks[++pos.i] ?? '';
      if (tok === '' || tok === ')') throw failed(query, 'a modifier needs a clause');
    }
    let test: Predicate;
    if (tok === '(') {
      pos.i++;
      test = parseClauses(env, query, toks, pos, true);
      if (toks[pos.i] !== ')') throw failed(query, "missing ')'");
    } else if (/^[^\s"]*(?<!\\):$/.test(tok) && toks[pos.i + 1] === '(') {
      // field:(a b) applies the field to the group.
      pos.i += 2;
      const inner = { ...env, defaultFields: [unescapeLucene(tok.slice(0, -1))] };
      test = parseClauses(inner, query, toks, pos, true);
      if (toks[pos.i] !== ')') throw failed(query, "missing ')'");
    } else {
      test = termClause(env, query, tok);
    }
    pos.i++;
    const last = clauses[clauses.length - 1];
    if (last && conj === 'and' && last.occur !== 'must_not') last.occur = 'must';
    if (last && env.andByDefault && conj === 'or' && last.occur !== 'must_not') last.occur = 'should';
    const prohibited = mod === 'not';
    const required = env.andByDefault
      ? !prohibited && conj !== 'or'
      : mod === 'req' || (conj === 'and' && !prohibited);
    clauses.push({ occur: prohibited ? 'must_not' : required ? 'must' : 'should', test });
  }
  if (clauses.length === 0) return () => false;
  if (clauses.length === 1 && clauses[0]!.occur !== 'must_not') return clauses[0]!.test;
  const must = clauses.filter((c) => c.occur === 'must').map((c) => c.test);
  const should = clauses.filter((c) => c.occur === 'should').map((c) => c.test);
  const mustNot = clauses.filter((c) => c.occur === 'must_not').map((c) => c.test);
  // A purely negative query matches everything else (Queries.fixNegativeQueryIfNeeded).
  const needShould = must.length === 0 && should.length > 0;
  return (hit) =>
    must.every((p) => p(hit)) && !mustNot.some((p) => p(hit)) && (!needShould || should.some((p) => p(hit)));
}

/** Compiles a `query_string` query for one index. */
export function compileQueryString(spec: Record<string, unknown>, idx: IndexRecord, now: number): Predicate {
  for (const k of Object.keys(spec)) {
    if (!OPTIONS.includes(k))
      throw new EsError(400, 'parsing_exception', `[query_string] query does not support [${k}]`);
  }
  if (typeof spec.query !== 'string')
    throw new EsError(400, 'parsing_exception', '[query_string] must be provided with a [query]');
  const fields = Array.isArray(spec.fields)
    ? spec.fields.map(String)
    : typeof spec.default_field === 'string'
      ? [spec.default_field]
      : [String(idx.settings['index.query.default_field'] ?? '*')];
  const op = String(spec.default_operator ?? 'or').toLowerCase();
  if (op !== 'or' && op !== 'and')
    throw new EsError(400, 'illegal_argument_exception', `No enum constant for default_operator [${op}]`);
  const env: Env = {
    idx,
    now,
    defaultFields: fields,
    andByDefault: op === 'and',
    lenient: spec.lenient === true || fields.some((f) => f.includes('*')),
  };
  const query = spec.query;
  const pos = { i: 0 };
  const toks = lex(query);
  const test = parseClauses(env, query, toks, pos, false);
  if (pos.i < toks.length) throw failed(query, "unexpected ')'");
  return test;
}
