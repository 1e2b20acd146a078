/** `eskeys learn`: least privilege from observed traffic. */
export * from './choose-privileges.js';
export * from './generalize-names.js';
export * from './generate-template.js';
export * from './ndjson-scanner.js';
export * from './observations.js';
export * from './recorder.js';
export * from './report.js';
