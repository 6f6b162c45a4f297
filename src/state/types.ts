/**
 * Strata's own operational data: run history, catalog, registry, snapshots, queues.
 * SQLite (embedded default, `.strata/state.db`, WAL) or Postgres (production).
 *
 * SQL passed to a StateStore uses `?` placeholders and a small portable subset (TEXT, INTEGER,
 * BIGINT, DOUBLE PRECISION, BOOLEAN stored as INTEGER 0/1, timestamps as ISO-8601 TEXT);
 * the Postgres implementation rewrites `?` to `$n`.
 */

export type StateValue = null | number | bigint | string | Uint8Array;
export type StateRow = Record<string, StateValue>;

/** Reads only: what most consumers (catalog queries, status pages) need. */
export interface StateReader {
  readonly kind: 'sqlite' | 'postgres';
  all<R = StateRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  get<R = StateRow>(sql: string, params?: readonly unknown[]): Promise<R | undefined>;
}

export interface StateWriter extends StateReader {
  /** Run a statement for its effect; returns the number of rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
}

/**
 * A versioned schema change. Ids are ordered strings ("0001_runs"); a capability namespaces its
 * own ("lineage_0001_events"). `sql` is either portable or given per store kind.
 */
export interface Migration {
  readonly id: string;
  readonly description: string;
  readonly sql: string | { readonly sqlite: string; readonly postgres: string };
}

export interface RunRecord {
  readonly runId: string;
  readonly command: string;
  readonly status: 'running' | 'success' | 'error';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly message: string | null;
  readonly target: string | null;
}

export interface StateStore extends StateWriter {
  /** Apply every migration not yet applied, each in its own transaction, in id order. */
  migrate(migrations?: readonly Migration[]): Promise<string[]>;
  /** Ids of applied migrations, in order. */
  appliedMigrations(): Promise<string[]>;
  /** All-or-nothing: commits when `work` resolves, rolls back when it throws. */
  transaction<T>(work: (tx: StateWriter) => Promise<T>): Promise<T>;
  /** Run history (the first of Strata's own tables). */
  readonly runs: {
    start(run: { runId: string; command: string; target?: string | null; startedAt?: string }): Promise<void>;
    finish(runId: string, status: 'success' | 'error', message?: string | null, finishedAt?: string): Promise<void>;
    list(limit?: number): Promise<RunRecord[]>;
  };
  close(): Promise<void>;
}
