import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  JSToDuckDBValueConverter,
  JsonDuckDBValueConverter,
  blobValue,
  type DuckDBConnection,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { StrataError } from '../../core/errors.js';
import { DEFAULT_DUCKDB_PATH, type DuckDBTarget, type ResolvedTarget } from '../../core/targets.js';
import type {
  BulkLoadColumn,
  BulkLoadOptions,
  ColumnInfo,
  Engine,
  QueryResult,
  RelationName,
  Row,
  SqlRunner,
  StreamOptions,
  Value,
} from '../types.js';
import {
  InvalidValueError,
  canonicalInteger,
  formatDate,
  formatDecimal,
  formatTimestamp,
  toBigInt,
  toBoolean,
  toDouble,
  toEpochDays,
  toEpochMicros,
  toInt32,
  toJsonText,
  toScaledDecimal,
  toText,
} from '../values.js';
import { duckdbDialect, type DuckDBDialect } from './dialect.js';

export interface DuckDBEngineOptions {
  /** Open the file with access_mode READ_ONLY, so another reader may hold it too. */
  readonly readOnly?: boolean;
}

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;
const DEFAULT_BATCH_SIZE = 10_000;

/**
 * Open the DuckDB warehouse of a 'duckdb' target. The file (default `.strata/warehouse.duckdb`
 * under the project) and its directory are created when missing, unless opening read-only.
 */
export async function createDuckDBEngine(target: ResolvedTarget, options: DuckDBEngineOptions = {}): Promise<DuckDBEngine> {
  const config = target.config;
  if (config.type !== 'duckdb') throw new Error(`createDuckDBEngine needs a duckdb target, got '${config.type}'`);
  const readOnly = options.readOnly ?? false;
  const path = resolveDuckDBPath(target);
  const handle = await openInstance(path, config, readOnly);
  try {
    const connection = await handle.instance.connect();
    const engine = new DuckDBEngine(handle, connection, readOnly);
    await engine.loadExtensions(config.extensions ?? []);
    return engine;
  } catch (error) {
    releaseInstance(handle);
    throw error;
  }
}

/** The absolute database path of a duckdb target, or ':memory:'. */
export function resolveDuckDBPath(target: ResolvedTarget): string {
  const config = target.config as DuckDBTarget;
  const path = config.path ?? DEFAULT_DUCKDB_PATH;
  return path === ':memory:' ? path : resolve(target.projectDir, path);
}

// ---------------------------------------------------------------------------------------------
// One DuckDB instance per file per process: DuckDB refuses a second instance on a file this
// process already has open, so engines on the same file share one, closed with the last engine.

interface InstanceHandle {
  readonly path: string;
  readonly instance: DuckDBInstance;
  readonly readOnly: boolean;
  refs: number;
}

const openInstances = new Map<string, Promise<InstanceHandle>>();

async function openInstance(path: string, config: DuckDBTarget, readOnly: boolean): Promise<InstanceHandle> {
  if (path === ':memory:') {
    return { path, instance: await createInstance(path, config, false), readOnly: false, refs: 1 };
  }
  const existing = openInstances.get(path);
  if (existing) {
    const handle = await existing;
    // A read-write instance serves read-only engines too; the reverse cannot be upgraded in place.
    if (handle.readOnly && !readOnly) {
      throw new StrataError(
        'warehouse_locked',
        `The DuckDB warehouse ${path} is already open read-only in this process, so it cannot also be opened for writing.`,
        { hint: 'Close the read-only engine first, or open every engine on this file for writing.', httpStatus: 409, details: { file: path } },
      );
    }
    handle.refs += 1;
    return handle;
  }
  const opening = (async (): Promise<InstanceHandle> => {
    if (readOnly && !existsSync(path)) {
      throw new StrataError('warehouse_missing', `The DuckDB warehouse ${path} does not exist yet, so it cannot be opened read-only.`, {
        hint: 'It is created the first time Strata writes to this target.',
        details: { file: path },
      });
    }
    if (!readOnly) mkdirSync(dirname(path), { recursive: true });
    return { path, instance: await createInstance(path, config, readOnly), readOnly, refs: 1 };
  })();
  openInstances.set(path, opening);
  try {
    return await opening;
  } catch (error) {
    openInstances.delete(path);
    throw error;
  }
}

/** Settings of the ICU extension: DuckDB links it statically but loads it only after open. */
const AFTER_OPEN_SETTINGS = /^(timezone|calendar)$/i;

async function createInstance(path: string, config: DuckDBTarget, readOnly: boolean): Promise<DuckDBInstance> {
  const atOpen: Record<string, string> = {};
  // Timestamps with time zone are instants rendered in UTC everywhere in Strata; truncating one
  // to a day must therefore happen in UTC too, whatever zone the machine is in.
  const afterOpen: Record<string, string> = { TimeZone: 'UTC' };
  if (config.threads !== undefined) atOpen.threads = String(config.threads);
  for (const [key, value] of Object.entries(config.settings ?? {})) {
    if (AFTER_OPEN_SETTINGS.test(key)) {
      if (/^timezone$/i.test(key)) delete afterOpen.TimeZone;
      afterOpen[key] = String(value);
    } else {
      atOpen[key] = String(value);
    }
  }
  if (readOnly) atOpen.access_mode = 'READ_ONLY';
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, atOpen);
  } catch (error) {
    throw duckdbError(error, path);
  }
  try {
    const connection = await instance.connect();
    try {
      for (const [key, value] of Object.entries(afterOpen)) {
        await connection.run(`SET GLOBAL ${duckdbDialect.quoteIdentifier(key)} = ${duckdbDialect.literal(value)}`);
      }
    } finally {
      connection.closeSync();
    }
  } catch (error) {
    instance.closeSync();
    throw duckdbError(error, path);
  }
  return instance;
}

function releaseInstance(handle: InstanceHandle): void {
  handle.refs -= 1;
  if (handle.refs > 0) return;
  if (handle.path !== ':memory:') openInstances.delete(handle.path);
  handle.instance.closeSync();
}

// ---------------------------------------------------------------------------------------------

/** Runs tasks one at a time, in call order: a DuckDB connection is not for concurrent use. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Set while a transaction's work runs, to catch engine calls that would wait on themselves. */
const insideTransaction = new AsyncLocalStorage<DuckDBEngine>();

export class DuckDBEngine implements Engine {
  readonly kind = 'duckdb' as const;
  readonly dialect: DuckDBDialect = duckdbDialect;
  private readonly queue = new SerialQueue();
  private closed = false;

  constructor(
    private readonly handle: InstanceHandle,
    private readonly connection: DuckDBConnection,
    readonly isReadOnly: boolean,
  ) {}

  /** The database file, or ':memory:'. */
  get path(): string {
    return this.handle.path;
  }

  query<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return this.serially('query', () => runQuery<R>(this.connection, sql, params, this.handle.path));
  }

  execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    return this.serially('execute', () => runStatement(this.connection, sql, params, this.handle.path));
  }

  /**
   * Streams on a connection of its own, so the consumer may run other queries on this engine
   * between batches without waiting for the stream to finish.
   */
  async *stream(sql: string, params: readonly unknown[] = [], options: StreamOptions = {}): AsyncIterable<Row[]> {
    this.assertOpen();
    const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    const connection = await this.handle.instance.connect();
    try {
      let result;
      try {
        result = await connection.stream(sql, params.length > 0 ? toDuckDBParams(params) : undefined);
      } catch (error) {
        throw duckdbError(error, this.handle.path);
      }
      const names = result.deduplicatedColumnNames();
      const readers = result.columnTypes().map(valueReader);
      let batch: Row[] = [];
      for (;;) {
        let chunk;
        try {
          chunk = await result.fetchChunk();
        } catch (error) {
          throw duckdbError(error, this.handle.path);
        }
        if (!chunk || chunk.rowCount === 0) break;
        appendRows(batch, names, readers, chunk.getColumns());
        while (batch.length >= batchSize) {
          yield batch.slice(0, batchSize);
          batch = batch.slice(batchSize);
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      connection.closeSync();
    }
  }

  /** Prepares the statement without running it and reads the result columns it would have. */
  describe(sql: string): Promise<ColumnInfo[]> {
    return this.serially('describe', async () => {
      let prepared;
      try {
        prepared = await this.connection.prepare(sql);
      } catch (error) {
        throw duckdbError(error, this.handle.path);
      }
      try {
        const columns: ColumnInfo[] = [];
        for (let index = 0; index < prepared.columnCount; index++) {
          const typeId = prepared.columnTypeId(index);
          // Unbound parameters leave a column's type unknown until execution.
          const type = typeId === DuckDBTypeId.INVALID || typeId === DuckDBTypeId.ANY ? undefined : prepared.columnType(index);
          columns.push(columnInfo(prepared.columnName(index), type));
        }
        return columns;
      } finally {
        prepared.destroySync();
      }
    });
  }

  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.serially('transaction', async () => {
      const path = this.handle.path;
      const connection = this.connection;
      let open = true;
      const tx: SqlRunner = {
        query: <R = Row>(sql: string, params: readonly unknown[] = []) => {
          if (!open) throw new Error('This transaction has ended; its runner cannot be used any more');
          return runQuery<R>(connection, sql, params, path);
        },
        execute: (sql: string, params: readonly unknown[] = []) => {
          if (!open) throw new Error('This transaction has ended; its runner cannot be used any more');
          return runStatement(connection, sql, params, path);
        },
      };
      await runStatement(connection, 'BEGIN TRANSACTION', [], path);
      try {
        const result = await insideTransaction.run(this, () => work(tx));
        open = false;
        await runStatement(connection, 'COMMIT', [], path);
        return result;
      } catch (error) {
        open = false;
        // After a failed COMMIT DuckDB has already rolled back; ignore the second failure.
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Appends through DuckDB's Appender, one data chunk of up to 2048 rows at a time, filled
   * column by column, inside one transaction so a failed load leaves the table as it was.
   */
  bulkLoad(
    table: RelationName,
    columns: readonly BulkLoadColumn[],
    rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
    options: BulkLoadOptions = {},
  ): Promise<{ rowsLoaded: number }> {
    return this.serially('bulkLoad', async () => {
      const path = this.handle.path;
      const connection = this.connection;
      const qualified = this.dialect.qualify(table);
      await runStatement(connection, 'BEGIN TRANSACTION', [], path);
      try {
        if (options.create !== false) {
          if (table.schema) await runStatement(connection, `CREATE SCHEMA IF NOT EXISTS ${this.dialect.qualify({ database: table.database, name: table.schema })}`, [], path);
          const definitions = columns.map((column) => `${this.dialect.quoteIdentifier(column.name)} ${this.dialect.typeName(column.type)}`);
          await runStatement(connection, `CREATE TABLE IF NOT EXISTS ${qualified} (${definitions.join(', ')})`, [], path);
        }
        if (options.truncate) await runStatement(connection, `DELETE FROM ${qualified}`, [], path);
        const rowsLoaded = await appendRowsToTable(connection, table, columns, rows, path);
        await runStatement(connection, 'COMMIT', [], path);
        return { rowsLoaded };
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async version(): Promise<string> {
    const result = await this.query<{ version: string }>('SELECT version() AS version');
    return String(result.rows[0]?.version ?? '').replace(/^v/, '');
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.queue.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.connection.closeSync();
      releaseInstance(this.handle);
    });
  }

  /** Loads extensions named by the target, installing any that are not installed yet. */
  async loadExtensions(extensions: readonly string[]): Promise<void> {
    for (const extension of extensions) {
      const name = this.dialect.quoteIdentifier(extension);
      try {
        await this.connection.run(`LOAD ${name}`);
      } catch {
        try {
          await this.connection.run(`INSTALL ${name}`);
          await this.connection.run(`LOAD ${name}`);
        } catch (error) {
          throw new StrataError('duckdb_extension_failed', `DuckDB could not load the extension '${extension}': ${messageOf(error)}`, {
            hint: 'Check the name under `extensions:` in the target; installing an extension the first time needs network access.',
            cause: error,
          });
        }
      }
    }
  }

  private serially<T>(operation: string, task: () => Promise<T>): Promise<T> {
    this.assertOpen();
    if (insideTransaction.getStore() === this) {
      // The transaction holds the connection; waiting for it here would never end.
      return Promise.reject(new Error(`DuckDBEngine.${operation}() was called inside transaction(); use the runner passed to the transaction's work instead`));
    }
    return this.queue.run(task);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('This DuckDB engine is closed');
  }
}

// ---------------------------------------------------------------------------------------------
// Running statements

async function runQuery<R>(connection: DuckDBConnection, sql: string, params: readonly unknown[], path: string): Promise<QueryResult<R>> {
  let reader: DuckDBResultReader;
  try {
    reader = await connection.runAndReadAll(sql, params.length > 0 ? toDuckDBParams(params) : undefined);
  } catch (error) {
    throw duckdbError(error, path);
  }
  const names = reader.deduplicatedColumnNames();
  const types = reader.columnTypes();
  const rows: Row[] = [];
  appendRows(rows, names, types.map(valueReader), reader.getColumns());
  return { columns: names.map((name, index) => columnInfo(name, types[index])), rows: rows as R[] };
}

async function runStatement(connection: DuckDBConnection, sql: string, params: readonly unknown[], path: string): Promise<void> {
  try {
    await connection.run(sql, params.length > 0 ? toDuckDBParams(params) : undefined);
  } catch (error) {
    throw duckdbError(error, path);
  }
}

function appendRows(target: Row[], names: readonly string[], readers: readonly ValueReader[], columns: DuckDBValue[][]): void {
  const rowCount = columns[0]?.length ?? 0;
  for (let rowIndex = 0; rowIndex < rowCount; rowIndex++) {
    const row: Row = {};
    for (let columnIndex = 0; columnIndex < names.length; columnIndex++) {
      const value = columns[columnIndex]![rowIndex]!;
      row[names[columnIndex]!] = value === null ? null : readers[columnIndex]!(value);
    }
    target.push(row);
  }
}

/** JS parameters to DuckDB values; a Date binds as a TIMESTAMP of its UTC wall clock. */
function toDuckDBParams(params: readonly unknown[]): DuckDBValue[] {
  return params.map((param): DuckDBValue => {
    if (param === null || param === undefined) return null;
    switch (typeof param) {
      case 'boolean':
      case 'number':
      case 'bigint':
      case 'string':
        return param;
      case 'object':
        if (param instanceof Date) return new DuckDBTimestampValue(toEpochMicros(param));
        if (param instanceof Uint8Array) return blobValue(param);
        return toJsonText(param);
      default:
        throw new Error(`Cannot bind a ${typeof param} as a DuckDB parameter`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Reading values

type ValueReader = (value: NonNullable<DuckDBValue>) => Value;

/** The canonical-value reader for one result column (see Value in types.ts). */
function valueReader(type: DuckDBType): ValueReader {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
      return (value) => value as Value;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return (value) => canonicalInteger(value as bigint);
    case DuckDBTypeId.DECIMAL:
      return (value) => {
        const decimal = value as DuckDBDecimalValue;
        return formatDecimal(decimal.value, decimal.scale);
      };
    case DuckDBTypeId.DATE:
      return (value) => {
        const date = value as DuckDBDateValue;
        return date.isFinite ? formatDate(date.days) : date.days > 0 ? 'infinity' : '-infinity';
      };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (value) => timestampText((value as DuckDBTimestampValue).micros, (value as DuckDBTimestampValue).isFinite);
    case DuckDBTypeId.TIMESTAMP_S:
      return (value) => timestampText((value as DuckDBTimestampSecondsValue).seconds * 1_000_000n, (value as DuckDBTimestampSecondsValue).isFinite);
    case DuckDBTypeId.TIMESTAMP_MS:
      return (value) => timestampText((value as DuckDBTimestampMillisecondsValue).millis * 1000n, (value as DuckDBTimestampMillisecondsValue).isFinite);
    case DuckDBTypeId.TIMESTAMP_NS:
      return (value) => timestampText((value as DuckDBTimestampNanosecondsValue).nanos / 1000n, (value as DuckDBTimestampNanosecondsValue).isFinite);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION:
    case DuckDBTypeId.VARIANT:
      // Nested values have no canonical form; their JSON text is the most useful string.
      return (value) => JSON.stringify(JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter));
    default:
      // UUID, TIME, INTERVAL, BLOB, BIT, ...: DuckDB's own text form.
      return (value) => String(value);
  }
}

function timestampText(micros: bigint, isFinite: boolean): string {
  return isFinite ? formatTimestamp(micros) : micros > 0n ? 'infinity' : '-infinity';
}

function columnInfo(name: string, type: DuckDBType | undefined): ColumnInfo {
  if (!type) return { name, nativeType: 'UNKNOWN', type: { logical: 'other' } };
  const nativeType = type.alias ?? type.toString();
  return { name, nativeType, type: duckdbDialect.logicalType(nativeType) };
}

// ---------------------------------------------------------------------------------------------
// Bulk load

type ValueWriter = (value: unknown) => DuckDBValue;

async function appendRowsToTable(
  connection: DuckDBConnection,
  table: RelationName,
  columns: readonly BulkLoadColumn[],
  rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
  path: string,
): Promise<number> {
  // The appender writes every table column in table order; map the caller's columns onto them.
  const tableColumns = await readTableColumns(connection, table, path);
  const sourceIndexes = mapColumns(table, columns, tableColumns);
  let appender;
  try {
    appender = await connection.createAppender(table.name, table.schema ?? null, table.database ?? null);
  } catch (error) {
    throw duckdbError(error, path);
  }
  try {
    const types = tableColumns.map((_, index) => appender.columnType(index));
    const writers = types.map(valueWriter);
    const width = types.length;
    // Values go straight into the chunk's vectors; a full chunk is flushed to native memory
    // and handed to the appender, which copies it, and a fresh chunk takes the next rows.
    let chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
    let vectors = types.map((_, index) => chunk.getColumnVector(index));
    let buffered = 0;
    let rowNumber = 0;
    const flush = () => {
      if (buffered === 0) return;
      for (const vector of vectors) vector.flush();
      // Shrinking the size after the flush keeps the data written and drops the unused tail.
      if (buffered < CHUNK_ROWS) chunk.rowCount = buffered;
      appender.appendDataChunk(chunk);
      chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
      vectors = types.map((_, index) => chunk.getColumnVector(index));
      buffered = 0;
    };
    const appendRow = (row: readonly unknown[]) => {
      rowNumber += 1;
      for (let columnIndex = 0; columnIndex < width; columnIndex++) {
        const sourceIndex = sourceIndexes[columnIndex]!;
        const input = sourceIndex < 0 ? null : row[sourceIndex];
        let value: DuckDBValue = null;
        if (input !== null && input !== undefined) {
          try {
            value = writers[columnIndex]!(input);
          } catch (error) {
            throw invalidValue(table, tableColumns[columnIndex]!, rowNumber, error);
          }
        }
        vectors[columnIndex]!.setItem(buffered, value);
      }
      buffered += 1;
      if (buffered === CHUNK_ROWS) flush();
    };
    // `for await` over a plain iterable would cost a promise per row; keep it for async sources.
    if (Symbol.iterator in rows) {
      for (const row of rows) appendRow(row);
    } else {
      for await (const row of rows) appendRow(row);
    }
    flush();
    appender.closeSync();
    return rowNumber;
  } catch (error) {
    appender.clear();
    throw error instanceof StrataError ? error : duckdbError(error, path);
  }
}

async function readTableColumns(connection: DuckDBConnection, table: RelationName, path: string): Promise<string[]> {
  const result = await runQuery<{ column_name: string }>(
    connection,
    `SELECT column_name FROM duckdb_columns()
     WHERE database_name = coalesce($1, current_database()) AND schema_name = coalesce($2, current_schema()) AND table_name = $3
     ORDER BY column_index`,
    [table.database ?? null, table.schema ?? null, table.name],
    path,
  );
  if (result.rows.length === 0) {
    throw new StrataError('table_not_found', `Cannot load into ${duckdbDialect.qualify(table)}: the table does not exist.`, {
      hint: 'Create it first, or leave the bulk load option `create` on so it is created from the column list.',
    });
  }
  return result.rows.map((row) => row.column_name);
}

/** For each table column, the index of the caller's column that fills it (-1: left NULL). */
function mapColumns(table: RelationName, columns: readonly BulkLoadColumn[], tableColumns: readonly string[]): number[] {
  const indexes = tableColumns.map((name) => {
    const exact = columns.findIndex((column) => column.name === name);
    // DuckDB identifiers are case-insensitive.
    return exact >= 0 ? exact : columns.findIndex((column) => column.name.toLowerCase() === name.toLowerCase());
  });
  const unknown = columns.filter((_, index) => !indexes.includes(index)).map((column) => column.name);
  if (unknown.length > 0) {
    throw new StrataError(
      'bulk_load_unknown_column',
      `Cannot load into ${duckdbDialect.qualify(table)}: it has no column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}.`,
      { hint: `Its columns are ${tableColumns.map((n) => `'${n}'`).join(', ')}.` },
    );
  }
  return indexes;
}

function invalidValue(table: RelationName, column: string, rowNumber: number, error: unknown): Error {
  if (!(error instanceof InvalidValueError)) return error as Error;
  return new StrataError('bulk_load_invalid_value', `Cannot load row ${rowNumber} into ${duckdbDialect.qualify(table)}: column '${column}': ${error.message}.`, {
    details: { column, row: rowNumber },
    cause: error,
  });
}

/** Coerces loosely typed input (see values.ts) to the DuckDB value a column type needs. */
function valueWriter(type: DuckDBType): ValueWriter {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return (value) => (typeof value === 'boolean' ? value : toBoolean(value));
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return (value) => (typeof value === 'number' && Number.isInteger(value) ? value : toInt32(value));
    case DuckDBTypeId.UINTEGER:
      return (value) => (typeof value === 'number' && Number.isInteger(value) ? value : Number(toBigInt(value)));
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return (value) => (typeof value === 'bigint' ? value : toBigInt(value));
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return (value) => (typeof value === 'number' ? value : toDouble(value));
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = type;
      return (value) => new DuckDBDecimalValue(toScaledDecimal(value, scale), width, scale);
    }
    case DuckDBTypeId.VARCHAR:
      return type.alias === 'JSON' ? toJsonText : (value) => (typeof value === 'string' ? value : toText(value));
    case DuckDBTypeId.DATE:
      return (value) => new DuckDBDateValue(toEpochDays(value));
    case DuckDBTypeId.TIMESTAMP:
      return (value) => new DuckDBTimestampValue(toEpochMicros(value));
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (value) => new DuckDBTimestampTZValue(toEpochMicros(value));
    case DuckDBTypeId.TIMESTAMP_S:
      return (value) => new DuckDBTimestampSecondsValue(toEpochMicros(value) / 1_000_000n);
    case DuckDBTypeId.TIMESTAMP_MS:
      return (value) => new DuckDBTimestampMillisecondsValue(toEpochMicros(value) / 1000n);
    case DuckDBTypeId.TIMESTAMP_NS:
      return (value) => new DuckDBTimestampNanosecondsValue(toEpochMicros(value) * 1000n);
    default:
      return (value) => {
        try {
          return JSToDuckDBValueConverter(value as never, type, JSToDuckDBValueConverter);
        } catch (error) {
          throw new InvalidValueError(`cannot convert the value to ${type.toString()}: ${messageOf(error)}`);
        }
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

const LOCK_HOLDER = /Conflicting lock is held in (.*?) \(PID (\d+)\)/;

/**
 * DuckDB errors to StrataErrors: a file held by another process becomes 'warehouse_locked';
 * SQL the engine rejects becomes 'sql_error' with DuckDB's message. Internal and fatal DuckDB
 * errors, and errors from the driver itself, are bugs and stay plain Errors.
 */
export function duckdbError(error: unknown, path: string): Error {
  if (error instanceof StrataError) return error;
  const message = messageOf(error);
  if (/Could not set lock on file|Conflicting lock/i.test(message)) {
    const holder = LOCK_HOLDER.exec(message);
    const pid = holder ? Number(holder[2]) : undefined;
    const who = holder ? ` (${holder[1]}, PID ${pid})` : '';
    return new StrataError('warehouse_locked', `The DuckDB warehouse ${path} is locked by another process${who}.`, {
      hint: 'Stop the other process, or run the command while `strata serve` is running so it can hand the work to the server.',
      details: { file: path, ...(pid === undefined ? {} : { pid }) },
      httpStatus: 409,
      cause: error,
    });
  }
  const kind = /^([A-Za-z ]+?) Error: /.exec(message)?.[1];
  if (kind && !/^(INTERNAL|FATAL)$/i.test(kind)) {
    return new StrataError('sql_error', message, { details: { engine: 'duckdb', errorType: kind }, cause: error });
  }
  return error instanceof Error ? error : new Error(message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
