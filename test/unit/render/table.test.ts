import { describe, expect, it } from 'vitest';
import { renderMarkdownTable, renderTable, visible, visibleLines } from '../../../src/cli/render/table.js';

// A key name chosen by whoever created the key: clear-screen escape, a forged row, C1 CSI, DEL.
const hostile = 'app\u001b[2J\nFORGED  row\u009b31m\u007f';

describe('tables never pass control characters through', () => {
  it('visible() escapes C0/C1 controls, DEL and U+2028/2029, and is idempotent', () => {
    expect(visible(hostile)).toBe('app\\u001b[2J\\u000aFORGED  row\\u009b31m\\u007f');
    expect(visible(visible(hostile))).toBe(visible(hostile));
    expect(visible('plain é ✓ text')).toBe('plain é ✓ text');
  });

  it('visibleLines() keeps line breaks and escapes every other control character', () => {
    expect(visibleLines('eskeys: template x\u001b[2J\t not found\nnext line\u0007\n')).toBe(
      'eskeys: template x\\u001b[2J\\u0009 not found\nnext line\\u0007\n',
    );
  });

  it('renderTable: one line per row, aligned on the escaped text', () => {
    const out = renderTable(
      ['NAME', 'STATE'],
      [
        [hostile, 'active'],
        ['b', 'superseded'],
      ],
    );
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(lines[2]!.indexOf('active')).toBe(lines[3]!.indexOf('superseded'));
  });

  it('renderMarkdownTable: escaped cells, pipes still escaped', () => {
    const out = renderMarkdownTable(['name'], [[`${hostile}|x`]]);
    expect(out.trimEnd().split('\n')).toHaveLength(3);
    expect(out).toContain('app\\u001b[2J\\u000aFORGED  row\\u009b31m\\u007f\\|x');
  });
});
