import { describe, expect, it } from 'vitest';
import { applyEnvUpdates, maskedEnvDiff } from '../../../src/core/env-file/edit-env.js';

const OLD = 'b2xkLWlkOm9sZC1zZWNyZXQtdmFsdWUtMDEyMzQ1Njc4OWFi'; // 48 chars
const NEW = 'bmV3LWlkOm5ldy1zZWNyZXQtdmFsdWUtOTg3NjU0MzIxMGZl'; // 48 chars
const SECRET_VARS = ['ELASTICSEARCH_API_KEY'];

describe('maskedEnvDiff', () => {
  it('shows a changed secret masked and a changed id in clear', () => {
    const before = `# app\nELASTICSEARCH_API_KEY=${OLD}\nELASTICSEARCH_API_KEY_ID=old-id\nPORT=80\n`;
    const after = applyEnvUpdates(before, {
      ELASTICSEARCH_API_KEY: NEW,
      ELASTICSEARCH_API_KEY_ID: 'new-id',
    }).text;
    expect(maskedEnvDiff(before, after, SECRET_VARS)).toBe(
      [
        '@@ -2,2 +2,2 @@',
        '-ELASTICSEARCH_API_KEY=****…(48 chars)',
        '-ELASTICSEARCH_API_KEY_ID=old-id',
        '+ELASTICSEARCH_API_KEY=****…(48 chars)',
        '+ELASTICSEARCH_API_KEY_ID=new-id',
        '',
      ].join('\n'),
    );
  });

  it('shows appended lines with an empty old side; the mask replaces the quotes too', () => {
    const diff = maskedEnvDiff('PORT=80\n', `PORT=80\nELASTICSEARCH_API_KEY="${NEW}" # key\n`, SECRET_VARS);
    expect(diff).toBe('@@ -1,0 +2 @@\n+ELASTICSEARCH_API_KEY=****…(48 chars) # key\n');
  });

  it('is empty when nothing changed', () => {
    expect(maskedEnvDiff('A=1\n', 'A=1\n', SECRET_VARS)).toBe('');
  });

  it('keeps the export prefix and trailing comment around the mask', () => {
    const diff = maskedEnvDiff(
      `export ELASTICSEARCH_API_KEY='${OLD}'  # rotated\r\n`,
      `export ELASTICSEARCH_API_KEY='${NEW}'  # rotated\r\n`,
      SECRET_VARS,
    );
    expect(diff).toBe(
      '@@ -1 +1 @@\n-export ELASTICSEARCH_API_KEY=****…(48 chars)  # rotated\n+export ELASTICSEARCH_API_KEY=****…(48 chars)  # rotated\n',
    );
  });

  it.each([
    ['in a comment', `# backup ${OLD}\n`],
    ['commented-out assignment', `# ELASTICSEARCH_API_KEY=${OLD}\n`],
    ['in another variable', `COPY=${OLD}\n`],
    ['multi-line value of a secret var', `ELASTICSEARCH_API_KEY="${OLD.slice(0, 20)}\n${OLD.slice(20)}"\n`],
  ])('never shows a secret value %s', (_name, extra) => {
    const before = `ELASTICSEARCH_API_KEY=${OLD}\n`;
    const after = `ELASTICSEARCH_API_KEY=${NEW}\n${extra}`;
    const diff = maskedEnvDiff(before, after, SECRET_VARS);
    expect(diff).not.toContain(OLD);
    expect(diff).not.toContain(NEW);
    expect(diff).not.toContain(OLD.slice(20));
    expect(diff).toMatch(/^\+/m);
  });
});
