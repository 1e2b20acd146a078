import { describe, expect, it } from 'vitest';
import { eskeys, REPO, repoFile } from './templates-cli.js';

describe('eskeys schema (built CLI)', () => {
  it.each([
    [['schema'], 'schema/role-template.schema.json'],
    [['schema', '--config'], 'schema/eskeys-config.schema.json'],
  ])('%j prints the committed %s', async (args, file) => {
    const r = await eskeys(args, REPO);
    expect(r).toEqual({ code: 0, stdout: repoFile(file), stderr: '' });
  });
});
