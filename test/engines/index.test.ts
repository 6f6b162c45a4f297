import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedTarget } from '../../src/core/targets.js';
import { checkTarget, createDialect, createEngine, DuckDBDialect, PostgresDialect, TargetErrorCode } from '../../src/engines/index.js';
import { services, skipUnless } from '../helpers/services.js';

describe('engine factory', () => {
  it('opens a DuckDB engine for a duckdb target', async () => {
    const engine = await createEngine({ name: 'dev', projectDir: process.cwd(), config: { type: 'duckdb', path: ':memory:' } });
    try {
      assert.equal(engine.kind, 'duckdb');
      assert.equal(engine.dialect.kind, 'duckdb');
      assert.equal(engine.isReadOnly, false);
      assert.match(await engine.version(), /^1\.\d+\.\d+/);
    } finally {
      await engine.close();
    }
  });

  it('gives dialects without connecting', () => {
    assert.ok(createDialect('duckdb') instanceof DuckDBDialect);
    assert.ok(createDialect('postgres') instanceof PostgresDialect);
    assert.throws(() => createDialect('clickhouse'), /depends on the server version/);
  });

  it('exports the connection error codes', () => {
    assert.deepEqual(
      [TargetErrorCode.unreachable, TargetErrorCode.refused, TargetErrorCode.authFailed, TargetErrorCode.databaseMissing],
      ['target_unreachable', 'target_refused', 'target_auth_failed', 'target_database_missing'],
    );
  });
});

describe('engine factory: Postgres', { skip: await skipUnless('postgres') }, () => {
  it('opens a pooled Postgres engine whose dialect matches the server', async () => {
    const pg = services.postgres;
    const engine = await createEngine({
      name: 'warehouse',
      projectDir: process.cwd(),
      config: { type: 'postgres', host: pg.host, port: pg.port, username: pg.user, pass: pg.password, database: pg.database },
    });
    try {
      assert.equal(engine.kind, 'postgres');
      assert.deepEqual((await engine.query('SELECT current_database() AS db, current_setting($1) AS zone', ['TimeZone'])).rows, [{ db: pg.database, zone: 'UTC' }]);
    } finally {
      await engine.close();
    }
  });

  it('opens read-only sessions when asked', async () => {
    const pg = services.postgres;
    const engine = await createEngine(
      { name: 'warehouse', projectDir: process.cwd(), config: { type: 'postgres', host: pg.host, port: pg.port, user: pg.user, dbname: pg.database } },
      { readOnly: true },
    );
    try {
      assert.equal(engine.isReadOnly, true);
      await assert.rejects(engine.execute('CREATE TEMPORARY TABLE strata_should_fail (a int)'), (error: Error & { code?: string }) => error.code === 'sql_error' && /read-only transaction/.test(error.message));
    } finally {
      await engine.close();
    }
  });
});

describe('engine factory: ClickHouse', { skip: await skipUnless('clickhouse') }, () => {
  const target: ResolvedTarget = {
    name: 'events',
    projectDir: process.cwd(),
    config: { type: 'clickhouse', host: services.clickhouse.host, port: services.clickhouse.port, user: 'default', password: '', database: 'default', secure: false },
  };

  it('loads the ClickHouse engine on demand', async () => {
    const engine = await createEngine(target);
    try {
      assert.equal(engine.kind, 'clickhouse');
      assert.deepEqual((await engine.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
    } finally {
      await engine.close();
    }
  });

  it('checks a ClickHouse target through the same entry point', async () => {
    const check = await checkTarget(target);
    assert.equal(check.ok, true, check.detail);
    assert.equal(check.target, 'events');
    assert.equal(check.type, 'clickhouse');
    const refused = await checkTarget({ ...target, config: { ...target.config, port: 1 } as ResolvedTarget['config'] });
    assert.equal(refused.ok, false);
    assert.equal(refused.code, 'target_refused');
  });
});
