/** `eskeys doctor`: preflight checks of the project, the connection, the admin identity and local state. */
export * from './check.js';
export * from './cluster-checks.js';
export * from './connection-checks.js';
export * from './delegation.js';
export * from './local-checks.js';
export * from './project-checks.js';
export * from './run-doctor.js';
