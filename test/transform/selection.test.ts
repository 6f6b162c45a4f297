import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StrataError, type Project } from '../../src/core/index.js';
import { loadTransformProject, plan } from '../../src/transform/index.js';
import { removeDir, writeProject } from './helpers.js';

describe('transform: selection', () => {
  let dir: string;
  let project: Project;
  before(() => {
    dir = writeProject({
      'models/staging/stg_a.sql': "{{ config(tags=['nightly']) }} select 1 as x",
      'models/staging/stg_b.sql': 'select 2 as x',
      'models/marts/fct.sql': "{{ config(tags=['nightly', 'finance']) }} select * from {{ ref('stg_a') }} union all select * from {{ ref('stg_b') }}",
      'models/marts/rpt.sql': "select * from {{ ref('fct') }}",
      'models/other.sql': 'select 3 as x',
    });
    project = loadTransformProject(dir);
  });
  after(() => removeDir(dir));

  const names = (...select: string[]) => plan(project, { select }).models.map((id) => id.split('.').pop());
  const excluding = (select: string[], exclude: string[]) => plan(project, { select, exclude }).models.map((id) => id.split('.').pop());

  it('selects everything by default, in DAG order', () => {
    assert.deepEqual(names(), ['other', 'stg_a', 'stg_b', 'fct', 'rpt']);
  });
  it('plain names, +parents and children+', () => {
    assert.deepEqual(names('fct'), ['fct']);
    assert.deepEqual(names('+fct'), ['stg_a', 'stg_b', 'fct']);
    assert.deepEqual(names('stg_a+'), ['stg_a', 'fct', 'rpt']);
    assert.deepEqual(names('stg_a+1'), ['stg_a', 'fct']);
    assert.deepEqual(names('1+rpt'), ['fct', 'rpt']);
  });
  it('tag: and path:', () => {
    assert.deepEqual(names('tag:nightly'), ['stg_a', 'fct']);
    assert.deepEqual(names('path:models/marts'), ['fct', 'rpt']);
    assert.deepEqual(names('marts'), ['fct', 'rpt']);
  });
  it('space is union, comma is intersection', () => {
    assert.deepEqual(names('stg_b other'), ['other', 'stg_b']);
    assert.deepEqual(names('tag:nightly,path:models/marts'), ['fct']);
    assert.deepEqual(names('+rpt,tag:nightly'), ['stg_a', 'fct']);
  });
  it('--exclude removes nodes', () => {
    assert.deepEqual(excluding(['+rpt'], ['tag:finance']), ['stg_a', 'stg_b', 'rpt']);
  });
  it('reports selectors that matched nothing', () => {
    assert.deepEqual(plan(project, { select: ['nope', 'fct'] }).selection.unmatched, ['nope']);
  });
  it('an unknown method is an error with a suggestion', () => {
    assert.throws(() => plan(project, { select: ['tags:x'] }), (error: unknown) => error instanceof StrataError && error.code === 'selector_invalid' && /Did you mean 'tag'/.test(error.hint ?? ''));
  });
});
