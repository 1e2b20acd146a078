import { describe, expect, it } from 'vitest';
import { runSchema, schemaCommand } from '../../../src/cli/commands/schema.js';
import { bufferIO, cliContext, repoFile } from './support.js';

describe('eskeys schema', () => {
  it.each([
    [[], 'schema/role-template.schema.json'],
    [['--config'], 'schema/eskeys-config.schema.json'],
  ])('%j prints %s', async (argv, file) => {
    const io = bufferIO();
    await schemaCommand(cliContext(io, '/p')).exitOverride().parseAsync(argv, { from: 'user' });
    expect(io.out()).toBe(repoFile(file));
  });

  it('runSchema writes only to stdout', async () => {
    const io = bufferIO();
    await runSchema({ io, config: false });
    expect(JSON.parse(io.out()).title).toBe('eskeys role template');
    expect(io.err()).toBe('');
  });
});
