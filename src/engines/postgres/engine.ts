import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { StrataError } from '../../core/errors.js';
import type { PostgresTarget, ResolvedTarget } from '../../core/targets.js';
import { TargetErrorCode, networkError, type Endpoint } from '../connection-errors.js';
import type {
  BulkLoadColumn,
  BulkLoadOptions,
  ColumnInfo,
  ColumnType,
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
  canonicalDateText,
  canonicalTimestampText,
  formatDate,
  formatTimestamp,
  parseIntegerText,
  toBigInt,
  toBoolean,
  toDecimalText,
  toDouble,
  toEpochDays,
  toEpochMicros,
  toJsonText,
  toText,
} from '../values.js';
import { PostgresDialect } from './dialect.js';

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
const DEFAULT_BATCH_SIZE = 10_000;
/** Bytes of COPY text gathered before a write: large enough to amortise, small enough to stream. */
const COPY_CHUNK_BYTES = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Connection settings

/** pg connection settings for a 'postgres' target (dbt-postgres key names). */
export function postgresClientConfig(target: ResolvedTarget): pg.PoolConfig {
  const config = postgresTarget(target);
  // Sessions run in UTC with ISO dates, so timestamptz text and date_trunc agree with DuckDB.
  const options = ['-c TimeZone=UTC', '-c DateStyle=ISO,MDY', '-c IntervalStyle=postgres'];
  if (config.search_path) options.push(`-c search_path=${escapeOption(config.search_path)}`);
  if (config.role) options.push(`-c role=${escapeOption(config.role)}`);
  return {
    host: config.host,
    port: config.port,
    user: config.user ?? config.username,
    password: config.password ?? config.pass,
    database: config.dbname ?? config.database,
    ssl: sslOptions(config.sslmode),
    connectionTimeoutMillis: (config.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_SECONDS) * 1000,
    keepAlive: true,
    ...(config.keepalives_idle === undefined ? {} : { keepAliveInitialDelayMillis: config.keepalives_idle * 1000 }),
    application_name: 'strata',
    options: options.join(' '),
    max: config.threads ?? 10,
    types: { getTypeParser: canonicalTypeParser as never },
  };
}

function postgresTarget(target: ResolvedTarget): PostgresTarget {
  if (target.config.type !== 'postgres') throw new Error(`Expected a postgres target, got '${target.config.type}'`);
  return target.config;
}

/** Spaces and backslashes in a startup `-c name=value` option are backslash-escaped. */
function escapeOption(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
}

/**
 * libpq's sslmode in node-postgres terms. pg cannot fall back between TLS and plain text, so
 * 'allow' and 'prefer' connect without TLS (what they end up doing against a server without it).
 */
function sslOptions(sslmode: PostgresTarget['sslmode']): pg.PoolConfig['ssl'] {
  switch (sslmode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // Certificate chain checked, host name not (libpq's verify-ca).
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return false;
  }
}

function endpointOf(target: ResolvedTarget): Endpoint {
  const config = postgresClientConfig(target);
  return {
    target: target.name,
    type: 'postgres',
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 5432,
    user: config.user,
    database: config.database,
    timeoutMs: config.connectionTimeoutMillis,
  };
}

// ---------------------------------------------------------------------------------------------
// Canonical values: every result value is parsed from Postgres' text form by these, set per
// pool (never on pg's global type table, which other libraries in the process may rely on).

const OID = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

const identity = (text: string): string => text;

function canonicalTypeParser(oid: number): (text: string) => Value {
  switch (oid) {
    case OID.bool:
      return (text) => text === 't';
    case OID.int2:
    case OID.int4:
    case OID.oid:
      return (text) => Number(text);
    case OID.int8:
      return parseIntegerText;
    case OID.float4:
    case OID.float8:
      return (text) => Number.parseFloat(text);
    case OID.date:
      return canonicalDateText;
    case OID.timestamp:
    case OID.timestamptz:
      return canonicalTimestampText;
    default:
      // numeric is already plain text at the column's scale; json, uuid, arrays, intervals
      // and the rest keep Postgres' text form.
      return identity;
  }
}

/** Native type names as format_type() spells them, for the built-in types. */
const NATIVE_NAMES: Record<number, string> = {
  [OID.bool]: 'boolean',
  [OID.bytea]: 'bytea',
  [OID.char]: '"char"',
  [OID.name]: 'name',
  [OID.int8]: 'bigint',
  [OID.int2]: 'smallint',
  [OID.int4]: 'integer',
  [OID.text]: 'text',
  [OID.oid]: 'oid',
  [OID.json]: 'json',
  [OID.float4]: 'real',
  [OID.float8]: 'double precision',
  [OID.unknown]: 'unknown',
  [OID.bpchar]: 'character',
  [OID.varchar]: 'character varying',
  [OID.date]: 'date',
  [OID.time]: 'time without time zone',
  [OID.timestamp]: 'timestamp without time zone',
  [OID.timestamptz]: 'timestamp with time zone',
  [OID.interval]: 'interval',
  [OID.timetz]: 'time with time zone',
  [OID.numeric]: 'numeric',
  [OID.uuid]: 'uuid',
  [OID.jsonb]: 'jsonb',
};

/** numeric(p,s) is encoded in the type modifier as ((p << 16) | s) + 4; -1 means unconstrained. */
function numericPrecisionScale(typmod: number): { precision: number; scale: number } | undefined {
  if (typmod < 4) return undefined;
  const packed = typmod - 4;
  let scale = packed & 0x7ff;
  if (scale & 0x400) scale -= 0x800; // Postgres 15 allows negative scales
  return { precision: (packed >> 16) & 0xffff, scale };
}

function logicalTypeOf(oid: number, typmod: number, nativeName: string): ColumnType {
  if (oid === OID.numeric) {
    const ps = numericPrecisionScale(typmod);
    return ps ? { logical: 'decimal', ...ps } : { logical: 'decimal' };
  }
  if (oid === OID.unknown) return { logical: 'string' };
  return postgresDialectForNames.logicalType(nativeName);
}

const postgresDialectForNames = new PostgresDialect();

// ---------------------------------------------------------------------------------------------

export interface PostgresEngineOptions {
  /** Run every session read-only (default_transaction_read_only). */
  readonly readOnly?: boolean;
}

/**
 * Connect to a 'postgres' target. The first connection is made here, so a wrong host, port,
 * password or database fails now with a StrataError explaining which (see checkPostgresTarget).
 */
export async function createPostgresEngine(target: ResolvedTarget, options: PostgresEngineOptions = {}): Promise<PostgresEngine> {
  const config = postgresClientConfig(target);
  if (options.readOnly) config.options = `${config.options} -c default_transaction_read_only=on`;
  const endpoint = endpointOf(target);
  const pool = new pg.Pool(config);
  // An idle client dropped by the server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  let serverVersionNum: number;
  const started = performance.now();
  try {
    const client = await pool.connect();
    try {
      const result = await client.query<{ server_version_num: string }>('SHOW server_version_num');
      serverVersionNum = Number(result.rows[0]?.server_version_num);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw postgresError(connectTimeoutAware(error, started, endpoint), endpoint);
  }
  return new PostgresEngine(pool, endpoint, new PostgresDialect({ serverVersionNum }), options.readOnly ?? false);
}

let cursorCounter = 0;

export class PostgresEngine implements Engine {
  readonly kind = 'postgres' as const;
  private readonly typeNames = new Map<number, string>();
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly endpoint: Endpoint,
    readonly dialect: PostgresDialect,
    readonly isReadOnly: boolean,
  ) {}

  async query<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const client = await this.connect();
    try {
      return await this.run<R>(client, sql, params);
    } finally {
      client.release();
    }
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    const client = await this.connect();
    try {
      await runRaw(client, sql, params, this.endpoint);
    } finally {
      client.release();
    }
  }

  /** Fetches through a server-side cursor, `batchSize` rows at a time, inside a transaction. */
  async *stream(sql: string, params: readonly unknown[] = [], options: StreamOptions = {}): AsyncIterable<Row[]> {
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
    const cursor = this.dialect.quoteIdentifier(`strata_cursor_${++cursorCounter}`);
    const client = await this.connect();
    let committed = false;
    let broken = false;
    try {
      await runRaw(client, 'BEGIN', [], this.endpoint);
      await runRaw(client, `DECLARE ${cursor} NO SCROLL CURSOR FOR ${stripTrailingSemicolons(sql)}`, params, this.endpoint);
      for (;;) {
        const result = await this.run(client, `FETCH FORWARD ${batchSize} FROM ${cursor}`, []);
        if (result.rows.length > 0) yield result.rows;
        if (result.rows.length < batchSize) break;
      }
      await runRaw(client, 'COMMIT', [], this.endpoint);
      committed = true;
    } catch (error) {
      broken = !(error instanceof StrataError && error.code === 'sql_error');
      throw error;
    } finally {
      // Also reached when the consumer stops early: the cursor's transaction is rolled back.
      if (!committed && !broken) await client.query('ROLLBACK').catch(() => (broken = true));
      client.release(broken);
    }
  }

  /**
   * Result columns without producing rows: the query is planned under a `LIMIT 0` wrapper in a
   * read-only transaction that is rolled back, so no row is read and nothing can be written.
   */
  async describe(sql: string): Promise<ColumnInfo[]> {
    const client = await this.connect();
    try {
      await runRaw(client, 'BEGIN TRANSACTION READ ONLY', [], this.endpoint);
      try {
        const result = await runRaw(client, `SELECT * FROM (\n${stripTrailingSemicolons(sql)}\n) AS strata_describe LIMIT 0`, [], this.endpoint);
        const fields = result.fields;
        // format_type gives the exact native spelling, e.g. numeric(10,2), character varying(20).
        const names = await client.query<{ name: string }>({
          text: 'SELECT format_type(oid, typmod) AS name FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS t(oid, typmod, n) ORDER BY n',
          values: [fields.map((field) => field.dataTypeID), fields.map((field) => field.dataTypeModifier)],
        });
        const unique = deduplicate(fields.map((field) => field.name));
        return fields.map((field, index) => {
          const nativeType = names.rows[index]?.name ?? `oid ${field.dataTypeID}`;
          return { name: unique[index]!, nativeType, type: logicalTypeOf(field.dataTypeID, field.dataTypeModifier, nativeType) };
        });
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let open = true;
    const guard = () => {
      if (!open) throw new Error('This transaction has ended; its runner cannot be used any more');
    };
    const tx: SqlRunner = {
      query: <R = Row>(sql: string, params: readonly unknown[] = []) => {
        guard();
        return this.run<R>(client, sql, params);
      },
      execute: async (sql: string, params: readonly unknown[] = []) => {
        guard();
        await runRaw(client, sql, params, this.endpoint);
      },
    };
    let broken = false;
    try {
      await runRaw(client, 'BEGIN', [], this.endpoint);
      try {
        const result = await work(tx);
        open = false;
        await runRaw(client, 'COMMIT', [], this.endpoint);
        return result;
      } catch (error) {
        open = false;
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  /**
   * COPY ... FROM STDIN in text format, inside one transaction with the CREATE and TRUNCATE,
   * so a failed load leaves the table as it was.
   */
  async bulkLoad(
    table: RelationName,
    columns: readonly BulkLoadColumn[],
    rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
    options: BulkLoadOptions = {},
  ): Promise<{ rowsLoaded: number }> {
    const qualified = this.dialect.qualify(table);
    const client = await this.connect();
    let failed = false;
    try {
      await runRaw(client, 'BEGIN', [], this.endpoint);
      if (options.create !== false) {
        if (table.schema) await runRaw(client, `CREATE SCHEMA IF NOT EXISTS ${this.dialect.quoteIdentifier(table.schema)}`, [], this.endpoint);
        const definitions = columns.map((column) => `${this.dialect.quoteIdentifier(column.name)} ${this.dialect.typeName(column.type)}`);
        await runRaw(client, `CREATE TABLE IF NOT EXISTS ${qualified} (${definitions.join(', ')})`, [], this.endpoint);
      }
      if (options.truncate) await runRaw(client, `TRUNCATE TABLE ${qualified}`, [], this.endpoint);
      const columnList = columns.map((column) => this.dialect.quoteIdentifier(column.name)).join(', ');
      const copy = client.query(copyFrom(`COPY ${qualified} (${columnList}) FROM STDIN (FORMAT text)`));
      const counter = { rows: 0 };
      try {
        await pipeline(Readable.from(copyText(table, columns, rows, counter)), copy);
      } catch (error) {
        throw postgresError(error, this.endpoint);
      }
      await runRaw(client, 'COMMIT', [], this.endpoint);
      return { rowsLoaded: counter.rows };
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // An aborted COPY can leave the protocol mid-stream: never hand such a client back.
      if (failed) await client.query('ROLLBACK').catch(() => undefined);
      client.release(failed);
    }
  }

  async version(): Promise<string> {
    const result = await this.query<{ server_version: string }>('SHOW server_version');
    return String(result.rows[0]?.server_version ?? '').split(' ')[0]!;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async connect(): Promise<pg.PoolClient> {
    if (this.closed) throw new Error('This Postgres engine is closed');
    const started = performance.now();
    try {
      return await this.pool.connect();
    } catch (error) {
      throw postgresError(connectTimeoutAware(error, started, this.endpoint), this.endpoint);
    }
  }

  private async run<R = Row>(client: pg.PoolClient, sql: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await runRaw(client, sql, params, this.endpoint, true);
    const fields = result.fields ?? [];
    const names = deduplicate(fields.map((field) => field.name));
    const columns = await this.columnInfos(client, fields, names);
    const rows = (result.rows as unknown as Value[][]).map((values) => {
      const row: Row = {};
      for (let index = 0; index < names.length; index++) row[names[index]!] = values[index] ?? null;
      return row;
    });
    return { columns, rows: rows as R[] };
  }

  private async columnInfos(client: pg.PoolClient, fields: readonly pg.FieldDef[], names: readonly string[]): Promise<ColumnInfo[]> {
    const unknownOids = [...new Set(fields.map((field) => field.dataTypeID))].filter((oid) => NATIVE_NAMES[oid] === undefined && !this.typeNames.has(oid));
    if (unknownOids.length > 0) {
      // Arrays, enums, domains, extension types: look their names up once per engine.
      const result = await client.query<{ oid: number; name: string }>('SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])', [unknownOids]);
      for (const row of result.rows) this.typeNames.set(Number(row.oid), row.name);
    }
    return fields.map((field, index) => {
      let nativeType = NATIVE_NAMES[field.dataTypeID] ?? this.typeNames.get(field.dataTypeID) ?? `oid ${field.dataTypeID}`;
      const ps = field.dataTypeID === OID.numeric ? numericPrecisionScale(field.dataTypeModifier) : undefined;
      if (ps) nativeType = `numeric(${ps.precision},${ps.scale})`;
      return { name: names[index]!, nativeType, type: logicalTypeOf(field.dataTypeID, field.dataTypeModifier, nativeType) };
    });
  }
}

async function runRaw(client: pg.PoolClient | pg.Client, sql: string, params: readonly unknown[], endpoint: Endpoint, asArrays = false): Promise<pg.QueryResult> {
  try {
    // Without parameters the simple protocol runs, which allows several statements at once.
    const result: pg.QueryResult | pg.QueryResult[] =
      params.length === 0 && !asArrays
        ? await client.query(sql)
        : await client.query({ text: sql, values: params.length === 0 ? undefined : toPgParams(params), ...(asArrays ? { rowMode: 'array' as const } : {}) });
    // Several statements in one string answer with one result each; the last is the answer.
    return Array.isArray(result) ? result[result.length - 1]! : result;
  } catch (error) {
    throw postgresError(error, endpoint);
  }
}

/**
 * JS parameters to what pg sends. pg would render a Date in the local zone and cannot send a
 * bigint everywhere; both are spelled here. Plain objects are sent as JSON text.
 */
function toPgParams(params: readonly unknown[]): unknown[] {
  return params.map((param) => {
    if (param === undefined) return null;
    if (typeof param === 'bigint') return param.toString();
    if (param instanceof Date) return `${formatTimestamp(toEpochMicros(param))}+00`;
    if (typeof param === 'object' && param !== null && !Array.isArray(param) && !(param instanceof Uint8Array)) return toJsonText(param);
    return param;
  });
}

/** Repeated column names get a numeric suffix ("a", "a_1"), so every value has a key in a Row. */
function deduplicate(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 1; seen.has(unique); n++) unique = `${name}_${n}`;
    seen.add(unique);
    return unique;
  });
}

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

// ---------------------------------------------------------------------------------------------
// COPY text format

type CopyFormatter = (value: unknown) => string;

/** Rows as COPY text (tab-separated, \N for NULL), in chunks of about COPY_CHUNK_BYTES. */
async function* copyText(
  table: RelationName,
  columns: readonly BulkLoadColumn[],
  rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
  counter: { rows: number },
): AsyncGenerator<string> {
  const formatters = columns.map((column) => copyFormatter(column.type));
  const width = columns.length;
  let buffer = '';
  const line = (row: readonly unknown[]): string => {
    counter.rows += 1;
    let text = '';
    for (let index = 0; index < width; index++) {
      const value = row[index];
      if (index > 0) text += '\t';
      if (value === null || value === undefined) {
        text += '\\N';
        continue;
      }
      try {
        text += formatters[index]!(value);
      } catch (error) {
        if (!(error instanceof InvalidValueError)) throw error;
        throw new StrataError(
          'bulk_load_invalid_value',
          `Cannot load row ${counter.rows} into ${postgresDialectForNames.qualify(table)}: column '${columns[index]!.name}': ${error.message}.`,
          { details: { column: columns[index]!.name, row: counter.rows }, cause: error },
        );
      }
    }
    return text + '\n';
  };
  if (Symbol.iterator in rows) {
    for (const row of rows) {
      buffer += line(row);
      if (buffer.length >= COPY_CHUNK_BYTES) {
        yield buffer;
        buffer = '';
      }
    }
  } else {
    for await (const row of rows) {
      buffer += line(row);
      if (buffer.length >= COPY_CHUNK_BYTES) {
        yield buffer;
        buffer = '';
      }
    }
  }
  if (buffer.length > 0) yield buffer;
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** Text format escapes backslash, tab, newline and carriage return; everything else is literal. */
function escapeCopy(text: string): string {
  if (!COPY_SPECIAL.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (char) => (char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r'));
}

function copyFormatter(type: ColumnType): CopyFormatter {
  switch (type.logical) {
    case 'boolean':
      return (value) => (toBoolean(value) ? 't' : 'f');
    case 'integer':
    case 'bigint':
    case 'hugeint':
      return (value) => (typeof value === 'number' && Number.isInteger(value) ? String(value) : toBigInt(value).toString());
    case 'double':
      return (value) => String(typeof value === 'number' ? value : toDouble(value));
    case 'decimal':
      return (value) => toDecimalText(value, type.scale);
    case 'date':
      return (value) => formatDate(toEpochDays(value));
    case 'timestamp':
      return (value) => formatTimestamp(toEpochMicros(value));
    case 'timestamptz':
      return (value) => `${formatTimestamp(toEpochMicros(value))}+00`;
    case 'json':
      return (value) => escapeCopy(toJsonText(value));
    default:
      return (value) => escapeCopy(typeof value === 'string' ? value : toText(value));
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * pg ends a connect that hit connectionTimeoutMillis by destroying the socket, which surfaces as
 * "Connection terminated unexpectedly", the same words as a server hanging up. Telling them
 * apart by the time taken lets the user hear "did not answer within 5s" instead.
 */
function connectTimeoutAware(error: unknown, startedAt: number, endpoint: Endpoint): unknown {
  const elapsed = performance.now() - startedAt;
  const isTermination = error instanceof Error && /Connection terminated unexpectedly|timeout/i.test(error.message);
  if (isTermination && endpoint.timeoutMs !== undefined && elapsed >= endpoint.timeoutMs * 0.95) {
    return Object.assign(new Error(`timeout expired after ${Math.round(elapsed)}ms`), { cause: error });
  }
  return error;
}

/** SQLSTATEs that mean "this connection cannot be used", with what to tell the user. */
function serverConnectionError(error: pg.DatabaseError, endpoint: Endpoint): StrataError | undefined {
  const where = `${endpoint.host}:${endpoint.port}`;
  const who = endpoint.user ? `user '${endpoint.user}'` : 'the configured user';
  const subject = `Cannot connect to postgres target '${endpoint.target}' at ${where}`;
  const details = { target: endpoint.target, host: endpoint.host, port: endpoint.port, sqlstate: error.code };
  switch (error.code) {
    case '28P01':
      return new StrataError(TargetErrorCode.authFailed, `${subject}: the server rejected the password for ${who}.`, {
        hint: 'Check `password` (or `pass`) in the target, or the environment variable it reads with env_var().',
        details,
        httpStatus: 503,
        cause: error,
      });
    case '28000': {
      const roleMissing = /role .* does not exist/i.test(error.message);
      return new StrataError(TargetErrorCode.authFailed, `${subject}: ${error.message}.`, {
        hint: roleMissing
          ? 'Check `user` (or `username`) in the target, or create the role on the server (CREATE ROLE ... LOGIN).'
          : 'The server has no pg_hba.conf entry allowing this host, user and database; ask its administrator, or check `sslmode`.',
        details,
        httpStatus: 503,
        cause: error,
      });
    }
    case '3D000':
      return new StrataError(TargetErrorCode.databaseMissing, `${subject}: ${error.message}.`, {
        hint: `Check \`dbname\` (or \`database\`) in the target, or create it (createdb ${endpoint.database ?? '<name>'}).`,
        details,
        httpStatus: 503,
        cause: error,
      });
    case '53300':
    case '57P03':
    case '57P01':
    case '08006':
    case '08001':
    case '08004':
      return new StrataError(TargetErrorCode.unavailable, `${subject}: ${error.message}.`, {
        hint: 'The server is up but not taking this connection now; retry shortly, or check its max_connections and state.',
        details,
        httpStatus: 503,
        cause: error,
      });
    default:
      return undefined;
  }
}

/**
 * Any failure from pg to a StrataError when the user can act on it: connection problems get a
 * target_* code, SQL the server rejects gets 'sql_error' with its message. Driver bugs stay
 * plain Errors.
 */
export function postgresError(error: unknown, endpoint: Endpoint): Error {
  if (error instanceof StrataError) return error;
  if (error instanceof pg.DatabaseError) {
    const connection = serverConnectionError(error, endpoint);
    if (connection) return connection;
    const at = error.position ? ` (at character ${error.position})` : '';
    const detail = error.detail ? ` ${error.detail.replace(/\.?$/, '.')}` : '';
    return new StrataError('sql_error', `${error.message.replace(/\.$/, '')}${at}.${detail}`, {
      hint: error.hint,
      details: { engine: 'postgres', sqlstate: error.code, ...(error.position ? { position: Number(error.position) } : {}) },
      cause: error,
    });
  }
  const network = networkError(error, endpoint);
  if (network) return network;
  const message = error instanceof Error ? error.message : String(error);
  if (/does not support SSL|SSL connection|certificate|self[- ]signed/i.test(message)) {
    return new StrataError(TargetErrorCode.sslFailed, `Cannot connect to postgres target '${endpoint.target}' at ${endpoint.host}:${endpoint.port}: ${message}.`, {
      hint: 'Check `sslmode` in the target against what the server offers (disable, require, verify-ca, verify-full).',
      details: { target: endpoint.target, host: endpoint.host, port: endpoint.port },
      httpStatus: 503,
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(message);
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

export interface PostgresTargetCheck {
  readonly ok: boolean;
  readonly detail: string;
  readonly version?: string;
  readonly code?: string;
}

/** Connect once with the target's settings and say precisely what is wrong, if anything. */
export async function checkPostgresTarget(target: ResolvedTarget): Promise<PostgresTargetCheck> {
  const endpoint = endpointOf(target);
  const where = `${endpoint.user ?? '(default user)'}@${endpoint.host}:${endpoint.port}/${endpoint.database ?? '(default database)'}`;
  const client = new pg.Client(postgresClientConfig(target));
  client.on('error', () => undefined);
  const started = performance.now();
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    const version = String(result.rows[0]?.server_version ?? '').split(' ')[0]!;
    return { ok: true, detail: `postgres ${where}: connected`, version };
  } catch (error) {
    const mapped = postgresError(connectTimeoutAware(error, started, endpoint), endpoint);
    const hint = mapped instanceof StrataError && mapped.hint ? ` ${mapped.hint}` : '';
    return { ok: false, detail: `${mapped.message}${hint}`, code: mapped instanceof StrataError ? mapped.code : 'internal_error' };
  } finally {
    await client.end().catch(() => undefined);
  }
}
