/**
 * Strata as a library: the same capabilities the CLI uses.
 *
 *   import { loadProject, createEngine } from 'strata';
 *   const project = loadProject('.');
 *   const engine = await createEngine(project.target);
 */
export * from './core/index.js';
export * from './engines/index.js';
export * from './state/index.js';
export * from './server/index.js';
export * from './demo/index.js';
export { main as runCli } from './cli/main.js';
