import { join } from 'node:path';
import type { KeyValueState } from './base-store.js';
import { PostgresStateStore } from './postgres-store.js';
import { SqliteStateStore } from './sqlite-store.js';
import type { StateStore } from './types.js';

export type { Migration, RunRecord, StateReader, StateRow, StateStore, StateValue, StateWriter } from './types.js';
export type { KeyValueState, StateTransaction } from './base-store.js';
export { coreMigrations } from './migrations.js';

export type StateStoreConfig =
  | {
      readonly type: 'sqlite';
      readonly path: string;
      /** 'normal' (default) survives process crashes; 'full' also survives power loss. */
      readonly synchronous?: 'normal' | 'full';
      readonly busyTimeoutMs?: number;
    }
  | {
      readonly type: 'postgres';
      readonly connectionString?: string;
      readonly host?: string;
      readonly port?: number;
      readonly user?: string;
      readonly password?: string;
      readonly database?: string;
      /** Strata's tables go in this schema, created if absent. */
      readonly schema?: string;
      readonly maxConnections?: number;
    };

/** A state store with Strata's core tables, including the `kv` table for settings and cursors. */
export interface OpenedStateStore extends StateStore {
  /** A file path or postgres://user@host:port/database, for messages. */
  readonly location: string;
  readonly kv: KeyValueState;
}

/** Where the embedded state store of a project lives. */
export function defaultStatePath(projectDir: string): string {
  return join(projectDir, '.strata', 'state.db');
}

/**
 * Opens the state store and applies Strata's core migrations. Throws StrataError
 * 'state_open_failed' when it cannot be opened and 'state_schema_newer' when a newer Strata
 * has migrated it.
 */
export async function openStateStore(config: StateStoreConfig): Promise<OpenedStateStore> {
  const store =
    config.type === 'sqlite'
      ? SqliteStateStore.open(config.path, { synchronous: config.synchronous, busyTimeoutMs: config.busyTimeoutMs })
      : await PostgresStateStore.open(config);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
