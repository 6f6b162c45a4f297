import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../src/engines/index.js';
import type { Engine } from '../../src/engines/types.js';
import { generateDemoData, loadDemoData, type LoadProgress } from '../../src/demo/index.js';

async function withDuckDB(work: (engine: Engine) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-demo-load-'));
  const engine = await createEngine({ name: 'test', projectDir: dir, config: { type: 'duckdb', path: join(dir, 'warehouse.duckdb') } });
  try {
    await work(engine);
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function count(engine: Engine, sql: string): Promise<number> {
  const result = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM (${sql}) AS q`);
  return Number(result.rows[0]!.n);
}

describe('loadDemoData on DuckDB', () => {
  const dataset = generateDemoData({ seed: 42, scale: 0.01 });

  it('loads every table with exact counts and reports progress', async () => {
    await withDuckDB(async (engine) => {
      const progress: LoadProgress[] = [];
      const summary = await loadDemoData(engine, dataset, { onProgress: (p) => progress.push(p) });

      assert.deepEqual(summary.tables.map((t) => [t.name, t.rows]), dataset.tables.map((t) => [t.name, t.rowCount]));
      assert.equal(summary.totalRows, dataset.tables.reduce((sum, t) => sum + t.rowCount, 0));
      for (const table of dataset.tables) {
        assert.equal(await count(engine, `SELECT * FROM raw.${table.name}`), table.rowCount, table.name);
        const last = progress.filter((p) => p.table === table.name).at(-1);
        assert.deepEqual(last, { table: table.name, rowsLoaded: table.rowCount, totalRows: table.rowCount });
      }
    });
  });

  it('is idempotent: a second run replaces the tables instead of adding rows', async () => {
    await withDuckDB(async (engine) => {
      // A table left by an older version with another layout is replaced, not appended to.
      await engine.execute('CREATE SCHEMA raw; CREATE TABLE raw.plans (plan_id INTEGER, legacy VARCHAR); INSERT INTO raw.plans VALUES (99, \'x\')');
      await loadDemoData(engine, dataset);
      await loadDemoData(engine, dataset);
      for (const table of dataset.tables) {
        assert.equal(await count(engine, `SELECT * FROM raw.${table.name}`), table.rowCount, table.name);
      }
      const columns = await engine.describe('SELECT * FROM raw.plans');
      assert.deepEqual(columns.map((c) => c.name), ['plan_id', 'name', 'tier', 'monthly_price', 'seats_included']);
      assert.equal(await count(engine, "SELECT * FROM information_schema.tables WHERE table_name LIKE '%strata_loading%'"), 0, 'no staging tables left');
    });
  });

  it('reads back exactly the generated values, with the declared types', async () => {
    await withDuckDB(async (engine) => {
      await loadDemoData(engine, dataset, { schema: 'demo' });
      for (const name of ['subscriptions', 'events', 'support_documents']) {
        const table = dataset.tables.find((t) => t.name === name)!;
        const key = table.columns[0]!.name;
        const { rows, columns } = await engine.query(`SELECT * FROM demo.${name} ORDER BY ${key}${name === 'support_documents' ? ', version' : ''}`);
        assert.deepEqual(columns.map((c) => c.type), table.columns.map((c) => c.type), `${name} column types`);
        assert.deepEqual(
          rows.map((row) => table.columns.map((c) => row[c.name])),
          [...table.rows()],
          `${name} values`,
        );
      }
    });
  });

  it('keeps foreign keys intact in the warehouse', async () => {
    await withDuckDB(async (engine) => {
      await loadDemoData(engine, dataset);
      const orphans = {
        users: 'SELECT * FROM raw.users u LEFT JOIN raw.accounts a USING (account_id) WHERE a.account_id IS NULL OR a.tenant_id <> u.tenant_id',
        events: 'SELECT * FROM raw.events e LEFT JOIN raw.users u USING (user_id) WHERE u.user_id IS NULL OR u.account_id <> e.account_id',
        orders: 'SELECT * FROM raw.orders o JOIN raw.subscriptions s USING (account_id) WHERE s.converted_at IS NULL OR o.ordered_at < s.converted_at OR o.ordered_at >= coalesce(s.churned_at, TIMESTAMP \'2026-07-01\')',
        plans: 'SELECT * FROM raw.subscriptions s LEFT JOIN raw.plans p USING (plan_id) WHERE p.plan_id IS NULL',
        mrr: `SELECT * FROM raw.subscriptions s LEFT JOIN (SELECT subscription_id, sum(mrr_delta) AS mrr FROM raw.subscription_events GROUP BY ALL) e USING (subscription_id) WHERE e.mrr <> s.mrr`,
      };
      for (const [what, sql] of Object.entries(orphans)) assert.equal(await count(engine, sql), 0, what);
    });
  });
});
