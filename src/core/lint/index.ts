/** Template lint: rules with severity, explanation and safer alternative. */
export * from './lint.js';
export * from './rule-ids.js';
export * from './rules.js';
