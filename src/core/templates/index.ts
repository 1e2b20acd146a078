/** Role templates and the project config: schema, loading, validation and JSON Schema. */

export * from './json-schema.js';
export * from './load-template.js';
export * from './problems.js';
export * from './schema.js';
export { didYouMean, editDistance, suggest } from './suggest.js';
