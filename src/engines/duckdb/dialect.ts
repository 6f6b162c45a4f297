import { BaseDialect, assertGrain, parsePrecisionScale } from '../base-dialect.js';
import type { ColumnType, ConstraintKind, ConstraintSupport, TimeGrain } from '../types.js';

/** DuckDB's default DECIMAL width and scale, used when a decimal type gives neither. */
export const DEFAULT_DECIMAL = { precision: 18, scale: 3 } as const;

/**
 * DuckDB spellings. DuckDB follows Postgres closely, so most of BaseDialect applies as is.
 * Capabilities hold for the bundled library version (>= 1.4, which added MERGE INTO).
 */
export class DuckDBDialect extends BaseDialect {
  readonly kind = 'duckdb' as const;
  override readonly supportsTransactions = true;
  protected override readonly isFractionLiteralDecimal = true;
  override readonly supportsMerge = true;
  override readonly supportsOnConflict = true;
  override readonly supportsCreateOrReplace = true;
  override readonly constraints: Readonly<Record<ConstraintKind, ConstraintSupport>> = {
    not_null: 'enforced',
    unique: 'enforced',
    primary_key: 'enforced',
    foreign_key: 'enforced',
    check: 'enforced',
  };

  typeName(type: ColumnType): string {
    switch (type.logical) {
      case 'boolean':
        return 'BOOLEAN';
      case 'integer':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'hugeint':
        return 'HUGEINT';
      case 'double':
        return 'DOUBLE';
      case 'decimal':
        return `DECIMAL(${type.precision ?? DEFAULT_DECIMAL.precision},${type.scale ?? (type.precision === undefined ? DEFAULT_DECIMAL.scale : 0)})`;
      case 'string':
        return 'VARCHAR';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'timestamptz':
        return 'TIMESTAMPTZ';
      case 'json':
        return 'JSON';
      case 'other':
        throw new Error("The logical type 'other' has no DuckDB type name; keep the column's native type instead");
    }
  }

  logicalType(nativeType: string): ColumnType {
    const upper = nativeType.trim().toUpperCase();
    const base = upper.replace(/\(.*$/, '').trim();
    if (upper.endsWith('[]') || /^(STRUCT|MAP|UNION|LIST)\b/.test(upper) || /\[\d+\]$/.test(upper)) return { logical: 'other' };
    switch (base) {
      case 'BOOLEAN':
      case 'BOOL':
      case 'LOGICAL':
        return { logical: 'boolean' };
      case 'TINYINT':
      case 'INT1':
      case 'SMALLINT':
      case 'INT2':
      case 'SHORT':
      case 'INTEGER':
      case 'INT4':
      case 'INT':
      case 'SIGNED':
      case 'UTINYINT':
      case 'USMALLINT':
        return { logical: 'integer' };
      case 'UINTEGER':
      case 'BIGINT':
      case 'INT8':
      case 'LONG':
        return { logical: 'bigint' };
      case 'UBIGINT':
      case 'HUGEINT':
      case 'INT128':
      case 'UHUGEINT':
      case 'BIGNUM':
      case 'VARINT':
        return { logical: 'hugeint' };
      case 'DOUBLE':
      case 'FLOAT8':
      case 'FLOAT':
      case 'FLOAT4':
      case 'REAL':
        return { logical: 'double' };
      case 'DECIMAL':
      case 'NUMERIC': {
        const { precision, scale } = parsePrecisionScale(upper);
        return precision === undefined ? { logical: 'decimal', ...DEFAULT_DECIMAL } : { logical: 'decimal', precision, scale: scale ?? 0 };
      }
      case 'VARCHAR':
      case 'CHAR':
      case 'BPCHAR':
      case 'TEXT':
      case 'STRING':
      case 'UUID':
      case 'ENUM':
        return { logical: 'string' };
      case 'DATE':
        return { logical: 'date' };
      case 'TIMESTAMP':
      case 'DATETIME':
      case 'TIMESTAMP_S':
      case 'TIMESTAMP_MS':
      case 'TIMESTAMP_NS':
      case 'TIMESTAMP_US':
        return { logical: 'timestamp' };
      case 'TIMESTAMPTZ':
      case 'TIMESTAMP WITH TIME ZONE':
        return { logical: 'timestamptz' };
      case 'JSON':
        return { logical: 'json' };
      default:
        return { logical: 'other' };
    }
  }

  /**
   * DuckDB's date_diff counts boundaries for every unit but the week, which it counts as whole
   * 7-day spans; truncating both ends to Monday first makes weeks count boundaries too.
   */
  override dateDiff(unit: TimeGrain, start: string, end: string): string {
    assertGrain(unit);
    if (unit === 'week') return `date_diff('week', date_trunc('week', ${start}), date_trunc('week', ${end}))`;
    return `date_diff('${unit}', ${start}, ${end})`;
  }
}

export const duckdbDialect = new DuckDBDialect();
