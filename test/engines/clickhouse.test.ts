import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ResolvedTarget } from '../../src/core/targets.js';
import type { ClickHouseDialect } from '../../src/engines/clickhouse/dialect.js';
import { checkClickHouseTarget, createClickHouseEngine, decoderFor, unescapeField } from '../../src/engines/clickhouse/engine.js';
import { parseServerException } from '../../src/engines/clickhouse/http.js';
import type { BulkLoadColumn, Engine, Row } from '../../src/engines/types.js';
import { TIME_GRAINS } from '../../src/engines/types.js';
import { services, skipUnless } from '../helpers/services.js';

const skip = await skipUnless('clickhouse');
/** This file's own database, so parallel test files never share tables. */
const DATABASE = `strata_test_ch_engine_${process.pid}`;

function targetFor(overrides: Record<string, unknown> = {}): ResolvedTarget {
  return {
    name: 'warehouse',
    projectDir: process.cwd(),
    config: {
      type: 'clickhouse',
      host: services.clickhouse.host,
      port: services.clickhouse.port,
      user: 'default',
      password: '',
      database: DATABASE,
      secure: false,
      ...overrides,
    } as ResolvedTarget['config'],
  };
}

type StrataLikeError = { code?: string; message: string; details?: Record<string, unknown>; hint?: string };

function errorWith(code: string, message?: RegExp, clickhouseCode?: number): (error: unknown) => boolean {
  return (error: unknown) => {
    const e = error as StrataLikeError;
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    if (message) assert.match(e.message, message);
    if (clickhouseCode !== undefined) assert.equal(e.details?.clickhouseCode, clickhouseCode);
    return true;
  };
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function collect(batches: AsyncIterable<Row[]>): Promise<Row[][]> {
  const all: Row[][] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

describe('ClickHouse text protocol (no server)', () => {
  test('server exceptions lose their decoration, keep code and name', () => {
    assert.deepEqual(parseServerException("Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., e.what() = DB::Exception\n"), {
      code: 60,
      name: undefined,
      message: "Table default.x doesn't exist.",
    });
    assert.deepEqual(parseServerException('Code: 60. DB::Exception: Table default.x does not exist. (UNKNOWN_TABLE) (version 24.3.1.2672 (official build))\n'), {
      code: 60,
      name: 'UNKNOWN_TABLE',
      message: 'Table default.x does not exist.',
    });
    assert.equal(parseServerException('Ok.\n'), undefined);
  });

  test('TabSeparated fields unescape', () => {
    assert.equal(unescapeField('a\\tb\\nc\\\\d\\\'e\\0f\\x41'), "a\tb\nc\\d'e\0fA");
    assert.equal(unescapeField('plain'), 'plain');
  });

  test('decoders give canonical values', () => {
    assert.equal(decoderFor('UInt8')('255'), 255);
    assert.equal(decoderFor('Int64')('-9007199254740991'), -9007199254740991);
    assert.equal(decoderFor('UInt64')('18446744073709551615'), 18446744073709551615n);
    assert.equal(decoderFor('Decimal(10, 4)')('1.5'), '1.5000');
    assert.equal(decoderFor('Decimal(38, 0)')('-12'), '-12');
    assert.equal(decoderFor('Nullable(Decimal64(2))')('\\N'), null);
    assert.equal(decoderFor('Float64')('-inf'), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(decoderFor('Float32')('nan') as number));
    assert.equal(decoderFor("DateTime64(6, 'UTC')")('2024-01-02 03:04:05.120000'), '2024-01-02 03:04:05.12');
    assert.equal(decoderFor('DateTime64(3)')('2024-01-02 03:04:05.000'), '2024-01-02 03:04:05');
    assert.equal(decoderFor("DateTime('America/New_York')")('2024-01-15 07:00:00'), '2024-01-15 12:00:00');
    assert.equal(decoderFor("DateTime('America/New_York')")('2024-07-15 08:00:00'), '2024-07-15 12:00:00');
    assert.equal(decoderFor('Date')('0000-00-00'), '1970-01-01');
    assert.equal(decoderFor('Bool')('true'), true);
    assert.equal(decoderFor('LowCardinality(Nullable(String))')('a\\tb'), 'a\tb');
    assert.equal(decoderFor('Nullable(Nothing)')('\\N'), null);
    assert.equal(decoderFor('Array(String)')("['a\\tb']"), "['a\\tb']");
  });
});

describe('ClickHouse engine', { skip }, () => {
  let engine: Engine;
  let dialect: ClickHouseDialect;

  before(async () => {
    const admin = await createClickHouseEngine(targetFor({ database: 'default' }));
    await admin.execute(`DROP DATABASE IF EXISTS ${DATABASE}; CREATE DATABASE ${DATABASE}`);
    await admin.close();
    engine = await createClickHouseEngine(targetFor());
    dialect = engine.dialect as ClickHouseDialect;
  });

  after(async () => {
    if (!engine) return;
    await engine.close();
    const admin = await createClickHouseEngine(targetFor({ database: 'default' }));
    await admin.execute(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.close();
  });

  test('detects the server version and sets the dialect from it', async () => {
    const version = await engine.version();
    assert.match(version, /^\d+\.\d+/);
    assert.equal(engine.kind, 'clickhouse');
    assert.equal(dialect.version, version);
    assert.equal(dialect.supportsTransactions, false);
    const { rows } = await engine.query<{ v: string }>('SELECT version() AS v');
    assert.equal(rows[0]!.v, version);
  });

  test('values come back canonical', async () => {
    const { rows, columns } = await engine.query(`
      SELECT
        toInt8(-8) AS i8, toUInt8(200) AS u8, toInt32(-2147483648) AS i32, toUInt32(4294967295) AS u32,
        toInt64(9007199254740991) AS i64_safe, toInt64('9007199254740993') AS i64_big,
        toUInt64('18446744073709551615') AS u64_max, toInt64(-5) AS i64_neg,
        toFloat64(0.1) AS f64, toFloat32(1.5) AS f32, inf AS pinf, -inf AS ninf, nan AS not_a_number,
        toDecimal32('1.5', 2) AS dec_pad, toDecimal64('-0.001', 3) AS dec_small,
        CAST('12345678901234567890.123456789' AS Decimal(38, 9)) AS dec_wide,
        toDate('2024-02-29') AS d, toDate(0) AS d_epoch,
        toDateTime('2024-02-29 23:59:58') AS dt, toDateTime('2024-06-01 12:00:00', 'Europe/Moscow') AS dt_moscow,
        toDateTime('2024-06-01 12:00:00', 'UTC') AS dt_utc,
        toNullable(toInt32(1)) AS n_some, CAST(NULL AS Nullable(Int32)) AS n_none, NULL AS n_nothing,
        'tab\\tnewline\\nback\\\\slash quote\\' emoji 😀 é' AS s, '' AS empty, '\\\\N' AS backslash_n,
        toFixedString('ab', 3) AS fs, CAST('b' AS Enum8('a' = 1, 'b' = 2)) AS enum,
        toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0') AS uuid, [1, 2] AS arr`);
    assert.deepEqual(rows, [
      {
        i8: -8,
        u8: 200,
        i32: -2147483648,
        u32: 4294967295,
        i64_safe: 9007199254740991,
        i64_big: 9007199254740993n,
        u64_max: 18446744073709551615n,
        i64_neg: -5,
        f64: 0.1,
        f32: 1.5,
        pinf: Number.POSITIVE_INFINITY,
        ninf: Number.NEGATIVE_INFINITY,
        not_a_number: Number.NaN,
        dec_pad: '1.50',
        dec_small: '-0.001',
        dec_wide: '12345678901234567890.123456789',
        d: '2024-02-29',
        d_epoch: '1970-01-01',
        dt: '2024-02-29 23:59:58',
        dt_moscow: '2024-06-01 09:00:00',
        dt_utc: '2024-06-01 12:00:00',
        n_some: 1,
        n_none: null,
        n_nothing: null,
        s: "tab\tnewline\nback\\slash quote' emoji 😀 é",
        empty: '',
        backslash_n: '\\N',
        fs: 'ab\0',
        enum: 'b',
        uuid: '61f0c404-5cb3-11e7-907b-a6006ad3dba0',
        arr: '[1,2]',
      },
    ]);
    const byName = Object.fromEntries(columns.map((column) => [column.name, column]));
    assert.deepEqual(byName.dec_wide!.type, { logical: 'decimal', precision: 38, scale: 9 });
    assert.equal(byName.dt_moscow!.type.logical, 'timestamptz');
    assert.equal(byName.n_some!.nullable, true);
    assert.equal(byName.i8!.nullable, false);
    assert.equal(byName.u64_max!.type.logical, 'hugeint');
  });

  test('parameters: $n outside strings, with exact values', async () => {
    const params = ["it's a \\ test; -- not a comment", 42, 2n ** 63n, new Date('2024-01-02T03:04:05Z'), null, 'emoji 😀'];
    const { rows } = await engine.query("SELECT $1 AS s, $2 AS n, $3 AS big, $4 AS at, $5 AS nothing, $6 AS e, '$1' AS literal", params);
    assert.deepEqual(rows, [{ s: params[0], n: 42, big: 9223372036854775808n, at: '2024-01-02 03:04:05', nothing: null, e: 'emoji 😀', literal: '$1' }]);
    await assert.rejects(engine.query('SELECT $2', [1]), errorWith('sql_error', /\$2/));
  });

  test('describe types a query without running it', async () => {
    // Executed, this would throw on the first row (and never end: system.numbers is endless);
    // DESC (subquery) only types it. (Constant expressions are folded while typing, so a
    // constant throwIf(1) would throw even here.)
    const sql = "SELECT toInt32(1) AS a, toNullable('x') AS b, toDecimal64(1, 2) AS c, toDateTime('2024-01-01 00:00:00', 'UTC') AS d, throwIf(number = 0) AS boom FROM system.numbers; -- trailing";
    const columns = await engine.describe(sql);
    assert.deepEqual(columns, [
      { name: 'a', nativeType: 'Int32', type: { logical: 'integer' }, nullable: false },
      { name: 'b', nativeType: 'Nullable(String)', type: { logical: 'string' }, nullable: true },
      { name: 'c', nativeType: 'Decimal(18, 2)', type: { logical: 'decimal', precision: 18, scale: 2 }, nullable: false },
      { name: 'd', nativeType: "DateTime('UTC')", type: { logical: 'timestamptz' }, nullable: false },
      { name: 'boom', nativeType: 'UInt8', type: { logical: 'integer' }, nullable: false },
    ]);
    await assert.rejects(engine.query(sql), errorWith('sql_error', /throwIf/, 395));
  });

  test('stream yields batches and can be abandoned', async () => {
    const batches = await collect(engine.stream('SELECT number AS n FROM numbers(25000)', [], { batchSize: 10000 }));
    assert.deepEqual(batches.map((batch) => batch.length), [10000, 10000, 5000]);
    assert.deepEqual(batches[0]![0], { n: 0 });
    assert.deepEqual(batches[2]!.at(-1), { n: 24999 });

    let seen = 0;
    for await (const batch of engine.stream('SELECT number AS n FROM numbers(10000000)', [], { batchSize: 1000 })) {
      seen += batch.length;
      if (seen >= 3000) break;
    }
    assert.equal(seen, 3000);
    assert.deepEqual((await engine.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  });

  test('an exception after rows were streamed is an error, not a short result', async () => {
    const small = await createClickHouseEngine(targetFor({ settings: { max_block_size: 1000 } }));
    try {
      let received = 0;
      await assert.rejects(
        (async () => {
          for await (const batch of small.stream('SELECT number, throwIf(number = 1500000) AS boom FROM numbers(2000000)', [], { batchSize: 1000 })) {
            received += batch.length;
          }
        })(),
        errorWith('sql_error', /throwIf/, 395),
      );
      assert.ok(received > 0 && received <= 1500000, `rows before the error: ${received}`);
    } finally {
      await small.close();
    }
  });

  test('execute runs scripts split on top-level semicolons', async () => {
    await engine.execute(
      "DROP TABLE IF EXISTS script; CREATE TABLE script (a String) ENGINE = Memory; INSERT INTO script VALUES ('x;y'), ('it\\'s;'); -- a comment; with a semicolon\nINSERT INTO script VALUES ($1);",
      ['p;q'],
    );
    const { rows } = await engine.query('SELECT a FROM script ORDER BY a');
    assert.deepEqual(rows.map((row) => row.a), ["it's;", 'p;q', 'x;y']);
  });

  test('SQL errors carry the cleaned message and the ClickHouse code', async () => {
    await assert.rejects(engine.query('SELECT * FROM no_such_table'), (error: unknown) => {
      const e = error as StrataLikeError;
      assert.equal(e.code, 'sql_error');
      assert.match(e.message, /no_such_table/);
      assert.doesNotMatch(e.message, /Code:|e\.what|DB::Exception|\(version/);
      assert.equal(e.details?.clickhouseCode, 60);
      assert.equal(e.details?.sql, 'SELECT * FROM no_such_table');
      return true;
    });
    await assert.rejects(engine.query('SELECT 1; SELECT 2'), errorWith('sql_error', /one SQL statement/));
  });

  test('transaction runs the work directly', async () => {
    const value = await engine.transaction(async (tx) => {
      await tx.execute('CREATE TABLE tx_work (a Int32) ENGINE = Memory');
      await tx.execute('INSERT INTO tx_work VALUES (1), (2)');
      return (await tx.query<{ n: number }>('SELECT toInt32(count()) AS n FROM tx_work')).rows[0]!.n;
    });
    assert.equal(value, 2);
    // No rollback: what ran before the failure stays.
    await assert.rejects(
      engine.transaction(async (tx) => {
        await tx.execute('INSERT INTO tx_work VALUES (3)');
        throw new Error('work failed');
      }),
      /work failed/,
    );
    assert.deepEqual((await engine.query('SELECT toInt32(count()) AS n FROM tx_work')).rows, [{ n: 3 }]);
  });

  describe('bulkLoad', () => {
    const columns: BulkLoadColumn[] = [
      { name: 'id', type: { logical: 'integer' } },
      { name: 'flag', type: { logical: 'boolean' } },
      { name: 'big', type: { logical: 'bigint' } },
      { name: 'huge', type: { logical: 'hugeint' } },
      { name: 'ratio', type: { logical: 'double' } },
      { name: 'price', type: { logical: 'decimal', precision: 10, scale: 2 } },
      { name: 'label', type: { logical: 'string' } },
      { name: 'day', type: { logical: 'date' } },
      { name: 'at', type: { logical: 'timestamp' } },
      { name: 'at_utc', type: { logical: 'timestamptz' } },
      { name: 'doc', type: { logical: 'json' } },
    ];

    test('creates the table and round-trips every logical type', async () => {
      const input: unknown[][] = [
        [1, true, 9007199254740993n, 12345678901234567890n, 0.1, '19.99', 'plain', '2024-02-29', '2024-02-29 12:34:56', new Date('2024-02-29T12:34:56Z'), { a: 1 }],
        [2, false, -5, 7, -1.5e-7, 3, 'tab\there\nnewline \\ back\\slash \\N 😀', new Date('2024-03-01T23:00:00Z'), '2024-03-01T08:00:00.250', '2024-03-01T10:00:00+02:00', '[1,2]'],
        [3, null, null, null, Number.POSITIVE_INFINITY, null, null, null, null, null, null],
        [4, 1, '42', '-1', Number.NaN, 0.1, '', '1999-12-31', new Date('2000-01-01T00:00:00.5Z'), '2000-01-01 00:00:00', 'not json but text'],
      ];
      const { rowsLoaded } = await engine.bulkLoad({ name: 'loaded' }, columns, input);
      assert.equal(rowsLoaded, 4);

      const described = await engine.describe('SELECT * FROM loaded');
      assert.ok(described.every((column) => column.nullable === true));

      const bool = (value: boolean) => (dialect.supportsBool ? value : value ? 1 : 0);
      const huge = (text: string) => (dialect.supportsWideIntegers ? (BigInt(text) <= BigInt(Number.MAX_SAFE_INTEGER) && BigInt(text) >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(text) : BigInt(text)) : text);
      const fraction = (withFraction: string, without: string) => (dialect.supportsDateTime64 ? withFraction : without);
      const { rows } = await engine.query('SELECT * FROM loaded ORDER BY id');
      assert.deepEqual(rows, [
        { id: 1, flag: bool(true), big: 9007199254740993n, huge: huge('12345678901234567890'), ratio: 0.1, price: '19.99', label: 'plain', day: '2024-02-29', at: '2024-02-29 12:34:56', at_utc: '2024-02-29 12:34:56', doc: '{"a":1}' },
        {
          id: 2,
          flag: bool(false),
          big: -5,
          huge: huge('7'),
          ratio: -1.5e-7,
          price: '3.00',
          label: 'tab\there\nnewline \\ back\\slash \\N 😀',
          day: '2024-03-01',
          at: fraction('2024-03-01 08:00:00.25', '2024-03-01 08:00:00'),
          at_utc: '2024-03-01 08:00:00',
          doc: '[1,2]',
        },
        { id: 3, flag: null, big: null, huge: null, ratio: Number.POSITIVE_INFINITY, price: null, label: null, day: null, at: null, at_utc: null, doc: null },
        { id: 4, flag: bool(true), big: 42, huge: huge('-1'), ratio: Number.NaN, price: '0.10', label: '', day: '1999-12-31', at: fraction('2000-01-01 00:00:00.5', '2000-01-01 00:00:00'), at_utc: '2000-01-01 00:00:00', doc: 'not json but text' },
      ]);
    });

    test('appends, truncates, and accepts async iterables', async () => {
      const two = columns.slice(0, 1);
      const target = { database: DATABASE, name: 'appended' };
      await engine.bulkLoad(target, two, [[1], [2]]);
      await engine.bulkLoad(target, two, [[3]]);
      assert.deepEqual((await engine.query('SELECT id FROM appended ORDER BY id')).rows.map((row) => row.id), [1, 2, 3]);
      async function* generated() {
        yield [10];
        yield [11];
      }
      const { rowsLoaded } = await engine.bulkLoad(target, two, generated(), { truncate: true });
      assert.equal(rowsLoaded, 2);
      assert.deepEqual((await engine.query('SELECT id FROM appended ORDER BY id')).rows.map((row) => row.id), [10, 11]);
    });

    test('loads many rows in one streamed request', async () => {
      function* many() {
        for (let i = 0; i < 200_000; i++) yield [i, `row ${i}`];
      }
      const { rowsLoaded } = await engine.bulkLoad({ name: 'many' }, [columns[0]!, columns[6]!], many());
      assert.equal(rowsLoaded, 200_000);
      const { rows } = await engine.query('SELECT count() AS n, sum(id) AS total, max(label) AS top FROM many');
      assert.deepEqual(rows, [{ n: 200_000, total: 19999900000, top: 'row 99999' }]);
    });

    test('create: false on a missing table is a SQL error', async () => {
      await assert.rejects(engine.bulkLoad({ name: 'absent' }, columns.slice(0, 1), [[1]], { create: false }), errorWith('sql_error', /absent/, 60));
    });

    test('a bad value names its row and column, and nothing of a small load is kept', async () => {
      await engine.bulkLoad({ name: 'strict' }, columns.slice(0, 1), [[1]]);
      await assert.rejects(engine.bulkLoad({ name: 'strict' }, columns.slice(0, 1), [[2], ['not a number'], [4]]), errorWith('invalid_value', /Row 2, column 'id'/));
      assert.deepEqual((await engine.query('SELECT id FROM strict ORDER BY id')).rows, [{ id: 1 }]);
    });
  });

  describe('dialect SQL on the server', () => {
    const dateTime = "toDateTime('2024-05-15 13:45:27')";
    const date = "toDate('2024-05-15')";
    const utc = "toDateTime('2024-05-15 13:45:27', 'UTC')";
    const truncated: Record<string, [string, string]> = {
      second: ['2024-05-15 13:45:27', '2024-05-15 00:00:00'],
      minute: ['2024-05-15 13:45:00', '2024-05-15 00:00:00'],
      hour: ['2024-05-15 13:00:00', '2024-05-15 00:00:00'],
      day: ['2024-05-15 00:00:00', '2024-05-15 00:00:00'],
      week: ['2024-05-13 00:00:00', '2024-05-13 00:00:00'],
      month: ['2024-05-01 00:00:00', '2024-05-01 00:00:00'],
      quarter: ['2024-04-01 00:00:00', '2024-04-01 00:00:00'],
      year: ['2024-01-01 00:00:00', '2024-01-01 00:00:00'],
    };
    for (const grain of TIME_GRAINS) {
      test(`dateTrunc ${grain} on DateTime, Date and DateTime('UTC') gives a DateTime`, async () => {
        const sql = `SELECT ${dialect.dateTrunc(grain, dateTime)} AS a, ${dialect.dateTrunc(grain, date)} AS b, ${dialect.dateTrunc(grain, utc)} AS c, ${dialect.dateTrunc(grain, 'CAST(NULL AS Nullable(DateTime))')} AS n`;
        const { rows, columns } = await engine.query(sql);
        const [fromDateTime, fromDate] = truncated[grain]!;
        assert.deepEqual(rows, [{ a: fromDateTime, b: fromDate, c: fromDateTime, n: null }]);
        assert.ok(columns.every((column) => /^(Nullable\()?DateTime\b/.test(column.nativeType)), columns.map((c) => c.nativeType).join(', '));
      });
    }

    test('weeks start on Monday', async () => {
      const sunday = "toDateTime('2024-01-07 23:00:00')";
      const monday = "toDateTime('2024-01-08 01:00:00')";
      const { rows } = await engine.query(`SELECT ${dialect.dateTrunc('week', sunday)} AS a, ${dialect.dateTrunc('week', monday)} AS b`);
      assert.deepEqual(rows, [{ a: '2024-01-01 00:00:00', b: '2024-01-08 00:00:00' }]);
    });

    test('addInterval for every unit, clamping month ends', async () => {
      const base = "toDateTime('2024-01-31 10:00:00')";
      const parts = TIME_GRAINS.map((unit) => `${dialect.addInterval(base, unit === 'second' ? -1 : 1, unit)} AS ${unit}`);
      const { rows } = await engine.query(`SELECT ${parts.join(', ')}`);
      assert.deepEqual(rows, [
        {
          second: '2024-01-31 09:59:59',
          minute: '2024-01-31 10:01:00',
          hour: '2024-01-31 11:00:00',
          day: '2024-02-01 10:00:00',
          week: '2024-02-07 10:00:00',
          month: '2024-02-29 10:00:00',
          quarter: '2024-04-30 10:00:00',
          year: '2025-01-31 10:00:00',
        },
      ]);
      assert.deepEqual((await engine.query(`SELECT ${dialect.addInterval("toDate('2024-03-31')", -1, 'month')} AS d`)).rows, [{ d: '2024-02-29' }]);
    });

    test('dateDiff counts boundaries', async () => {
      const start = "toDateTime('2023-12-31 23:59:59')";
      const end = "toDateTime('2024-01-01 00:00:00')";
      const parts = TIME_GRAINS.map((unit) => `${dialect.dateDiff(unit, start, end)} AS ${unit}`);
      const { rows } = await engine.query(`SELECT ${parts.join(', ')}`);
      // 2023-12-31 is a Sunday, so the next second starts a new ISO week as well.
      assert.deepEqual(rows, [{ second: 1, minute: 1, hour: 1, day: 1, week: 1, month: 1, quarter: 1, year: 1 }]);
      const week = (a: string, b: string) => dialect.dateDiff('week', `toDate('${a}')`, `toDate('${b}')`);
      const { rows: weeks } = await engine.query(`SELECT ${week('2024-01-08', '2024-01-14')} AS same, ${week('2024-01-14', '2024-01-15')} AS next, ${week('2024-01-15', '2024-01-08')} AS back`);
      assert.deepEqual(weeks, [{ same: 0, next: 1, back: -1 }]);
    });

    test('cast keeps NULL and converts values', async () => {
      const cases: Array<[string, Parameters<ClickHouseDialect['cast']>[1], unknown]> = [
        ["'42'", { logical: 'integer' }, 42],
        ["'9007199254740993'", { logical: 'bigint' }, 9007199254740993n],
        ["'1.25'", { logical: 'double' }, 1.25],
        ['3.14159', { logical: 'decimal', precision: 10, scale: 2 }, '3.14'],
        ['123', { logical: 'string' }, '123'],
        ["'2024-02-29'", { logical: 'date' }, '2024-02-29'],
        ["'2024-02-29 12:34:56'", { logical: 'timestamp' }, '2024-02-29 12:34:56'],
        ["'2024-02-29 12:34:56'", { logical: 'timestamptz' }, '2024-02-29 12:34:56'],
      ];
      for (const [expression, type, expected] of cases) {
        const { rows } = await engine.query(`SELECT ${dialect.cast(expression, type)} AS v, ${dialect.cast('CAST(NULL AS Nullable(Float64))', type)} AS n`);
        assert.deepEqual(rows, [{ v: expected, n: null }], JSON.stringify(type));
      }
      // From a NULL string too, except decimals on 18.x (see README: it parses the empty string under the NULL).
      const { rows } = await engine.query(`SELECT ${dialect.cast("CAST(NULL AS Nullable(String))", { logical: 'integer' })} AS v`);
      assert.deepEqual(rows, [{ v: null }]);
    });

    test('typed literals and literals round-trip', async () => {
      const typed: Array<[unknown, Parameters<ClickHouseDialect['typedLiteral']>[1], unknown]> = [
        [7, { logical: 'integer' }, 7],
        ['0.1', { logical: 'decimal', precision: 10, scale: 2 }, '0.10'],
        ['2024-02-29', { logical: 'date' }, '2024-02-29'],
        ['2024-02-29T12:34:56+02:00', { logical: 'timestamptz' }, '2024-02-29 10:34:56'],
        [2n ** 70n, { logical: 'hugeint' }, dialect.supportsWideIntegers ? 2n ** 70n : '1180591620717411303424'],
        [{ a: 1 }, { logical: 'json' }, '{"a":1}'],
        [null, { logical: 'date' }, null],
      ];
      for (const [value, type, expected] of typed) {
        const { rows } = await engine.query(`SELECT ${dialect.typedLiteral(value, type)} AS v`);
        assert.deepEqual(rows, [{ v: expected }], `${String(value)} as ${type.logical}`);
      }
      const literals: Array<[unknown, unknown]> = [
        ["quote ' backslash \\ newline \n tab \t nul \0 emoji 😀", "quote ' backslash \\ newline \n tab \t nul \0 emoji 😀"],
        [-7, -7],
        [1e-7, 1e-7],
        [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
        [2n ** 64n - 1n, 2n ** 64n - 1n],
        [-(2n ** 70n), dialect.supportsWideIntegers ? -(2n ** 70n) : '-1180591620717411303424'],
        [new Date('2024-01-02T03:04:05Z'), '2024-01-02 03:04:05'],
        [true, dialect.supportsBool ? true : 1],
        [null, null],
      ];
      for (const [value, expected] of literals) {
        const { rows } = await engine.query(`SELECT ${dialect.literal(value)} AS v`);
        assert.deepEqual(rows, [{ v: expected }], String(value));
      }
    });

    test('limitOffset', async () => {
      const numbers = async (clause: string) => (await engine.query(`SELECT number AS n FROM numbers(10)${clause}`)).rows.map((row) => row.n);
      assert.deepEqual(await numbers(dialect.limitOffset(3, 4)), [4, 5, 6]);
      assert.deepEqual(await numbers(dialect.limitOffset(2)), [0, 1]);
      assert.deepEqual(await numbers(dialect.limitOffset(undefined, 8)), [8, 9]);
    });

    test('odd identifiers quote and read back', async () => {
      const table = dialect.qualify({ schema: DATABASE, name: 'odd `name\\' });
      await engine.execute(`CREATE TABLE ${table} (${dialect.quoteIdentifier('a "col`\\')} Int32) ENGINE = Memory`);
      await engine.execute(`INSERT INTO ${table} VALUES (1)`);
      assert.deepEqual((await engine.query(`SELECT * FROM ${table}`)).rows, [{ 'a "col`\\': 1 }]);
    });

    test('upsert into a ReplacingMergeTree, read with FINAL', async () => {
      const target = { database: DATABASE, name: 'dim_customer' };
      await engine.execute(`CREATE TABLE ${dialect.qualify(target)} (id Int32, name String) ${dialect.tableEngine(['id'], { replacing: true })}`);
      for (const statement of dialect.upsert(target, ['id', 'name'], ['id'], "SELECT toInt32(number) AS id, concat('v1-', toString(number)) AS name FROM numbers(3)")) await engine.execute(statement);
      for (const statement of dialect.upsert(target, ['id', 'name'], ['id'], "SELECT toInt32(number + 1) AS id, concat('v2-', toString(number + 1)) AS name FROM numbers(3)")) await engine.execute(statement);
      const { rows } = await engine.query(`SELECT id, name FROM ${dialect.qualify(target)} FINAL ORDER BY id`);
      assert.deepEqual(rows, [
        { id: 0, name: 'v1-0' },
        { id: 1, name: 'v2-1' },
        { id: 2, name: 'v2-2' },
        { id: 3, name: 'v2-3' },
      ]);
    });

    test('version-gated features match what the server accepts', async () => {
      const accepts = async (sql: string, target = engine) => {
        try {
          await target.execute(sql);
          return true;
        } catch (error) {
          assert.equal((error as StrataLikeError).code, 'sql_error', (error as Error).message);
          return false;
        }
      };
      assert.equal(await accepts('CREATE TABLE gate_ttl (d DateTime) ENGINE = MergeTree ORDER BY tuple() TTL d + INTERVAL 1 DAY'), dialect.supportsTTL);
      assert.equal(await accepts('CREATE TABLE gate_check (a Int32, CONSTRAINT positive CHECK a > 0) ENGINE = MergeTree ORDER BY tuple()'), dialect.supportsCheckConstraints);
      assert.equal(await accepts("SELECT toDateTime64('2024-01-01 00:00:00.123', 3)"), dialect.supportsDateTime64);
      assert.equal(await accepts('SELECT CAST(1 AS Bool)'), dialect.supportsBool);
      assert.equal(await accepts('SELECT toInt128(1)'), dialect.supportsWideIntegers);
      // OFFSET alone is why limitOffset() writes a LIMIT with it on every version.
      if (!dialect.supportsDateTime64) assert.equal(await accepts('SELECT number FROM numbers(3) OFFSET 1'), false);
      assert.equal(await accepts('CREATE OR REPLACE VIEW gate_view AS SELECT 1'), dialect.supportsCreateOrReplace);
      assert.equal(await accepts('CREATE TABLE gate_lc (a LowCardinality(String)) ENGINE = Memory'), dialect.supportsLowCardinality);
      if (!dialect.supportsLowCardinality) {
        // 18.x: LowCardinality works once the experimental setting is sent (target settings).
        const experimental = await createClickHouseEngine(targetFor({ settings: { allow_experimental_low_cardinality_type: 1 } }));
        try {
          assert.equal(await accepts('CREATE TABLE gate_lc (a LowCardinality(String)) ENGINE = Memory', experimental), true);
          await experimental.execute("INSERT INTO gate_lc VALUES ('x')");
          assert.deepEqual((await experimental.query('SELECT a FROM gate_lc')).rows, [{ a: 'x' }]);
        } finally {
          await experimental.close();
        }
      }
      if (dialect.supportsCheckConstraints) {
        await assert.rejects(engine.execute('INSERT INTO gate_check VALUES (-1)'), errorWith('sql_error'));
      }
      // NOT NULL is the type: a non-Nullable column refuses NULL.
      await engine.execute('CREATE TABLE gate_not_null (a Int32) ENGINE = Memory');
      await assert.rejects(engine.execute('INSERT INTO gate_not_null SELECT CAST(NULL AS Nullable(Int32))'), errorWith('sql_error'));
    });
  });

  test('a read-only engine reads but refuses writes', async () => {
    const readOnly = await createClickHouseEngine(targetFor(), { readOnly: true });
    try {
      assert.equal(readOnly.isReadOnly, true);
      assert.equal(engine.isReadOnly, false);
      assert.deepEqual((await readOnly.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
      await assert.rejects(readOnly.execute('CREATE TABLE refused (a Int32) ENGINE = Memory'), errorWith('sql_error', /readonly/i, 164));
    } finally {
      await readOnly.close();
    }
  });
});

describe('ClickHouse target checks', { skip }, () => {
  const servers: Server[] = [];
  const listen = async (server: Server): Promise<number> => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  after(async () => {
    for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('a good target reports its version', async () => {
    const check = await checkClickHouseTarget(targetFor({ database: 'default' }));
    assert.equal(check.ok, true, check.detail);
    assert.equal(check.target, 'warehouse');
    assert.equal(check.type, 'clickhouse');
    assert.match(check.version ?? '', /^\d+\.\d+/);
    assert.match(check.detail, new RegExp(`ClickHouse ${check.version?.replace(/\./g, '\\.')} at `));
  });

  test("the native port is named as such (Strata talks HTTP)", async (t) => {
    const nativePort = Number(process.env.STRATA_TEST_CH_NATIVE_PORT ?? 9000);
    if (!(await portOpen(services.clickhouse.host, nativePort))) return t.skip(`nothing on the native port ${nativePort}`);
    const check = await checkClickHouseTarget(targetFor({ port: nativePort, database: 'default' }));
    assert.equal(check.ok, false);
    assert.equal(check.code, 'target_wrong_port');
    assert.match(check.detail, new RegExp(`port ${nativePort} is ClickHouse's native TCP port; Strata talks HTTP — use 8123`, 'i'));
    await assert.rejects(createClickHouseEngine(targetFor({ port: nativePort })), errorWith('target_wrong_port'));
  });

  test('a closed port is refused', async () => {
    const server = createTcpServer();
    const port = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    servers.pop();
    const check = await checkClickHouseTarget(targetFor({ port }));
    assert.equal(check.code, 'target_refused');
    assert.match(check.detail, /nothing is listening/i);
    await assert.rejects(createClickHouseEngine(targetFor({ port })), errorWith('target_refused'));
  });

  test('an unknown host is unreachable', async () => {
    const check = await checkClickHouseTarget(targetFor({ host: 'strata-no-such-host.invalid' }));
    assert.equal(check.code, 'target_unreachable');
    assert.match(check.detail, /could not be resolved/);
  });

  test('bad credentials', async () => {
    const wrongPassword = await checkClickHouseTarget(targetFor({ password: 'not-the-password', database: 'default' }));
    assert.equal(wrongPassword.code, 'target_auth_failed');
    assert.match(wrongPassword.detail, /password/i);
    const unknownUser = await checkClickHouseTarget(targetFor({ user: 'strata_nobody', database: 'default' }));
    assert.equal(unknownUser.code, 'target_auth_failed');
    assert.match(unknownUser.detail, /strata_nobody/);
    await assert.rejects(createClickHouseEngine(targetFor({ password: 'not-the-password', database: 'default' })), errorWith('target_auth_failed'));
  });

  test('a missing database suggests the nearest one', async () => {
    const check = await checkClickHouseTarget(targetFor({ database: 'defualt' }));
    assert.equal(check.code, 'target_database_missing');
    assert.match(check.detail, /Database 'defualt' does not exist/);
    assert.match(check.detail, /Did you mean 'default'\?/);
    await assert.rejects(createClickHouseEngine(targetFor({ database: 'defualt' })), errorWith('target_database_missing'));
  });

  test('an HTTP server that is not ClickHouse', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end('hello from something else')) as unknown as Server);
    const check = await checkClickHouseTarget(targetFor({ port }));
    assert.equal(check.code, 'target_wrong_port');
    assert.match(check.detail, /speaks HTTP but is not ClickHouse/);
  });

  test('a TCP service that does not speak HTTP', async () => {
    const port = await listen(createTcpServer((socket) => socket.write(Buffer.from([0x00, 0x01, 0x02, 0xff]), () => socket.destroy())));
    const check = await checkClickHouseTarget(targetFor({ port }));
    assert.equal(check.code, 'target_wrong_port');
  });

  test('TLS against the plain HTTP port', async () => {
    const check = await checkClickHouseTarget(targetFor({ secure: true, database: 'default' }));
    assert.equal(check.code, 'target_ssl_failed');
    assert.match(check.detail, /does not speak TLS/);
  });
});
