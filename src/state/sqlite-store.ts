import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StrataError } from '../core/errors.js';
import { BaseStateStore, toDriverParams, toStateInteger } from './base-store.js';
import type { OpenTransaction, StateSession, StateTransaction } from './base-store.js';
import { Mutex } from './mutex.js';
import type { StateRow, StateValue } from './types.js';

export interface SqliteStateStoreOptions {
  /**
   * 'normal' (default): with WAL, a commit survives the process being killed at any point, and
   * the database stays consistent on power loss, though the last commits may be lost then.
   * 'full': fsync on every commit, so commits also survive power loss, at a cost per commit.
   */
  readonly synchronous?: 'normal' | 'full';
  /**
   * How long a statement waits for another process's write lock before failing (default
   * 5000 ms). Several Strata processes on one project (a CLI run next to `strata serve`) share
   * the file and should take turns rather than fail with SQLITE_BUSY.
   */
  readonly busyTimeoutMs?: number;
}

// Enough for every statement Strata's capabilities issue; past this, start again.
const statementCacheSize = 256;

/**
 * The embedded state store: one better-sqlite3 connection in WAL mode.
 *
 * The driver is synchronous, so a lock that another process holds blocks this thread for up to
 * the busy timeout. Open one store per file per process: two stores on the same file in one
 * process would wait on each other's transactions with the event loop blocked.
 */
export class SqliteStateStore extends BaseStateStore {
  readonly kind = 'sqlite' as const;
  readonly location: string;

  // Held from BEGIN to COMMIT, and around every statement outside a transaction, so two
  // concurrent await chains cannot put statements into one another's transaction.
  private readonly lock = new Mutex();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly session: StateSession;

  private constructor(
    private readonly db: Database.Database,
    path: string,
  ) {
    super();
    this.location = path;
    this.session = {
      all: async (sql, params) => this.query(sql, params),
      run: async (sql, params) => this.translate(() => ({ changes: this.prepare(sql).run(...toSqliteParams(params)).changes })),
      exec: async (sql) => this.translate(() => void this.db.exec(sql)),
    };
  }

  static open(path: string, options: SqliteStateStoreOptions = {}): SqliteStateStore {
    const inMemory = path === ':memory:';
    const fullPath = inMemory ? path : resolve(path);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    let db: Database.Database | undefined;
    try {
      if (!inMemory) mkdirSync(dirname(fullPath), { recursive: true });
      db = new Database(fullPath, { timeout: busyTimeoutMs });
      // The first statement reads the file header, so a file that is not a database fails here.
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
      // Integers come back as bigint and are narrowed to numbers when exact (see toStateInteger),
      // matching the Postgres store instead of silently rounding values past 2^53.
      db.defaultSafeIntegers(true);
    } catch (error) {
      db?.close();
      throw new StrataError(
        'state_open_failed',
        `Could not open the state database at ${fullPath}: ${describeOpenError(error)}.`,
        {
          hint:
            'Check that the path is a writable location and, if the file exists, that it is a SQLite database ' +
            'Strata created; move a damaged file aside and Strata will start a new one.',
          details: { path: fullPath },
          cause: error,
        },
      );
    }
    return new SqliteStateStore(db, fullPath);
  }

  protected async withSession<T>(use: (session: StateSession) => Promise<T>): Promise<T> {
    return this.lock.runExclusive(() => use(this.session));
  }

  protected async begin(): Promise<OpenTransaction> {
    const release = await this.lock.acquire();
    try {
      this.assertOpen();
      // IMMEDIATE takes the write lock now (waiting up to busy_timeout). A deferred transaction
      // would take it at its first write, where WAL mode fails at once with SQLITE_BUSY_SNAPSHOT
      // if another process committed since this one started reading.
      this.translate(() => this.db.exec('BEGIN IMMEDIATE'));
    } catch (error) {
      release();
      throw error;
    }
    return {
      session: this.session,
      commit: async () => {
        this.translate(() => this.db.exec('COMMIT'));
        release();
      },
      rollback: async () => {
        try {
          // SQLite may already have rolled back by itself (SQLITE_FULL, SQLITE_IOERR, ...).
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
        } finally {
          release();
        }
      },
    };
  }

  protected async lockForMigration(_tx: StateTransaction): Promise<void> {
    // BEGIN IMMEDIATE already gives every migration transaction the database's one write lock.
  }

  protected async tableExists(session: StateSession, table: string): Promise<boolean> {
    const rows = await session.all(`SELECT 1 AS present FROM sqlite_schema WHERE type = 'table' AND name = ?`, [table]);
    return rows.length > 0;
  }

  protected async closeConnections(): Promise<void> {
    // Waits for a running transaction to finish; closing the last connection checkpoints the WAL.
    await this.lock.runExclusive(async () => this.db.close());
  }

  private query(sql: string, params: readonly unknown[]): StateRow[] {
    return this.translate(() => {
      const statement = this.prepare(sql);
      // Postgres answers a statement without a result with no rows; do the same.
      if (!statement.reader) {
        statement.run(...toSqliteParams(params));
        return [];
      }
      const rows = statement.all(...toSqliteParams(params)) as Record<string, StateValue>[];
      for (const row of rows) {
        for (const column in row) {
          const value = row[column];
          if (typeof value === 'bigint') row[column] = toStateInteger(value);
        }
      }
      return rows;
    });
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= statementCacheSize) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Lock timeouts and damage are the user's to fix; other driver errors pass through. */
  private translate<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
        throw new StrataError(
          'state_busy',
          `The state database at ${this.location} stayed locked by another process for longer than the busy timeout.`,
          {
            hint: 'Another Strata command is probably writing to this project; wait for it to finish and try again.',
            details: { path: this.location },
            cause: error,
          },
        );
      }
      if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
        throw new StrataError('state_corrupt', `The state database at ${this.location} is damaged: ${String((error as Error).message)}.`, {
          hint: 'Move the file aside (Strata starts a new one) or restore it from a backup.',
          details: { path: this.location },
          cause: error,
        });
      }
      throw error;
    }
  }
}

function toSqliteParams(params: readonly unknown[]): unknown[] {
  // better-sqlite3 binds Buffers but not other Uint8Array views.
  return toDriverParams(params).map((value) =>
    value instanceof Uint8Array && !Buffer.isBuffer(value)
      ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      : value,
  );
}

function describeOpenError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB') return 'the file exists but is not a SQLite database (or is damaged)';
  if (code === 'SQLITE_CORRUPT') return 'the database file is damaged';
  if (code === 'SQLITE_CANTOPEN') return 'the file cannot be opened or created there';
  if (code === 'ENOTDIR') return 'part of the path is a file, not a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  return message.replace(/\.$/, '');
}
