import type { TextSink } from '../io.js';
import { truncate, visible } from './table.js';

/** An `n/N` counter on one terminal line of stderr. */
export interface Progress {
  /** Shows `done/total label` in place of the previous count. */
  update(done: number, total: number, label?: string): void;
  /** Writes a line of its own: the counter is cleared first and drawn again after it. */
  around(write: () => void): void;
  /** Removes the counter (the end of the pass or listing). */
  clear(): void;
}

// Carriage return + "erase the whole line" (ECMA-48 EL 2): the counter is rewritten in place.
const ERASE_LINE = '\r\u001b[2K';
/** Room for the counter on the narrowest terminals people use. */
const MAX_LABEL = 60;

/**
 * The counter for a terminal's stderr, or one that prints nothing when stderr is not a terminal
 * (a log file or CI: a counter rewritten with \r is noise there, the per-step lines say enough).
 */
export function terminalProgress(terminal: TextSink | undefined): Progress {
  if (!terminal) return { update() {}, around: (write) => write(), clear() {} };
  let shown: string | undefined;
  const draw = () => {
    if (shown !== undefined) terminal.write(`${ERASE_LINE}${shown}`);
  };
  const clear = () => {
    if (shown !== undefined) terminal.write(ERASE_LINE);
  };
  return {
    update(done, total, label) {
      shown = `${done}/${total}${label ? ` ${truncate(visible(label), MAX_LABEL)}` : ''}`;
      draw();
    },
    around(write) {
      clear();
      write();
      draw();
    },
    clear() {
      clear();
      shown = undefined;
    },
  };
}
