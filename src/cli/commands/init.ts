import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DBT_PROJECT_FILE, PROJECT_FILE, StrataError } from '../../core/index.js';

export interface InitResult {
  readonly dir: string;
  readonly name: string;
  readonly files: string[];
}

/** Files of a new project: an embedded DuckDB target and two example models that build. */
function starterFiles(name: string): Record<string, string> {
  return {
    [PROJECT_FILE]: `# Strata project. Keys are a superset of dbt's dbt_project.yml.
name: ${name}
version: "1.0.0"

model-paths: ["models"]
seed-paths: ["seeds"]
test-paths: ["tests"]
macro-paths: ["macros"]

# Connections. The embedded DuckDB file needs no server; add postgres or clickhouse
# targets beside it and pick one with --target.
target: dev
targets:
  dev:
    type: duckdb
    path: .strata/warehouse.duckdb
    schema: main
  # prod:
  #   type: postgres
  #   host: "{{ env_var('PGHOST', '127.0.0.1') }}"
  #   user: "{{ env_var('PGUSER', 'postgres') }}"
  #   password: "{{ env_var('PGPASSWORD', '') }}"
  #   dbname: analytics
  #   schema: public

models:
  ${name}:
    +materialized: view
`,
    'models/example/stg_numbers.sql': `-- A first model: ten numbers. Replace with a select from your sources.
select range as n, range % 2 = 0 as is_even
from range(10)
`,
    'models/example/number_stats.sql': `{{ config(materialized='table') }}

select is_even, count(*) as numbers, sum(n) as total
from {{ ref('stg_numbers') }}
group by is_even
`,
    'models/example/schema.yml': `version: 2

models:
  - name: stg_numbers
    description: Ten numbers with a parity flag.
    columns:
      - name: n
        data_tests: [not_null, unique]
  - name: number_stats
    description: Count and sum of the numbers by parity.
    columns:
      - name: is_even
        data_tests: [not_null, unique]
`,
    'seeds/.gitkeep': '',
    'macros/.gitkeep': '',
    'tests/.gitkeep': '',
    'analyses/.gitkeep': '',
    '.gitignore': '.strata/\ntarget/\nlogs/\n',
    'README.md': `# ${name}\n\nA Strata project. Check the connection with \`strata debug\`, then build with \`strata build\`.\n`,
  };
}

export function initProject(dir: string, options: { name?: string } = {}): InitResult {
  const root = resolve(dir);
  const name = options.name ?? (basename(root).replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'my_project');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new StrataError('project_name_invalid', `Project name '${name}' must be letters, digits and underscores, not starting with a digit.`);
  }
  for (const existing of [PROJECT_FILE, DBT_PROJECT_FILE]) {
    if (existsSync(join(root, existing))) {
      throw new StrataError('project_exists', `${join(root, existing)} already exists; init does not overwrite a project.`, {
        hint: 'Pick a new directory, or run `strata debug` in this one.',
      });
    }
  }
  if (existsSync(root) && readdirSync(root).some((entry) => entry !== '.git')) {
    throw new StrataError('directory_not_empty', `${root} is not empty.`, { hint: 'Pick an empty or new directory for the project.' });
  }
  const files = starterFiles(name);
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text, { flag: 'wx' });
  }
  return { dir: root, name, files: Object.keys(files) };
}
