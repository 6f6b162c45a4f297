import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex } from './mutex.js';
import { coreMigrations, migrationSql, migrationsTableSql, pendingMigrations, recordMigrationSql, sortMigrations } from './migrations.js';
import type { Migration, RunRecord, StateRow, StateStore, StateWriter } from './types.js';

/** One database session that statements run on: the SQLite connection, a Postgres client or pool. */
export interface StateSession {
  all(sql: string, params: readonly unknown[]): Promise<StateRow[]>;
  run(sql: string, params: readonly unknown[]): Promise<{ changes: number }>;
  /** Several statements separated by semicolons, without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** What a store kind hands back when it has begun a top-level transaction. */
export interface OpenTransaction {
  readonly session: StateSession;
  /** Commits and releases the session. When it throws, the caller still calls `rollback`. */
  commit(): Promise<void>;
  /** Rolls back if a transaction is still open, and always releases the session. */
  rollback(): Promise<void>;
}

/** The writer handed to `transaction(work)`; `exec` is there for migrations. */
export interface StateTransaction extends StateWriter {
  exec(sql: string): Promise<void>;
}

/** Small settings and cursors in the `kv` table, grouped by namespace (one per capability). */
export interface KeyValueState {
  get(namespace: string, key: string): Promise<string | null | undefined>;
  set(namespace: string, key: string, value: string | null): Promise<void>;
  /** True when the key existed. */
  delete(namespace: string, key: string): Promise<boolean>;
  list(namespace: string): Promise<{ key: string; value: string | null; updatedAt: string }[]>;
}

interface TransactionScope {
  readonly session: StateSession;
  readonly depth: number;
  readonly parent?: TransactionScope;
  /** Serialises savepoints opened directly inside this scope. */
  readonly nested: Mutex;
  isActive: boolean;
}

/**
 * What both store kinds share: transaction scoping, savepoints, the migration runner, run
 * history and kv. A kind supplies sessions (`withSession`, `begin`) and two small hooks.
 *
 * Statements issued through the store itself (not the `tx` writer) while a transaction of this
 * store is running in the same async context join that transaction, and a `transaction()` call
 * there becomes a SAVEPOINT. That way a helper that uses the store works both standalone and
 * inside a caller's transaction, and cannot deadlock waiting for the transaction it is part of.
 */
export abstract class BaseStateStore implements StateStore {
  abstract readonly kind: 'sqlite' | 'postgres';
  /** Where the data lives, for messages: a file path or postgres://host:port/db. */
  abstract readonly location: string;

  private readonly scopes = new AsyncLocalStorage<TransactionScope>();
  protected isClosed = false;

  /** Runs `use` on a session outside any transaction. */
  protected abstract withSession<T>(use: (session: StateSession) => Promise<T>): Promise<T>;
  /** Begins a top-level transaction that takes the write lock at once (no lock upgrades later). */
  protected abstract begin(): Promise<OpenTransaction>;
  /** First statement of every migration transaction: makes concurrent migrators take turns. */
  protected abstract lockForMigration(tx: StateTransaction): Promise<void>;
  protected abstract tableExists(session: StateSession, table: string): Promise<boolean>;
  protected abstract closeConnections(): Promise<void>;

  async all<R = StateRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.onSession((session) => session.all(sql, params))) as R[];
  }

  async get<R = StateRow>(sql: string, params: readonly unknown[] = []): Promise<R | undefined> {
    const rows = await this.all<R>(sql, params);
    return rows[0];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<{ changes: number }> {
    return this.onSession((session) => session.run(sql, params));
  }

  async transaction<T>(work: (tx: StateWriter) => Promise<T>): Promise<T> {
    this.assertOpen();
    const outer = this.activeScope();
    if (outer) return outer.nested.runExclusive(() => this.savepoint(outer, work));

    const open = await this.begin();
    const scope: TransactionScope = { session: open.session, depth: 0, nested: new Mutex(), isActive: true };
    try {
      const result = await this.scopes.run(scope, () => work(this.writerFor(scope)));
      scope.isActive = false;
      await open.commit();
      return result;
    } catch (error) {
      scope.isActive = false;
      // The work's error says what went wrong; a failing rollback (connection gone) would hide it.
      await open.rollback().catch(() => {});
      throw error;
    }
  }

  async migrate(migrations: readonly Migration[] = coreMigrations): Promise<string[]> {
    sortMigrations(migrations); // a malformed list fails before touching the database
    const applied: string[] = [];
    // One transaction per migration, each re-reading what is applied after taking the lock, so
    // a second process that started at the same moment finds the work done and skips it.
    for (;;) {
      const id = await this.transaction(async (writer) => {
        const tx = writer as StateTransaction;
        await this.lockForMigration(tx);
        await tx.exec(migrationsTableSql);
        const appliedIds = await this.readAppliedIds(tx);
        const next = pendingMigrations(migrations, appliedIds, this.location)[0];
        if (!next) return undefined;
        await tx.exec(migrationSql(next, this.kind));
        await tx.run(recordMigrationSql, [next.id, next.description, new Date().toISOString()]);
        return next.id;
      });
      if (id === undefined) return applied;
      applied.push(id);
    }
  }

  async appliedMigrations(): Promise<string[]> {
    return this.onSession(async (session) =>
      (await this.tableExists(session, 'strata_migrations')) ? this.readAppliedIds(session) : [],
    );
  }

  readonly runs = {
    start: async (run: { runId: string; command: string; target?: string | null; startedAt?: string }): Promise<void> => {
      await this.run(
        `INSERT INTO runs (run_id, command, target, status, started_at) VALUES (?, ?, ?, 'running', ?)`,
        [run.runId, run.command, run.target ?? null, run.startedAt ?? new Date().toISOString()],
      );
    },
    finish: async (
      runId: string,
      status: 'success' | 'error',
      message: string | null = null,
      finishedAt: string = new Date().toISOString(),
    ): Promise<void> => {
      const { changes } = await this.run(
        'UPDATE runs SET status = ?, message = ?, finished_at = ? WHERE run_id = ?',
        [status, message, finishedAt, runId],
      );
      if (changes === 0) throw new Error(`Cannot finish run '${runId}': no run with that id was started.`);
    },
    list: async (limit = 50): Promise<RunRecord[]> => {
      const rows = await this.all<RunRow>(
        `SELECT run_id, command, target, status, started_at, finished_at, message
         FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?`,
        [limit],
      );
      return rows.map((row) => ({
        runId: row.run_id,
        command: row.command,
        status: row.status,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        message: row.message,
        target: row.target,
      }));
    },
  };

  readonly kv: KeyValueState = {
    get: async (namespace, key) => {
      const row = await this.get<{ value: string | null }>('SELECT value FROM kv WHERE namespace = ? AND key = ?', [
        namespace,
        key,
      ]);
      return row?.value;
    },
    set: async (namespace, key, value) => {
      // ON CONFLICT ... DO UPDATE is spelled the same in SQLite (3.24+) and Postgres (9.5+).
      await this.run(
        `INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [namespace, key, value, new Date().toISOString()],
      );
    },
    delete: async (namespace, key) =>
      (await this.run('DELETE FROM kv WHERE namespace = ? AND key = ?', [namespace, key])).changes > 0,
    list: async (namespace) => {
      const rows = await this.all<{ key: string; value: string | null; updated_at: string }>(
        'SELECT key, value, updated_at FROM kv WHERE namespace = ? ORDER BY key',
        [namespace],
      );
      return rows.map((row) => ({ key: row.key, value: row.value, updatedAt: row.updated_at }));
    },
  };

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.closeConnections();
  }

  protected assertOpen(): void {
    if (this.isClosed) throw new Error(`The state store at ${this.location} is closed.`);
  }

  private async readAppliedIds(session: Pick<StateSession, 'all'>): Promise<string[]> {
    const rows = await session.all('SELECT id FROM strata_migrations ORDER BY applied_order', []);
    return rows.map((row) => String(row.id));
  }

  /** The innermost transaction of this store still running in the caller's async context. */
  private activeScope(): TransactionScope | undefined {
    let scope = this.scopes.getStore();
    while (scope && !scope.isActive) scope = scope.parent;
    return scope;
  }

  private async onSession<T>(use: (session: StateSession) => Promise<T>): Promise<T> {
    this.assertOpen();
    const scope = this.activeScope();
    return scope ? use(scope.session) : this.withSession(use);
  }

  private async savepoint<T>(parent: TransactionScope, work: (tx: StateWriter) => Promise<T>): Promise<T> {
    // Siblings take turns on the parent's mutex, so a name per depth is unique while in use.
    const name = `strata_savepoint_${parent.depth + 1}`;
    const { session } = parent;
    await session.exec(`SAVEPOINT ${name}`);
    const scope: TransactionScope = { session, depth: parent.depth + 1, parent, nested: new Mutex(), isActive: true };
    try {
      const result = await this.scopes.run(scope, () => work(this.writerFor(scope)));
      scope.isActive = false;
      await session.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      scope.isActive = false;
      // Postgres refuses every statement after an error until this rollback.
      await session.exec(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
      throw error;
    }
  }

  private writerFor(scope: TransactionScope): StateTransaction {
    const session = (): StateSession => {
      if (!scope.isActive) {
        throw new Error(
          'This transaction has already committed or rolled back; its writer was used after transaction() returned.',
        );
      }
      return scope.session;
    };
    return {
      kind: this.kind,
      all: async <R = StateRow>(sql: string, params: readonly unknown[] = []) =>
        (await session().all(sql, params)) as R[],
      get: async <R = StateRow>(sql: string, params: readonly unknown[] = []) =>
        ((await session().all(sql, params)) as R[])[0],
      run: async (sql, params = []) => session().run(sql, params),
      exec: async (sql) => session().exec(sql),
    };
  }
}

interface RunRow {
  run_id: string;
  command: string;
  target: string | null;
  status: RunRecord['status'];
  started_at: string;
  finished_at: string | null;
  message: string | null;
}

/**
 * Parameters as both drivers accept them: booleans as 0/1 (the portable subset stores BOOLEAN as
 * INTEGER), Dates as ISO-8601 text, undefined as NULL. Anything else is a caller's bug.
 */
export function toDriverParams(params: readonly unknown[]): (null | number | bigint | string | Uint8Array)[] {
  return params.map((value, index) => {
    if (value === null || value === undefined) return null;
    switch (typeof value) {
      case 'number':
      case 'bigint':
      case 'string':
        return value;
      case 'boolean':
        return value ? 1 : 0;
    }
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Uint8Array) return value;
    throw new TypeError(
      `State store parameter ${index + 1} is a ${Object.prototype.toString.call(value)}; ` +
        'expected null, number, bigint, string, boolean, Date or Uint8Array.',
    );
  });
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
const minSafe = BigInt(Number.MIN_SAFE_INTEGER);

/** A 64-bit integer as a number when that is exact, else as a bigint; both stores return these. */
export function toStateInteger(value: bigint): number | bigint {
  return value <= maxSafe && value >= minSafe ? Number(value) : value;
}
