/**
 * The synthetic SaaS demo dataset: a deterministic company (accounts, users, subscriptions,
 * orders, product events, support documents) generated from a seed and a scale factor, a
 * loader into any Engine, and a writer for the documents as markdown files.
 */
export { generateDemoData } from './generate.js';
export { loadDemoData, type LoadDemoOptions } from './load.js';
export { writeDemoDocuments } from './write-documents.js';
export { DEFAULT_DEMO_OPTIONS } from './options.js';
export type { DemoDataset, DemoDocument, DemoOptions, DemoTable, LoadProgress, LoadSummary } from './types.js';
