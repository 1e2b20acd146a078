import { describe, expect, it } from 'vitest';
import { outputWidth } from '../../../src/cli/output.js';
import { colourEnabled } from '../../../src/cli/render/colour.js';
import { terminalProgress } from '../../../src/cli/render/progress.js';

describe('colour precedence (gh): --no-color > NO_COLOR > FORCE_COLOR > stdout is a terminal', () => {
  it.each([
    { name: 'a terminal gets colour', flag: false, env: {}, tty: true, want: true },
    { name: 'a pipe gets none', flag: false, env: {}, tty: false, want: false },
    { name: 'TERM=dumb gets none', flag: false, env: { TERM: 'dumb' }, tty: true, want: false },
    { name: '--no-color beats FORCE_COLOR', flag: true, env: { FORCE_COLOR: '1' }, tty: true, want: false },
    {
      name: 'NO_COLOR beats FORCE_COLOR',
      flag: false,
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
      tty: true,
      want: false,
    },
    { name: 'an empty NO_COLOR does not count', flag: false, env: { NO_COLOR: '' }, tty: true, want: true },
    { name: 'FORCE_COLOR colours a pipe', flag: false, env: { FORCE_COLOR: '1' }, tty: false, want: true },
    { name: 'FORCE_COLOR=0 forces nothing', flag: false, env: { FORCE_COLOR: '0' }, tty: false, want: false },
    {
      name: 'an empty FORCE_COLOR forces nothing',
      flag: false,
      env: { FORCE_COLOR: '' },
      tty: false,
      want: false,
    },
  ])('$name', ({ flag, env, tty, want }) => {
    expect(colourEnabled({ noColorFlag: flag, env, stdoutIsTTY: tty })).toBe(want);
  });
});

describe('output width: COLUMNS, else the terminal, else no limit; --wide lifts it', () => {
  it.each([
    { name: 'COLUMNS wins', env: { COLUMNS: '80' }, tty: 200, wide: false, want: 80 },
    { name: "the terminal's width", env: {}, tty: 132, wide: false, want: 132 },
    { name: 'a pipe is never cut', env: {}, tty: undefined, wide: false, want: undefined },
    {
      name: 'COLUMNS that is not a number is ignored',
      env: { COLUMNS: 'wide' },
      tty: undefined,
      wide: false,
      want: undefined,
    },
    { name: '--wide lifts every limit', env: { COLUMNS: '80' }, tty: 80, wide: true, want: undefined },
  ])('$name', ({ env, tty, wide, want }) => {
    expect(outputWidth(env, tty, wide)).toBe(want);
  });
});

describe('the n/N counter', () => {
  it('rewrites one line in place and erases it at the end', () => {
    let written = '';
    const progress = terminalProgress({
      write: (t) => {
        written += t;
      },
    });
    progress.update(1, 2, 'email-search@prod');
    progress.around(() => {
      written += '→ rotating\n';
    });
    progress.update(2, 2, 'app\u001b[2J@prod');
    progress.clear();
    // \r + ESC[2K (erase line) before each redraw; control characters in a label escaped.
    expect(written).toBe(
      '\r\u001b[2K1/2 email-search@prod' +
        '\r\u001b[2K→ rotating\n\r\u001b[2K1/2 email-search@prod' +
        '\r\u001b[2K2/2 app\\u001b[2J@prod' +
        '\r\u001b[2K',
    );
  });

  it('prints nothing without a terminal', () => {
    const progress = terminalProgress(undefined);
    let lines = '';
    progress.update(1, 2, 'x');
    progress.around(() => {
      lines += 'line\n';
    });
    progress.clear();
    expect(lines).toBe('line\n');
  });
});
