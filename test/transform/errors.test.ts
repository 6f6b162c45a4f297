import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StrataError } from '../../src/core/index.js';
import { plan, loadTransformProject } from '../../src/transform/index.js';
import { removeDir, writeProject } from './helpers.js';

/** Loads (and plans) a project made of `files`, returning the StrataError it fails with. */
function failure(files: Record<string, string>, extra?: string): StrataError {
  const dir = writeProject(files, { extra });
  try {
    plan(loadTransformProject(dir));
  } catch (error) {
    assert.ok(error instanceof StrataError, `expected a StrataError, got ${String(error)}`);
    return error;
  } finally {
    removeDir(dir);
  }
  assert.fail('expected loading to fail');
}

describe('transform: bad input', () => {
  it('an unknown ref names the model file and line and suggests the nearest model', () => {
    const error = failure({
      'models/stg_orders.sql': 'select 1 as id',
      'models/orders.sql': "-- orders\nselect *\nfrom {{ ref('stg_order') }}",
    });
    assert.equal(error.code, 'ref_not_found');
    assert.equal(error.message, "Model 'orders' depends on a node named 'stg_order' which was not found.");
    assert.equal(error.hint, "Did you mean 'stg_orders'?");
    assert.deepEqual(error.location, { file: error.location!.file, line: 3 });
    assert.match(error.location!.file, /models\/orders\.sql$/);
  });

  it('an unknown source is reported with its model', () => {
    const error = failure({
      'models/src.yml': 'sources:\n  - name: raw\n    tables:\n      - name: orders\n',
      'models/m.sql': "select * from {{ source('raw', 'order') }}",
    });
    assert.equal(error.code, 'source_not_found');
    assert.equal(error.hint, "Did you mean 'raw.orders'?");
  });

  it('a cycle is printed', () => {
    const error = failure({
      'models/a.sql': "select * from {{ ref('c') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "select * from {{ ref('b') }}",
      'models/d.sql': "select * from {{ ref('a') }}",
    });
    assert.equal(error.code, 'dag_cycle');
    assert.equal(error.message, 'Found a cycle: a -> b -> c -> a.');
  });

  it('a Jinja syntax error names the template file and line', () => {
    const error = failure({ 'models/m.sql': "select 1\nfrom x\nwhere {{ ref('m' }}" });
    assert.equal(error.code, 'jinja_error');
    assert.match(error.location!.file, /models\/m\.sql$/);
    assert.equal(error.location!.line, 3);
    assert.match(error.message, /^Jinja error: /);
  });

  it('a Jinja runtime error names the template file and line', () => {
    const error = failure({ 'models/m.sql': 'select 1\n\n{{ no_such_macro() }}' });
    assert.equal(error.code, 'jinja_error');
    assert.equal(error.location!.line, 3);
    assert.match(error.message, /no_such_macro/);
  });

  it('two models with the same name name both files', () => {
    const error = failure({ 'models/a/orders.sql': 'select 1', 'models/b/orders.sql': 'select 2' });
    assert.equal(error.code, 'duplicate_model');
    assert.match(error.message, /Two models are named 'orders': .*models\/a\/orders\.sql and .*models\/b\/orders\.sql\./);
  });

  it('an unknown materialization suggests the nearest', () => {
    const error = failure({ 'models/m.sql': "{{ config(materialized='tabel') }} select 1" });
    assert.equal(error.code, 'materialization_unknown');
    assert.equal(error.hint, "Did you mean 'table'?");
  });

  it('a missing var without a default fails with the model file', () => {
    const error = failure({ 'models/m.sql': "select {{ var('start_date') }}" });
    assert.equal(error.code, 'var_missing');
  });

  it('a property file with a wrong shape points at the line', () => {
    const error = failure({ 'models/m.sql': 'select 1', 'models/props.yml': 'models:\n  - name: m\n    columns: nope\n' });
    assert.equal(error.code, 'config_invalid');
    assert.equal(error.location!.line, 3);
  });

  it('a Jinja error in a macro file names the macro file', () => {
    const error = failure({ 'models/m.sql': 'select 1', 'macros/bad.sql': '{% macro x() %}\n{{ 1 + }}\n{% endmacro %}' });
    assert.equal(error.code, 'jinja_error');
    assert.match(error.location!.file, /macros\/bad\.sql$/);
    assert.equal(error.location!.line, 2);
  });
});
