/** The permission matrix: probe operations × templates. */
export * from './matrix.js';
