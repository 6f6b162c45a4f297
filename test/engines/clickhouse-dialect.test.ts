import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClickHouseDialect, escapeTabSeparated, isNullableType, scanSql, splitStatements, unwrapType } from '../../src/engines/clickhouse/dialect.js';
import { CLICKHOUSE_18_16, CLICKHOUSE_24_3, capabilitiesFor, parseServerVersion } from '../../src/engines/clickhouse/version.js';
import type { ColumnType, TimeGrain } from '../../src/engines/types.js';
import { TIME_GRAINS } from '../../src/engines/types.js';

/**
 * SQL text for the two capability sets that matter: 18.16.1 (what CI installs; every "old"
 * spelling here is also executed against it in clickhouse.test.ts) and 24.3 (a current LTS;
 * these spellings follow ClickHouse's documentation).
 */
const old = new ClickHouseDialect(CLICKHOUSE_18_16);
const modern = new ClickHouseDialect(CLICKHOUSE_24_3);

/** Expected text keyed by capability set, so each case states both answers. */
function bothVersions(render: (dialect: ClickHouseDialect) => string, expected: { old: string; modern: string }): void {
  assert.equal(render(old), expected.old, '18.16');
  assert.equal(render(modern), expected.modern, '24.3');
}

describe('ClickHouse versions', () => {
  test('parses the version strings servers report', () => {
    assert.deepEqual(parseServerVersion('18.16.1'), { major: 18, minor: 16, patch: 1, text: '18.16.1' });
    assert.deepEqual(parseServerVersion('24.3.2.23'), { major: 24, minor: 3, patch: 2, text: '24.3.2.23' });
    assert.throws(() => parseServerVersion('Ok.'), /Cannot read a ClickHouse version/);
  });

  test('capabilities follow the version', () => {
    const flags = (text: string) => {
      const { version: _version, ...rest } = capabilitiesFor(text);
      return rest;
    };
    assert.deepEqual(flags('18.16.1'), {
      supportsQueryParameters: false,
      supportsDateTime64: false,
      supportsBool: false,
      supportsWideIntegers: false,
      supportsLowCardinality: false,
      supportsTTL: false,
      supportsCheckConstraints: false,
      supportsCreateOrReplace: false,
    });
    assert.deepEqual(flags('24.3.1'), {
      supportsQueryParameters: true,
      supportsDateTime64: true,
      supportsBool: true,
      supportsWideIntegers: true,
      supportsLowCardinality: true,
      supportsTTL: true,
      supportsCheckConstraints: true,
      supportsCreateOrReplace: true,
    });
    assert.equal(capabilitiesFor('19.14.3').supportsCheckConstraints, true);
    assert.equal(capabilitiesFor('19.13.1').supportsCheckConstraints, false);
    assert.equal(capabilitiesFor('20.1.2').supportsDateTime64, true);
    assert.equal(capabilitiesFor('19.17.1').supportsDateTime64, false);
  });

  test('a dialect built without a version assumes 18.16', () => {
    assert.equal(new ClickHouseDialect().version, '18.16.1');
    assert.equal(new ClickHouseDialect().supportsDateTime64, false);
  });
});

describe('ClickHouse dialect flags', () => {
  test('no transactions, MERGE or ON CONFLICT on any version', () => {
    for (const dialect of [old, modern]) {
      assert.equal(dialect.kind, 'clickhouse');
      assert.equal(dialect.supportsTransactions, false);
      assert.equal(dialect.supportsMerge, false);
      assert.equal(dialect.supportsOnConflict, false);
      assert.equal(dialect.upsertNeedsReplacingEngine, true);
    }
    assert.equal(old.supportsCreateOrReplace, false);
    assert.equal(modern.supportsCreateOrReplace, true);
  });

  test('constraints: NOT NULL through the type everywhere, CHECK from 19.14', () => {
    assert.deepEqual(old.constraints, { not_null: 'enforced', unique: 'not_supported', primary_key: 'not_supported', foreign_key: 'not_supported', check: 'not_supported' });
    assert.deepEqual(modern.constraints, { not_null: 'enforced', unique: 'not_supported', primary_key: 'not_supported', foreign_key: 'not_supported', check: 'enforced' });
  });
});

describe('ClickHouse names', () => {
  test('identifiers are backquoted with backslash escapes', () => {
    assert.equal(old.quoteIdentifier('orders'), '`orders`');
    assert.equal(old.quoteIdentifier('we`ird\\name'), '`we\\`ird\\\\name`');
    assert.equal(old.quoteIdentifier('has space"and quote'), '`has space"and quote`');
  });

  test('qualify: the schema stands in for the database, which ClickHouse has instead', () => {
    assert.equal(old.qualify({ name: 't' }), '`t`');
    assert.equal(old.qualify({ schema: 'analytics', name: 't' }), '`analytics`.`t`');
    assert.equal(old.qualify({ database: 'warehouse', name: 't' }), '`warehouse`.`t`');
    assert.equal(old.qualify({ database: 'warehouse', schema: 'analytics', name: 't' }), '`warehouse`.`t`');
  });
});

describe('ClickHouse literals', () => {
  test('scalars', () => {
    assert.equal(old.literal(null), 'NULL');
    assert.equal(old.literal(undefined), 'NULL');
    assert.equal(old.literal(42), '42');
    assert.equal(old.literal(-1.5), '-1.5');
    assert.equal(old.literal(1e21), '1000000000000000000000');
    assert.equal(old.literal(Number.NaN), 'nan');
    assert.equal(old.literal(Number.POSITIVE_INFINITY), 'inf');
    assert.equal(old.literal(Number.NEGATIVE_INFINITY), '-inf');
    bothVersions((d) => d.literal(true), { old: '1', modern: 'true' });
    bothVersions((d) => d.literal(false), { old: '0', modern: 'false' });
  });

  test('integers past 64 bits need a wide type', () => {
    assert.equal(old.literal(18446744073709551615n), '18446744073709551615');
    assert.equal(old.literal(-9223372036854775808n), '-9223372036854775808');
    bothVersions((d) => d.literal(2n ** 70n), { old: "toDecimal128('1180591620717411303424', 0)", modern: "toInt128('1180591620717411303424')" });
    assert.equal(modern.literal(2n ** 130n), "toInt256('1361129467683753853853498429727072845824')");
  });

  test('strings escape backslashes, quotes and control characters', () => {
    assert.equal(old.literal("it's"), "'it\\'s'");
    assert.equal(old.literal('back\\slash'), "'back\\\\slash'");
    assert.equal(old.literal('line\nbreak\ttab\rcr\0nul'), "'line\\nbreak\\ttab\\rcr\\0nul'");
    assert.equal(old.literal('emoji 😀 é'), "'emoji 😀 é'");
    assert.equal(old.literal(new Uint8Array([65, 0, 255])), "'\\x41\\x00\\xff'");
    assert.equal(old.literal({ a: [1, 2n] }), `'{"a":[1,"2"]}'`);
  });

  test('a JS Date is a UTC instant; sub-seconds need DateTime64', () => {
    bothVersions((d) => d.literal(new Date('2024-01-02T03:04:05.678Z')), {
      old: "toDateTime('2024-01-02 03:04:05', 'UTC')",
      modern: "toDateTime64('2024-01-02 03:04:05.678', 3, 'UTC')",
    });
    bothVersions((d) => d.literal(new Date('2024-01-02T03:04:05Z')), {
      old: "toDateTime('2024-01-02 03:04:05', 'UTC')",
      modern: "toDateTime('2024-01-02 03:04:05', 'UTC')",
    });
  });

  test('typed literals', () => {
    bothVersions((d) => d.typedLiteral(true, { logical: 'boolean' }), { old: 'CAST(1 AS UInt8)', modern: 'CAST(true AS Bool)' });
    assert.equal(old.typedLiteral(7, { logical: 'integer' }), 'CAST(7 AS Int32)');
    assert.equal(old.typedLiteral('0.1', { logical: 'decimal', precision: 10, scale: 2 }), "CAST('0.10' AS Decimal(10, 2))");
    assert.equal(old.typedLiteral(0.125, { logical: 'decimal' }), "CAST('0.125' AS Decimal(18, 3))");
    assert.equal(old.typedLiteral('2024-02-29', { logical: 'date' }), "toDate('2024-02-29')");
    assert.equal(old.typedLiteral(new Date('2024-02-29T23:59:59Z'), { logical: 'date' }), "toDate('2024-02-29')");
    bothVersions((d) => d.typedLiteral('2024-02-29 12:34:56.5', { logical: 'timestamp' }), {
      old: "CAST('2024-02-29 12:34:56' AS DateTime)",
      modern: "CAST('2024-02-29 12:34:56.5' AS DateTime64(6))",
    });
    bothVersions((d) => d.typedLiteral('2024-02-29T12:34:56+02:00', { logical: 'timestamptz' }), {
      old: "CAST('2024-02-29 10:34:56' AS DateTime('UTC'))",
      modern: "CAST('2024-02-29 10:34:56' AS DateTime64(6, 'UTC'))",
    });
    bothVersions((d) => d.typedLiteral(2n ** 70n, { logical: 'hugeint' }), {
      old: "CAST('1180591620717411303424' AS Decimal(38, 0))",
      modern: "CAST('1180591620717411303424' AS Int128)",
    });
    assert.equal(old.typedLiteral({ a: 1 }, { logical: 'json' }), `CAST('{"a":1}' AS String)`);
    bothVersions((d) => d.typedLiteral(null, { logical: 'timestamp' }), { old: 'CAST(NULL AS Nullable(DateTime))', modern: 'CAST(NULL AS Nullable(DateTime64(6)))' });
  });
});

describe('ClickHouse types', () => {
  const cases: Array<[ColumnType, string, string]> = [
    [{ logical: 'boolean' }, 'UInt8', 'Bool'],
    [{ logical: 'integer' }, 'Int32', 'Int32'],
    [{ logical: 'bigint' }, 'Int64', 'Int64'],
    [{ logical: 'hugeint' }, 'Decimal(38, 0)', 'Int128'],
    [{ logical: 'double' }, 'Float64', 'Float64'],
    [{ logical: 'decimal', precision: 12, scale: 4 }, 'Decimal(12, 4)', 'Decimal(12, 4)'],
    [{ logical: 'decimal', precision: 12 }, 'Decimal(12, 0)', 'Decimal(12, 0)'],
    [{ logical: 'decimal' }, 'Decimal(18, 3)', 'Decimal(18, 3)'],
    [{ logical: 'string' }, 'String', 'String'],
    [{ logical: 'json' }, 'String', 'String'],
    [{ logical: 'date' }, 'Date', 'Date'],
    [{ logical: 'timestamp' }, 'DateTime', 'DateTime64(6)'],
    [{ logical: 'timestamptz' }, "DateTime('UTC')", "DateTime64(6, 'UTC')"],
  ];
  for (const [type, oldName, modernName] of cases) {
    test(`typeName ${JSON.stringify(type)}`, () => {
      bothVersions((d) => d.typeName(type), { old: oldName, modern: modernName });
      bothVersions((d) => d.typeName(type, { nullable: true }), { old: `Nullable(${oldName})`, modern: `Nullable(${modernName})` });
    });
  }

  test("typeName refuses 'other'", () => {
    assert.throws(() => old.typeName({ logical: 'other' }), /no ClickHouse type name/);
  });

  test('logicalType reads native names, wrappers and parameters', () => {
    const read = (native: string) => old.logicalType(native);
    assert.deepEqual(read('UInt8'), { logical: 'integer' });
    assert.deepEqual(read('Int32'), { logical: 'integer' });
    assert.deepEqual(read('UInt32'), { logical: 'bigint' });
    assert.deepEqual(read('Int64'), { logical: 'bigint' });
    assert.deepEqual(read('UInt64'), { logical: 'hugeint' });
    assert.deepEqual(read('Int128'), { logical: 'hugeint' });
    assert.deepEqual(read('Bool'), { logical: 'boolean' });
    assert.deepEqual(read('Float32'), { logical: 'double' });
    assert.deepEqual(read('Decimal(10, 2)'), { logical: 'decimal', precision: 10, scale: 2 });
    assert.deepEqual(read('Decimal64(4)'), { logical: 'decimal', precision: 18, scale: 4 });
    assert.deepEqual(read('Nullable(Decimal(38, 0))'), { logical: 'decimal', precision: 38, scale: 0 });
    assert.deepEqual(read('String'), { logical: 'string' });
    assert.deepEqual(read('FixedString(16)'), { logical: 'string' });
    assert.deepEqual(read('LowCardinality(Nullable(String))'), { logical: 'string' });
    assert.deepEqual(read("Enum8('a' = 1, 'b' = 2)"), { logical: 'string' });
    assert.deepEqual(read('UUID'), { logical: 'string' });
    assert.deepEqual(read('Date'), { logical: 'date' });
    assert.deepEqual(read('Date32'), { logical: 'date' });
    assert.deepEqual(read('DateTime'), { logical: 'timestamp' });
    assert.deepEqual(read("DateTime('UTC')"), { logical: 'timestamptz' });
    assert.deepEqual(read("Nullable(DateTime('Europe/Moscow'))"), { logical: 'timestamptz' });
    assert.deepEqual(read('DateTime64(3)'), { logical: 'timestamp' });
    assert.deepEqual(read("DateTime64(6, 'UTC')"), { logical: 'timestamptz' });
    assert.deepEqual(read('JSON'), { logical: 'json' });
    assert.deepEqual(read('Array(UInt8)'), { logical: 'other' });
    assert.deepEqual(read('Tuple(String, UInt8)'), { logical: 'other' });
    assert.deepEqual(read('Nullable(Nothing)'), { logical: 'other' });
  });

  test('every logical type survives typeName then logicalType', () => {
    for (const dialect of [old, modern]) {
      for (const [type] of cases) {
        const back = dialect.logicalType(dialect.typeName(type, { nullable: true }));
        if (type.logical === 'json') assert.equal(back.logical, 'string');
        // 18.16 stores booleans as UInt8, which reads back as an integer (there is no Bool to tell them apart).
        else if (type.logical === 'boolean' && !dialect.supportsBool) assert.equal(back.logical, 'integer');
        else if (type.logical === 'hugeint' && !dialect.supportsWideIntegers) assert.equal(back.logical, 'decimal');
        else assert.equal(back.logical, type.logical, `${dialect.version} ${JSON.stringify(type)}`);
      }
    }
  });

  test('nullability and wrappers', () => {
    assert.equal(isNullableType('Nullable(String)'), true);
    assert.equal(isNullableType('LowCardinality(Nullable(String))'), true);
    assert.equal(isNullableType('LowCardinality(String)'), false);
    assert.equal(isNullableType('Array(Nullable(String))'), false);
    assert.equal(unwrapType('LowCardinality(Nullable(FixedString(2)))'), 'FixedString(2)');
  });

  test('cast goes to Nullable(T) so NULL stays NULL', () => {
    assert.equal(old.cast('x', { logical: 'integer' }), 'CAST(x AS Nullable(Int32))');
    bothVersions((d) => d.cast('x', { logical: 'timestamp' }), { old: 'CAST(x AS Nullable(DateTime))', modern: 'CAST(x AS Nullable(DateTime64(6)))' });
    bothVersions((d) => d.cast('x', { logical: 'boolean' }), { old: 'CAST(x AS Nullable(UInt8))', modern: 'CAST(x AS Nullable(Bool))' });
    assert.equal(old.cast('amount', { logical: 'decimal', precision: 10, scale: 2 }), 'CAST(amount AS Nullable(Decimal(10, 2)))');
  });
});

describe('ClickHouse date arithmetic', () => {
  const truncations: Record<TimeGrain, string> = {
    second: 'toDateTime(ts)',
    minute: 'toStartOfMinute(toDateTime(ts))',
    hour: 'toStartOfHour(toDateTime(ts))',
    day: 'toStartOfDay(toDateTime(ts))',
    week: 'toDateTime(toMonday(toDateTime(ts)))',
    month: 'toDateTime(toStartOfMonth(toDateTime(ts)))',
    quarter: 'toDateTime(toStartOfQuarter(toDateTime(ts)))',
    year: 'toDateTime(toStartOfYear(toDateTime(ts)))',
  };
  for (const grain of TIME_GRAINS) {
    test(`dateTrunc ${grain} returns a DateTime on both versions`, () => {
      bothVersions((d) => d.dateTrunc(grain, 'ts'), { old: truncations[grain], modern: truncations[grain] });
    });
  }

  test('dateTrunc refuses unknown grains', () => {
    assert.throws(() => old.dateTrunc('fortnight' as TimeGrain, 'ts'), /Unknown time grain/);
  });

  test('addInterval uses the add* functions; quarters are three months', () => {
    assert.equal(old.addInterval('ts', 5, 'second'), 'addSeconds(ts, 5)');
    assert.equal(old.addInterval('ts', -2, 'minute'), 'addMinutes(ts, -2)');
    assert.equal(old.addInterval('ts', 1, 'hour'), 'addHours(ts, 1)');
    assert.equal(old.addInterval('ts', 1, 'day'), 'addDays(ts, 1)');
    assert.equal(old.addInterval('ts', 2, 'week'), 'addWeeks(ts, 2)');
    assert.equal(old.addInterval('ts', 1, 'month'), 'addMonths(ts, 1)');
    assert.equal(old.addInterval('ts', -1, 'quarter'), 'addMonths(ts, -3)');
    assert.equal(old.addInterval('ts', 1, 'year'), 'addYears(ts, 1)');
    assert.throws(() => old.addInterval('ts', 1.5, 'day'), /whole number/);
  });

  test('dateDiff', () => {
    bothVersions((d) => d.dateDiff('week', 'a', 'b'), { old: "dateDiff('week', a, b)", modern: "dateDiff('week', a, b)" });
    assert.equal(old.dateDiff('quarter', 'a', 'b'), "dateDiff('quarter', a, b)");
  });
});

describe('ClickHouse statements', () => {
  test('upsert inserts the source rows (a ReplacingMergeTree collapses keys)', () => {
    assert.deepEqual(old.upsert({ database: 'db', name: 'dim' }, ['id', 'name'], ['id'], 'SELECT 1 AS id, \'a\' AS name'), [
      "INSERT INTO `db`.`dim` (`id`, `name`)\nSELECT `id`, `name` FROM (\nSELECT 1 AS id, 'a' AS name\n) AS strata_source",
    ]);
    assert.throws(() => old.upsert({ name: 't' }, ['a'], [], 'SELECT 1'), /at least one key/);
    assert.throws(() => old.upsert({ name: 't' }, ['a'], ['b'], 'SELECT 1'), /not among the columns/);
  });

  test('tableEngine', () => {
    assert.equal(old.tableEngine(), 'ENGINE = MergeTree ORDER BY tuple()');
    assert.equal(old.tableEngine(['id', 'day'], { replacing: true }), 'ENGINE = ReplacingMergeTree ORDER BY (`id`, `day`)');
  });

  test('limitOffset; an OFFSET alone gets a large but safe LIMIT', () => {
    assert.equal(old.limitOffset(), '');
    assert.equal(old.limitOffset(10), ' LIMIT 10');
    assert.equal(old.limitOffset(10, 0), ' LIMIT 10');
    assert.equal(old.limitOffset(10, 20), ' LIMIT 10 OFFSET 20');
    assert.equal(old.limitOffset(undefined, 20), ' LIMIT 1000000000000000000 OFFSET 20');
    assert.throws(() => old.limitOffset(-1), /non-negative/);
  });
});

describe('SQL scanning', () => {
  test('segments strings, names, comments and heredocs', () => {
    const kinds = scanSql("SELECT 'a;b', `c;d`, \"e\" -- x;\n/* y; */ $$z;$$ FROM t").map((s) => `${s.kind}:${s.text}`);
    assert.deepEqual(kinds, [
      'code:SELECT ',
      "string:'a;b'",
      'code:, ',
      'identifier:`c;d`',
      'code:, ',
      'identifier:"e"',
      'code: ',
      'comment:-- x;',
      'code:\n',
      'comment:/* y; */',
      'code: ',
      'string:$$z;$$',
      'code: FROM t',
    ]);
  });

  test('splits on top-level semicolons only', () => {
    assert.deepEqual(splitStatements("CREATE TABLE t (a String) ENGINE = Memory; INSERT INTO t VALUES ('x;y'), ('it\\'s;'); -- done;\n"), [
      'CREATE TABLE t (a String) ENGINE = Memory',
      "INSERT INTO t VALUES ('x;y'), ('it\\'s;')",
    ]);
    assert.deepEqual(splitStatements(';;  ; /* only a comment */ ;'), []);
    assert.deepEqual(splitStatements('SELECT 1'), ['SELECT 1']);
    assert.deepEqual(splitStatements("SELECT 'doubled '' quote; still string'; SELECT 2"), ["SELECT 'doubled '' quote; still string'", 'SELECT 2']);
  });

  test('inlines $n parameters outside strings, names and comments', () => {
    const sql = "SELECT $1, '$1', `$1`, $10 -- $2\nFROM t WHERE a$1 = $2";
    const params = ['x', "it's", 3, 4, 5, 6, 7, 8, 9, 'ten'];
    assert.equal(old.inlineParameters(sql, params), "SELECT 'x', '$1', `$1`, 'ten' -- $2\nFROM t WHERE a$1 = 'it\\'s'");
    assert.throws(() => old.inlineParameters('SELECT $3', [1]), (error: { code?: string; message: string }) => error.code === 'sql_error' && /uses \$3 but 1 parameter was given/.test(error.message));
  });

  test('binds $n as server-side parameters on modern servers only', () => {
    assert.equal(old.bindParameters('SELECT $1', [1]), undefined);
    const when = new Date('2024-01-02T03:04:05.006Z');
    assert.deepEqual(modern.bindParameters("SELECT $1, $2, '$3', $3, $4, $5, $6, $7", ['a\tb\\c', 5, 1.5, true, null, when, 2n ** 64n - 1n]), {
      sql: "SELECT {p1:String}, {p2:Int64}, '$3', {p3:Float64}, {p4:Bool}, {p5:Nullable(String)}, {p6:DateTime64(3, 'UTC')}, {p7:UInt64}",
      settings: {
        param_p1: 'a\\tb\\\\c',
        param_p2: '5',
        param_p3: '1.5',
        param_p4: 'true',
        param_p5: '\\N',
        param_p6: '2024-01-02 03:04:05.006',
        param_p7: '18446744073709551615',
      },
    });
    // Arrays and objects have no single parameter type: the caller inlines literals instead.
    assert.equal(modern.bindParameters('SELECT $1', [[1, 2]]), undefined);
  });

  test('escapeTabSeparated', () => {
    assert.equal(escapeTabSeparated('a\tb\nc\\d\re\0'), 'a\\tb\\nc\\\\d\\re\\0');
  });
});
