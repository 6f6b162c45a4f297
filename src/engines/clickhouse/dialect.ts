import { StrataError } from '../../core/errors.js';
import { BaseDialect, assertGrain, parsePrecisionScale } from '../base-dialect.js';
import type { ColumnType, ConstraintKind, ConstraintSupport, RelationName, TimeGrain } from '../types.js';
import { formatDate, formatTimestamp, toBigInt, toDecimalText, toEpochDays, toEpochMicros, toJsonText } from '../values.js';
import { CLICKHOUSE_18_16, type ClickHouseCapabilities } from './version.js';

/** Default Decimal width and scale when a decimal type gives neither (DuckDB's, so results agree). */
export const DEFAULT_DECIMAL = { precision: 18, scale: 3 } as const;

/**
 * 18.16's LIMIT computes `limit + offset - position` in signed 64 bits: a limit near 2^63 wraps,
 * and the server then reads freed memory and crashes (seen on 18.16.1 with `LIMIT 2^64-1 OFFSET n`).
 * An OFFSET alone is therefore written with this limit, far above any row count and far from 2^63.
 */
const UNBOUNDED_LIMIT = '1000000000000000000';

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const INT128_MIN = -(2n ** 127n);
const INT128_MAX = 2n ** 127n - 1n;

/**
 * ClickHouse spellings for one server version. Construct it with the capabilities the engine
 * detected; without them it assumes 18.16, whose SQL every later release still accepts.
 *
 * ClickHouse has no schema level: a RelationName's schema is the ClickHouse database when no
 * database is given (dbt-clickhouse maps schema to database the same way).
 */
export class ClickHouseDialect extends BaseDialect {
  readonly kind = 'clickhouse' as const;
  /** No multi-statement transactions: each statement commits on its own. */
  override readonly supportsTransactions = false;
  override readonly supportsMerge = false;
  override readonly supportsOnConflict = false;
  override readonly supportsCreateOrReplace: boolean;
  /**
   * not_null is the column's type (T rejects NULL, Nullable(T) allows it). CHECK constraints
   * exist from 19.14 and are enforced on insert. ClickHouse's PRIMARY KEY is a sort key, not a
   * uniqueness rule, and there are no UNIQUE or FOREIGN KEY constraints.
   */
  override readonly constraints: Readonly<Record<ConstraintKind, ConstraintSupport>>;
  /**
   * upsert() only inserts: replacing the older row with the same key is the job of a
   * ReplacingMergeTree ordered by the key columns (see tableEngine), at merge time or when read
   * with FINAL. Callers that need the merged view immediately read with FINAL.
   */
  readonly upsertNeedsReplacingEngine = true;

  readonly version: string;
  readonly supportsQueryParameters: boolean;
  readonly supportsDateTime64: boolean;
  readonly supportsBool: boolean;
  readonly supportsWideIntegers: boolean;
  readonly supportsLowCardinality: boolean;
  readonly supportsTTL: boolean;
  readonly supportsCheckConstraints: boolean;

  constructor(readonly capabilities: ClickHouseCapabilities = CLICKHOUSE_18_16) {
    super();
    this.version = capabilities.version.text;
    this.supportsQueryParameters = capabilities.supportsQueryParameters;
    this.supportsDateTime64 = capabilities.supportsDateTime64;
    this.supportsBool = capabilities.supportsBool;
    this.supportsWideIntegers = capabilities.supportsWideIntegers;
    this.supportsLowCardinality = capabilities.supportsLowCardinality;
    this.supportsTTL = capabilities.supportsTTL;
    this.supportsCheckConstraints = capabilities.supportsCheckConstraints;
    this.supportsCreateOrReplace = capabilities.supportsCreateOrReplace;
    this.constraints = {
      not_null: 'enforced',
      unique: 'not_supported',
      primary_key: 'not_supported',
      foreign_key: 'not_supported',
      check: capabilities.supportsCheckConstraints ? 'enforced' : 'not_supported',
    };
  }

  // -- names -----------------------------------------------------------------------------------

  /** Backticks; a backtick or backslash inside is escaped with a backslash, as ClickHouse reads it. */
  override quoteIdentifier(identifier: string): string {
    return '`' + identifier.replace(/[\\`]/g, (ch) => '\\' + ch) + '`';
  }

  override qualify(relation: RelationName): string {
    const database = relation.database || relation.schema;
    const name = this.quoteIdentifier(relation.name);
    return database ? `${this.quoteIdentifier(database)}.${name}` : name;
  }

  // -- literals --------------------------------------------------------------------------------

  override literal(value: unknown): string {
    if (typeof value === 'boolean') return this.supportsBool ? (value ? 'true' : 'false') : value ? '1' : '0';
    if (typeof value === 'bigint') return this.bigintLiteral(value);
    if (value instanceof Uint8Array) return this.bytesLiteral(value);
    return super.literal(value);
  }

  /** CAST(literal AS T) with T exactly typeName(type); NULL gets Nullable(T), which CAST requires. */
  override typedLiteral(value: unknown, type: ColumnType): string {
    if (value === null || value === undefined) return `CAST(NULL AS ${this.typeName(type, { nullable: true })})`;
    const castTo = (literal: string) => `CAST(${literal} AS ${this.typeName(type)})`;
    switch (type.logical) {
      case 'date':
        return this.dateLiteral(formatDate(toEpochDays(value)));
      case 'timestamp':
      case 'timestamptz':
        return castTo(this.stringLiteral(this.timestampText(formatTimestamp(toEpochMicros(value)))));
      case 'decimal':
        // Through text so 0.1 stays 0.1 rather than the double nearest to it.
        return castTo(this.stringLiteral(toDecimalText(value, type.scale ?? (type.precision === undefined ? DEFAULT_DECIMAL.scale : 0))));
      case 'hugeint':
        return castTo(this.stringLiteral(typeof value === 'string' ? value.trim() : toBigInt(value).toString()));
      case 'json':
        return castTo(this.stringLiteral(typeof value === 'string' ? value : toJsonText(value)));
      default:
        return castTo(this.literal(value));
    }
  }

  /** Backslash escapes, as ClickHouse reads string literals (a doubled quote also works, but \' is its own spelling). */
  protected override stringLiteral(value: string): string {
    return `'${escapeString(value)}'`;
  }

  /** ClickHouse spells the specials inf, -inf and nan; they parse as Float64. */
  protected override nonFiniteLiteral(value: number): string {
    return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  }

  protected override dateLiteral(text: string): string {
    return `toDate(${this.stringLiteral(text)})`;
  }

  /**
   * A JS Date is an instant, so it becomes a UTC DateTime. Sub-second parts need DateTime64
   * (20.1); on older servers DateTime holds whole seconds and the fraction is dropped.
   */
  protected override timestampLiteral(text: string): string {
    if (this.supportsDateTime64 && text.includes('.')) return `toDateTime64(${this.stringLiteral(text)}, 3, 'UTC')`;
    return `toDateTime(${this.stringLiteral(text.replace(/\.\d+$/, ''))}, 'UTC')`;
  }

  /** Integers past UInt64 or below Int64 need a wide type: Int128 (21.7+) or Decimal(38, 0) before. */
  private bigintLiteral(value: bigint): string {
    if (value >= INT64_MIN && value <= UINT64_MAX) return value.toString();
    const text = this.stringLiteral(value.toString());
    if (this.supportsWideIntegers) return value >= INT128_MIN && value <= INT128_MAX ? `toInt128(${text})` : `toInt256(${text})`;
    return `toDecimal128(${text}, 0)`;
  }

  private bytesLiteral(bytes: Uint8Array): string {
    let text = '';
    for (const byte of bytes) text += '\\x' + byte.toString(16).padStart(2, '0');
    return `'${text}'`;
  }

  /** Timestamp text a column of this server accepts: whole seconds unless DateTime64 exists. */
  private timestampText(text: string): string {
    return this.supportsDateTime64 ? text : text.replace(/\.\d+$/, '');
  }

  // -- types -----------------------------------------------------------------------------------

  /**
   * Native type for a logical type. Columns Strata creates for loaded data are nullable like
   * other engines' columns, so callers pass { nullable: true } for those; ClickHouse types are
   * otherwise NOT NULL.
   */
  typeName(type: ColumnType, options: { nullable?: boolean } = {}): string {
    const base = this.baseTypeName(type);
    return options.nullable ? `Nullable(${base})` : base;
  }

  private baseTypeName(type: ColumnType): string {
    switch (type.logical) {
      case 'boolean':
        return this.supportsBool ? 'Bool' : 'UInt8';
      case 'integer':
        return 'Int32';
      case 'bigint':
        return 'Int64';
      case 'hugeint':
        // Decimal(38, 0) holds 38 digits either side of zero: the widest exact integer 18.16 has.
        return this.supportsWideIntegers ? 'Int128' : 'Decimal(38, 0)';
      case 'double':
        return 'Float64';
      case 'decimal': {
        const precision = type.precision ?? DEFAULT_DECIMAL.precision;
        const scale = type.scale ?? (type.precision === undefined ? DEFAULT_DECIMAL.scale : 0);
        return `Decimal(${precision}, ${scale})`;
      }
      case 'string':
      case 'json':
        return 'String';
      case 'date':
        return 'Date';
      case 'timestamp':
        return this.supportsDateTime64 ? 'DateTime64(6)' : 'DateTime';
      case 'timestamptz':
        return this.supportsDateTime64 ? "DateTime64(6, 'UTC')" : "DateTime('UTC')";
      case 'other':
        throw new Error("The logical type 'other' has no ClickHouse type name; keep the column's native type instead");
    }
  }

  logicalType(nativeType: string): ColumnType {
    const inner = unwrapType(nativeType);
    const name = inner.replace(/\(.*$/s, '').trim();
    switch (name) {
      case 'Bool':
      case 'Boolean':
      case 'BOOL':
      case 'BOOLEAN':
        return { logical: 'boolean' };
      case 'Int8':
      case 'Int16':
      case 'Int32':
      case 'UInt8':
      case 'UInt16':
      case 'INT':
      case 'INTEGER':
      case 'SMALLINT':
      case 'TINYINT':
        return { logical: 'integer' };
      case 'UInt32':
      case 'Int64':
      case 'BIGINT':
        return { logical: 'bigint' };
      case 'UInt64':
      case 'Int128':
      case 'UInt128':
      case 'Int256':
      case 'UInt256':
        return { logical: 'hugeint' };
      case 'Float32':
      case 'Float64':
      case 'FLOAT':
      case 'DOUBLE':
        return { logical: 'double' };
      case 'Decimal':
      case 'DECIMAL':
      case 'NUMERIC': {
        const { precision, scale } = parsePrecisionScale(inner);
        return precision === undefined ? { logical: 'decimal', ...DEFAULT_DECIMAL } : { logical: 'decimal', precision, scale: scale ?? 0 };
      }
      case 'Decimal32':
      case 'Decimal64':
      case 'Decimal128':
      case 'Decimal256': {
        const precision = { Decimal32: 9, Decimal64: 18, Decimal128: 38, Decimal256: 76 }[name];
        const scale = Number(/\(\s*(\d+)\s*\)/.exec(inner)?.[1] ?? 0);
        return { logical: 'decimal', precision, scale };
      }
      case 'String':
      case 'FixedString':
      case 'UUID':
      case 'Enum8':
      case 'Enum16':
      case 'Enum':
      case 'IPv4':
      case 'IPv6':
      case 'TEXT':
      case 'VARCHAR':
        return { logical: 'string' };
      case 'Date':
      case 'Date32':
        return { logical: 'date' };
      case 'DateTime':
        return { logical: /\(\s*'/.test(inner) ? 'timestamptz' : 'timestamp' };
      case 'DateTime64':
        return { logical: /,\s*'/.test(inner) ? 'timestamptz' : 'timestamp' };
      case 'JSON':
      case 'Object':
        return { logical: 'json' };
      default:
        return { logical: 'other' };
    }
  }

  /**
   * CAST(x AS Nullable(T)). ClickHouse's CAST to a plain T throws on NULL ("Cannot convert NULL
   * value to non-Nullable type"), and on 18.16 the toInt32()-style functions fail on a NULL
   * string too (they parse the empty string under it); casting to Nullable(T) keeps NULL as NULL
   * the way CAST does on other engines. The result is Nullable even for a non-NULL input: wrap it
   * in assumeNotNull() where a non-Nullable column is required.
   */
  override cast(expression: string, type: ColumnType): string {
    return `CAST(${expression} AS ${this.typeName(type, { nullable: true })})`;
  }

  // -- dates -----------------------------------------------------------------------------------

  /**
   * Every grain returns a DateTime, so a truncated timestamp reads back as 'YYYY-MM-DD HH:MM:SS'
   * as on the other engines (ClickHouse's toMonday/toStartOfMonth/... return Date). The input
   * goes through toDateTime first: that accepts Date, DateTime and DateTime64 alike and drops
   * sub-seconds, which is the 'second' grain (toStartOfSecond exists only for DateTime64).
   * Weeks use toMonday (ISO weeks): toStartOfWeek(x, 1) is missing on 18.16.
   */
  override dateTrunc(grain: TimeGrain, expression: string): string {
    assertGrain(grain);
    const dateTime = `toDateTime(${expression})`;
    switch (grain) {
      case 'second':
        return dateTime;
      case 'minute':
        return `toStartOfMinute(${dateTime})`;
      case 'hour':
        return `toStartOfHour(${dateTime})`;
      case 'day':
        return `toStartOfDay(${dateTime})`;
      case 'week':
        return `toDateTime(toMonday(${dateTime}))`;
      case 'month':
        return `toDateTime(toStartOfMonth(${dateTime}))`;
      case 'quarter':
        return `toDateTime(toStartOfQuarter(${dateTime}))`;
      case 'year':
        return `toDateTime(toStartOfYear(${dateTime}))`;
    }
  }

  /** addMonths and friends clamp to the month's last day, as Postgres and DuckDB do; 18.16 has no addQuarters. */
  override addInterval(expression: string, amount: number, unit: TimeGrain): string {
    assertGrain(unit);
    if (!Number.isInteger(amount)) throw new Error(`addInterval needs a whole number of ${unit}s, got ${amount}`);
    const [fn, count] = unit === 'quarter' ? ['addMonths', amount * 3] : [ADD_FUNCTIONS[unit], amount];
    return `${fn}(${expression}, ${count})`;
  }

  /** dateDiff counts unit boundaries crossed (weeks start on Monday), on 18.16 as on current servers. */
  override dateDiff(unit: TimeGrain, start: string, end: string): string {
    assertGrain(unit);
    return `dateDiff('${unit}', ${start}, ${end})`;
  }

  // -- statements ------------------------------------------------------------------------------

  /**
   * ClickHouse cannot update rows in place on every version (ALTER ... UPDATE is an asynchronous
   * mutation), so an upsert is an INSERT ... SELECT of the new rows. The target must be a
   * ReplacingMergeTree ordered by the key columns (tableEngine(keys, { replacing: true })):
   * rows with the same key collapse to the last inserted one when parts merge, and reads with
   * FINAL see the collapsed result at once.
   */
  override upsert(target: RelationName, columns: readonly string[], keyColumns: readonly string[], sourceSql: string): string[] {
    if (keyColumns.length === 0) throw new Error('upsert needs at least one key column');
    const missing = keyColumns.filter((key) => !columns.includes(key));
    if (missing.length > 0) throw new Error(`upsert key columns ${missing.join(', ')} are not among the columns`);
    const list = columns.map((column) => this.quoteIdentifier(column)).join(', ');
    return [`INSERT INTO ${this.qualify(target)} (${list})\nSELECT ${list} FROM (\n${sourceSql}\n) AS strata_source`];
  }

  /** LIMIT n OFFSET m works on 18.16; an OFFSET alone needs a LIMIT there (see UNBOUNDED_LIMIT). */
  override limitOffset(limit?: number, offset?: number): string {
    const hasOffset = offset !== undefined && offset !== 0;
    if (limit === undefined && !hasOffset) return '';
    const limitText = limit === undefined ? UNBOUNDED_LIMIT : String(nonNegativeInteger(limit, 'limit'));
    return hasOffset ? ` LIMIT ${limitText} OFFSET ${nonNegativeInteger(offset, 'offset')}` : ` LIMIT ${limitText}`;
  }

  /**
   * The ENGINE clause for tables Strata creates. `ORDER BY tuple()` (no sort key) is accepted by
   * 18.16 and later; with key columns and `replacing`, rows sharing a key replace each other.
   */
  tableEngine(orderBy: readonly string[] = [], options: { replacing?: boolean } = {}): string {
    const engine = options.replacing ? 'ReplacingMergeTree' : 'MergeTree';
    const key = orderBy.length === 0 ? 'tuple()' : `(${orderBy.map((column) => this.quoteIdentifier(column)).join(', ')})`;
    return `ENGINE = ${engine} ORDER BY ${key}`;
  }

  /**
   * Replaces `$1`, `$2`, ... outside strings, quoted names and comments with literals. This is
   * how 18.16 gets parameters, and how statements other than reads get them on every version.
   */
  inlineParameters(sql: string, params: readonly unknown[] = []): string {
    if (params.length === 0 && !sql.includes('$')) return sql;
    let out = '';
    for (const segment of scanSql(sql)) {
      out += segment.kind === 'code' ? segment.text.replace(PLACEHOLDER, (_m, prefix: string, index: string) => prefix + this.literal(parameterValue(params, index))) : segment.text;
    }
    return out;
  }

  /**
   * Rewrites `$n` into server-side `{pn:Type}` placeholders (19.11+), returning the values as
   * `param_pn` settings in the text form ClickHouse parses. Returns undefined when the server
   * lacks query parameters or a value has no unambiguous parameter type (arrays, objects,
   * bytes, integers past 128 bits); the caller then inlines literals instead.
   */
  bindParameters(sql: string, params: readonly unknown[]): { sql: string; settings: Record<string, string> } | undefined {
    if (!this.supportsQueryParameters) return undefined;
    const settings: Record<string, string> = {};
    let out = '';
    let bindable = true;
    for (const segment of scanSql(sql)) {
      if (segment.kind !== 'code') {
        out += segment.text;
        continue;
      }
      out += segment.text.replace(PLACEHOLDER, (_m, prefix: string, index: string) => {
        const param = this.parameterType(parameterValue(params, index));
        if (!param) {
          bindable = false;
          return _m;
        }
        settings[`param_p${index}`] = param.text;
        return `${prefix}{p${index}:${param.type}}`;
      });
    }
    return bindable ? { sql: out, settings } : undefined;
  }

  private parameterType(value: unknown): { type: string; text: string } | undefined {
    if (value === null || value === undefined) return { type: 'Nullable(String)', text: '\\N' };
    switch (typeof value) {
      case 'string':
        return { type: 'String', text: escapeTabSeparated(value) };
      case 'boolean':
        return this.supportsBool ? { type: 'Bool', text: value ? 'true' : 'false' } : { type: 'UInt8', text: value ? '1' : '0' };
      case 'number':
        if (Number.isInteger(value) && Number.isSafeInteger(value)) return { type: 'Int64', text: String(value) };
        return { type: 'Float64', text: Number.isNaN(value) ? 'nan' : value === Infinity ? 'inf' : value === -Infinity ? '-inf' : String(value) };
      case 'bigint':
        if (value >= INT64_MIN && value < 2n ** 63n) return { type: 'Int64', text: value.toString() };
        if (value >= 0n && value <= UINT64_MAX) return { type: 'UInt64', text: value.toString() };
        if (this.supportsWideIntegers && value >= INT128_MIN && value <= INT128_MAX) return { type: 'Int128', text: value.toString() };
        return undefined;
      case 'object':
        if (value instanceof Date && !Number.isNaN(value.getTime())) {
          const text = formatTimestamp(toEpochMicros(value));
          return this.supportsDateTime64 ? { type: "DateTime64(3, 'UTC')", text } : { type: "DateTime('UTC')", text: text.replace(/\.\d+$/, '') };
        }
        return undefined;
      default:
        return undefined;
    }
  }
}

const ADD_FUNCTIONS: Record<Exclude<TimeGrain, 'quarter'>, string> = {
  second: 'addSeconds',
  minute: 'addMinutes',
  hour: 'addHours',
  day: 'addDays',
  week: 'addWeeks',
  month: 'addMonths',
  year: 'addYears',
};

/** `$n` not preceded by a name character (so `a$1` stays a name). */
const PLACEHOLDER = /(^|[^\w$])\$(\d+)(?!\w)/g;

function parameterValue(params: readonly unknown[], index: string): unknown {
  const position = Number(index);
  if (position < 1 || position > params.length) {
    throw new StrataError('sql_error', `The SQL uses $${index} but ${params.length} parameter${params.length === 1 ? ' was' : 's were'} given`, {
      details: { parameter: position, given: params.length },
    });
  }
  return params[position - 1];
}

function nonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};

/** The inside of a ClickHouse string literal. */
export function escapeString(value: string): string {
  return value.replace(/[\\'\n\r\t\0\b\f]/g, (ch) => STRING_ESCAPES[ch]!);
}

const TSV_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};

/** A value in ClickHouse's "escaped" text form (TabSeparated fields, query parameter values). */
export function escapeTabSeparated(value: string): string {
  return value.replace(/[\\\n\r\t\0\b\f]/g, (ch) => TSV_ESCAPES[ch]!);
}

/** Removes ClickHouse's Nullable(...) and LowCardinality(...) wrappers. */
export function unwrapType(nativeType: string): string {
  let type = nativeType.trim();
  for (;;) {
    const match = /^(Nullable|LowCardinality)\((.*)\)$/s.exec(type);
    if (!match) return type;
    type = match[2]!.trim();
  }
}

/** Whether a native type admits NULL (Nullable(T), possibly inside LowCardinality). */
export function isNullableType(nativeType: string): boolean {
  let type = nativeType.trim();
  for (;;) {
    const match = /^(Nullable|LowCardinality)\((.*)\)$/s.exec(type);
    if (!match) return false;
    if (match[1] === 'Nullable') return true;
    type = match[2]!.trim();
  }
}

// -- SQL text scanning -------------------------------------------------------------------------

export interface SqlSegment {
  readonly kind: 'code' | 'string' | 'identifier' | 'comment';
  readonly text: string;
}

/**
 * Cuts SQL into code, quoted strings/names and comments, following ClickHouse's lexer:
 * '...' strings and "..."/`...` names with backslash escapes (a doubled quote closes and
 * reopens, which needs no special case), -- and /* *\/ comments, and $tag$...$tag$ heredocs
 * (23.x) as strings. Unterminated quotes run to the end, as the server would reject them anyway.
 */
export function scanSql(sql: string): SqlSegment[] {
  const segments: SqlSegment[] = [];
  let codeStart = 0;
  let i = 0;
  const push = (kind: SqlSegment['kind'], end: number) => {
    if (i > codeStart) segments.push({ kind: 'code', text: sql.slice(codeStart, i) });
    segments.push({ kind, text: sql.slice(i, end) });
    i = end;
    codeStart = end;
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== ch) j += sql[j] === '\\' ? 2 : 1;
      push(ch === "'" ? 'string' : 'identifier', Math.min(j + 1, sql.length));
    } else if (ch === '-' && sql[i + 1] === '-') {
      const newline = sql.indexOf('\n', i);
      push('comment', newline === -1 ? sql.length : newline);
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      push('comment', close === -1 ? sql.length : close + 2);
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag && !/[\w]/.test(sql[i - 1] ?? '')) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        push('string', close === -1 ? sql.length : close + tag[0].length);
      } else {
        i += 1;
      }
    } else {
      i += 1;
    }
  }
  if (codeStart < sql.length) segments.push({ kind: 'code', text: sql.slice(codeStart) });
  return segments;
}

/**
 * Splits a script into statements on top-level semicolons (the HTTP interface takes one per
 * request). Statements that hold only whitespace and comments are dropped.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let hasCode = false;
  const finish = () => {
    if (hasCode) statements.push(current.trim());
    current = '';
    hasCode = false;
  };
  for (const segment of scanSql(sql)) {
    if (segment.kind !== 'code') {
      current += segment.text;
      if (segment.kind !== 'comment') hasCode = true;
      continue;
    }
    const parts = segment.text.split(';');
    parts.forEach((part, index) => {
      if (index > 0) finish();
      current += part;
      if (part.trim() !== '') hasCode = true;
    });
  }
  finish();
  return statements;
}

/** The statement without trailing semicolons and whitespace (comments are kept). */
export function stripTrailingSemicolons(sql: string): string {
  const statements = splitStatements(sql);
  if (statements.length !== 1) {
    throw new StrataError('sql_error', `Expected one SQL statement, got ${statements.length}; use execute() for scripts`, {
      details: { statements: statements.length },
    });
  }
  return statements[0]!;
}
