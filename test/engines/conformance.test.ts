import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedTarget } from '../../src/core/targets.js';
import { createEngine, type ColumnInfo, type Engine, type EngineKind, type Row } from '../../src/engines/index.js';
import { services, skipUnless } from '../helpers/services.js';
import { conformanceCases, conformanceTables, describeCase, type CaseSql, type ConformanceCase, type TableRef } from './conformance-cases.js';

/**
 * Runs every conformance case on each engine and then requires the engines to agree with each
 * other as well as with the expected rows. Adding an engine means adding it to `engines` here
 * (and answering per-engine spellings in the cases); the cases themselves do not change.
 */

interface EngineUnderTest {
  readonly kind: EngineKind;
  readonly skip: string | false;
  open(): Promise<Engine>;
}

// One namespace per run: parallel runs against the same servers never share tables.
const namespace = `strata_conformance_${process.pid}_${Date.now()}`;

/** Where each engine keeps the case tables: a schema, or a database on ClickHouse. */
const namespaceDdl: Record<EngineKind, { create: (q: string) => string; drop: (q: string) => string }> = {
  duckdb: { create: (q) => `CREATE SCHEMA ${q}`, drop: (q) => `DROP SCHEMA IF EXISTS ${q} CASCADE` },
  postgres: { create: (q) => `CREATE SCHEMA ${q}`, drop: (q) => `DROP SCHEMA IF EXISTS ${q} CASCADE` },
  clickhouse: { create: (q) => `CREATE DATABASE ${q}`, drop: (q) => `DROP DATABASE IF EXISTS ${q}` },
};

function target(config: ResolvedTarget['config']): ResolvedTarget {
  return { name: 'conformance', projectDir: process.cwd(), config };
}

const pg = services.postgres;
const ch = services.clickhouse;

const engines: readonly EngineUnderTest[] = [
  {
    kind: 'duckdb',
    skip: false,
    open: () => createEngine(target({ type: 'duckdb', path: ':memory:' })),
  },
  {
    kind: 'postgres',
    skip: await skipUnless('postgres'),
    open: () => createEngine(target({ type: 'postgres', host: pg.host, port: pg.port, user: pg.user, password: pg.password, dbname: pg.database })),
  },
  {
    kind: 'clickhouse',
    skip: await skipUnless('clickhouse'),
    open: () =>
      createEngine(target({ type: 'clickhouse', host: ch.host, port: ch.port, user: 'default', password: '', database: 'default', secure: false })),
  },
];

/** What each engine returned, by case name, for the cross-engine comparison at the end. */
const observed = new Map<string, Map<EngineKind, { columns: string[]; rows: Row[] }>>();
const observedDescribe = new Map<EngineKind, Pick<ColumnInfo, 'name' | 'type'>[]>();

function sqlFor(testCase: ConformanceCase, kind: EngineKind): CaseSql {
  const sql = testCase.sql;
  return typeof sql === 'string' || typeof sql === 'function' ? sql : sql[kind];
}

for (const engineUnderTest of engines) {
  const { kind } = engineUnderTest;
  describe(`conformance on ${kind}`, { skip: engineUnderTest.skip }, () => {
    let engine: Engine;
    let table: TableRef;

    before(async () => {
      engine = await engineUnderTest.open();
      const quoted = engine.dialect.quoteIdentifier(namespace);
      await engine.execute(namespaceDdl[kind].create(quoted));
      table = (name) => engine.dialect.qualify({ schema: namespace, name });
      for (const definition of conformanceTables) {
        const { rowsLoaded } = await engine.bulkLoad({ schema: namespace, name: definition.name }, definition.columns, definition.rows);
        assert.equal(rowsLoaded, definition.rows.length, `rows loaded into ${definition.name}`);
      }
    });

    after(async () => {
      if (!engine) return;
      await engine.execute(namespaceDdl[kind].drop(engine.dialect.quoteIdentifier(namespace)));
      await engine.close();
    });

    for (const testCase of conformanceCases) {
      const unsupported = testCase.unsupported?.[kind];
      it(testCase.name, { skip: unsupported ? `not supported on ${kind}: ${unsupported}` : false }, async () => {
        const sql = sqlFor(testCase, kind);
        const text = typeof sql === 'function' ? sql(engine.dialect, table) : sql;
        const result = await engine.query(text);
        const columns = result.columns.map((column) => column.name);
        let byEngine = observed.get(testCase.name);
        if (!byEngine) observed.set(testCase.name, (byEngine = new Map()));
        byEngine.set(kind, { columns, rows: result.rows });
        assert.deepEqual(columns, Object.keys(testCase.expected[0] ?? {}), `${testCase.purpose}: column names and order`);
        assert.deepEqual(result.rows, testCase.expected, testCase.purpose);
      });
    }

    it('describe() reports the logical types of loaded columns', async () => {
      const columns = await engine.describe(describeCase.sql(table));
      const summary = columns.map(({ name, type }) => ({ name, type }));
      observedDescribe.set(kind, summary);
      assert.deepEqual(summary, describeCase.expected);
    });
  });
}

describe('conformance across engines', () => {
  it('every engine that ran a case returned identical rows', () => {
    for (const [name, byEngine] of observed) {
      const [first, ...others] = [...byEngine.entries()];
      if (!first) continue;
      for (const [kind, result] of others) {
        assert.deepEqual(result, first[1], `${name}: ${kind} differs from ${first[0]}`);
      }
    }
  });

  it('every engine that ran describe() agreed', () => {
    const [first, ...others] = [...observedDescribe.entries()];
    for (const [kind, summary] of others) assert.deepEqual(summary, first![1], `describe: ${kind} differs from ${first![0]}`);
  });

  it('DuckDB ran every case it supports', () => {
    // DuckDB needs no service, so it always runs: a case it skipped silently would be a gap.
    for (const testCase of conformanceCases) {
      if (testCase.unsupported?.duckdb) continue;
      assert.ok(observed.get(testCase.name)?.has('duckdb'), `${testCase.name} did not run on duckdb`);
    }
  });
});
