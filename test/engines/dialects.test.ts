import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, DuckDBDialect, PostgresDialect, TIME_GRAINS, type Dialect, type Engine, type TimeGrain } from '../../src/engines/index.js';
import { services, skipUnless } from '../helpers/services.js';

const duckdb = new DuckDBDialect();
const postgres = new PostgresDialect({ serverVersionNum: 150020 });
const postgres14 = new PostgresDialect({ serverVersionNum: 140010 });

/** Expected SQL text keyed by every dialect, so a new dialect must answer each case. */
type PerDialect = Record<'duckdb' | 'postgres', string>;

function expectSql(build: (d: Dialect) => string, expected: PerDialect): void {
  assert.equal(build(duckdb), expected.duckdb, 'duckdb');
  assert.equal(build(postgres), expected.postgres, 'postgres');
}

describe('dialect spellings', () => {
  it('quotes identifiers with doubled inner quotes and qualifies relations', () => {
    expectSql((d) => d.quoteIdentifier('we"ird name'), { duckdb: '"we""ird name"', postgres: '"we""ird name"' });
    expectSql((d) => d.qualify({ database: 'db', schema: 'analytics', name: 'orders' }), {
      duckdb: '"db"."analytics"."orders"',
      postgres: '"db"."analytics"."orders"',
    });
    expectSql((d) => d.qualify({ name: 'orders' }), { duckdb: '"orders"', postgres: '"orders"' });
  });

  it('writes literals for every JS value', () => {
    expectSql((d) => d.literal("it's"), { duckdb: "'it''s'", postgres: "'it''s'" });
    expectSql((d) => d.literal('back\\slash'), { duckdb: "'back\\slash'", postgres: "'back\\slash'" });
    expectSql((d) => d.literal(null), { duckdb: 'NULL', postgres: 'NULL' });
    expectSql((d) => d.literal(true), { duckdb: 'TRUE', postgres: 'TRUE' });
    expectSql((d) => d.literal(9223372036854775807n), { duckdb: '9223372036854775807', postgres: '9223372036854775807' });
    expectSql((d) => d.literal(-2.5), { duckdb: 'CAST(-2.5 AS DOUBLE)', postgres: 'CAST(-2.5 AS double precision)' });
    expectSql((d) => d.literal(1e21), { duckdb: '1000000000000000000000', postgres: '1000000000000000000000' });
    expectSql((d) => d.literal(NaN), { duckdb: "CAST('NaN' AS DOUBLE)", postgres: "CAST('NaN' AS double precision)" });
    expectSql((d) => d.literal(-Infinity), { duckdb: "CAST('-Infinity' AS DOUBLE)", postgres: "CAST('-Infinity' AS double precision)" });
    expectSql((d) => d.literal(new Date('2021-01-02T03:04:05.678Z')), {
      duckdb: "TIMESTAMP '2021-01-02 03:04:05.678'",
      postgres: "TIMESTAMP '2021-01-02 03:04:05.678'",
    });
  });

  it('writes typed literals through text so decimals stay exact', () => {
    expectSql((d) => d.typedLiteral(0.1, { logical: 'decimal', precision: 10, scale: 2 }), {
      duckdb: "CAST('0.10' AS DECIMAL(10,2))",
      postgres: "CAST('0.10' AS numeric(10,2))",
    });
    expectSql((d) => d.typedLiteral('2021-01-01', { logical: 'date' }), { duckdb: "DATE '2021-01-01'", postgres: "DATE '2021-01-01'" });
    expectSql((d) => d.typedLiteral('2021-01-01 10:00:00+02:00', { logical: 'timestamptz' }), {
      duckdb: "CAST('2021-01-01 08:00:00' AS TIMESTAMPTZ)",
      postgres: "CAST('2021-01-01 08:00:00' AS timestamptz)",
    });
    expectSql((d) => d.typedLiteral(null, { logical: 'bigint' }), { duckdb: 'CAST(NULL AS BIGINT)', postgres: 'CAST(NULL AS bigint)' });
  });

  it('maps logical types to native names and back', () => {
    const types = [
      { logical: 'boolean' },
      { logical: 'integer' },
      { logical: 'bigint' },
      { logical: 'double' },
      { logical: 'decimal', precision: 12, scale: 4 },
      { logical: 'string' },
      { logical: 'date' },
      { logical: 'timestamp' },
      { logical: 'timestamptz' },
      { logical: 'json' },
    ] as const;
    for (const dialect of [duckdb, postgres]) {
      for (const type of types) assert.deepEqual(dialect.logicalType(dialect.typeName(type)), type, `${dialect.kind} ${type.logical}`);
    }
    assert.equal(duckdb.typeName({ logical: 'hugeint' }), 'HUGEINT');
    assert.equal(postgres.typeName({ logical: 'hugeint' }), 'numeric(38,0)');
    assert.deepEqual(duckdb.logicalType('TIMESTAMP WITH TIME ZONE'), { logical: 'timestamptz' });
    assert.deepEqual(postgres.logicalType('timestamp(3) without time zone'), { logical: 'timestamp' });
    assert.deepEqual(postgres.logicalType('character varying(20)'), { logical: 'string' });
    assert.deepEqual(duckdb.logicalType('INTEGER[]'), { logical: 'other' });
    assert.deepEqual(postgres.logicalType('numeric'), { logical: 'decimal' });
  });

  it('truncates dates, adds intervals and counts boundaries', () => {
    expectSql((d) => d.dateTrunc('week', 'ts'), { duckdb: "date_trunc('week', ts)", postgres: "date_trunc('week', CAST(ts AS timestamp))" });
    expectSql((d) => d.addInterval('ts', -2, 'quarter'), { duckdb: "(ts + INTERVAL '-6 month')", postgres: "(ts + INTERVAL '-6 month')" });
    expectSql((d) => d.addInterval('ts', 1, 'week'), { duckdb: "(ts + INTERVAL '7 day')", postgres: "(ts + INTERVAL '7 day')" });
    expectSql((d) => d.dateDiff('month', 'a', 'b'), {
      duckdb: "date_diff('month', a, b)",
      postgres:
        'CAST((EXTRACT(YEAR FROM CAST(b AS timestamp)) - EXTRACT(YEAR FROM CAST(a AS timestamp))) * 12 + EXTRACT(MONTH FROM CAST(b AS timestamp)) - EXTRACT(MONTH FROM CAST(a AS timestamp)) AS bigint)',
    });
    assert.throws(() => duckdb.dateTrunc('fortnight' as TimeGrain, 'ts'), /Unknown time grain 'fortnight'/);
  });

  it('upserts with MERGE, or ON CONFLICT before Postgres 15', () => {
    expectSql((d) => d.upsert({ schema: 's', name: 't' }, ['id', 'name', 'score'], ['id'], 'SELECT * FROM staged').join(';\n'), {
      duckdb: [
        'MERGE INTO "s"."t" AS strata_target',
        'USING (SELECT * FROM staged) AS strata_source',
        'ON strata_target."id" = strata_source."id"',
        'WHEN MATCHED THEN UPDATE SET "name" = strata_source."name", "score" = strata_source."score"',
        'WHEN NOT MATCHED THEN INSERT ("id", "name", "score") VALUES (strata_source."id", strata_source."name", strata_source."score")',
      ].join('\n'),
      postgres: [
        'MERGE INTO "s"."t" AS strata_target',
        'USING (SELECT * FROM staged) AS strata_source',
        'ON strata_target."id" = strata_source."id"',
        'WHEN MATCHED THEN UPDATE SET "name" = strata_source."name", "score" = strata_source."score"',
        'WHEN NOT MATCHED THEN INSERT ("id", "name", "score") VALUES (strata_source."id", strata_source."name", strata_source."score")',
      ].join('\n'),
    });
    assert.equal(postgres14.supportsMerge, false);
    assert.deepEqual(postgres14.upsert({ name: 't' }, ['id', 'name'], ['id'], 'SELECT 1 AS id, 2 AS name'), [
      'INSERT INTO "t" ("id", "name")\nSELECT "id", "name" FROM (SELECT 1 AS id, 2 AS name) AS strata_source\nON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name"',
    ]);
    assert.throws(() => duckdb.upsert({ name: 't' }, ['a'], ['b'], 'SELECT 1'), /key columns b are not among the columns/);
  });

  it('writes LIMIT and OFFSET', () => {
    expectSql((d) => d.limitOffset(10, 20), { duckdb: ' LIMIT 10 OFFSET 20', postgres: ' LIMIT 10 OFFSET 20' });
    expectSql((d) => d.limitOffset(5), { duckdb: ' LIMIT 5', postgres: ' LIMIT 5' });
    expectSql((d) => d.limitOffset(), { duckdb: '', postgres: '' });
    assert.throws(() => duckdb.limitOffset(-1), /non-negative integer/);
  });

  it('states capabilities as flags', () => {
    assert.equal(duckdb.supportsMerge, true);
    assert.equal(duckdb.supportsCreateOrReplace, true);
    assert.equal(postgres.supportsCreateOrReplace, false);
    assert.deepEqual(Object.values(postgres.constraints), ['enforced', 'enforced', 'enforced', 'enforced', 'enforced']);
    assert.equal(duckdb.constraints.foreign_key, 'enforced');
  });
});

/** Generated SQL executed on the real engines, checking it means the same on each. */
function dialectExecution(kind: 'duckdb' | 'postgres', open: () => Promise<Engine>) {
  let engine: Engine;
  const schema = `strata_dialect_${process.pid}_${Date.now()}`;
  before(async () => {
    engine = await open();
    await engine.execute(`CREATE SCHEMA ${engine.dialect.quoteIdentifier(schema)}`);
  });
  after(async () => {
    await engine.execute(`DROP SCHEMA ${engine.dialect.quoteIdentifier(schema)} CASCADE`);
    await engine.close();
  });

  it(`${kind}: literals read back as the values they spell`, async () => {
    const d = engine.dialect;
    const texts = ["it's", 'back\\slash', '🦆 日本語 e\u0301', 'tab\tnew\nline', ''];
    const sql = `SELECT ${texts.map((t, i) => `${d.literal(t)} AS s${i}`).join(', ')}, ${d.literal(9223372036854775807n)} AS big, ${d.literal(-2.5)} AS neg,
      ${d.literal(NaN)} AS nan, ${d.literal(Infinity)} AS inf, ${d.literal(true)} AS yes, ${d.literal(new Date('2021-01-02T03:04:05.678Z'))} AS ts`;
    const { rows } = await engine.query(sql);
    assert.deepEqual(rows[0], {
      ...Object.fromEntries(texts.map((t, i) => [`s${i}`, t])),
      big: 9223372036854775807n,
      neg: -2.5,
      nan: NaN,
      inf: Infinity,
      yes: true,
      ts: '2021-01-02 03:04:05.678',
    });
  });

  it(`${kind}: quoted identifiers survive odd names`, async () => {
    const d = engine.dialect;
    const { rows } = await engine.query(`SELECT 1 AS ${d.quoteIdentifier('we"ird name')}`);
    assert.deepEqual(rows, [{ 'we"ird name': 1 }]);
  });

  it(`${kind}: dateDiff counts boundaries crossed, weeks starting Monday`, async () => {
    const d = engine.dialect;
    const ts = (text: string) => d.typedLiteral(text, { logical: 'timestamp' });
    const pairs = [
      ['2020-12-31 23:59:59', '2021-01-01 00:00:00'],
      ['2021-01-03 12:00:00', '2021-01-04 00:00:00'], // Sunday -> Monday
      ['2021-01-04 00:00:00', '2021-01-10 23:59:59'], // Monday -> Sunday, same week
      ['2021-03-31 10:00:00', '2020-01-15 10:00:00'], // backwards
    ];
    const select = pairs
      .map(([start, end], i) => TIME_GRAINS.map((grain) => `${d.dateDiff(grain, ts(start!), ts(end!))} AS ${grain}_${i}`).join(', '))
      .join(', ');
    const { rows } = await engine.query(`SELECT ${select}`);
    const expected: Record<string, number> = {};
    const answers: Record<TimeGrain, number>[] = [
      { second: 1, minute: 1, hour: 1, day: 1, week: 0, month: 1, quarter: 1, year: 1 },
      { second: 43200, minute: 720, hour: 12, day: 1, week: 1, month: 0, quarter: 0, year: 0 },
      { second: 604799, minute: 10079, hour: 167, day: 6, week: 0, month: 0, quarter: 0, year: 0 },
      { second: -38102400, minute: -635040, hour: -10584, day: -441, week: -63, month: -14, quarter: -4, year: -1 },
    ];
    answers.forEach((answer, i) => TIME_GRAINS.forEach((grain) => (expected[`${grain}_${i}`] = answer[grain])));
    assert.deepEqual(rows[0], expected);
  });

  it(`${kind}: upsert statements update matches and insert the rest`, async () => {
    const d = engine.dialect;
    const table = { schema, name: 'upsert_target' };
    await engine.execute(`CREATE TABLE ${d.qualify(table)} (id INTEGER PRIMARY KEY, name ${d.typeName({ logical: 'string' })}, score INTEGER)`);
    await engine.execute(`INSERT INTO ${d.qualify(table)} VALUES (1, 'one', 10), (2, 'two', 20)`);
    const source = `SELECT 2 AS id, 'TWO' AS name, 22 AS score UNION ALL SELECT 3 AS id, 'three' AS name, 30 AS score`;
    for (const statement of d.upsert(table, ['id', 'name', 'score'], ['id'], source)) await engine.execute(statement);
    const { rows } = await engine.query(`SELECT id, name, score FROM ${d.qualify(table)} ORDER BY id`);
    assert.deepEqual(rows, [
      { id: 1, name: 'one', score: 10 },
      { id: 2, name: 'TWO', score: 22 },
      { id: 3, name: 'three', score: 30 },
    ]);
  });

  if (kind === 'postgres') {
    it('postgres: the ON CONFLICT spelling for servers before 15 runs too', async () => {
      const table = { schema, name: 'upsert_on_conflict' };
      await engine.execute(`CREATE TABLE ${postgres14.qualify(table)} (id integer PRIMARY KEY, name text)`);
      await engine.execute(`INSERT INTO ${postgres14.qualify(table)} VALUES (1, 'one')`);
      for (const statement of postgres14.upsert(table, ['id', 'name'], ['id'], `SELECT 1 AS id, 'ONE' AS name UNION ALL SELECT 2, 'two'`)) {
        await engine.execute(statement);
      }
      const { rows } = await engine.query(`SELECT id, name FROM ${postgres14.qualify(table)} ORDER BY id`);
      assert.deepEqual(rows, [
        { id: 1, name: 'ONE' },
        { id: 2, name: 'two' },
      ]);
    });
  }
}

describe('dialect SQL on DuckDB', () => {
  dialectExecution('duckdb', () => createEngine({ name: 'test', projectDir: process.cwd(), config: { type: 'duckdb', path: ':memory:' } }));
});

describe('dialect SQL on Postgres', { skip: await skipUnless('postgres') }, () => {
  const pg = services.postgres;
  dialectExecution('postgres', () =>
    createEngine({
      name: 'test',
      projectDir: process.cwd(),
      config: { type: 'postgres', host: pg.host, port: pg.port, user: pg.user, password: pg.password, dbname: pg.database },
    }),
  );
});
