import { basename, isAbsolute, resolve } from 'node:path';
import { DEFAULT_DUCKDB_PATH, type ResolvedTarget } from '../core/targets.js';
import type { Dataset, FacetMap } from './model.js';

/**
 * Dataset identity per the OpenLineage naming conventions: the namespace names the data source
 * (scheme://authority), the name is the path inside it. Two producers naming the same table the
 * same way is what joins their lineage, so every Strata job builds names here.
 */

export type DatasetLocation =
  | { readonly engine: 'duckdb'; readonly path: string; readonly database: string; readonly schema: string; readonly table: string }
  | { readonly engine: 'postgres'; readonly host: string; readonly port?: number; readonly database: string; readonly schema: string; readonly table: string }
  | { readonly engine: 'clickhouse'; readonly host: string; readonly port?: number; readonly database: string; readonly table: string };

export function datasetNamespace(location: DatasetLocation): string {
  switch (location.engine) {
    // An in-memory database has no path; ':memory:' keeps the namespace a valid, stable string.
    case 'duckdb':
      return `duckdb://${location.path === '' ? ':memory:' : location.path}`;
    case 'postgres':
      return `postgres://${location.host}:${location.port ?? 5432}`;
    case 'clickhouse':
      return `clickhouse://${location.host}:${location.port ?? 8123}`;
  }
}

export function datasetName(location: DatasetLocation): string {
  return location.engine === 'clickhouse'
    ? `${location.database}.${location.table}`
    : `${location.database}.${location.schema}.${location.table}`;
}

export function datasetRef(location: DatasetLocation, facets?: FacetMap): Dataset {
  const base = { namespace: datasetNamespace(location), name: datasetName(location) };
  return facets ? { ...base, facets } : base;
}

/** Where a relation of a Strata target lives, for naming it as a dataset. */
export function locationForTarget(target: ResolvedTarget, schema: string, table: string): DatasetLocation {
  const config = target.config;
  switch (config.type) {
    case 'duckdb': {
      const path = config.path ?? DEFAULT_DUCKDB_PATH;
      const file = path === ':memory:' ? '' : isAbsolute(path) ? path : resolve(target.projectDir, path);
      // DuckDB names a file's catalog after the file name without its extension.
      const database = file === '' ? 'memory' : basename(file).replace(/\.[^.]*$/, '');
      return { engine: 'duckdb', path: file, database, schema, table };
    }
    case 'postgres':
      return { engine: 'postgres', host: config.host, port: config.port, database: config.dbname ?? config.database ?? 'postgres', schema, table };
    case 'clickhouse':
      // ClickHouse has no schema level: Strata maps a schema to a database.
      return { engine: 'clickhouse', host: config.host, port: config.port, database: schema, table };
  }
}
