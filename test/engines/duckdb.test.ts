import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StrataError } from '../../src/core/errors.js';
import type { ResolvedTarget } from '../../src/core/targets.js';
import { checkTarget, createEngine, type BulkLoadColumn, type Engine, type Row } from '../../src/engines/index.js';

function duckdbTarget(projectDir: string, config: Partial<{ path: string; settings: Record<string, string | number | boolean> }> = {}): ResolvedTarget {
  return { name: 'dev', projectDir, config: { type: 'duckdb', ...config } };
}

function memoryEngine(): Promise<Engine> {
  return createEngine(duckdbTarget(process.cwd(), { path: ':memory:' }));
}

async function collect(stream: AsyncIterable<Row[]>): Promise<Row[][]> {
  const batches: Row[][] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<StrataError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof StrataError, `expected a StrataError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected a StrataError with code ${code}`);
}

describe('DuckDB engine: queries', () => {
  let engine: Engine;
  before(async () => {
    engine = await memoryEngine();
  });
  after(() => engine.close());

  it('returns canonical values and column types', async () => {
    const result = await engine.query(`
      SELECT 1::INTEGER AS i, 9007199254740993::BIGINT AS big, 42::BIGINT AS small_big, 170141183460469231731687303715884105727::HUGEINT AS huge,
             5::DECIMAL(10,2) AS amount, 0.5::DOUBLE AS ratio, DATE '2021-01-01' AS day,
             TIMESTAMP '2021-01-01 01:02:03.120' AS ts, TIMESTAMP '2021-01-01 01:02:03' AS ts_whole,
             TIMESTAMPTZ '2021-01-01 01:02:03.5+05:30' AS tstz, '{"a":1}'::JSON AS doc, TRUE AS yes, NULL::VARCHAR AS nothing,
             [1, 2] AS list, 'text' AS s`);
    assert.deepEqual(result.rows, [
      {
        i: 1,
        big: 9007199254740993n,
        small_big: 42,
        huge: 170141183460469231731687303715884105727n,
        amount: '5.00',
        ratio: 0.5,
        day: '2021-01-01',
        ts: '2021-01-01 01:02:03.12',
        ts_whole: '2021-01-01 01:02:03',
        tstz: '2020-12-31 19:32:03.5',
        doc: '{"a":1}',
        yes: true,
        nothing: null,
        list: '[1,2]',
        s: 'text',
      },
    ]);
    assert.deepEqual(
      result.columns.map((column) => [column.name, column.nativeType, column.type.logical]),
      [
        ['i', 'INTEGER', 'integer'],
        ['big', 'BIGINT', 'bigint'],
        ['small_big', 'BIGINT', 'bigint'],
        ['huge', 'HUGEINT', 'hugeint'],
        ['amount', 'DECIMAL(10,2)', 'decimal'],
        ['ratio', 'DOUBLE', 'double'],
        ['day', 'DATE', 'date'],
        ['ts', 'TIMESTAMP', 'timestamp'],
        ['ts_whole', 'TIMESTAMP', 'timestamp'],
        ['tstz', 'TIMESTAMP WITH TIME ZONE', 'timestamptz'],
        ['doc', 'JSON', 'json'],
        ['yes', 'BOOLEAN', 'boolean'],
        ['nothing', 'VARCHAR', 'string'],
        ['list', 'INTEGER[]', 'other'],
        ['s', 'VARCHAR', 'string'],
      ],
    );
    assert.deepEqual(result.columns[4]!.type, { logical: 'decimal', precision: 10, scale: 2 });
  });

  it('binds $1, $2 parameters, including bigints and Dates', async () => {
    const { rows } = await engine.query('SELECT $1::INTEGER + 1 AS n, $2 AS s, $3::BIGINT AS big, $4 AS ts, $5 AS nothing', [
      41,
      "it's",
      9223372036854775807n,
      new Date('2021-01-01T00:00:00.123Z'),
      null,
    ]);
    assert.deepEqual(rows, [{ n: 42, s: "it's", big: 9223372036854775807n, ts: '2021-01-01 00:00:00.123', nothing: null }]);
  });

  it('gives repeated column names distinct keys', async () => {
    const { rows, columns } = await engine.query('SELECT 1 AS a, 2 AS a');
    assert.equal(columns.length, 2);
    assert.deepEqual(Object.values(rows[0]!), [1, 2]);
  });

  it('runs several statements in one execute', async () => {
    await engine.execute('CREATE TABLE multi (a INTEGER); INSERT INTO multi VALUES (1), (2);');
    assert.deepEqual((await engine.query('SELECT sum(a) AS total FROM multi')).rows, [{ total: 3 }]);
  });

  it('describes a query without running it', async () => {
    await engine.execute('CREATE TABLE described (id INTEGER, amount DECIMAL(12,4), seen_at TIMESTAMPTZ)');
    const columns = await engine.describe("SELECT id, amount, seen_at, 'x' AS label, id::BIGINT * 2 AS doubled FROM described");
    assert.deepEqual(
      columns.map((column) => ({ name: column.name, type: column.type })),
      [
        { name: 'id', type: { logical: 'integer' } },
        { name: 'amount', type: { logical: 'decimal', precision: 12, scale: 4 } },
        { name: 'seen_at', type: { logical: 'timestamptz' } },
        { name: 'label', type: { logical: 'string' } },
        { name: 'doubled', type: { logical: 'bigint' } },
      ],
    );
    // A statement with effects is only prepared, not executed.
    await engine.describe('INSERT INTO described VALUES (1, 1, NULL) RETURNING id');
    assert.deepEqual((await engine.query('SELECT count(*) AS n FROM described')).rows, [{ n: 0 }]);
  });

  it('reports bad SQL as a sql_error with DuckDB’s message and no stack for the user', async () => {
    const error = await rejectsWith(engine.query('SELEC 1'), 'sql_error');
    assert.match(error.message, /^Parser Error: syntax error at or near "SELEC"/);
    assert.ok(error.cause instanceof Error);
    const missing = await rejectsWith(engine.query('SELECT * FROM no_such_table'), 'sql_error');
    assert.match(missing.message, /Catalog Error: Table with name no_such_table does not exist/);
  });

  it('streams large results in batches of the requested size', async () => {
    const batches = await collect(engine.stream('SELECT range AS n FROM range(25000) ORDER BY n', [], { batchSize: 10000 }));
    assert.deepEqual(
      batches.map((batch) => batch.length),
      [10000, 10000, 5000],
    );
    assert.deepEqual(batches[2]!.at(-1), { n: 24999 });
    const filtered = await collect(engine.stream('SELECT range AS n FROM range(10) WHERE range >= $1', [7]));
    assert.deepEqual(filtered, [[{ n: 7 }, { n: 8 }, { n: 9 }]]);
  });

  it('lets the consumer query the engine between stream batches', async () => {
    let seen = 0;
    for await (const batch of engine.stream('SELECT range AS n FROM range(5000)', [], { batchSize: 2048 })) {
      seen += batch.length;
      assert.deepEqual((await engine.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
    }
    assert.equal(seen, 5000);
  });

  it('serialises concurrent calls on the one connection', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => engine.query('SELECT $1::INTEGER * 2 AS n', [i])));
    assert.deepEqual(
      results.map((result) => result.rows[0]!.n),
      Array.from({ length: 50 }, (_, i) => i * 2),
    );
  });
});

describe('DuckDB engine: transactions', () => {
  let engine: Engine;
  before(async () => {
    engine = await memoryEngine();
    await engine.execute('CREATE TABLE ledger (id INTEGER PRIMARY KEY, note VARCHAR)');
  });
  after(() => engine.close());

  it('commits when the work resolves', async () => {
    const value = await engine.transaction(async (tx) => {
      await tx.execute('INSERT INTO ledger VALUES ($1, $2)', [1, 'kept']);
      return (await tx.query('SELECT count(*) AS n FROM ledger')).rows[0]!.n;
    });
    assert.equal(value, 1);
    assert.deepEqual((await engine.query('SELECT note FROM ledger')).rows, [{ note: 'kept' }]);
  });

  it('rolls back when the work throws', async () => {
    await assert.rejects(
      engine.transaction(async (tx) => {
        await tx.execute("INSERT INTO ledger VALUES (2, 'lost')");
        throw new Error('stop');
      }),
      /stop/,
    );
    await rejectsWith(
      engine.transaction(async (tx) => {
        await tx.execute("INSERT INTO ledger VALUES (3, 'lost')");
        await tx.execute("INSERT INTO ledger VALUES (1, 'duplicate key')");
      }),
      'sql_error',
    );
    assert.deepEqual((await engine.query('SELECT id FROM ledger ORDER BY id')).rows, [{ id: 1 }]);
  });

  it('refuses engine calls from inside its own transaction instead of waiting forever', async () => {
    await assert.rejects(
      engine.transaction(() => engine.query('SELECT 1')),
      /called inside transaction\(\); use the runner/,
    );
    assert.deepEqual((await engine.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
  });
});

describe('DuckDB engine: bulk load', () => {
  let engine: Engine;
  const columns: BulkLoadColumn[] = [
    { name: 'id', type: { logical: 'bigint' } },
    { name: 'name', type: { logical: 'string' } },
    { name: 'amount', type: { logical: 'decimal', precision: 18, scale: 2 } },
    { name: 'day', type: { logical: 'date' } },
    { name: 'seen_at', type: { logical: 'timestamptz' } },
    { name: 'active', type: { logical: 'boolean' } },
    { name: 'payload', type: { logical: 'json' } },
  ];
  before(async () => {
    engine = await memoryEngine();
  });
  after(() => engine.close());

  it('creates the table and schema and loads rows across many chunks', async () => {
    function* rows() {
      for (let i = 0; i < 10_000; i++) {
        yield [i, i % 4 === 0 ? null : `name ${i}`, '12.345', '2021-01-01', '2021-01-01 10:00:00.000001+02:00', i % 2 === 0, { i }];
      }
    }
    assert.deepEqual(await engine.bulkLoad({ schema: 'staging', name: 'people' }, columns, rows()), { rowsLoaded: 10_000 });
    const { rows: summary } = await engine.query(`
      SELECT count(*) AS n, count(name) AS named, sum(amount) AS total, min(day) AS day, min(seen_at) AS seen_at,
             sum(CASE WHEN active THEN 1 ELSE 0 END) AS active, max(id) AS max_id, max(payload->>'i') AS last
      FROM staging.people`);
    assert.deepEqual(summary, [{ n: 10_000, named: 7_500, total: '123500.00', day: '2021-01-01', seen_at: '2021-01-01 08:00:00.000001', active: 5_000, max_id: 9_999, last: '9999' }]);
  });

  it('accepts async sources and loads into existing tables by column name', async () => {
    await engine.execute('CREATE TABLE wide (extra VARCHAR DEFAULT NULL, b INTEGER, a VARCHAR)');
    async function* rows() {
      yield ['x', 1];
      yield ['y', 2];
    }
    const result = await engine.bulkLoad(
      { name: 'wide' },
      [
        { name: 'a', type: { logical: 'string' } },
        { name: 'b', type: { logical: 'integer' } },
      ],
      rows(),
    );
    assert.equal(result.rowsLoaded, 2);
    assert.deepEqual((await engine.query('SELECT extra, b, a FROM wide ORDER BY b')).rows, [
      { extra: null, b: 1, a: 'x' },
      { extra: null, b: 2, a: 'y' },
    ]);
  });

  it('truncates first when asked', async () => {
    await engine.bulkLoad({ schema: 'staging', name: 'people' }, columns, [[1, 'only', 1, '2021-01-02', new Date(0), true, '{}']], { truncate: true });
    assert.deepEqual((await engine.query('SELECT id, name, amount, day, seen_at FROM staging.people')).rows, [
      { id: 1, name: 'only', amount: '1.00', day: '2021-01-02', seen_at: '1970-01-01 00:00:00' },
    ]);
  });

  it('names the row and column of a bad value and leaves the table as it was', async () => {
    const rows = [
      [2, 'fine', 1, '2021-01-02', null, true, null],
      [3, 'bad', 'twelve', '2021-01-02', null, true, null],
    ];
    const error = await rejectsWith(engine.bulkLoad({ schema: 'staging', name: 'people' }, columns, rows, { truncate: true }), 'bulk_load_invalid_value');
    assert.equal(error.message, `Cannot load row 2 into "staging"."people": column 'amount': 'twelve' is not a decimal number.`);
    assert.deepEqual((await engine.query('SELECT id FROM staging.people')).rows, [{ id: 1 }]);
  });

  it('says which columns the table lacks', async () => {
    const error = await rejectsWith(
      engine.bulkLoad({ name: 'wide' }, [{ name: 'nope', type: { logical: 'string' } }], [['x']], { create: false }),
      'bulk_load_unknown_column',
    );
    assert.equal(error.message, `Cannot load into "wide": it has no column 'nope'.`);
    assert.equal(error.hint, `Its columns are 'extra', 'b', 'a'.`);
  });
});

describe('DuckDB engine: files, settings and locks', () => {
  let projectDir: string;
  before(() => {
    projectDir = mkdtempSync(join(tmpdir(), 'strata-duckdb-'));
  });
  after(() => rmSync(projectDir, { recursive: true, force: true }));

  it('creates .strata/warehouse.duckdb under the project by default and applies settings', async () => {
    const engine = await createEngine(duckdbTarget(projectDir, { settings: { threads: 2, memory_limit: '512MB' } }));
    try {
      assert.ok(existsSync(join(projectDir, '.strata', 'warehouse.duckdb')));
      const { rows } = await engine.query("SELECT current_setting('threads') AS threads, current_setting('TimeZone') AS zone");
      assert.deepEqual(rows, [{ threads: 2, zone: 'UTC' }]);
      await engine.execute('CREATE TABLE kept AS SELECT 42 AS answer');
    } finally {
      await engine.close();
    }
    const reopened = await createEngine(duckdbTarget(projectDir), { readOnly: true });
    try {
      assert.equal(reopened.isReadOnly, true);
      assert.deepEqual((await reopened.query('SELECT answer FROM kept')).rows, [{ answer: 42 }]);
      await rejectsWith(reopened.execute('CREATE TABLE nope (a INTEGER)'), 'sql_error');
    } finally {
      await reopened.close();
    }
  });

  it('refuses to open a missing file read-only, and leaves no file behind', async () => {
    const error = await rejectsWith(createEngine(duckdbTarget(projectDir, { path: 'nowhere/none.duckdb' }), { readOnly: true }), 'warehouse_missing');
    assert.equal(error.message, `The DuckDB warehouse ${join(projectDir, 'nowhere', 'none.duckdb')} does not exist yet, so it cannot be opened read-only.`);
    assert.equal(existsSync(join(projectDir, 'nowhere')), false);
  });

  it('shares one open file between engines of the same process', async () => {
    const first = await createEngine(duckdbTarget(projectDir));
    const second = await createEngine(duckdbTarget(projectDir));
    await first.execute('CREATE OR REPLACE TABLE shared AS SELECT 7 AS n');
    assert.deepEqual((await second.query('SELECT n FROM shared')).rows, [{ n: 7 }]);
    await first.close();
    assert.deepEqual((await second.query('SELECT n FROM shared')).rows, [{ n: 7 }]);
    await second.close();
  });

  it('reports a file another process holds as warehouse_locked, naming the file and PID', async () => {
    const path = join(projectDir, 'locked.duckdb');
    const holder = await holdDuckDBFile(path);
    try {
      const error = await rejectsWith(createEngine(duckdbTarget(projectDir, { path: 'locked.duckdb' })), 'warehouse_locked');
      assert.match(error.message, new RegExp(`^The DuckDB warehouse ${escapeRegExp(path)} is locked by another process \\(.*, PID ${holder.pid}\\)\\.$`));
      assert.equal(error.hint, 'Stop the other process, or run the command while `strata serve` is running so it can hand the work to the server.');
      assert.deepEqual(error.details, { file: path, pid: holder.pid });
      const check = await checkTarget(duckdbTarget(projectDir, { path: 'locked.duckdb' }));
      assert.equal(check.ok, false);
      assert.equal(check.code, 'warehouse_locked');
    } finally {
      holder.kill();
    }
  });

  it('checkTarget reports the version, and a file not yet created as fine', async () => {
    const fresh = await checkTarget(duckdbTarget(projectDir, { path: 'later/new.duckdb' }));
    assert.equal(fresh.ok, true);
    assert.match(fresh.detail, /does not exist yet; it is created on first write/);
    assert.match(fresh.version ?? '', /^\d+\.\d+\.\d+/);
    assert.equal(existsSync(join(projectDir, 'later')), false);
    const existing = await checkTarget(duckdbTarget(projectDir));
    assert.deepEqual({ ok: existing.ok, target: existing.target, type: existing.type }, { ok: true, target: 'dev', type: 'duckdb' });
  });
});

/** Another process with the file open for writing, as a second `strata` command would have. */
async function holdDuckDBFile(path: string): Promise<ChildProcess> {
  const script = `
    const { DuckDBInstance } = require('@duckdb/node-api');
    DuckDBInstance.create(${JSON.stringify(path)}).then(async (instance) => {
      const connection = await instance.connect();
      await connection.run('CREATE TABLE IF NOT EXISTS held (a INTEGER)');
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    });`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited early with ${code}`)));
  });
  return child;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
