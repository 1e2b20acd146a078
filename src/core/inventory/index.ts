/** `eskeys inventory`: every API key in the cluster with review findings. */
export * from './descriptors.js';
export * from './findings.js';
export * from './inventory.js';
export * from './severity.js';
