/** The least-privilege review: access sections, evidence, findings and the decision. */
export * from './access.js';
export * from './build-review.js';
export * from './evidence.js';
export * from './findings.js';
export * from './live-keys.js';
export * from './types.js';
