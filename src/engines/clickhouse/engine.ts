import type { IncomingMessage } from 'node:http';
import { StrataError, didYouMean } from '../../core/errors.js';
import type { ClickHouseTarget, ResolvedTarget } from '../../core/targets.js';
import { TargetErrorCode } from '../connection-errors.js';
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
  canonicalDecimalText,
  formatDate,
  formatTimestamp,
  parseIntegerText,
  parseTimestampText,
  toBigInt,
  toBoolean,
  toDecimalText,
  toDouble,
  toEpochDays,
  toEpochMicros,
  toInt32,
  toJsonText,
  toText,
} from '../values.js';
import { ClickHouseDialect, escapeTabSeparated, isNullableType, splitStatements, stripTrailingSemicolons, unwrapType } from './dialect.js';
import { ClickHouseHttp, UNKNOWN_DATABASE, readAll, readLines, type ClickHouseEndpoint } from './http.js';
import { capabilitiesFor, parseServerVersion } from './version.js';

/** The outcome of `strata debug`-style target checks (structurally shared with the other engines). */
export interface TargetCheck {
  ok: boolean;
  target: string;
  type: string;
  detail: string;
  version?: string;
  code?: string;
}

/**
 * Results are read as TabSeparatedWithNamesAndTypes: row-oriented (so it streams), exact (every
 * value is text, so decimals and 64-bit integers survive), typed by its second header line, and
 * present on 18.16 (which lacks JSONCompactEachRow; its JSON writes decimals as bare numbers).
 */
const RESULT_FORMAT = 'TabSeparatedWithNamesAndTypes';
const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
const DEFAULT_BATCH_SIZE = 10_000;

/**
 * Connects to the target's server (one `SELECT version()` round trip, which also proves the
 * credentials and the database) and returns an engine whose dialect matches that version.
 */
export async function createClickHouseEngine(target: ResolvedTarget, options: { readOnly?: boolean } = {}): Promise<Engine> {
  const config = clickhouseConfig(target);
  const endpoint = endpointFor(target.name, config, options.readOnly === true);
  const http = new ClickHouseHttp(endpoint);
  try {
    const server = await probeServer(http);
    return new ClickHouseEngine(http, new ClickHouseDialect(capabilitiesFor(server.version)), server.version, server.timezone, options.readOnly === true);
  } catch (error) {
    http.close();
    throw error;
  }
}

/** Connects once and reports what is wrong, in words and as a StrataError code, without throwing. */
export async function checkClickHouseTarget(target: ResolvedTarget): Promise<TargetCheck> {
  const base = { target: target.name, type: 'clickhouse' };
  let config: ClickHouseTarget;
  try {
    config = clickhouseConfig(target);
  } catch (error) {
    return { ...base, ok: false, detail: (error as Error).message, code: (error as StrataError).code };
  }
  const http = new ClickHouseHttp(endpointFor(target.name, config, false));
  try {
    const server = await probeServer(http);
    return {
      ...base,
      ok: true,
      version: server.version,
      detail: `ClickHouse ${server.version} at ${http.address}, database '${config.database}' (server time zone ${server.timezone})`,
    };
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    return { ...base, ok: false, detail: error.hint ? `${error.message}. ${error.hint}` : error.message, code: error.code };
  } finally {
    http.close();
  }
}

function clickhouseConfig(target: ResolvedTarget): ClickHouseTarget {
  if (target.config.type !== 'clickhouse') {
    throw new StrataError('target_invalid', `Target '${target.name}' is a ${target.config.type} target, not clickhouse`);
  }
  return target.config;
}

function endpointFor(name: string, config: ClickHouseTarget, readOnly: boolean): ClickHouseEndpoint {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.settings ?? {})) {
    settings[key] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  // readonly=2 refuses writes and DDL but still lets each request set its own settings
  // (readonly=1 would refuse default_format and the rest).
  if (readOnly) settings.readonly = '2';
  return {
    target: name,
    host: config.host,
    port: config.port,
    secure: config.secure,
    user: config.user,
    password: config.password,
    database: config.database,
    connectTimeoutMs: (config.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_SECONDS) * 1000,
    settings,
  };
}

/** Version and time zone, with a missing database named as such (and the nearest existing one). */
async function probeServer(http: ClickHouseHttp): Promise<{ version: string; timezone: string }> {
  try {
    const response = await http.request({ sql: 'SELECT version(), timezone()', settings: { default_format: 'TabSeparated' } });
    const [line] = (await readAll(response)).split('\n');
    const [version = '', timezone = ''] = (line ?? '').split('\t');
    parseServerVersion(version);
    return { version, timezone };
  } catch (error) {
    if (error instanceof StrataError && error.details?.clickhouseCode === UNKNOWN_DATABASE) throw await missingDatabase(http);
    throw error;
  }
}

async function missingDatabase(http: ClickHouseHttp): Promise<StrataError> {
  const { endpoint } = http;
  let hint = `Create it (CREATE DATABASE ${endpoint.database}) or set database: in the target to an existing one.`;
  const listing = new ClickHouseHttp({ ...endpoint, database: undefined });
  try {
    const response = await listing.request({ sql: 'SELECT name FROM system.databases', settings: { default_format: 'TabSeparated' } });
    const names = (await readAll(response)).split('\n').filter((name) => name !== '' && name !== 'system');
    hint = `${didYouMean(endpoint.database ?? '', names)} ${hint}`;
  } catch {
    // The listing is only a suggestion.
  } finally {
    listing.close();
  }
  return new StrataError(TargetErrorCode.databaseMissing, `Database '${endpoint.database}' does not exist on ClickHouse at ${http.address}`, {
    hint,
    details: { database: endpoint.database, host: endpoint.host, port: endpoint.port },
    httpStatus: 503,
  });
}

/**
 * An Engine over ClickHouse's HTTP interface. Each call is one HTTP request (no session), so
 * temporary tables and SET do not carry from one call to the next; settings belong in the target.
 */
export class ClickHouseEngine implements Engine {
  readonly kind = 'clickhouse' as const;

  constructor(
    private readonly http: ClickHouseHttp,
    readonly dialect: ClickHouseDialect,
    private readonly serverVersion: string,
    /** The server's time zone; plain DateTime values are wall-clock times in it. */
    readonly serverTimezone: string,
    readonly isReadOnly: boolean,
  ) {}

  async query<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const { columns, batches } = await this.openResult(sql, params, Number.POSITIVE_INFINITY);
    const rows: Row[] = [];
    for await (const batch of batches) for (const row of batch) rows.push(row);
    return { columns, rows: rows as R[] };
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    // Parameters go in as literals first, so a `;` inside a value is inside a string when splitting.
    const script = this.dialect.inlineParameters(sql, params);
    for (const statement of splitStatements(script)) {
      const response = await this.http.request({ sql: statement });
      for await (const _line of readLines(response, this.http.endpoint, statement)) {
        // Statements run for their effect; reading to the end surfaces a late exception.
      }
    }
  }

  async *stream(sql: string, params: readonly unknown[] = [], options: StreamOptions = {}): AsyncIterable<Row[]> {
    const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    const { batches } = await this.openResult(sql, params, batchSize);
    yield* batches;
  }

  /**
   * DESC (subquery) types a query's result without running it; 18.16 accepts it, as do later
   * servers. The query sits on its own lines so a trailing -- comment cannot swallow the `)`.
   */
  async describe(sql: string): Promise<ColumnInfo[]> {
    const statement = stripTrailingSemicolons(sql);
    const rows = await this.rawRows(`DESC (\n${statement}\n)`);
    return rows.map(([name = '', nativeType = '']) => this.columnInfo(name, nativeType));
  }

  /** ClickHouse has no transactions: `work` runs directly and its statements commit one by one. */
  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return work({ query: (sql, params) => this.query(sql, params), execute: (sql, params) => this.execute(sql, params) });
  }

  /**
   * INSERT ... FORMAT TabSeparated with the rows streamed as the request body. Created tables
   * use Nullable columns (other engines' columns accept NULL too) and ENGINE = MergeTree
   * ORDER BY tuple(). ClickHouse commits an insert in blocks of max_insert_block_size rows
   * (about a million): a load that fails after that many rows keeps the blocks already written.
   */
  async bulkLoad(
    table: RelationName,
    columns: readonly BulkLoadColumn[],
    rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
    options: BulkLoadOptions = {},
  ): Promise<{ rowsLoaded: number }> {
    if (columns.length === 0) throw new StrataError('bulk_load_invalid', `bulkLoad into ${this.dialect.qualify(table)} needs at least one column`);
    const qualified = this.dialect.qualify(table);
    const columnList = columns.map((column) => this.dialect.quoteIdentifier(column.name)).join(', ');
    if (options.create !== false) {
      const definitions = columns.map((column) => `${this.dialect.quoteIdentifier(column.name)} ${this.dialect.typeName(column.type, { nullable: true })}`);
      await this.execute(`CREATE TABLE IF NOT EXISTS ${qualified} (${definitions.join(', ')}) ${this.dialect.tableEngine()}`);
    }
    if (options.truncate) await this.execute(`TRUNCATE TABLE ${qualified}`);

    const encoders = columns.map((column) => encoderFor(column.type, this.dialect));
    const counter = { rows: 0 };
    const sql = `INSERT INTO ${qualified} (${columnList}) FORMAT TabSeparated`;
    const response = await this.http.request({ sql, body: encodeRows(rows, columns, encoders, counter) });
    await readAll(response);
    return { rowsLoaded: counter.rows };
  }

  async version(): Promise<string> {
    return this.serverVersion;
  }

  async close(): Promise<void> {
    this.http.close();
  }

  // -- reading ---------------------------------------------------------------------------------

  /** Parameters bind server-side where the server can (19.11+), else they are inlined as literals. */
  private prepare(sql: string, params: readonly unknown[]): { sql: string; settings: Record<string, string> } {
    const statement = stripTrailingSemicolons(sql);
    const bound = this.dialect.bindParameters(statement, params);
    return bound ?? { sql: this.dialect.inlineParameters(statement, params), settings: {} };
  }

  /**
   * Sends a read and returns its columns (from the two header lines) and an iterator over row
   * batches; abandoning the iterator closes the response, which stops the query on the server.
   */
  private async openResult(sql: string, params: readonly unknown[], batchSize: number): Promise<{ columns: ColumnInfo[]; batches: AsyncGenerator<Row[]> }> {
    const prepared = this.prepare(sql, params);
    const response = await this.http.request({ sql: prepared.sql, settings: { ...prepared.settings, default_format: RESULT_FORMAT } });
    const lines = readLines(response, this.http.endpoint, prepared.sql);
    const names = await lines.next();
    const types = names.done ? names : await lines.next();
    if (names.done || types.done) {
      // A statement without a result set (DDL, INSERT) answers with an empty body.
      return { columns: [], batches: emptyBatches() };
    }
    const columnNames = splitFields(names.value).map(unescapeField);
    const columns = splitFields(types.value).map((type, index) => this.columnInfo(columnNames[index] ?? '', unescapeField(type)));
    const decoders = columns.map((column) => decoderFor(column.nativeType));
    return { columns, batches: rowBatches(lines, response, columnNames, decoders, batchSize) };
  }

  /** Unescaped fields of every row of a TabSeparated result (for DESC and other metadata). */
  private async rawRows(sql: string): Promise<string[][]> {
    const response = await this.http.request({ sql, settings: { default_format: 'TabSeparated' } });
    const rows: string[][] = [];
    for await (const line of readLines(response, this.http.endpoint, sql)) rows.push(splitFields(line).map(unescapeField));
    return rows;
  }

  private columnInfo(name: string, nativeType: string): ColumnInfo {
    return { name, nativeType, type: this.dialect.logicalType(nativeType), nullable: isNullableType(nativeType) };
  }
}

async function* emptyBatches(): AsyncGenerator<Row[]> {
  // Nothing to yield.
}

async function* rowBatches(
  lines: AsyncGenerator<string>,
  response: IncomingMessage,
  names: readonly string[],
  decoders: readonly Decoder[],
  batchSize: number,
): AsyncGenerator<Row[]> {
  let batch: Row[] = [];
  try {
    for await (const line of lines) {
      const fields = splitFields(line);
      if (fields.length !== names.length) {
        throw new StrataError('sql_error', `ClickHouse sent a row with ${fields.length} fields for ${names.length} columns`, { details: { row: line.slice(0, 200) } });
      }
      const row: Row = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = decoders[i]!(fields[i]!);
      batch.push(row);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    // Closing early (a consumer that stops reading) drops the connection, which cancels the query.
    if (!response.complete) response.destroy();
  }
}

function splitFields(line: string): string[] {
  return line.split('\t');
}

// -- values ------------------------------------------------------------------------------------

type Decoder = (field: string) => Value;

const UNESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07', v: '\v' };

/** Undoes ClickHouse's TabSeparated escaping (\\, \t, \n, \', \xHH, ...). */
export function unescapeField(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9A-Fa-f]{2}|[\s\S])/g, (_m, escaped: string) => {
    if (escaped.length === 3) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    return UNESCAPES[escaped] ?? escaped;
  });
}

const decoderCache = new Map<string, Decoder>();

/** A function from a TabSeparated field to the canonical value, for one native type. */
export function decoderFor(nativeType: string): Decoder {
  let decoder = decoderCache.get(nativeType);
  if (!decoder) {
    decoder = buildDecoder(nativeType);
    decoderCache.set(nativeType, decoder);
  }
  return decoder;
}

function buildDecoder(nativeType: string): Decoder {
  const inner = unwrapType(nativeType);
  const value = baseDecoder(inner);
  if (!isNullableType(nativeType)) return value;
  return (field) => (field === '\\N' ? null : value(field));
}

function baseDecoder(type: string): Decoder {
  const name = type.replace(/\(.*$/s, '');
  switch (name) {
    case 'Int8':
    case 'Int16':
    case 'Int32':
    case 'UInt8':
    case 'UInt16':
    case 'UInt32':
      return Number;
    case 'Int64':
    case 'UInt64':
    case 'Int128':
    case 'UInt128':
    case 'Int256':
    case 'UInt256':
      // Up to 15 digits always fits a double exactly; longer text goes through BigInt.
      return (field) => (field.length <= 15 ? Number(field) : parseIntegerText(field));
    case 'Float32':
    case 'Float64':
      return decodeFloat;
    case 'Decimal':
    case 'Decimal32':
    case 'Decimal64':
    case 'Decimal128':
    case 'Decimal256': {
      // 21.9+ drop trailing zeros unless output_format_decimal_trailing_zeros=1: pad back to the scale.
      const scale = name === 'Decimal' ? Number(/,\s*(\d+)\s*\)/.exec(type)?.[1] ?? 0) : Number(/\(\s*(\d+)\s*\)/.exec(type)?.[1] ?? 0);
      return (field) => canonicalDecimalText(field, scale);
    }
    case 'Bool':
      return (field) => field === 'true' || field === '1';
    case 'Nothing':
      return () => null;
    case 'Date':
    case 'Date32':
      // 18.x prints the epoch day as 0000-00-00.
      return (field) => (field === '0000-00-00' ? '1970-01-01' : field);
    case 'DateTime':
    case 'DateTime64': {
      const zone = /'([^']+)'/.exec(type)?.[1];
      return timestampDecoder(zone);
    }
    case 'String':
    case 'FixedString':
    case 'UUID':
    case 'Enum8':
    case 'Enum16':
    case 'IPv4':
    case 'IPv6':
    case 'JSON':
    case 'Object':
      return unescapeField;
    default:
      // Arrays, tuples, maps: their text as ClickHouse writes it (quoted inside, not re-escaped).
      return (field) => field;
  }
}

function decodeFloat(field: string): number {
  switch (field) {
    case 'inf':
    case '+inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case 'nan':
    case '-nan':
      return NaN;
    default:
      return Number(field);
  }
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'UCT', 'Etc/UCT', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu', 'GMT0', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'Greenwich', 'Etc/Greenwich']);

/**
 * Timestamps: trailing fraction zeros trimmed (DateTime64 prints all p digits); a DateTime with
 * a non-UTC zone is converted to UTC, as types.ts asks of timestamptz.
 */
function timestampDecoder(zone: string | undefined): Decoder {
  const convert = zone !== undefined && !UTC_ZONES.has(zone) ? zoneToUtc(zone) : undefined;
  return (field) => {
    if (field.startsWith('0000-00-00')) field = '1970-01-01 00:00:00';
    if (convert) return formatTimestamp(convert(parseTimestampText(field)));
    const dot = field.indexOf('.');
    if (dot === -1) return field;
    const fraction = field.slice(dot + 1).replace(/0+$/, '');
    return fraction === '' ? field.slice(0, dot) : `${field.slice(0, dot)}.${fraction}`;
  };
}

/** Wall-clock microseconds in `zone` (read as if UTC) to the UTC instant, via Intl's zone data. */
function zoneToUtc(zone: string): (wallMicros: bigint) => bigint {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const offsetMs = (utcMs: number): number => {
    const parts = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((part) => [part.type, part.value]));
    const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return wall - Math.floor(utcMs / 1000) * 1000;
  };
  return (wallMicros) => {
    const wallMs = Number(wallMicros / 1000n);
    // Two rounds settle the offset on either side of a DST change.
    let utcMs = wallMs - offsetMs(wallMs);
    utcMs = wallMs - offsetMs(utcMs);
    return wallMicros + BigInt(utcMs - wallMs) * 1000n;
  };
}

// -- bulk load encoding ------------------------------------------------------------------------

type Encoder = (value: unknown) => string;

/** A function from an input value to its TabSeparated field for a column of `type`. */
function encoderFor(type: ColumnType, dialect: ClickHouseDialect): Encoder {
  switch (type.logical) {
    case 'boolean':
      return dialect.supportsBool ? (value) => (toBoolean(value) ? 'true' : 'false') : (value) => (toBoolean(value) ? '1' : '0');
    case 'integer':
      return (value) => String(toInt32(value));
    case 'bigint':
    case 'hugeint':
      return (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : toBigInt(value).toString());
    case 'double':
      return (value) => {
        const number = toDouble(value);
        return Number.isFinite(number) ? String(number) : Number.isNaN(number) ? 'nan' : number > 0 ? 'inf' : '-inf';
      };
    case 'decimal':
      return (value) => toDecimalText(value, type.scale ?? (type.precision === undefined ? 3 : 0));
    case 'date':
      return (value) => formatDate(toEpochDays(value));
    case 'timestamp':
    case 'timestamptz':
      // DateTime (before 20.1) holds whole seconds; DateTime64(6) takes the fraction.
      return dialect.supportsDateTime64
        ? (value) => formatTimestamp(toEpochMicros(value))
        : (value) => formatTimestamp(toEpochMicros(value)).replace(/\.\d+$/, '');
    case 'json':
      return (value) => escapeTabSeparated(toJsonText(value));
    case 'string':
    case 'other':
      return (value) => escapeTabSeparated(typeof value === 'string' ? value : toText(value));
  }
}

const FLUSH_ROWS = 4096;

async function* encodeRows(
  rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
  columns: readonly BulkLoadColumn[],
  encoders: readonly Encoder[],
  counter: { rows: number },
): AsyncGenerator<string> {
  const width = columns.length;
  let lines: string[] = [];
  for await (const row of rows as AsyncIterable<readonly unknown[]>) {
    const fields = new Array<string>(width);
    for (let i = 0; i < width; i++) {
      const value = row[i];
      if (value === null || value === undefined) {
        fields[i] = '\\N';
        continue;
      }
      try {
        fields[i] = encoders[i]!(value);
      } catch (error) {
        if (!(error instanceof InvalidValueError)) throw error;
        throw new StrataError('invalid_value', `Row ${counter.rows + 1}, column '${columns[i]!.name}': ${error.message}`, {
          details: { row: counter.rows + 1, column: columns[i]!.name, type: columns[i]!.type.logical },
          cause: error,
        });
      }
    }
    lines.push(fields.join('\t'));
    counter.rows++;
    if (lines.length === FLUSH_ROWS) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}
