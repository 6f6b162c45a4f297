import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStrataError } from '../../src/core/errors.js';
import { openStateStore } from '../../src/state/index.js';
import { rewritePlaceholders } from '../../src/state/postgres-store.js';
import { services, skipUnless } from '../helpers/services.js';
import { dropSchema, postgresConfig, uniqueSchema } from './fixtures/state-fixtures.js';

const skipPostgres = await skipUnless('postgres');

describe('rewritePlaceholders', () => {
  it('numbers ? placeholders in order', () => {
    assert.equal(rewritePlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)'), 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
  });

  it('leaves ? inside literals, quoted identifiers, comments and dollar quotes alone', () => {
    assert.equal(
      rewritePlaceholders(`SELECT 'what?', 'it''s ?', "odd?col", ? -- really?\n, /* maybe? */ ?, $$ body? $$, $tag$ x? $tag$, ?`),
      `SELECT 'what?', 'it''s ?', "odd?col", $1 -- really?\n, /* maybe? */ $2, $$ body? $$, $tag$ x? $tag$, $3`,
    );
  });

  it('leaves SQL without placeholders as it is', () => {
    assert.equal(rewritePlaceholders('SELECT $1::int'), 'SELECT $1::int');
  });
});

describe('postgres state store', { skip: skipPostgres }, () => {
  const schema = uniqueSchema('pgstore');
  after(() => dropSchema(schema));

  it('creates its schema and keeps its tables there', async () => {
    const store = await openStateStore(postgresConfig(schema));
    try {
      assert.equal(store.location, `postgres://${services.postgres.user}@${services.postgres.host}:${services.postgres.port}/${services.postgres.database} (schema ${schema})`);
      const tables = await store.all<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
        [schema],
      );
      assert.deepEqual(tables.map((t) => t.table_name), ['kv', 'runs', 'strata_migrations']);
      assert.deepEqual(await store.get('SELECT current_schema() AS s'), { s: schema });
    } finally {
      await store.close();
    }
  });

  it('returns Postgres-only types the way the SQLite store would', async () => {
    const store = await openStateStore(postgresConfig(schema));
    try {
      assert.deepEqual(
        await store.get(`SELECT 2::numeric AS whole, 2.5::numeric AS fraction, 1 < 2 AS yes, '{"a": 1}'::jsonb AS doc, 12345678901234567890::numeric AS huge`),
        { whole: 2, fraction: 2.5, yes: 1, doc: '{"a": 1}', huge: 12345678901234567890n },
      );
    } finally {
      await store.close();
    }
  });

  it('accepts a connection string', async () => {
    const { user, host, port, database } = services.postgres;
    const store = await openStateStore({ type: 'postgres', connectionString: `postgres://${user}@${host}:${port}/${database}`, schema });
    try {
      assert.equal(store.location, `postgres://${user}@${host}:${port}/${database} (schema ${schema})`);
      assert.deepEqual(await store.appliedMigrations(), ['0001_runs', '0002_kv']);
    } finally {
      await store.close();
    }
  });

  it('reports a connection lost mid-transaction and recovers with a fresh one', async () => {
    const store = await openStateStore(postgresConfig(schema));
    try {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.run('INSERT INTO runs (run_id, command, status, started_at) VALUES (?, ?, ?, ?)', ['lost', 'run', 'running', 'now']);
          // The server ends this session, as a restart or failover would.
          await tx.all('SELECT pg_terminate_backend(pg_backend_pid())');
        }),
        (error: unknown) => {
          assert.ok(isStrataError(error));
          assert.equal(error.code, 'state_unavailable');
          assert.ok(error.message.startsWith(`The Postgres state store at ${store.location} cannot be reached: terminating connection`), error.message);
          return true;
        },
      );
      assert.deepEqual(await store.all(`SELECT run_id FROM runs WHERE run_id = 'lost'`), []);
      await store.transaction((tx) => tx.run(`DELETE FROM kv`));
    } finally {
      await store.close();
    }
  });

  it('reports an unreachable server, naming host and port', async () => {
    // Port 1 on the loopback address refuses connections at once.
    await assert.rejects(openStateStore({ type: 'postgres', host: '127.0.0.1', port: 1, user: 'strata', database: 'state' }), (error: unknown) => {
      assert.ok(isStrataError(error));
      assert.equal(error.code, 'state_open_failed');
      assert.match(error.message, /^Could not open the Postgres state store at postgres:\/\/strata@127\.0\.0\.1:1\/state: .*ECONNREFUSED/);
      return true;
    });
  });

  it('reports a database that does not exist', async () => {
    const { host, port, user } = services.postgres;
    await assert.rejects(openStateStore({ type: 'postgres', host, port, user, database: 'strata_no_such_database' }), {
      code: 'state_open_failed',
      message: `Could not open the Postgres state store at postgres://${user}@${host}:${port}/strata_no_such_database: database "strata_no_such_database" does not exist.`,
    });
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await assert.rejects(openStateStore({ ...postgresConfig(schema), schema: 'Robert"; DROP' } as never), { code: 'state_config_invalid' });
  });
});
