import type {
  ColumnType,
  ConstraintKind,
  ConstraintSupport,
  Dialect,
  EngineKind,
  RelationName,
  TimeGrain,
} from './types.js';
import { TIME_GRAINS } from './types.js';
import { formatTimestamp, toDecimalText, toEpochDays, toEpochMicros, formatDate } from './values.js';

/**
 * Default SQL spellings, written in the ANSI / Postgres style that DuckDB shares. A dialect
 * extends this and overrides only the hooks where its engine differs (Kysely's shape): the type
 * table, interval arithmetic, date differences, upsert. Flags default to the conservative answer.
 */
export abstract class BaseDialect implements Dialect {
  abstract readonly kind: EngineKind;
  readonly supportsTransactions: boolean = true;
  readonly supportsMerge: boolean = false;
  readonly supportsOnConflict: boolean = false;
  readonly supportsCreateOrReplace: boolean = false;
  readonly constraints: Readonly<Record<ConstraintKind, ConstraintSupport>> = {
    not_null: 'not_enforced',
    unique: 'not_enforced',
    primary_key: 'not_enforced',
    foreign_key: 'not_enforced',
    check: 'not_enforced',
  };

  abstract typeName(type: ColumnType): string;
  abstract logicalType(nativeType: string): ColumnType;

  /** Double quotes; a quote inside the name is doubled (SQL standard). */
  quoteIdentifier(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  qualify(relation: RelationName): string {
    const parts = [relation.database, relation.schema, relation.name].filter((part): part is string => part !== undefined && part !== '');
    return parts.map((part) => this.quoteIdentifier(part)).join('.');
  }

  literal(value: unknown): string {
    if (value === null || value === undefined) return 'NULL';
    switch (typeof value) {
      case 'boolean':
        return value ? 'TRUE' : 'FALSE';
      case 'number':
        return Number.isFinite(value) ? this.numberLiteral(value) : this.nonFiniteLiteral(value);
      case 'bigint':
        return value.toString();
      case 'string':
        return this.stringLiteral(value);
      case 'object':
        if (value instanceof Date) {
          if (Number.isNaN(value.getTime())) throw new Error('Cannot render an invalid Date as a SQL literal');
          return this.timestampLiteral(formatTimestamp(toEpochMicros(value)));
        }
        // Plain objects and arrays become JSON text: the portable way to pass structure.
        return this.stringLiteral(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      default:
        throw new Error(`Cannot render a ${typeof value} as a SQL literal`);
    }
  }

  typedLiteral(value: unknown, type: ColumnType): string {
    if (value === null || value === undefined) return this.cast('NULL', type);
    switch (type.logical) {
      case 'date':
        return this.dateLiteral(formatDate(toEpochDays(value)));
      case 'timestamp':
      case 'timestamptz':
        return this.cast(this.stringLiteral(formatTimestamp(toEpochMicros(value))), type);
      case 'decimal':
        // Through text so 0.1 stays 0.1 rather than the double nearest to it.
        return this.cast(this.stringLiteral(toDecimalText(value, type.scale)), type);
      case 'json':
        return this.cast(this.stringLiteral(typeof value === 'string' ? value : JSON.stringify(value)), type);
      default:
        return this.cast(this.literal(value), type);
    }
  }

  cast(expression: string, type: ColumnType): string {
    return `CAST(${expression} AS ${this.typeName(type)})`;
  }

  dateTrunc(grain: TimeGrain, expression: string): string {
    assertGrain(grain);
    // date_trunc('week') starts weeks on Monday on DuckDB and Postgres alike (ISO 8601).
    return `date_trunc('${grain}', ${expression})`;
  }

  addInterval(expression: string, amount: number, unit: TimeGrain): string {
    assertGrain(unit);
    if (!Number.isInteger(amount)) throw new Error(`addInterval needs a whole number of ${unit}s, got ${amount}`);
    // Quarters and weeks are spelled as months and days: not every engine has those units.
    const [count, base] = unit === 'quarter' ? [amount * 3, 'month'] : unit === 'week' ? [amount * 7, 'day'] : [amount, unit];
    return `(${expression} + INTERVAL '${count} ${base}')`;
  }

  dateDiff(unit: TimeGrain, start: string, end: string): string {
    assertGrain(unit);
    return `date_diff('${unit}', ${start}, ${end})`;
  }

  upsert(target: RelationName, columns: readonly string[], keyColumns: readonly string[], sourceSql: string): string[] {
    assertUpsertColumns(columns, keyColumns);
    return this.supportsMerge ? [this.mergeStatement(target, columns, keyColumns, sourceSql)] : [this.onConflictStatement(target, columns, keyColumns, sourceSql)];
  }

  limitOffset(limit?: number, offset?: number): string {
    let clause = '';
    if (limit !== undefined) clause += ` LIMIT ${nonNegativeInteger(limit, 'limit')}`;
    if (offset !== undefined && offset !== 0) clause += ` OFFSET ${nonNegativeInteger(offset, 'offset')}`;
    return clause;
  }

  // -- hooks -----------------------------------------------------------------------------------

  /** Strings: single quotes doubled. Assumes standard_conforming_strings (backslash is literal). */
  protected stringLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  }

  /**
   * Whether a bare fractional literal such as `2.5` is typed DECIMAL (DuckDB, Postgres) rather
   * than a double. When it is, non-integer JS numbers are cast to the double type, so a double
   * in reads back as a JS number instead of decimal text.
   */
  protected readonly isFractionLiteralDecimal: boolean = false;

  protected numberLiteral(value: number): string {
    if (Number.isInteger(value)) {
      // Exponent form ("1e+21") would parse as a double; print every digit instead.
      return Math.abs(value) >= 1e21 ? BigInt(value).toString() : String(value);
    }
    return this.isFractionLiteralDecimal ? this.cast(String(value), { logical: 'double' }) : String(value);
  }

  /** NaN and the infinities have no bare literal; cast their text spelling to a double. */
  protected nonFiniteLiteral(value: number): string {
    const text = Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    return this.cast(this.stringLiteral(text), { logical: 'double' });
  }

  protected dateLiteral(text: string): string {
    return `DATE ${this.stringLiteral(text)}`;
  }

  protected timestampLiteral(text: string): string {
    return `TIMESTAMP ${this.stringLiteral(text)}`;
  }

  /** MERGE INTO (SQL:2003), for engines with supportsMerge. */
  protected mergeStatement(target: RelationName, columns: readonly string[], keyColumns: readonly string[], sourceSql: string): string {
    const q = (name: string) => this.quoteIdentifier(name);
    const on = keyColumns.map((key) => `strata_target.${q(key)} = strata_source.${q(key)}`).join(' AND ');
    const updates = columns.filter((column) => !keyColumns.includes(column));
    const lines = [`MERGE INTO ${this.qualify(target)} AS strata_target`, `USING (${sourceSql}) AS strata_source`, `ON ${on}`];
    if (updates.length > 0) {
      lines.push(`WHEN MATCHED THEN UPDATE SET ${updates.map((column) => `${q(column)} = strata_source.${q(column)}`).join(', ')}`);
    }
    lines.push(`WHEN NOT MATCHED THEN INSERT (${columns.map(q).join(', ')}) VALUES (${columns.map((column) => `strata_source.${q(column)}`).join(', ')})`);
    return lines.join('\n');
  }

  /** INSERT ... ON CONFLICT; needs a primary key or unique index on the key columns. */
  protected onConflictStatement(target: RelationName, columns: readonly string[], keyColumns: readonly string[], sourceSql: string): string {
    const q = (name: string) => this.quoteIdentifier(name);
    const updates = columns.filter((column) => !keyColumns.includes(column));
    const action = updates.length > 0 ? `DO UPDATE SET ${updates.map((column) => `${q(column)} = EXCLUDED.${q(column)}`).join(', ')}` : 'DO NOTHING';
    return [
      `INSERT INTO ${this.qualify(target)} (${columns.map(q).join(', ')})`,
      `SELECT ${columns.map(q).join(', ')} FROM (${sourceSql}) AS strata_source`,
      `ON CONFLICT (${keyColumns.map(q).join(', ')}) ${action}`,
    ].join('\n');
  }
}

export function assertGrain(grain: string): asserts grain is TimeGrain {
  if (!(TIME_GRAINS as readonly string[]).includes(grain)) {
    throw new Error(`Unknown time grain '${grain}'; expected one of ${TIME_GRAINS.join(', ')}`);
  }
}

function assertUpsertColumns(columns: readonly string[], keyColumns: readonly string[]): void {
  if (keyColumns.length === 0) throw new Error('upsert needs at least one key column');
  const missing = keyColumns.filter((key) => !columns.includes(key));
  if (missing.length > 0) throw new Error(`upsert key columns ${missing.join(', ')} are not among the columns`);
}

function nonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

/** Parse "DECIMAL(10, 2)" / "numeric(10,2)" style precision and scale. */
export function parsePrecisionScale(nativeType: string): { precision?: number; scale?: number } {
  const match = /\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\)/.exec(nativeType);
  if (!match) return {};
  return { precision: Number(match[1]), scale: match[2] === undefined ? 0 : Number(match[2]) };
}
