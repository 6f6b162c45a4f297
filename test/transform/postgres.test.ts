import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src/engines/index.js';
import { loadTransformProject, runProject } from '../../src/transform/index.js';
import { services, skipUnless } from '../helpers/services.js';
import { removeDir, SHOP_MODELS, writeFile, writeProject } from './helpers.js';

const skip = await skipUnless('postgres');

describe('transform on Postgres', { skip }, () => {
  const schema = `strata_transform_${process.pid}_${Date.now()}`;
  let dir: string;
  let engine: Engine;

  before(async () => {
    const pg = services.postgres;
    const targets = `target: pg
targets:
  pg:
    type: postgres
    host: ${pg.host}
    port: ${pg.port}
    user: ${pg.user}
    password: "${pg.password}"
    dbname: ${pg.database}
    schema: ${schema}
`;
    dir = writeProject(
      {
        ...SHOP_MODELS,
        // Postgres spells the literal table differently enough to keep it portable.
        'models/staging/stg_orders.sql': "select * from (values (1, 'ann', 10.5), (2, 'bob', 20.0), (3, 'ann', 4.5)) as t(order_id, customer, amount);\n",
      },
      { targets, extra: 'vars:\n  threshold: 16\n' },
    );
    engine = await createEngine(loadTransformProject(dir).target);
  });
  after(async () => {
    await engine?.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await engine?.execute(`DROP SCHEMA IF EXISTS "${schema}_extra" CASCADE`).catch(() => undefined);
    await engine?.close();
    if (dir) removeDir(dir);
  });

  it('builds the project into the target schema, creating it', async () => {
    const { summary } = await runProject(loadTransformProject(dir), engine);
    assert.deepEqual(summary.results.map((r) => r.status), ['success', 'success', 'success', 'success']);
    const totals = await engine.query(`select customer, total::text as total, total_cents from "${schema}".customer_totals order by customer`);
    assert.deepEqual(totals.rows, [
      { customer: 'ann', total: '15.0', total_cents: 1500 },
      { customer: 'bob', total: '20.0', total_cents: 2000 },
    ]);
    assert.deepEqual((await engine.query(`select customer from "${schema}".big_customers`)).rows, [{ customer: 'bob' }]);
    const kinds = await engine.query(`select table_name, table_type from information_schema.tables where table_schema = $1 order by table_name`, [schema]);
    assert.deepEqual(kinds.rows, [
      { table_name: 'big_customers', table_type: 'VIEW' },
      { table_name: 'customer_totals', table_type: 'BASE TABLE' },
      { table_name: 'stg_orders', table_type: 'VIEW' },
    ]);
  });

  it('rebuilds views that other views read (drop cascades, children are rebuilt after)', async () => {
    const { summary } = await runProject(loadTransformProject(dir), engine);
    assert.equal(summary.success, true);
    assert.deepEqual((await engine.query(`select count(*)::int as n from "${schema}".big_customers`)).rows, [{ n: 1 }]);
  });

  it('keeps the old table when a rebuild fails', async () => {
    const original = SHOP_MODELS['models/marts/customer_totals.sql']!;
    writeFile(dir, 'models/marts/customer_totals.sql', "{{ config(materialized='table') }}\nselect customer, sum(amount) as total from {{ ref('stg_orders') }} grop by customer\n");
    try {
      const { summary } = await runProject(loadTransformProject(dir), engine, { select: ['customer_totals'] });
      const result = summary.results[0]!;
      assert.equal(result.status, 'error');
      assert.match(result.message!, /models\/marts\/customer_totals\.sql/);
      assert.match(result.message!, /syntax error at or near "by"/);
      const rows = await engine.query(`select customer, total_cents from "${schema}".customer_totals order by customer`);
      assert.deepEqual(rows.rows, [
        { customer: 'ann', total_cents: 1500 },
        { customer: 'bob', total_cents: 2000 },
      ]);
    } finally {
      writeFile(dir, 'models/marts/customer_totals.sql', original);
    }
  });

  it('builds config(schema) models into <schema>_<custom>', async () => {
    writeFile(dir, 'models/extra.sql', "{{ config(materialized='table', schema='extra') }} select count(*)::int as n from {{ ref('stg_orders') }}");
    const { summary } = await runProject(loadTransformProject(dir), engine, { select: ['extra'] });
    assert.equal(summary.success, true, summary.results[0]?.message ?? '');
    assert.deepEqual((await engine.query(`select n from "${schema}_extra".extra`)).rows, [{ n: 3 }]);
  });
});
