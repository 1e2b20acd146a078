/** The privilege model shared by lint/matrix/probes and the sandbox's enforcement. */
export * from './cluster-privileges.js';
export * from './index-pattern.js';
export * from './index-privileges.js';
export * from './privilege-majors.js';
export * from './privilege-names.js';
export * from './role.js';
