// Several processes (or stores) on one state database at once: they take turns instead of
// failing, and nothing either writes is lost.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { coreMigrations, openStateStore } from '../../src/state/index.js';
import type { StateStoreConfig } from '../../src/state/index.js';
import { skipUnless } from '../helpers/services.js';
import { concurrencyMigrations, freshConfig, startFixture, tempDir } from './fixtures/state-fixtures.js';

const skipPostgres = await skipUnless('postgres');
const writesPerWorker = 300;

async function twoWriters(config: StateStoreConfig): Promise<void> {
  const workers = ['alpha', 'beta'].map((name) =>
    startFixture('concurrent-writer.ts', [JSON.stringify(config), name, String(writesPerWorker)]),
  );
  for (const worker of workers) {
    const { code, stderr } = await worker.exited;
    assert.equal(code, 0, `writer failed:\n${stderr}`);
    assert.deepEqual(worker.lines, ['done']);
  }

  const store = await openStateStore(config);
  try {
    if (store.kind === 'sqlite') assert.deepEqual(await store.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    // Both processes raced to migrate the fresh database; each migration is recorded once.
    assert.deepEqual(await store.appliedMigrations(), [...coreMigrations.map((m) => m.id), concurrencyMigrations[0]!.id]);
    const transactions = writesPerWorker / 2;
    const expectedRows = transactions * 3 + (writesPerWorker - transactions);
    for (const worker of ['alpha', 'beta']) {
      const counts = await store.get<{ rows: number; seqs: number; top: number }>(
        'SELECT COUNT(*) AS rows, COUNT(DISTINCT seq) AS seqs, MAX(seq) AS top FROM writes WHERE worker = ?',
        [worker],
      );
      assert.deepEqual(counts, { rows: expectedRows, seqs: writesPerWorker, top: writesPerWorker - 1 }, worker);
      assert.equal(await store.kv.get('progress', worker), String(writesPerWorker - 2));
    }
  } finally {
    await store.close();
  }
}

describe('concurrent writers', () => {
  it('sqlite: two processes writing one state file both finish and lose nothing', async () => {
    const temp = tempDir('concurrent');
    try {
      await twoWriters({ type: 'sqlite', path: join(temp.dir, '.strata', 'state.db') });
    } finally {
      temp.remove();
    }
  });

  describe('postgres', { skip: skipPostgres }, () => {
    it('two processes writing one schema both finish and lose nothing', async () => {
      const { config, cleanup } = freshConfig('postgres', 'concurrent');
      try {
        await twoWriters(config);
      } finally {
        await cleanup();
      }
    });

    it('stores opened at the same moment on a fresh schema apply each migration once', async () => {
      const { config, cleanup } = freshConfig('postgres', 'openrace');
      try {
        const stores = await Promise.all([1, 2, 3, 4].map(() => openStateStore(config)));
        for (const store of stores) assert.deepEqual(await store.appliedMigrations(), coreMigrations.map((m) => m.id));
        const results = await Promise.all(stores.map((store) => store.migrate(concurrencyMigrations)));
        assert.deepEqual(results.flat(), [concurrencyMigrations[0]!.id], 'exactly one store applied it');
        await Promise.all(stores.map((store) => store.close()));
      } finally {
        await cleanup();
      }
    });
  });
});
