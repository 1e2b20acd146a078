/**
 * Colour for terminal output, decided once per command. Plain SGR escape codes rather than
 * `util.styleText`: from Node 22 styleText checks process.stdout/NO_COLOR itself, which would
 * overrule the decision made here (and `--no-color`); five fixed codes need no dependency.
 */

/** What the colour decision depends on. */
export interface ColourInputs {
  /** `--no-color` was given. */
  readonly noColorFlag: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
}

/**
 * Whether stdout gets colour, in gh's precedence: `--no-color` > NO_COLOR (any non-empty value,
 * no-color.org) > FORCE_COLOR (non-empty and not "0") > stdout is a terminal whose TERM is not
 * "dumb". Colour never goes to a pipe or a file unless forced.
 */
export function colourEnabled({ noColorFlag, env, stdoutIsTTY }: ColourInputs): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stdoutIsTTY && env.TERM !== 'dumb';
}

/** The styles eskeys uses, by meaning (as gh: success green, failure red, warning yellow). */
export interface Palette {
  readonly enabled: boolean;
  /** ok, allowed, active, denied as expected. */
  good(text: string): string;
  /** failures, critical and high findings, unexpected grants. */
  bad(text: string): string;
  /** warnings, due dates, medium findings. */
  warn(text: string): string;
  /** table headers, section headings. */
  bold(text: string): string;
  /** rules under headers, skipped or informational cells. */
  dim(text: string): string;
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`;

/** A palette that writes escape codes. */
const COLOURED: Palette = {
  enabled: true,
  good: sgr(32, 39),
  bad: sgr(31, 39),
  warn: sgr(33, 39),
  bold: sgr(1, 22),
  dim: sgr(2, 22),
};

const same = (text: string): string => text;

/** A palette that leaves text alone: pipes, files, --json and every machine format. */
export const PLAIN: Palette = { enabled: false, good: same, bad: same, warn: same, bold: same, dim: same };

/** The palette for a decision. */
export function palette(enabled: boolean): Palette {
  return enabled ? COLOURED : PLAIN;
}
