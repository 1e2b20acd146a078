import { describe, expect, it } from 'vitest';
import { palette } from '../../../src/cli/render/colour.js';
import { fitColumns, renderTable, truncate, wrapWords } from '../../../src/cli/render/table.js';

describe('fitColumns: columns give way by priority until the table fits', () => {
  // Natural widths 10 + 30 + 8 + 20 and three gaps of 2 = 74 characters.
  const natural = [10, 30, 8, 20];
  it.each([
    { name: 'no width: natural widths', width: undefined, want: [10, 30, 8, 20] },
    { name: 'wide enough: untouched', width: 74, want: [10, 30, 8, 20] },
    { name: 'the lowest shrink priority gives way first', width: 60, want: [10, 16, 8, 20] },
    { name: 'then the next one, each down to its minimum', width: 40, want: [10, 6, 8, 10] },
  ])('$name', ({ width, want }) => {
    expect(
      fitColumns(natural, [undefined, { shrink: 0, min: 6 }, undefined, { shrink: 1, min: 6 }], width),
    ).toEqual(want);
  });

  it('leaves a droppable column out when shrinking every other one is not enough, and keeps the rest whole', () => {
    // Without column 2 (drop): 10 + 6 + 20 + 2 gaps of 2 = 40.
    expect(fitColumns(natural, [undefined, { shrink: 0, min: 6 }, { drop: 0 }, undefined], 40)).toEqual([
      10, 6, 0, 20,
    ]);
  });

  it('never shrinks below the header unless told: the minimum defaults to the header length (at least 4)', () => {
    expect(fitColumns([3, 40], [undefined, { shrink: 0 }], 10, ['ID', 'DESCRIPTION'])).toEqual([3, 11]);
  });
});

describe('truncate and wrapWords', () => {
  it('marks a cut cell with an ellipsis and leaves short text alone', () => {
    expect(truncate('email-search-prod-g3', 10)).toBe('email-sea…');
    expect(truncate('short', 10)).toBe('short');
  });

  it('wraps at spaces with a hanging indent; a word longer than a line stands whole on its own', () => {
    expect(wrapWords('the admin identity lacks manage_api_key on this cluster', 20, '  ')).toEqual([
      'the admin identity',
      '  lacks',
      '  manage_api_key on',
      '  this cluster',
    ]);
    expect(wrapWords('a https://very.long.example/path/without/spaces', 16, '  ')).toEqual([
      'a',
      '  https://very.long.example/path/without/spaces',
    ]);
    expect(wrapWords('no width, one line', undefined)).toEqual(['no width, one line']);
  });
});

describe('renderTable with a width', () => {
  const header = ['ID', 'NAME', 'STATE'];
  const rows = [['…XWxG', 'a-very-long-key-name-from-someone-else', 'active']];

  it('keeps every line within the width, the id and status whole, the name cut with …', () => {
    const out = renderTable(header, rows, { width: 24, fit: [undefined, { shrink: 0 }, undefined] });
    for (const line of out.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(24);
    expect(out).toContain('…XWxG  a-very-l…  active');
  });

  it('pads on the text, not the escape codes, when coloured', () => {
    const out = renderTable(header, rows, {
      width: 24,
      fit: [undefined, { shrink: 0 }, undefined],
      palette: palette(true),
      paintCell: (text, column, p) => (column === 2 && text === 'active' ? p.good : (s) => s),
    });
    // SGR 32 (green) ... 39 (default colour) around the status; header bold (1 ... 22).
    expect(out).toContain('…XWxG  a-very-l…  \u001b[32mactive\u001b[39m');
    expect(out.split('\n')[0]).toBe(
      '\u001b[1mID\u001b[22m     \u001b[1mNAME\u001b[22m       \u001b[1mSTATE\u001b[22m',
    );
    const plain = out.replace(/\u001b\[\d+m/g, '');
    expect(plain).toBe(renderTable(header, rows, { width: 24, fit: [undefined, { shrink: 0 }, undefined] }));
  });
});
