// The StateStore contract, run against both kinds: the same calls must give the same answers.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStrataError } from '../../src/core/errors.js';
import { coreMigrations, openStateStore } from '../../src/state/index.js';
import type { Migration, OpenedStateStore, StateStoreConfig } from '../../src/state/index.js';
import { skipUnless } from '../helpers/services.js';
import { freshConfig } from './fixtures/state-fixtures.js';
import type { StoreKind } from './fixtures/state-fixtures.js';

const skipPostgres = await skipUnless('postgres');
const coreIds = coreMigrations.map((m) => m.id);

const itemsTable: Migration = {
  id: 'contract_0001_items',
  description: 'a table to write to',
  sql: {
    sqlite: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, payload BLOB, big BIGINT)',
    postgres: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, payload BYTEA, big BIGINT)',
  },
};

/** Resolves after other pending callbacks ran, so two transactions really overlap. */
const yieldToOthers = () => new Promise((resolve) => setImmediate(resolve));

for (const kind of ['sqlite', 'postgres'] as const satisfies readonly StoreKind[]) {
  describe(`${kind} state store`, { skip: kind === 'postgres' ? skipPostgres : false }, () => {
    let config: StateStoreConfig;
    let cleanup: () => Promise<void>;
    let store: OpenedStateStore;

    beforeEach(async () => {
      ({ config, cleanup } = freshConfig(kind, 'contract'));
      store = await openStateStore(config);
      await store.migrate([itemsTable]);
    });

    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    const names = async () => (await store.all<{ name: string }>('SELECT name FROM items ORDER BY id')).map((r) => r.name);

    describe('migrations', () => {
      it('applies core migrations on open and records capability ones after them', async () => {
        assert.equal(store.kind, kind);
        assert.deepEqual(await store.appliedMigrations(), [...coreIds, itemsTable.id]);
        assert.deepEqual(await store.migrate(), []);
        assert.deepEqual(await store.migrate([itemsTable]), []);
      });

      it('applies pending migrations in id order, whatever order they are listed in', async () => {
        const second: Migration = { id: 'contract_0003_more', description: 'b', sql: 'ALTER TABLE items ADD COLUMN note TEXT' };
        const first: Migration = { id: 'contract_0002_tags', description: 'a', sql: 'CREATE TABLE tags (tag TEXT PRIMARY KEY)' };
        assert.deepEqual(await store.migrate([second, itemsTable, first]), ['contract_0002_tags', 'contract_0003_more']);
        await store.run('INSERT INTO items (id, name, note) VALUES (1, ?, ?)', ['a', 'noted']);
        assert.deepEqual(await store.get('SELECT note FROM items'), { note: 'noted' });
      });

      it('keeps a failed migration out entirely, and the ones before it in', async () => {
        const good: Migration = { id: 'broken_0001_good', description: 'fine', sql: 'CREATE TABLE good_table (x INTEGER)' };
        const bad: Migration = {
          id: 'broken_0002_bad',
          description: 'second statement fails',
          sql: 'CREATE TABLE half_table (x INTEGER); INSERT INTO no_such_table VALUES (1);',
        };
        await assert.rejects(store.migrate([good, bad]), /no_such_table/);
        assert.deepEqual(await store.appliedMigrations(), [...coreIds, itemsTable.id, good.id]);
        await store.run('INSERT INTO good_table (x) VALUES (1)');
        await assert.rejects(store.run('INSERT INTO half_table (x) VALUES (1)'), /half_table/);
      });

      it('rejects a database that a newer Strata migrated', async () => {
        await store.run('INSERT INTO strata_migrations (id, description, applied_at, applied_order) VALUES (?, ?, ?, ?)', [
          '0099_from_the_future',
          'newer',
          new Date().toISOString(),
          99,
        ]);
        await store.close();
        await assert.rejects(openStateStore(config), (error: unknown) => {
          assert.ok(isStrataError(error));
          assert.equal(error.code, 'state_schema_newer');
          assert.match(error.message, /newer version of Strata/);
          assert.match(error.message, /'0099_from_the_future'/);
          assert.ok(error.message.includes(store.location), `message names ${store.location}: ${error.message}`);
          return true;
        });
      });

      it("judges a capability's migrations only against its own namespace", async () => {
        const later: Migration = { id: 'contract_0002_later', description: 'later', sql: 'CREATE TABLE later_table (x INTEGER)' };
        await store.migrate([itemsTable, later]);
        // Core knows nothing of 'contract_*' and does not mind.
        assert.deepEqual(await store.migrate(), []);
        // An older copy of the capability that lacks 0002 must refuse.
        await assert.rejects(store.migrate([itemsTable]), { code: 'state_schema_newer' });
      });

      it('refuses malformed and duplicate migration ids', async () => {
        await assert.rejects(store.migrate([{ id: 'Bad Id', description: '', sql: 'SELECT 1' }]), /malformed/);
        await assert.rejects(store.migrate([itemsTable, itemsTable]), /appears twice/);
      });
    });

    describe('statements and values', () => {
      it('binds ? parameters and returns rows, changes and undefined for no row', async () => {
        assert.deepEqual(await store.run('INSERT INTO items (id, name) VALUES (?, ?), (?, ?)', [1, 'a', 2, 'b?']), { changes: 2 });
        assert.deepEqual(await store.all("SELECT id, name FROM items WHERE name <> '?' ORDER BY id"), [
          { id: 1, name: 'a' },
          { id: 2, name: 'b?' },
        ]);
        assert.deepEqual(await store.get('SELECT name FROM items WHERE id = ?', [2]), { name: 'b?' });
        assert.equal(await store.get('SELECT name FROM items WHERE id = ?', [3]), undefined);
        assert.deepEqual(await store.run('UPDATE items SET name = ? WHERE id > ?', ['z', 0]), { changes: 2 });
        assert.deepEqual(await store.all('INSERT INTO items (id, name) VALUES (3, ?)', ['c']), []);
      });

      it('returns 64-bit integers as numbers when exact and bigints beyond', async () => {
        await store.run('INSERT INTO items (id, name, big) VALUES (1, ?, ?), (2, ?, ?)', ['small', 42, 'huge', 9007199254740993n]);
        assert.deepEqual(await store.all('SELECT id, big FROM items ORDER BY id'), [
          { id: 1, big: 42 },
          { id: 2, big: 9007199254740993n },
        ]);
        assert.deepEqual(await store.get('SELECT COUNT(*) AS n, SUM(id) AS total FROM items'), { n: 2, total: 3 });
      });

      it('stores booleans as 0/1, Dates as ISO text and bytes as bytes', async () => {
        const bytes = new Uint8Array([0, 1, 2, 255]);
        const when = new Date('2024-05-06T07:08:09.010Z');
        await store.run('INSERT INTO items (id, name, payload, big) VALUES (?, ?, ?, ?)', [1, when, bytes, true]);
        const row = await store.get<{ name: string; payload: Uint8Array; big: number }>('SELECT name, payload, big FROM items');
        assert.equal(row!.name, '2024-05-06T07:08:09.010Z');
        assert.deepEqual([...row!.payload], [0, 1, 2, 255]);
        assert.equal(row!.big, 1);
        await assert.rejects(store.run('SELECT ?', [{ an: 'object' }]), /parameter 1 is a \[object Object\]/);
      });
    });

    describe('transactions', () => {
      it('commits when work resolves and returns its value', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.run('INSERT INTO items (id, name) VALUES (1, ?)', ['a']);
          await tx.run('INSERT INTO items (id, name) VALUES (2, ?)', ['b']);
          return (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM items'))!.n;
        });
        assert.equal(result, 2);
        assert.deepEqual(await names(), ['a', 'b']);
      });

      it('rolls back everything when work throws, and rethrows', async () => {
        await store.run('INSERT INTO items (id, name) VALUES (1, ?)', ['kept']);
        const failure = new Error('work failed');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.run('INSERT INTO items (id, name) VALUES (2, ?)', ['gone']);
            await tx.run('UPDATE items SET name = ? WHERE id = 1', ['changed']);
            throw failure;
          }),
          (error) => error === failure,
        );
        assert.deepEqual(await names(), ['kept']);
      });

      it('keeps two concurrent transactions apart: one rolls back, the other commits whole', async () => {
        const failing = store.transaction(async (tx) => {
          await tx.run('INSERT INTO items (id, name) VALUES (1, ?)', ['a1']);
          await yieldToOthers();
          await tx.run('INSERT INTO items (id, name) VALUES (2, ?)', ['a2']);
          await yieldToOthers();
          throw new Error('a fails');
        });
        const succeeding = store.transaction(async (tx) => {
          await tx.run('INSERT INTO items (id, name) VALUES (3, ?)', ['b1']);
          await yieldToOthers();
          await tx.run('INSERT INTO items (id, name) VALUES (4, ?)', ['b2']);
        });
        const outside = store.run('INSERT INTO items (id, name) VALUES (5, ?)', ['outside']);
        const [a, b, c] = await Promise.allSettled([failing, succeeding, outside]);
        assert.equal(a.status, 'rejected');
        assert.equal(b.status, 'fulfilled');
        assert.equal(c.status, 'fulfilled');
        assert.deepEqual(await names(), ['b1', 'b2', 'outside']);
      });

      it('runs statements issued through the store inside the running transaction', async () => {
        await assert.rejects(
          store.transaction(async () => {
            await store.run('INSERT INTO items (id, name) VALUES (1, ?)', ['via store']);
            await store.runs.start({ runId: 'r1', command: 'run' });
            assert.deepEqual(await names(), ['via store']);
            throw new Error('undo');
          }),
          /undo/,
        );
        assert.deepEqual(await names(), []);
        assert.deepEqual(await store.runs.list(), []);
      });

      it('turns a nested transaction into a savepoint', async () => {
        await store.transaction(async (tx) => {
          await tx.run('INSERT INTO items (id, name) VALUES (1, ?)', ['outer']);
          await assert.rejects(
            store.transaction(async (inner) => {
              await inner.run('INSERT INTO items (id, name) VALUES (2, ?)', ['inner, undone']);
              // A failed statement: Postgres needs the savepoint rollback to carry on after it.
              await inner.run('INSERT INTO items (id, name) VALUES (1, ?)', ['duplicate key']);
            }),
          );
          await store.transaction(async (inner) => {
            await inner.run('INSERT INTO items (id, name) VALUES (3, ?)', ['inner, kept']);
            await store.transaction(async (innermost) => innermost.run('INSERT INTO items (id, name) VALUES (4, ?)', ['innermost']));
          });
          await tx.run('INSERT INTO items (id, name) VALUES (5, ?)', ['outer again']);
        });
        assert.deepEqual(await names(), ['outer', 'inner, kept', 'innermost', 'outer again']);

        await assert.rejects(
          store.transaction(async () => {
            await store.transaction((inner) => inner.run('INSERT INTO items (id, name) VALUES (6, ?)', ['released, then undone']));
            throw new Error('outer fails');
          }),
          /outer fails/,
        );
        assert.deepEqual(await names(), ['outer', 'inner, kept', 'innermost', 'outer again']);
      });

      it('serialises concurrent nested transactions inside one transaction', async () => {
        await store.transaction(async () => {
          const results = await Promise.allSettled([
            store.transaction(async (tx) => {
              await tx.run('INSERT INTO items (id, name) VALUES (1, ?)', ['first']);
              await yieldToOthers();
              throw new Error('first fails');
            }),
            store.transaction(async (tx) => {
              await tx.run('INSERT INTO items (id, name) VALUES (2, ?)', ['second']);
              await yieldToOthers();
            }),
          ]);
          assert.deepEqual(results.map((r) => r.status), ['rejected', 'fulfilled']);
        });
        assert.deepEqual(await names(), ['second']);
      });

      it('refuses a transaction writer used after the transaction ended', async () => {
        let leaked: { run(sql: string): Promise<unknown> } | undefined;
        await store.transaction(async (tx) => {
          leaked = tx;
        });
        await assert.rejects(leaked!.run('DELETE FROM items'), /already committed or rolled back/);
      });
    });

    describe('run history and kv', () => {
      it('records runs from start to finish, newest first', async () => {
        await store.runs.start({ runId: 'r1', command: 'run', target: 'dev', startedAt: '2024-01-01T00:00:00.000Z' });
        await store.runs.start({ runId: 'r2', command: 'test', startedAt: '2024-01-02T00:00:00.000Z' });
        await store.runs.finish('r1', 'success', null, '2024-01-01T00:05:00.000Z');
        await store.runs.finish('r2', 'error', 'model orders failed', '2024-01-02T00:01:00.000Z');
        assert.deepEqual(await store.runs.list(), [
          {
            runId: 'r2',
            command: 'test',
            status: 'error',
            startedAt: '2024-01-02T00:00:00.000Z',
            finishedAt: '2024-01-02T00:01:00.000Z',
            message: 'model orders failed',
            target: null,
          },
          {
            runId: 'r1',
            command: 'run',
            status: 'success',
            startedAt: '2024-01-01T00:00:00.000Z',
            finishedAt: '2024-01-01T00:05:00.000Z',
            message: null,
            target: 'dev',
          },
        ]);
        assert.deepEqual((await store.runs.list(1)).map((r) => r.runId), ['r2']);
        await assert.rejects(store.runs.finish('nope', 'success'), /no run with that id/);
        await assert.rejects(store.runs.start({ runId: 'r1', command: 'run' }));
      });

      it('keeps settings by namespace and key', async () => {
        assert.equal(await store.kv.get('sync', 'cursor'), undefined);
        await store.kv.set('sync', 'cursor', '10');
        await store.kv.set('sync', 'cursor', '20');
        await store.kv.set('sync', 'empty', null);
        await store.kv.set('other', 'cursor', 'x');
        assert.equal(await store.kv.get('sync', 'cursor'), '20');
        assert.equal(await store.kv.get('sync', 'empty'), null);
        assert.deepEqual((await store.kv.list('sync')).map(({ key, value }) => ({ key, value })), [
          { key: 'cursor', value: '20' },
          { key: 'empty', value: null },
        ]);
        assert.equal(await store.kv.delete('sync', 'cursor'), true);
        assert.equal(await store.kv.delete('sync', 'cursor'), false);
        assert.equal(await store.kv.get('other', 'cursor'), 'x');
      });
    });

    it('refuses statements once closed', async () => {
      await store.close();
      await assert.rejects(store.all('SELECT 1'), /is closed/);
      await assert.rejects(store.transaction(async () => undefined), /is closed/);
      await store.close(); // closing twice is harmless
    });
  });
}
