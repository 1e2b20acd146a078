/** What a template change adds and removes. */
export * from './diff.js';
