/**
 * The engines capability: run SQL on DuckDB, Postgres or ClickHouse and write SQL for each.
 * Other folders import from here (and types.ts); see README.md in this folder.
 */
import { existsSync } from 'node:fs';
import { StrataError } from '../core/errors.js';
import type { ResolvedTarget } from '../core/targets.js';
import { createDuckDBEngine, resolveDuckDBPath } from './duckdb/engine.js';
import { duckdbDialect } from './duckdb/dialect.js';
import { PostgresDialect } from './postgres/dialect.js';
import { checkPostgresTarget, createPostgresEngine } from './postgres/engine.js';
import type { Dialect, Engine, EngineKind } from './types.js';

export * from './types.js';
export { BaseDialect } from './base-dialect.js';
export { DuckDBDialect, duckdbDialect } from './duckdb/dialect.js';
export { PostgresDialect, postgresDialect, type PostgresDialectOptions } from './postgres/dialect.js';
export { DuckDBEngine, createDuckDBEngine, resolveDuckDBPath } from './duckdb/engine.js';
export { PostgresEngine, createPostgresEngine, postgresClientConfig } from './postgres/engine.js';
export { TargetErrorCode, networkError, type Endpoint } from './connection-errors.js';
export * as values from './values.js';

export interface CreateEngineOptions {
  /**
   * Open for reading only: DuckDB opens the file with access_mode READ_ONLY (so it can be
   * shared with other readers); Postgres sessions default to read-only transactions.
   */
  readonly readOnly?: boolean;
}

/** The result of checkTarget(): whether a target can be used, and if not, why. */
export interface TargetCheck {
  readonly ok: boolean;
  /** The target's name. */
  readonly target: string;
  /** Its type: 'duckdb', 'postgres', 'clickhouse'. */
  readonly type: string;
  /** One paragraph: what was reached, or what is wrong and what to check. */
  readonly detail: string;
  /** Server or library version, when reached. */
  readonly version?: string;
  /** The StrataError code of the failure (e.g. 'target_refused'), when not ok. */
  readonly code?: string;
}

/** What src/engines/clickhouse/engine.ts exports; loaded on demand so DuckDB users never pay for it. */
interface ClickHouseModule {
  createClickHouseEngine(target: ResolvedTarget, options?: CreateEngineOptions): Promise<Engine>;
  checkClickHouseTarget(target: ResolvedTarget): Promise<Omit<TargetCheck, 'target' | 'type'> & Partial<Pick<TargetCheck, 'target' | 'type'>>>;
}

async function loadClickHouse(): Promise<ClickHouseModule> {
  // A string-typed specifier keeps the type checker from requiring the module at compile time.
  return (await import('./clickhouse/engine.js' as string)) as ClickHouseModule;
}

/**
 * Open the warehouse a target names. Connection problems surface as StrataErrors with a
 * target_* code (or 'warehouse_locked' for a DuckDB file another process holds).
 */
export async function createEngine(target: ResolvedTarget, options: CreateEngineOptions = {}): Promise<Engine> {
  const config = target.config;
  switch (config.type) {
    case 'duckdb':
      return createDuckDBEngine(target, options);
    case 'postgres':
      return createPostgresEngine(target, options);
    case 'clickhouse':
      return (await loadClickHouse()).createClickHouseEngine(target, options);
    default:
      throw new StrataError('target_type_unknown', `Target '${target.name}' has an unknown type '${(config as { type: string }).type}'.`, {
        hint: "Expected one of 'duckdb', 'postgres', 'clickhouse'.",
      });
  }
}

/**
 * The dialect for an engine kind without connecting. Version-dependent capabilities assume a
 * current server; an engine's own `dialect` reflects the server it reached and is preferred.
 * ClickHouse's dialect depends on the server version, so take it from a ClickHouse engine.
 */
export function createDialect(kind: EngineKind): Dialect {
  switch (kind) {
    case 'duckdb':
      return duckdbDialect;
    case 'postgres':
      return new PostgresDialect();
    case 'clickhouse':
      throw new Error("ClickHouse's dialect depends on the server version; use the dialect of an engine from createEngine()");
  }
}

/**
 * Try a target and say precisely what is wrong: unreachable host, refused port, rejected
 * credentials, missing database, locked DuckDB file. Never throws for a target problem.
 */
export async function checkTarget(target: ResolvedTarget): Promise<TargetCheck> {
  const type = target.config.type;
  const base = { target: target.name, type };
  try {
    switch (target.config.type) {
      case 'duckdb':
        return { ...base, ...(await checkDuckDBTarget(target)) };
      case 'postgres':
        return { ...base, ...(await checkPostgresTarget(target)) };
      case 'clickhouse': {
        const result = await (await loadClickHouse()).checkClickHouseTarget(target);
        return { ...base, ...result };
      }
      default:
        return { ...base, ok: false, detail: `Unknown target type '${type}'.`, code: 'target_type_unknown' };
    }
  } catch (error) {
    if (error instanceof StrataError) return { ...base, ok: false, detail: error.hint ? `${error.message} ${error.hint}` : error.message, code: error.code };
    return { ...base, ok: false, detail: error instanceof Error ? error.message : String(error), code: 'internal_error' };
  }
}

async function checkDuckDBTarget(target: ResolvedTarget): Promise<Omit<TargetCheck, 'target' | 'type'>> {
  const path = resolveDuckDBPath(target);
  const fileExists = path !== ':memory:' && existsSync(path);
  if (path !== ':memory:' && !fileExists) {
    // Not an error: the first write creates it.
    const engine = await createDuckDBEngine({ ...target, config: { type: 'duckdb', path: ':memory:' } });
    try {
      return { ok: true, detail: `duckdb ${path}: does not exist yet; it is created on first write`, version: await engine.version() };
    } finally {
      await engine.close();
    }
  }
  const engine = await createDuckDBEngine(target, { readOnly: true });
  try {
    return { ok: true, detail: `duckdb ${path}: opened`, version: await engine.version() };
  } finally {
    await engine.close();
  }
}
