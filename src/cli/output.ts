import { type Command, Option } from 'commander';
import type { CliContext } from './context.js';
import { colourEnabled, type Palette, palette } from './render/colour.js';

/** How human output is dressed for where it goes: colours and the width to fit. */
export interface TerminalOutput {
  readonly palette: Palette;
  /** Columns to fit tables in; undefined = no limit. */
  readonly width?: number;
}

/**
 * The width tables fit: `COLUMNS` (a positive whole number) when set, else the terminal's width
 * when stdout is a terminal, else none: piped output is never cut, scripts parse it whole.
 * `--wide` lifts the limit.
 */
export function outputWidth(
  env: Readonly<Record<string, string | undefined>>,
  stdoutColumns: number | undefined,
  wide = false,
): number | undefined {
  if (wide) return undefined;
  const columns = env.COLUMNS?.trim();
  if (columns && /^\d+$/.test(columns) && Number(columns) > 0) return Number(columns);
  return stdoutColumns && stdoutColumns > 0 ? stdoutColumns : undefined;
}

/**
 * Colours and width for a command's human output. `--no-color` is the program's global option
 * (commander's negatable `color`), read through optsWithGlobals so it works before or after the verb.
 */
export function terminalOutput(ctx: CliContext, cmd: Command, opts: { wide?: boolean } = {}): TerminalOutput {
  const noColorFlag = cmd.optsWithGlobals<{ color?: boolean }>().color === false;
  const enabled = colourEnabled({ noColorFlag, env: ctx.env, stdoutIsTTY: ctx.io.isStdoutTTY });
  const width = outputWidth(ctx.env, ctx.io.stdoutColumns, opts.wide);
  return { palette: palette(enabled), ...(width !== undefined ? { width } : {}) };
}

/** `--wide`: tables show every column in full, however wide the terminal. */
export function wideOption(): Option {
  return new Option('--wide', 'show every column in full instead of fitting the terminal width');
}
