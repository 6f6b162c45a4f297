import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStrataError } from '../../src/core/errors.js';
import { coreMigrations, migrationNamespace, pendingMigrations, sortMigrations } from '../../src/state/migrations.js';
import type { Migration } from '../../src/state/types.js';

const m = (id: string): Migration => ({ id, description: id, sql: 'SELECT 1' });

describe('migrations', () => {
  it('core ids are well formed, unique and already in order', () => {
    assert.deepEqual(sortMigrations(coreMigrations).map((x) => x.id), coreMigrations.map((x) => x.id));
    assert.ok(coreMigrations.every((x) => migrationNamespace(x.id) === ''));
  });

  it('reads the namespace from the id', () => {
    assert.equal(migrationNamespace('0001_runs'), '');
    assert.equal(migrationNamespace('lineage_0001_events'), 'lineage');
    assert.equal(migrationNamespace('feature_store_0012_online_2024'), 'feature_store');
    assert.throws(() => migrationNamespace('runs'), /Migration id 'runs' is malformed/);
    assert.throws(() => migrationNamespace('1_runs'), /malformed/);
  });

  it('lists what is not applied yet, in id order', () => {
    const known = [m('0003_c'), m('0001_a'), m('0002_b')];
    assert.deepEqual(pendingMigrations(known, ['0001_a'], 'here').map((x) => x.id), ['0002_b', '0003_c']);
    assert.deepEqual(pendingMigrations(known, ['0001_a', '0002_b', '0003_c', 'lineage_0001_x'], 'here'), []);
  });

  it('names every unknown id in its own namespace when a newer Strata wrote the database', () => {
    assert.throws(
      () => pendingMigrations([m('0001_a')], ['0001_a', '0002_b', '0003_c', 'lineage_0009_z'], '/p/.strata/state.db'),
      (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'state_schema_newer');
        assert.equal(
          error.message,
          "The state database at /p/.strata/state.db was written by a newer version of Strata: it has migrations '0002_b', '0003_c' applied, which this version does not know, so it cannot safely read or write it.",
        );
        assert.deepEqual(error.details, { location: '/p/.strata/state.db', unknownMigrations: ['0002_b', '0003_c'] });
        return true;
      },
    );
  });
});
