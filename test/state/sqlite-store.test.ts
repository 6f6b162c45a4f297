import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isStrataError } from '../../src/core/errors.js';
import { defaultStatePath, openStateStore } from '../../src/state/index.js';
import { tempDir } from './fixtures/state-fixtures.js';

async function withTemp<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const temp = tempDir('sqlite');
  try {
    return await use(temp.dir);
  } finally {
    temp.remove();
  }
}

describe('sqlite state store', () => {
  it('lives at <project>/.strata/state.db and creates the folder', () =>
    withTemp(async (dir) => {
      const path = defaultStatePath(dir);
      assert.equal(path, join(dir, '.strata', 'state.db'));
      const store = await openStateStore({ type: 'sqlite', path });
      try {
        assert.ok(existsSync(path));
        assert.equal(store.location, path);
      } finally {
        await store.close();
      }
    }));

  it('uses WAL, synchronous NORMAL, a busy timeout and foreign keys', () =>
    withTemp(async (dir) => {
      const store = await openStateStore({ type: 'sqlite', path: defaultStatePath(dir) });
      try {
        assert.deepEqual(await store.all('PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
        assert.deepEqual(await store.all('PRAGMA synchronous'), [{ synchronous: 1 }]);
        assert.deepEqual(await store.all('PRAGMA busy_timeout'), [{ timeout: 5000 }]);
        assert.deepEqual(await store.all('PRAGMA foreign_keys'), [{ foreign_keys: 1 }]);
        await store.run('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
        await store.run('CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))');
        await assert.rejects(store.run('INSERT INTO child (parent_id) VALUES (1)'), /FOREIGN KEY constraint failed/);
      } finally {
        await store.close();
      }
    }));

  it('can fsync every commit and wait a configured time', () =>
    withTemp(async (dir) => {
      const store = await openStateStore({ type: 'sqlite', path: defaultStatePath(dir), synchronous: 'full', busyTimeoutMs: 250 });
      try {
        assert.deepEqual(await store.all('PRAGMA synchronous'), [{ synchronous: 2 }]);
        assert.deepEqual(await store.all('PRAGMA busy_timeout'), [{ timeout: 250 }]);
      } finally {
        await store.close();
      }
    }));

  it('keeps its data across reopening', () =>
    withTemp(async (dir) => {
      const path = defaultStatePath(dir);
      const first = await openStateStore({ type: 'sqlite', path });
      await first.runs.start({ runId: 'r1', command: 'run' });
      await first.close();
      const second = await openStateStore({ type: 'sqlite', path });
      try {
        assert.deepEqual((await second.runs.list()).map((r) => [r.runId, r.status]), [['r1', 'running']]);
        assert.deepEqual(await second.migrate(), []);
      } finally {
        await second.close();
      }
    }));

  it('reports a file that is not a database, naming the path', () =>
    withTemp(async (dir) => {
      const path = join(dir, 'state.db');
      writeFileSync(path, 'this is not a SQLite database, just some text that is long enough to have a header'.repeat(20));
      await assert.rejects(openStateStore({ type: 'sqlite', path }), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'state_open_failed');
        assert.equal(
          error.message,
          `Could not open the state database at ${path}: the file exists but is not a SQLite database (or is damaged).`,
        );
        return true;
      });
    }));

  it('reports a database whose schema page is damaged', () =>
    withTemp(async (dir) => {
      const path = defaultStatePath(dir);
      const store = await openStateStore({ type: 'sqlite', path });
      await store.close();
      // Overwrite page 1 just past the 100-byte file header, where the schema table starts.
      const file = openSync(path, 'r+');
      writeSync(file, Buffer.alloc(2000, 0xab), 0, 2000, 100);
      closeSync(file);
      await assert.rejects(openStateStore({ type: 'sqlite', path }), {
        code: 'state_open_failed',
        message: `Could not open the state database at ${path}: the database file is damaged.`,
      });
    }));

  it('reports a path it cannot create, naming it', () =>
    withTemp(async (dir) => {
      writeFileSync(join(dir, 'a-file'), '');
      const path = join(dir, 'a-file', '.strata', 'state.db');
      await assert.rejects(openStateStore({ type: 'sqlite', path }), (error: unknown) => {
        assert.ok(isStrataError(error));
        assert.equal(error.code, 'state_open_failed');
        assert.equal(error.message, `Could not open the state database at ${path}: part of the path is a file, not a folder.`);
        return true;
      });
    }));

  it('reports a directory where the file should be', () =>
    withTemp(async (dir) => {
      const path = join(dir, 'state.db');
      mkdirSync(path);
      await assert.rejects(openStateStore({ type: 'sqlite', path }), {
        code: 'state_open_failed',
        message: `Could not open the state database at ${path}: the file cannot be opened or created there.`,
      });
    }));
});
