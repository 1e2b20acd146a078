/**
 * Whether a text is an env file at all, before eskeys writes a key into it. A template (or a
 * typo) could point `outputs.env_files` at any file; appending `NAME=value` to a file that is not
 * an env file (a passwd file, a JSON config, a script) corrupts it. So a file is accepted only when
 * every line is blank, a comment, or `[export] NAME=value` — where a quoted value may run on over
 * following lines, as dotenv reads it (a PEM certificate in double quotes).
 */

const ASSIGNMENT = /^\s*(?:export\s+)?[\w.-]+\s*=(.*)$/;
const COMMENT_OR_BLANK = /^\s*(?:#.*)?$/;

/** Offset just past the closing `quote` in `s` from `from`, skipping backslash-escaped quotes; -1 when unclosed. */
function closingQuote(s: string, quote: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === quote) i++;
    else if (s[i] === quote) return i + 1;
  }
  return -1;
}

/** Why a text is not an env file: the 1-based line and what is wrong with it (never its content). */
export interface NonEnvLine {
  readonly line: number;
  readonly problem: string;
}

const NOT_AN_ASSIGNMENT = 'not blank, a comment or [export] NAME=value, so this is not an env file';

/** The first line that is not blank, a comment or an assignment; undefined when the text is an env file. */
export function firstNonEnvLine(text: string): NonEnvLine | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (COMMENT_OR_BLANK.test(line)) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) return { line: i + 1, problem: NOT_AN_ASSIGNMENT };
    const value = m[1]!.trimStart();
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') continue;
    if (closingQuote(value, quote, 1) !== -1) continue;
    // An open quote: the value continues until a line that closes it.
    let j = i + 1;
    while (j < lines.length && closingQuote(lines[j]!, quote, 0) === -1) j++;
    if (j === lines.length) {
      return { line: i + 1, problem: `a ${quote} quote opens a value that is never closed; close it` };
    }
    i = j;
  }
  return undefined;
}
