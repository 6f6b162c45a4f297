import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { StrataError } from '../../src/core/errors.js';
import type { PostgresTarget, ResolvedTarget } from '../../src/core/targets.js';
import { checkTarget, createEngine, type BulkLoadColumn, type Engine, type Row } from '../../src/engines/index.js';
import { postgresError } from '../../src/engines/postgres/engine.js';
import { services, skipUnless } from '../helpers/services.js';

const pgService = services.postgres;

function postgresTarget(overrides: Partial<PostgresTarget> = {}): ResolvedTarget {
  return {
    name: 'warehouse',
    projectDir: process.cwd(),
    config: {
      type: 'postgres',
      host: pgService.host,
      port: pgService.port,
      user: pgService.user,
      password: pgService.password,
      dbname: pgService.database,
      ...overrides,
    },
  };
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

async function collect(stream: AsyncIterable<Row[]>): Promise<Row[][]> {
  const batches: Row[][] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

describe('Postgres engine', { skip: await skipUnless('postgres') }, () => {
  let engine: Engine;
  // Each run works in its own schema, so parallel runs never see each other's tables.
  const schema = `strata_pg_${process.pid}_${Date.now()}`;
  const q = (name: string) => `${engine.dialect.quoteIdentifier(schema)}.${engine.dialect.quoteIdentifier(name)}`;

  before(async () => {
    engine = await createEngine(postgresTarget({ search_path: `${schema}, public` }));
    await engine.execute(`CREATE SCHEMA ${engine.dialect.quoteIdentifier(schema)}`);
  });
  after(async () => {
    await engine.execute(`DROP SCHEMA IF EXISTS ${engine.dialect.quoteIdentifier(schema)} CASCADE`);
    await engine.close();
  });

  it('reports the server version and MERGE support', async () => {
    assert.match(await engine.version(), /^\d+\.\d+/);
    const versionNum = Number((await engine.query('SHOW server_version_num')).rows[0]!.server_version_num);
    assert.equal(engine.dialect.supportsMerge, versionNum >= 150000);
  });

  it('returns canonical values without losing precision', async () => {
    const { rows, columns } = await engine.query(`
      SELECT 1 AS i, 9007199254740993::int8 AS big, 42::int8 AS small_big, 9223372036854775807::int8 AS max_big,
             5::numeric(10,2) AS amount, 0.5::float8 AS ratio, 'NaN'::float8 AS nan, date '2021-01-01' AS day,
             timestamp '2021-01-01 01:02:03.120' AS ts, timestamp '2021-01-01 01:02:03.000001' AS ts_micro,
             timestamptz '2021-01-01 01:02:03.5+05:30' AS tstz, '{"a":1}'::jsonb AS doc, true AS yes, NULL::text AS nothing,
             ARRAY[1, 2] AS list, 'text' AS s, interval '1 day' AS span`);
    assert.deepEqual(rows, [
      {
        i: 1,
        big: 9007199254740993n,
        small_big: 42,
        max_big: 9223372036854775807n,
        amount: '5.00',
        ratio: 0.5,
        nan: NaN,
        day: '2021-01-01',
        ts: '2021-01-01 01:02:03.12',
        ts_micro: '2021-01-01 01:02:03.000001',
        tstz: '2020-12-31 19:32:03.5',
        doc: '{"a": 1}',
        yes: true,
        nothing: null,
        list: '{1,2}',
        s: 'text',
        span: '1 day',
      },
    ]);
    assert.deepEqual(
      columns.map((column) => [column.name, column.nativeType, column.type.logical]),
      [
        ['i', 'integer', 'integer'],
        ['big', 'bigint', 'bigint'],
        ['small_big', 'bigint', 'bigint'],
        ['max_big', 'bigint', 'bigint'],
        ['amount', 'numeric(10,2)', 'decimal'],
        ['ratio', 'double precision', 'double'],
        ['nan', 'double precision', 'double'],
        ['day', 'date', 'date'],
        ['ts', 'timestamp without time zone', 'timestamp'],
        ['ts_micro', 'timestamp without time zone', 'timestamp'],
        ['tstz', 'timestamp with time zone', 'timestamptz'],
        ['doc', 'jsonb', 'json'],
        ['yes', 'boolean', 'boolean'],
        ['nothing', 'text', 'string'],
        ['list', 'integer[]', 'other'],
        ['s', 'text', 'string'],
        ['span', 'interval', 'other'],
      ],
    );
  });

  it('does not change pg’s global type parsers', async () => {
    const client = new pg.Client({ host: pgService.host, port: pgService.port, user: pgService.user, password: pgService.password, database: pgService.database });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT 42::int8 AS n');
      assert.equal(rows[0].n, '42');
    } finally {
      await client.end();
    }
  });

  it('binds parameters, including bigints, Dates and objects', async () => {
    const { rows } = await engine.query('SELECT $1::int + 1 AS n, $2::text AS s, $3::int8 AS big, $4::timestamptz AS at, $5::jsonb AS doc', [
      41,
      "it's",
      9223372036854775807n,
      new Date('2021-01-01T00:00:00.123Z'),
      { a: [1, 2] },
    ]);
    assert.deepEqual(rows, [{ n: 42, s: "it's", big: 9223372036854775807n, at: '2021-01-01 00:00:00.123', doc: '{"a": [1, 2]}' }]);
  });

  it('applies search_path from the target', async () => {
    await engine.execute(`CREATE TABLE ${q('on_path')} AS SELECT 1 AS found`);
    assert.deepEqual((await engine.query('SELECT found FROM on_path')).rows, [{ found: 1 }]);
  });

  it('describes a query without running it', async () => {
    await engine.execute(`CREATE TABLE ${q('described')} (id integer, amount numeric(12,4), label varchar(20), at timestamptz)`);
    const columns = await engine.describe(`SELECT id, amount, label, at, id::bigint * 2 AS doubled, 'x' AS literal FROM ${q('described')};`);
    assert.deepEqual(
      columns.map((column) => [column.name, column.nativeType, column.type]),
      [
        ['id', 'integer', { logical: 'integer' }],
        ['amount', 'numeric(12,4)', { logical: 'decimal', precision: 12, scale: 4 }],
        ['label', 'character varying(20)', { logical: 'string' }],
        ['at', 'timestamp with time zone', { logical: 'timestamptz' }],
        ['doubled', 'bigint', { logical: 'bigint' }],
        ['literal', 'text', { logical: 'string' }],
      ],
    );
    // Data-modifying statements are refused by the read-only describe transaction.
    await rejectsWith(engine.describe(`WITH x AS (INSERT INTO ${q('described')} (id) VALUES (1) RETURNING id) SELECT * FROM x`), 'sql_error');
    assert.deepEqual((await engine.query(`SELECT count(*) AS n FROM ${q('described')}`)).rows, [{ n: 0 }]);
  });

  it('reports bad SQL as sql_error with the position', async () => {
    const error = await rejectsWith(engine.query('SELEC 1'), 'sql_error');
    assert.equal(error.message, 'syntax error at or near "SELEC" (at character 1).');
    assert.deepEqual(error.details, { engine: 'postgres', sqlstate: '42601', position: 1 });
  });

  it('streams through a cursor in batches, and cleans up when the consumer stops early', async () => {
    const batches = await collect(engine.stream('SELECT n FROM generate_series(1, 25000) AS n WHERE n > $1 ORDER BY n;', [0], { batchSize: 10000 }));
    assert.deepEqual(
      batches.map((batch) => batch.length),
      [10000, 10000, 5000],
    );
    assert.deepEqual(batches[2]!.at(-1), { n: 25000 });
    for await (const batch of engine.stream('SELECT n FROM generate_series(1, 100) AS n', [], { batchSize: 10 })) {
      assert.equal(batch.length, 10);
      break;
    }
    assert.deepEqual((await engine.query('SELECT 1 AS still_fine')).rows, [{ still_fine: 1 }]);
  });

  it('commits and rolls back transactions on one client', async () => {
    await engine.execute(`CREATE TABLE ${q('ledger')} (id integer PRIMARY KEY, note text)`);
    const count = await engine.transaction(async (tx) => {
      await tx.execute(`INSERT INTO ${q('ledger')} VALUES ($1, $2)`, [1, 'kept']);
      return (await tx.query(`SELECT count(*) AS n FROM ${q('ledger')}`)).rows[0]!.n;
    });
    assert.equal(count, 1);
    await assert.rejects(
      engine.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${q('ledger')} VALUES (2, 'lost')`);
        throw new Error('stop');
      }),
      /stop/,
    );
    await rejectsWith(
      engine.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${q('ledger')} VALUES (3, 'lost')`);
        await tx.execute(`INSERT INTO ${q('ledger')} VALUES (1, 'duplicate')`);
      }),
      'sql_error',
    );
    assert.deepEqual((await engine.query(`SELECT id, note FROM ${q('ledger')} ORDER BY id`)).rows, [{ id: 1, note: 'kept' }]);
  });

  describe('bulk load', () => {
    const columns: BulkLoadColumn[] = [
      { name: 'id', type: { logical: 'bigint' } },
      { name: 'name', type: { logical: 'string' } },
      { name: 'amount', type: { logical: 'decimal', precision: 18, scale: 2 } },
      { name: 'day', type: { logical: 'date' } },
      { name: 'seen_at', type: { logical: 'timestamptz' } },
      { name: 'active', type: { logical: 'boolean' } },
      { name: 'payload', type: { logical: 'json' } },
    ];

    it('creates the table and COPYs rows, escaping tabs, newlines, backslashes and unicode', async () => {
      const awkward = 'tab\there\nnew line\\backslash \\N \'quote" 🦆 日本語 e\u0301 \r';
      function* rows() {
        for (let i = 0; i < 5000; i++) {
          yield [i, i % 4 === 0 ? null : i === 1 ? awkward : `name ${i}`, '12.345', '2021-01-01', '2021-01-01 10:00:00.000001+02:00', i % 2 === 0, { i, text: awkward }];
        }
      }
      assert.deepEqual(await engine.bulkLoad({ schema, name: 'people' }, columns, rows()), { rowsLoaded: 5000 });
      const { rows: summary } = await engine.query(`
        SELECT count(*) AS n, count(name) AS named, sum(amount) AS total, min(day) AS day, min(seen_at) AS seen_at,
               sum(CASE WHEN active THEN 1 ELSE 0 END) AS active, max(id) AS max_id
        FROM ${q('people')}`);
      assert.deepEqual(summary, [{ n: 5000, named: 3750, total: '61750.00', day: '2021-01-01', seen_at: '2021-01-01 08:00:00.000001', active: 2500, max_id: 4999 }]);
      const { rows: odd } = await engine.query(`SELECT name, payload->>'text' AS text FROM ${q('people')} WHERE id = 1`);
      assert.deepEqual(odd, [{ name: awkward, text: awkward }]);
    });

    it('truncates first when asked, inside the same transaction', async () => {
      await engine.bulkLoad({ schema, name: 'people' }, columns, [[1, 'only', 1, '2021-01-02', new Date(0), true, '{}']], { truncate: true });
      assert.deepEqual((await engine.query(`SELECT id, name, amount, day, seen_at FROM ${q('people')}`)).rows, [
        { id: 1, name: 'only', amount: '1.00', day: '2021-01-02', seen_at: '1970-01-01 00:00:00' },
      ]);
    });

    it('names the row and column of a bad value and leaves the table as it was', async () => {
      async function* rows() {
        yield [2, 'fine', 1, '2021-01-02', null, true, null];
        yield [3, 'bad', 1, 'not a date', null, true, null];
      }
      const error = await rejectsWith(engine.bulkLoad({ schema, name: 'people' }, columns, rows(), { truncate: true }), 'bulk_load_invalid_value');
      assert.equal(error.message, `Cannot load row 2 into "${schema}"."people": column 'day': 'not a date' is not a date (expected YYYY-MM-DD).`);
      assert.deepEqual((await engine.query(`SELECT id FROM ${q('people')}`)).rows, [{ id: 1 }]);
    });

    it('reports values the server rejects as sql_error, still atomically', async () => {
      await engine.execute(`CREATE TABLE ${q('small')} (n smallint)`);
      await rejectsWith(engine.bulkLoad({ schema, name: 'small' }, [{ name: 'n', type: { logical: 'integer' } }], [[1], [100000]]), 'sql_error');
      assert.deepEqual((await engine.query(`SELECT count(*) AS n FROM ${q('small')}`)).rows, [{ n: 0 }]);
      assert.deepEqual((await engine.query('SELECT 1 AS pool_still_fine')).rows, [{ pool_still_fine: 1 }]);
    });
  });
});

describe('Postgres connection diagnostics', { skip: await skipUnless('postgres') }, () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();
  before(async () => {
    // Accepts connections and never answers: what a firewall that drops packets looks like.
    silent = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });

  it('connects and reports the version when all is well', async () => {
    const check = await checkTarget(postgresTarget());
    assert.equal(check.ok, true, check.detail);
    assert.equal(check.target, 'warehouse');
    assert.equal(check.type, 'postgres');
    assert.match(check.version ?? '', /^\d+\.\d+/);
  });

  it('says nothing is listening on a refused port', async () => {
    const check = await checkTarget(postgresTarget({ host: '127.0.0.1', port: 1 }));
    assert.deepEqual(check, {
      target: 'warehouse',
      type: 'postgres',
      ok: false,
      code: 'target_refused',
      detail:
        "Cannot connect to postgres target 'warehouse': nothing is listening on 127.0.0.1:1 (connection refused). Check that the postgres server is running and that `port` (1) is the port it listens on.",
    });
    const error = await rejectsWith(createEngine(postgresTarget({ host: '127.0.0.1', port: 1 })), 'target_refused');
    assert.equal(error.httpStatus, 503);
  });

  it('says a host name does not resolve', async () => {
    const check = await checkTarget(postgresTarget({ host: 'no-such-host.invalid' }));
    assert.equal(check.code, 'target_unreachable');
    assert.match(check.detail, /^Cannot connect to postgres target 'warehouse': the host name 'no-such-host.invalid' could not be resolved \((ENOTFOUND|EAI_AGAIN)\)\./);
  });

  it('says a silent host did not answer within the connect timeout, without hanging', async () => {
    const check = await checkTarget(postgresTarget({ host: '127.0.0.1', port: silentPort, connect_timeout: 0.3 }));
    assert.equal(check.code, 'target_unreachable');
    assert.match(check.detail, new RegExp(`^Cannot connect to postgres target 'warehouse': 127.0.0.1:${silentPort} did not answer within 0.3s\\.`));
    await rejectsWith(createEngine(postgresTarget({ host: '127.0.0.1', port: silentPort, connect_timeout: 0.3 })), 'target_unreachable');
  });

  it('says the role does not exist', async () => {
    const check = await checkTarget(postgresTarget({ user: 'strata_no_such_role' }));
    assert.equal(check.code, 'target_auth_failed');
    assert.match(check.detail, /role "strata_no_such_role" does not exist\. Check `user` \(or `username`\) in the target/);
  });

  it('says the database does not exist', async () => {
    const check = await checkTarget(postgresTarget({ dbname: 'strata_no_such_db' }));
    assert.equal(check.code, 'target_database_missing');
    assert.equal(
      check.detail,
      `Cannot connect to postgres target 'warehouse' at ${pgService.host}:${pgService.port}: database "strata_no_such_db" does not exist. Check \`dbname\` (or \`database\`) in the target, or create it (createdb strata_no_such_db).`,
    );
    await rejectsWith(createEngine(postgresTarget({ dbname: 'strata_no_such_db' })), 'target_database_missing');
  });

  it('maps a rejected password (28P01) to target_auth_failed', () => {
    // The test server trusts every local connection, so the server error is built here with
    // pg's own class, as pg would hand it over.
    const serverError = new pg.DatabaseError('password authentication failed for user "app"', 100, 'error');
    serverError.code = '28P01';
    const error = postgresError(serverError, { target: 'warehouse', type: 'postgres', host: 'db.internal', port: 5432, user: 'app' });
    assert.ok(error instanceof StrataError);
    assert.equal(error.code, 'target_auth_failed');
    assert.equal(error.message, "Cannot connect to postgres target 'warehouse' at db.internal:5432: the server rejected the password for user 'app'.");
    assert.equal(error.hint, 'Check `password` (or `pass`) in the target, or the environment variable it reads with env_var().');
  });
});
