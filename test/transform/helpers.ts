import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const DUCKDB_TARGET = `target: dev
targets:
  dev:
    type: duckdb
    path: ':memory:'
`;

/** Writes a project (strata.yml plus `files`) into a new temporary directory and returns it. */
export function writeProject(files: Record<string, string>, options: { name?: string; targets?: string; extra?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-transform-'));
  const config = `name: ${options.name ?? 'shop'}\n${options.targets ?? DUCKDB_TARGET}${options.extra ?? ''}`;
  writeFile(dir, 'strata.yml', config);
  for (const [path, text] of Object.entries(files)) writeFile(dir, path, text);
  return dir;
}

export function writeFile(dir: string, path: string, text: string): void {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A small shop: a source-free staging layer, an ephemeral, a table and a view with config(). */
export const SHOP_MODELS: Record<string, string> = {
  'models/staging/stg_orders.sql': `select * from (values (1, 'ann', 10.5), (2, 'bob', 20.0), (3, 'ann', 4.5)) as t(order_id, customer, amount);\n`,
  'models/staging/stg_customers.sql': `{{ config(materialized='ephemeral') }}
select distinct customer from {{ ref('stg_orders') }}
`,
  'models/marts/customer_totals.sql': `{{ config(materialized='table', tags=['finance']) }}
-- total spend per customer
select c.customer, sum(o.amount) as total, {{ cents('sum(o.amount)') }} as total_cents
from {{ ref('stg_customers') }} c join {{ ref('stg_orders') }} o using (customer)
group by c.customer
`,
  'models/marts/big_customers.sql': `select customer from {{ ref('shop', 'customer_totals') }} where total > {{ var('threshold', 100) }}`,
  'macros/money.sql': `{% macro cents(expr) %}cast(round(({{ expr }}) * 100) as integer){% endmacro %}\n`,
  'models/marts/schema.yml': `version: 2
models:
  - name: customer_totals
    description: Spend per customer.
    columns:
      - name: customer
        data_type: varchar
        description: Who bought.
        data_tests: [not_null, unique]
      - name: total
`,
};
