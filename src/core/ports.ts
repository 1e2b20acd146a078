// The basic ports moved to ./ports/basics.ts (every port area is in ./ports/, see its index);
// this path stays so existing imports keep working.
export * from './ports/basics.js';
