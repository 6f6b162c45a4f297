import { BaseDialect, assertGrain, parsePrecisionScale } from '../base-dialect.js';
import type { ColumnType, ConstraintKind, ConstraintSupport, TimeGrain } from '../types.js';

export interface PostgresDialectOptions {
  /** server_version_num, e.g. 150020. Default: assume a current server (>= 15). */
  readonly serverVersionNum?: number;
}

/** The decimal width and scale used when a decimal type gives neither (DuckDB's default). */
const DEFAULT_DECIMAL = { precision: 18, scale: 3 } as const;

/**
 * Postgres spellings. Timestamps are handled as wall-clock `timestamp` in date functions so a
 * DATE input truncates to a TIMESTAMP (as on DuckDB) instead of a timestamptz in the session
 * zone; Strata's sessions run in UTC, so a timestamptz input lands on the same UTC value.
 */
export class PostgresDialect extends BaseDialect {
  readonly kind = 'postgres' as const;
  override readonly supportsTransactions = true;
  protected override readonly isFractionLiteralDecimal = true;
  /** MERGE arrived in Postgres 15; older servers upsert with INSERT ... ON CONFLICT. */
  override readonly supportsMerge: boolean;
  override readonly supportsOnConflict = true;
  /** CREATE OR REPLACE exists for views only, not tables. */
  override readonly supportsCreateOrReplace = false;
  override readonly constraints: Readonly<Record<ConstraintKind, ConstraintSupport>> = {
    not_null: 'enforced',
    unique: 'enforced',
    primary_key: 'enforced',
    foreign_key: 'enforced',
    check: 'enforced',
  };

  constructor(options: PostgresDialectOptions = {}) {
    super();
    this.supportsMerge = (options.serverVersionNum ?? 150000) >= 150000;
  }

  typeName(type: ColumnType): string {
    switch (type.logical) {
      case 'boolean':
        return 'boolean';
      case 'integer':
        return 'integer';
      case 'bigint':
        return 'bigint';
      case 'hugeint':
        return 'numeric(38,0)';
      case 'double':
        return 'double precision';
      case 'decimal':
        return `numeric(${type.precision ?? DEFAULT_DECIMAL.precision},${type.scale ?? (type.precision === undefined ? DEFAULT_DECIMAL.scale : 0)})`;
      case 'string':
        return 'text';
      case 'date':
        return 'date';
      case 'timestamp':
        return 'timestamp';
      case 'timestamptz':
        return 'timestamptz';
      case 'json':
        return 'jsonb';
      case 'other':
        throw new Error("The logical type 'other' has no Postgres type name; keep the column's native type instead");
    }
  }

  logicalType(nativeType: string): ColumnType {
    const lower = nativeType.trim().toLowerCase();
    if (lower.endsWith('[]')) return { logical: 'other' };
    const base = lower.replace(/\(.*?\)/, '').replace(/\s+/g, ' ').trim();
    switch (base) {
      case 'boolean':
      case 'bool':
        return { logical: 'boolean' };
      case 'smallint':
      case 'int2':
      case 'integer':
      case 'int':
      case 'int4':
        return { logical: 'integer' };
      case 'bigint':
      case 'int8':
      case 'oid':
        return { logical: 'bigint' };
      case 'real':
      case 'float4':
      case 'double precision':
      case 'float8':
      case 'float':
        return { logical: 'double' };
      case 'numeric':
      case 'decimal': {
        const { precision, scale } = parsePrecisionScale(lower);
        return precision === undefined ? { logical: 'decimal' } : { logical: 'decimal', precision, scale: scale ?? 0 };
      }
      case 'text':
      case 'character varying':
      case 'varchar':
      case 'character':
      case 'char':
      case 'bpchar':
      case 'name':
      case 'uuid':
      case 'citext':
        return { logical: 'string' };
      case 'date':
        return { logical: 'date' };
      case 'timestamp':
      case 'timestamp without time zone':
        return { logical: 'timestamp' };
      case 'timestamptz':
      case 'timestamp with time zone':
        return { logical: 'timestamptz' };
      case 'json':
      case 'jsonb':
        return { logical: 'json' };
      default:
        return { logical: 'other' };
    }
  }

  override dateTrunc(grain: TimeGrain, expression: string): string {
    assertGrain(grain);
    return `date_trunc('${grain}', CAST(${expression} AS timestamp))`;
  }

  /**
   * Postgres has no date_diff; count boundaries crossed, as DuckDB does: calendar fields for
   * year/quarter/month, Monday-based weeks, and truncated instants for day and finer.
   */
  override dateDiff(unit: TimeGrain, start: string, end: string): string {
    assertGrain(unit);
    const s = `CAST(${start} AS timestamp)`;
    const e = `CAST(${end} AS timestamp)`;
    const field = (name: string, x: string) => `EXTRACT(${name} FROM ${x})`;
    const years = `(${field('YEAR', e)} - ${field('YEAR', s)})`;
    switch (unit) {
      case 'year':
        return `CAST(${years} AS bigint)`;
      case 'quarter':
        return `CAST(${years} * 4 + ${field('QUARTER', e)} - ${field('QUARTER', s)} AS bigint)`;
      case 'month':
        return `CAST(${years} * 12 + ${field('MONTH', e)} - ${field('MONTH', s)} AS bigint)`;
      case 'week':
        return `CAST((CAST(date_trunc('week', ${e}) AS date) - CAST(date_trunc('week', ${s}) AS date)) / 7 AS bigint)`;
      case 'day':
        return `CAST(CAST(${e} AS date) - CAST(${s} AS date) AS bigint)`;
      default: {
        const seconds = unit === 'hour' ? 3600 : unit === 'minute' ? 60 : 1;
        return `CAST(floor(EXTRACT(EPOCH FROM (date_trunc('${unit}', ${e}) - date_trunc('${unit}', ${s}))) / ${seconds}) AS bigint)`;
      }
    }
  }
}

/** The dialect of a current server (>= 15); engines build one from the server they reach. */
export const postgresDialect = new PostgresDialect();
