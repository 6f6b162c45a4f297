import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject, StrataError } from '../../src/core/index.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-project-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function loadError(dir: string, options: Parameters<typeof loadProject>[1] = {}): StrataError {
  try {
    loadProject(dir, options);
  } catch (error) {
    assert.ok(error instanceof StrataError, `expected a StrataError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected loading to fail');
}

describe('project loading', () => {
  it('defaults to an embedded DuckDB target and dbt path defaults', () => {
    const dir = project({ 'strata.yml': 'name: shop\n' });
    const loaded = loadProject(dir);
    assert.equal(loaded.name, 'shop');
    assert.equal(loaded.target.name, 'dev');
    assert.deepEqual(loaded.target.config, { type: 'duckdb' });
    assert.deepEqual(loaded.paths.models, [join(dir, 'models')]);
    assert.deepEqual(loaded.state, { type: 'sqlite', path: join(dir, '.strata', 'state.db') });
    assert.equal(loaded.serve.port, 4000);
    assert.ok(Object.isFrozen(loaded) && Object.isFrozen(loaded.config));
  });

  it('loads from a nested directory and from a dbt_project.yml-only project', () => {
    const dir = project({ 'dbt_project.yml': "name: 'jaffle_shop'\nconfig-version: 2\nprofile: jaffle\nmodel-paths: ['m']\n", 'profiles.yml': 'jaffle:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: jaffle.duckdb\n      threads: 4\n', 'm/staging/.keep': '' });
    const loaded = loadProject(join(dir, 'm', 'staging'));
    assert.equal(loaded.name, 'jaffle_shop');
    assert.equal(loaded.root, dir);
    assert.deepEqual(loaded.paths.models, [join(dir, 'm')]);
    assert.deepEqual(loaded.target.config, { type: 'duckdb', path: 'jaffle.duckdb', threads: 4 });
  });

  it('lets strata.yml override dbt_project.yml keys', () => {
    const dir = project({ 'dbt_project.yml': 'name: a\nmodel-paths: [x]\n', 'strata.yml': 'name: b\ntargets:\n  dev: {type: duckdb, path: ":memory:"}\n' });
    const loaded = loadProject(dir);
    assert.equal(loaded.name, 'b');
    assert.deepEqual(loaded.paths.models, [join(dir, 'x')]);
    assert.equal(loaded.target.config.type === 'duckdb' && loaded.target.config.path, ':memory:');
  });

  it('renders env_var with defaults, and coerces ports', () => {
    const yml = [
      'name: shop',
      'target: prod',
      'targets:',
      '  prod:',
      '    type: postgres',
      "    host: \"{{ env_var('STRATA_T_HOST', 'db.internal') }}\"",
      "    port: \"{{ env_var('STRATA_T_PORT') }}\"",
      "    password: \"{{ env_var('STRATA_T_PASSWORD') }}\"",
      '    dbname: analytics',
    ].join('\n');
    const loaded = loadProject(project({ 'strata.yml': yml }), { env: { STRATA_T_PORT: '6543', STRATA_T_PASSWORD: '0123' } });
    assert.deepEqual(loaded.target.config, { type: 'postgres', host: 'db.internal', port: 6543, password: '0123', dbname: 'analytics' });
  });

  it('names a missing env var and where it is used', () => {
    const dir = project({ 'strata.yml': "name: shop\ntargets:\n  dev:\n    type: postgres\n    password: \"{{ env_var('STRATA_NOPE') }}\"\n" });
    const error = loadError(dir, { env: {} });
    assert.equal(error.code, 'env_var_missing');
    assert.match(error.message, /'STRATA_NOPE'/);
    assert.deepEqual(error.location, { file: error.location!.file, line: 5, column: 15 });
  });

  it('reports malformed YAML with line and column', () => {
    const error = loadError(project({ 'strata.yml': 'name: shop\ntargets:\n  dev:\n    type: duckdb\n   path: x\n' }));
    assert.equal(error.code, 'yaml_syntax');
    assert.equal(error.location?.line, 5);
    assert.match(error.format(), /strata\.yml:5:\d+: Invalid YAML: /);
  });

  it('reports a duplicate key', () => {
    const error = loadError(project({ 'strata.yml': 'name: shop\nname: other\n' }));
    assert.equal(error.code, 'yaml_syntax');
    assert.equal(error.location?.line, 2);
    assert.match(error.message, /each key may appear once/);
  });

  it('reports unknown keys with the nearest valid key, at the key', () => {
    const error = loadError(project({ 'strata.yml': 'name: shop\nmodel-pths: [models]\n' }));
    assert.equal(error.code, 'config_invalid');
    assert.equal(error.message, "Unknown key 'model-pths' in project configuration at the top level.");
    assert.equal(error.hint, "Did you mean 'model-paths'?");
    assert.deepEqual([error.location?.line, error.location?.column], [2, 1]);
  });

  it('reports unknown keys inside a target with the target type known', () => {
    const error = loadError(project({ 'strata.yml': 'name: shop\ntargets:\n  prod:\n    type: clickhouse\n    databse: x\n' }));
    assert.equal(error.message, "Unknown key 'databse' in target 'prod' at targets.prod.");
    assert.equal(error.hint, "Did you mean 'database'?");
    assert.equal(error.location?.line, 5);
  });

  it('reports wrong value types with what was expected', () => {
    const error = loadError(project({ 'strata.yml': 'name: shop\nmodel-paths: models\n' }));
    assert.equal(error.code, 'config_invalid');
    assert.match(error.message, /model-paths: expected a list, got string "models"/);
    assert.equal(error.location?.line, 2);
  });

  it('rejects an unknown target type, suggesting the nearest', () => {
    const error = loadError(project({ 'strata.yml': 'name: shop\ntargets:\n  dev:\n    type: postgress\n' }));
    assert.equal(error.code, 'target_type_unknown');
    assert.equal(error.message, "Unknown target type 'postgress' for target 'dev': Strata connects to duckdb, postgres, clickhouse.");
    assert.equal(error.hint, "Did you mean 'postgres'?");
    assert.deepEqual([error.location?.line, error.location?.column], [4, 11]);
  });

  it('rejects an unknown --target with the defined ones', () => {
    const error = loadError(project({ 'strata.yml': 'name: shop\ntargets:\n  dev: {type: duckdb}\n  prod: {type: duckdb}\n' }), { target: 'prd' });
    assert.equal(error.code, 'target_not_found');
    assert.equal(error.hint, "Did you mean 'prod'?");
  });

  it('accepts dbt adapter keys it does not use in profiles.yml, with a warning', () => {
    const dir = project({ 'dbt_project.yml': 'name: x\nprofile: p\n', 'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: h\n      dbname: d\n      retries: 3\n' });
    const loaded = loadProject(dir);
    assert.equal(loaded.target.config.type, 'postgres');
    assert.equal(loaded.warnings.length, 1);
    assert.equal(loaded.warnings[0]!.code, 'target_key_ignored');
    assert.equal(loaded.warnings[0]!.location?.line, 8);
  });

  it('says when the named profile is missing', () => {
    const error = loadError(project({ 'dbt_project.yml': 'name: x\nprofile: jafle\n', 'profiles.yml': 'jaffle:\n  outputs:\n    dev: {type: duckdb}\n' }));
    assert.equal(error.code, 'profile_not_found');
    assert.equal(error.hint, "Did you mean 'jaffle'?");
  });

  it('says when there is no project', () => {
    const error = loadError(mkdtempSync(join(tmpdir(), 'strata-empty-')));
    assert.equal(error.code, 'project_not_found');
    assert.match(error.hint ?? '', /strata init/);
  });

  it('passes --vars over strata.yml vars, and into templates', () => {
    const dir = project({ 'strata.yml': "name: shop\nvars:\n  schema_name: a\n  other: 1\ntargets:\n  dev:\n    type: duckdb\n    schema: \"{{ var('schema_name') }}\"\n" });
    const loaded = loadProject(dir, { vars: { schema_name: 'b' } });
    assert.deepEqual(loaded.vars, { schema_name: 'b', other: 1 });
    assert.equal(loaded.target.config.schema, 'b');
  });
});
