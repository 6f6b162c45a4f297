/** Lineage: OpenLineage model, the Run helper, transports, validation, receiver and catalog storage. */
export * from './model.js';
export * from './facets.js';
export { datasetName, datasetNamespace, datasetRef, locationForTarget, type DatasetLocation } from './naming.js';
export { LineageValidator, lineageValidator, type LineageProblem, type ValidationResult } from './validate.js';
export {
  CompositeTransport, ConsoleTransport, FileTransport, NoopTransport, QueuedTransport, stderrLogger,
  type LineageLogger, type Transport, type TransportStats,
} from './transport.js';
export { HttpTransport, type HttpTransportOptions } from './http-transport.js';
export { CatalogTransport } from './catalog-transport.js';
export { lineageConfigFromEnv, transportFromEnv, type LineageEnvConfig } from './config.js';
export {
  eventKey, getRun, lineageMigrations, listEvents, migrateLineage, storeEvents,
  type LineageRunRecord, type StoredEvent, type StoreResult,
} from './catalog-store.js';
export { createLineage, Lineage, RunHandle, type FinishOptions, type LineageOptions, type StartRunOptions } from './run.js';
export { checkEvent, createLineageServerModule, lineageServerModule, type LineageReceiverOptions, type ReceiverMode } from './receiver.js';
