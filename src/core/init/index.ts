/** `eskeys init`: answers about an application → a lint-clean role template and project config. */
export * from './build-template.js';
export * from './capabilities.js';
export * from './project-config.js';
