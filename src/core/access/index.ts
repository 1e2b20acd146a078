/** Offline access analysis of role templates (shared by lint, matrix and diff). */
export * from './analyze.js';
export * from './index-names.js';
export * from './known-actions.js';
export * from './probe-checks.js';
