// Every port of the core, one file per area, so a reader finds them in one folder:
// basics (clock, randomness, reporter, prompts), the cluster (../cluster-port.ts, re-exported),
// the workspace (project), the rotation services and the prompt terminal here.

export * from '../cluster-port.js';
export * from './basics.js';
export * from './rotation.js';
export * from './terminal.js';
export * from './workspace.js';
