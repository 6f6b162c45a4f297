import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src/engines/index.js';
import { compileProject, loadTransformProject, runProject, type ModelNode } from '../../src/transform/index.js';
import { removeDir, SHOP_MODELS, writeFile, writeProject } from './helpers.js';

describe('transform on DuckDB', () => {
  let dir: string;
  let engine: Engine;

  before(async () => {
    dir = writeProject(SHOP_MODELS, { extra: 'vars:\n  threshold: 16\nmodels:\n  shop:\n    staging:\n      +tags: [staging]\n' });
    const project = loadTransformProject(dir);
    engine = await createEngine(project.target);
  });
  after(async () => {
    await engine.close();
    removeDir(dir);
  });

  it('builds models in DAG order with the right contents', async () => {
    const project = loadTransformProject(dir);
    const { summary, models } = await runProject(project, engine);
    assert.deepEqual(
      summary.results.map((r) => [r.name, r.status]),
      [
        ['stg_orders', 'success'],
        ['stg_customers', 'success'],
        ['customer_totals', 'success'],
        ['big_customers', 'success'],
      ],
    );
    assert.equal(models.length, 4);
    const totals = await engine.query('select customer, total, total_cents from main.customer_totals order by customer');
    assert.deepEqual(
      totals.rows.map((r) => [r.customer, Number(r.total), r.total_cents]),
      [
        ['ann', 15, 1500],
        ['bob', 20, 2000],
      ],
    );
    // var('threshold') from strata.yml vars: 16 (not the default 100), so only bob.
    const big = await engine.query('select customer from main.big_customers');
    assert.deepEqual(big.rows, [{ customer: 'bob' }]);
  });

  it('makes views and tables as configured, and no relation for an ephemeral model', async () => {
    const { rows } = await engine.query<{ table_name: string; table_type: string }>(
      "select table_name, table_type from information_schema.tables where table_schema = 'main' order by table_name",
    );
    assert.deepEqual(
      rows.map((r) => [r.table_name, r.table_type]),
      [
        ['big_customers', 'VIEW'],
        ['customer_totals', 'BASE TABLE'],
        ['stg_orders', 'VIEW'],
      ],
    );
  });

  it('inlines an ephemeral model as a __dbt__cte__ CTE', () => {
    const project = loadTransformProject(dir);
    const result = compileProject(project, engine.dialect, { select: ['customer_totals'] });
    const sql = result.compiled[0]!.sql;
    assert.match(sql, /^-- total spend per customer\nwith "__dbt__cte__stg_customers" as \(\nselect distinct customer from "main"\."stg_orders"\n\)/);
    assert.match(sql, /from "__dbt__cte__stg_customers" c join "main"\."stg_orders" o/);
    const file = join(dir, 'target/compiled/shop/models/marts/customer_totals.sql');
    assert.equal(readFileSync(file, 'utf8'), `${sql}\n`);
  });

  it('treats every build as a full build: is_incremental() is false', () => {
    const incremental = writeProject({ 'models/m.sql': 'select 1 as x{% if is_incremental() %} where x > (select max(x) from {{ this }}){% endif %}' });
    try {
      const result = compileProject(loadTransformProject(incremental), engine.dialect);
      assert.equal(result.compiled[0]!.sql, 'select 1 as x');
    } finally {
      removeDir(incremental);
    }
  });

  it('strips a trailing semicolon', () => {
    const project = loadTransformProject(dir);
    const result = compileProject(project, engine.dialect, { select: ['stg_orders'] });
    assert.ok(result.compiled[0]!.sql.endsWith('as t(order_id, customer, amount)'));
  });

  it('applies config precedence: model config() over YAML over strata.yml folders over the default', () => {
    const precedence = writeProject(
      {
        'models/a/m1.sql': 'select 1 as x',
        'models/a/m2.sql': "{{ config(materialized='view', schema='x') }} select 1 as x",
        'models/b/m3.sql': 'select 1 as x',
        'models/b/m4.sql': 'select 1 as x',
        'models/props.yml': 'models:\n  - name: m4\n    config:\n      materialized: ephemeral\n      tags: [yaml]\n',
      },
      { extra: 'models:\n  shop:\n    +tags: [all]\n    a:\n      +materialized: table\n' },
    );
    try {
      const project = loadTransformProject(precedence);
      const config = (name: string) => (project.nodes.get(`model.shop.${name}`) as ModelNode).config;
      assert.equal(config('m1').materialized, 'table');
      assert.equal(config('m2').materialized, 'view');
      assert.equal(config('m2').schema, 'x');
      assert.equal(config('m3').materialized, 'view');
      assert.equal(config('m4').materialized, 'ephemeral');
      assert.deepEqual(config('m4').tags, ['all', 'yaml']);
    } finally {
      removeDir(precedence);
    }
  });

  it('builds a model with config(schema) into <target schema>_<schema>, creating it', async () => {
    const custom = writeProject({ 'models/m.sql': "{{ config(materialized='table', schema='marts') }} select 42 as answer, '{{ this }}' as me" });
    try {
      const project = loadTransformProject(custom);
      const { summary } = await runProject(project, engine);
      assert.equal(summary.success, true);
      const { rows } = await engine.query('select answer, me from main_marts.m');
      assert.deepEqual(rows, [{ answer: 42, me: '"main_marts"."m"' }]);
    } finally {
      removeDir(custom);
    }
  });

  it('writes a manifest with dbt fields', () => {
    const project = loadTransformProject(dir);
    compileProject(project, engine.dialect);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    assert.equal(manifest.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/manifest/v12.json');
    assert.equal(manifest.metadata.project_name, 'shop');
    assert.ok(!Number.isNaN(Date.parse(manifest.metadata.generated_at)));
    const node = manifest.nodes['model.shop.customer_totals'];
    assert.equal(node.name, 'customer_totals');
    assert.equal(node.resource_type, 'model');
    assert.equal(node.package_name, 'shop');
    assert.equal(node.path, 'marts/customer_totals.sql');
    assert.equal(node.original_file_path, 'models/marts/customer_totals.sql');
    assert.deepEqual(node.fqn, ['shop', 'marts', 'customer_totals']);
    assert.equal(node.alias, 'customer_totals');
    assert.equal(node.schema, 'main');
    assert.equal(node.raw_code, SHOP_MODELS['models/marts/customer_totals.sql']);
    assert.match(node.compiled_code, /__dbt__cte__stg_customers/);
    assert.deepEqual(node.depends_on, { nodes: ['model.shop.stg_customers', 'model.shop.stg_orders'], macros: ['macro.shop.cents'] });
    assert.equal(node.config.materialized, 'table');
    assert.deepEqual(node.tags, ['finance']);
    assert.equal(node.description, 'Spend per customer.');
    assert.deepEqual(Object.keys(node.columns), ['customer', 'total']);
    assert.equal(node.columns.customer.data_type, 'varchar');
    assert.equal(node.checksum.name, 'sha256');
    assert.match(node.checksum.checksum, /^[0-9a-f]{64}$/);
    assert.deepEqual(manifest.nodes['model.shop.stg_orders'].tags, ['staging']);
    assert.deepEqual(manifest.parent_map['model.shop.big_customers'], ['model.shop.customer_totals']);
    assert.deepEqual(manifest.child_map['model.shop.stg_orders'], ['model.shop.customer_totals', 'model.shop.stg_customers']);
  });

  it('keeps the previous relation readable and unchanged when a rebuild fails, and skips descendants', async () => {
    const project = loadTransformProject(dir);
    const before = await engine.query('select customer, total from main.customer_totals order by customer');
    writeFile(dir, 'models/marts/customer_totals.sql', "{{ config(materialized='table') }}\nselect customer, sum(amount) as total from {{ ref('stg_orders') }} group by no_such_column\n");
    try {
      const broken = loadTransformProject(dir);
      const { summary } = await runProject(broken, engine);
      const byName = Object.fromEntries(summary.results.map((r) => [r.name, r]));
      assert.equal(byName.stg_orders!.status, 'success');
      assert.equal(byName.customer_totals!.status, 'error');
      assert.match(byName.customer_totals!.message!, /models\/marts\/customer_totals\.sql/);
      assert.match(byName.customer_totals!.message!, /no_such_column/);
      assert.equal(byName.big_customers!.status, 'skipped');
      const after = await engine.query('select customer, total from main.customer_totals order by customer');
      assert.deepEqual(after.rows, before.rows);
      const leftovers = await engine.query("select table_name from information_schema.tables where table_name like '%strata_tmp%'");
      assert.deepEqual(leftovers.rows, []);
      const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
      const statuses = Object.fromEntries(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]));
      assert.equal(statuses['model.shop.customer_totals'], 'error');
      assert.equal(statuses['model.shop.big_customers'], 'skipped');
      assert.equal(results.results[0].failures, null);
      assert.equal(typeof results.elapsed_time, 'number');
    } finally {
      writeFile(dir, 'models/marts/customer_totals.sql', SHOP_MODELS['models/marts/customer_totals.sql']!);
      void project;
    }
  });

  it('switches a relation from view to table on rebuild', async () => {
    const switching = writeProject({ 'models/m.sql': 'select 1 as x' });
    try {
      await runProject(loadTransformProject(switching), engine);
      writeFile(switching, 'models/m.sql', "{{ config(materialized='table') }} select 2 as x");
      const { summary } = await runProject(loadTransformProject(switching), engine);
      assert.equal(summary.success, true);
      const { rows } = await engine.query("select table_type from information_schema.tables where table_name = 'm' and table_schema = 'main'");
      assert.deepEqual(rows, [{ table_type: 'BASE TABLE' }]);
      assert.deepEqual((await engine.query('select x from main.m')).rows, [{ x: 2 }]);
      assert.ok(!existsSync(join(switching, 'target/compiled')));
    } finally {
      removeDir(switching);
    }
  });

  it('reads sources declared in YAML, with env_var() in a model', async () => {
    await engine.execute("CREATE SCHEMA IF NOT EXISTS raw; CREATE OR REPLACE TABLE raw.raw_events (id INTEGER, kind VARCHAR); INSERT INTO raw.raw_events VALUES (1, 'click'), (2, 'view'), (3, 'click')");
    const sourced = writeProject({
      'models/sources.yml': 'version: 2\nsources:\n  - name: app\n    schema: raw\n    tables:\n      - name: events\n        identifier: raw_events\n',
      'models/clicks.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ source('app', 'events') }} where kind = '{{ env_var('STRATA_TEST_KIND', 'click') }}'",
    });
    try {
      const project = loadTransformProject(sourced);
      assert.deepEqual((project.nodes.get('model.shop.clicks') as ModelNode).dependsOn, ['source.shop.app.events']);
      const { summary } = await runProject(project, engine);
      assert.equal(summary.success, true, summary.results[0]?.message ?? '');
      assert.deepEqual((await engine.query('select n from main.clicks')).rows, [{ n: 2 }]);
      const manifest = JSON.parse(readFileSync(join(sourced, 'target/manifest.json'), 'utf8'));
      assert.equal(manifest.sources['source.shop.app.events'].identifier, 'raw_events');
      assert.equal(manifest.sources['source.shop.app.events'].schema, 'raw');
      assert.deepEqual(manifest.child_map['source.shop.app.events'], ['model.shop.clicks']);
    } finally {
      removeDir(sourced);
    }
  });
});
