import { Command } from 'commander';
import {
  jsonSchemaText,
  projectConfigJsonSchema,
  roleTemplateJsonSchema,
} from '../../core/templates/json-schema.js';
import type { CliContext } from '../context.js';
import type { IO } from '../io.js';

/** Options of `eskeys schema`. */
export interface SchemaOptions {
  readonly io: IO;
  /** Print the schema of eskeys.config.json instead of role templates. @defaultValue false */
  readonly config: boolean;
}

/** `eskeys schema [--config]`. */
export function schemaCommand(
  ctx: CliContext,
  run: (opts: SchemaOptions) => Promise<void> = runSchema,
): Command {
  return new Command('schema')
    .description('print the JSON Schema of role templates (or, with --config, of eskeys.config.json)')
    .option('--config', 'print the schema of eskeys.config.json', false)
    .addHelpText(
      'after',
      '\nThe shipped schema/role-template.schema.json and schema/eskeys-config.schema.json are this output.',
    )
    .action(async (flags: { config: boolean }) => {
      await run({ io: ctx.io, config: flags.config });
    });
}

/** Writes the schema to stdout. */
export async function runSchema(opts: SchemaOptions): Promise<void> {
  opts.io.stdout.write(jsonSchemaText(opts.config ? projectConfigJsonSchema() : roleTemplateJsonSchema()));
}
