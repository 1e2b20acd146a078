// Every port of the core, one file per area, so a reader finds them in one folder:
// basics (clock, randomness, reporter, prompts) in ../ports.ts, the cluster in ../cluster-port.ts,
// the workspace (project), the rotation services and the prompt terminal here.

export * from '../cluster-port.js';
export * from '../ports.js';
export * from './rotation.js';
export * from './terminal.js';
export * from './workspace.js';
