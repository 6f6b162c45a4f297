/**
 * The contracts every warehouse engine implements. Capabilities (transform, metrics, serve,
 * realtime) talk only to these interfaces; no SQL spelling lives outside a Dialect.
 */

export type EngineKind = 'duckdb' | 'postgres' | 'clickhouse';

/**
 * Engine-neutral column types. Each Dialect maps these to and from its native type names.
 * `decimal` carries precision/scale in ColumnType; `timestamptz` is an instant (stored as UTC).
 */
export type LogicalType =
  | 'boolean'
  | 'integer' // 32-bit signed
  | 'bigint' // 64-bit signed
  | 'hugeint' // wider integers (DuckDB HUGEINT, ClickHouse UInt64/Int128, Postgres numeric(38,0))
  | 'double'
  | 'decimal'
  | 'string'
  | 'date'
  | 'timestamp' // wall-clock, no time zone
  | 'timestamptz' // an instant; rendered in UTC
  | 'json'
  | 'other';

export interface ColumnType {
  readonly logical: LogicalType;
  /** decimal only */
  readonly precision?: number;
  readonly scale?: number;
}

export interface ColumnInfo {
  readonly name: string;
  /** The engine's own type name, as the engine spells it (e.g. "VARCHAR", "Nullable(String)"). */
  readonly nativeType: string;
  readonly type: ColumnType;
  /** undefined when the engine cannot tell. */
  readonly nullable?: boolean;
}

/**
 * Canonical JS values returned by every engine, so results compare equal across engines:
 * - NULL -> null; booleans -> boolean
 * - integer/bigint/hugeint -> number when within Number.MAX_SAFE_INTEGER, else bigint
 * - double -> number; decimal -> string in plain notation with exactly the column's scale
 * - string/json -> string
 * - date -> 'YYYY-MM-DD'
 * - timestamp -> 'YYYY-MM-DD HH:MM:SS' plus '.ffffff' (trailing zeros trimmed) when fractional
 * - timestamptz -> the same format, converted to UTC
 */
export type Value = null | boolean | number | bigint | string;
export type Row = Record<string, Value>;

export interface QueryResult<R = Row> {
  readonly columns: readonly ColumnInfo[];
  readonly rows: R[];
}

export interface StreamOptions {
  /** Rows per yielded batch. Default 10,000. */
  readonly batchSize?: number;
}

/** A table name, optionally qualified. Dialect.qualify() renders it. */
export interface RelationName {
  readonly database?: string;
  readonly schema?: string;
  readonly name: string;
}

export interface BulkLoadColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface BulkLoadOptions {
  /** Create the table (from the column list) when it does not exist. Default true. */
  readonly create?: boolean;
  /** Empty the table before loading. Default false. */
  readonly truncate?: boolean;
}

/**
 * Something that runs SQL. Parameters are positional and written `$1`, `$2`, ... on every engine;
 * engines without server-side binding substitute them as literals through their Dialect.
 */
export interface SqlRunner {
  /** Run one statement and return all its rows. */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Run one or more statements for their effect. */
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
}

export interface Engine extends SqlRunner {
  readonly kind: EngineKind;
  readonly dialect: Dialect;
  /** Whether this engine writes through a server that another process holds (see RemoteEngine). */
  readonly isReadOnly: boolean;
  /** Large results in batches, without holding them all in memory. */
  stream(sql: string, params?: readonly unknown[], options?: StreamOptions): AsyncIterable<Row[]>;
  /** Column names and types of a query's result, without running it. */
  describe(sql: string): Promise<ColumnInfo[]>;
  /**
   * Run `work` inside a transaction: committed when it resolves, rolled back when it throws.
   * Engines without transactions (ClickHouse) run `work` directly; check dialect.supportsTransactions.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Load many rows fast (appender, COPY, or a native insert format), never row-by-row INSERTs. */
  bulkLoad(
    table: RelationName,
    columns: readonly BulkLoadColumn[],
    rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
    options?: BulkLoadOptions,
  ): Promise<{ rowsLoaded: number }>;
  /** The server or library version, e.g. "1.5.2", "15.19", "18.16.1". */
  version(): Promise<string>;
  close(): Promise<void>;
}

export type TimeGrain = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export const TIME_GRAINS: readonly TimeGrain[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

export type ConstraintKind = 'not_null' | 'unique' | 'primary_key' | 'foreign_key' | 'check';

/** How an engine treats a declared constraint (dbt's vocabulary). */
export type ConstraintSupport = 'enforced' | 'not_enforced' | 'not_supported';

/**
 * Every SQL spelling for one engine. Differences that are not text are readonly flags, so callers
 * ask `dialect.supportsMerge` instead of checking which engine they have.
 */
export interface Dialect {
  readonly kind: EngineKind;
  readonly supportsTransactions: boolean;
  /** MERGE INTO ... (DuckDB >= 1.4, Postgres >= 15). */
  readonly supportsMerge: boolean;
  /** INSERT ... ON CONFLICT (key) DO UPDATE. */
  readonly supportsOnConflict: boolean;
  /** CREATE OR REPLACE VIEW/TABLE. */
  readonly supportsCreateOrReplace: boolean;
  /** What happens to each constraint kind when declared on a table. */
  readonly constraints: Readonly<Record<ConstraintKind, ConstraintSupport>>;

  quoteIdentifier(identifier: string): string;
  /** database.schema.name with each present part quoted. */
  qualify(relation: RelationName): string;
  /** A SQL literal for a JS value (string, number, bigint, boolean, null, Date). */
  literal(value: unknown): string;
  /** A typed literal: literal(v) cast to the native type of `type`. */
  typedLiteral(value: unknown, type: ColumnType): string;
  /** The native type name for a logical type, e.g. {logical:'string'} -> "VARCHAR" / "text" / "String". */
  typeName(type: ColumnType): string;
  /** The logical type of a native type name as the engine reports it. */
  logicalType(nativeType: string): ColumnType;
  /** CAST(expr AS type). */
  cast(expression: string, type: ColumnType): string;
  /** Truncate a timestamp/date expression to the start of its grain. Weeks start on Monday (ISO). */
  dateTrunc(grain: TimeGrain, expression: string): string;
  /** expression + amount units (amount may be negative). Result type follows the input's. */
  addInterval(expression: string, amount: number, unit: TimeGrain): string;
  /** Whole `unit`s between two expressions (end - start), as the engine counts boundaries. */
  dateDiff(unit: TimeGrain, start: string, end: string): string;
  /**
   * Statements that upsert the rows of `sourceSql` into `target` on `keyColumns`
   * (update matching rows' other columns, insert the rest).
   */
  upsert(target: RelationName, columns: readonly string[], keyColumns: readonly string[], sourceSql: string): string[];
  /** LIMIT/OFFSET clause text (leading space included). */
  limitOffset(limit?: number, offset?: number): string;
}
