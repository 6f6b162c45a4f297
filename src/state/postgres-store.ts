import pg from 'pg';
import { StrataError } from '../core/errors.js';
import { BaseStateStore, toDriverParams, toStateInteger } from './base-store.js';
import type { OpenTransaction, StateSession, StateTransaction } from './base-store.js';
import type { StateRow } from './types.js';

export interface PostgresStateStoreOptions {
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  /** Keep Strata's tables in this schema (created if absent) instead of the default search_path. */
  readonly schema?: string;
  /** Most connections the pool opens (default 10). */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing (default 10000 ms). */
  readonly connectTimeoutMs?: number;
}

const { types: builtinTypes } = pg;
const oid = { bool: 16, int8: 20, json: 114, jsonb: 3802, numeric: 1700 } as const;

/**
 * Results look like the SQLite store's: 64-bit integers as numbers when exact (else bigint),
 * booleans as 0/1, NUMERIC as a number (SQLite has no exact decimals either), JSON as its text.
 */
const stateTypes: pg.CustomTypesConfig = {
  getTypeParser: ((typeId: number, format?: 'text' | 'binary') => {
    switch (typeId) {
      case oid.int8:
        return (text: string) => toStateInteger(BigInt(text));
      case oid.numeric:
        return (text: string) => (/^-?\d+$/.test(text) ? toStateInteger(BigInt(text)) : Number(text));
      case oid.bool:
        return (text: string) => (text === 't' ? 1 : 0);
      case oid.json:
      case oid.jsonb:
        return (text: string) => text;
      default:
        return builtinTypes.getTypeParser(typeId, format ?? 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};

// Errors that mean the server cannot be reached or talked to, rather than a bad statement.
const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P03']);

/** The production state store: a pg pool, one client per transaction. */
export class PostgresStateStore extends BaseStateStore {
  readonly kind = 'postgres' as const;
  readonly location: string;
  readonly schema: string | undefined;

  private readonly poolSession: StateSession;
  private readonly sqlCache = new Map<string, string>();

  private constructor(
    private readonly pool: pg.Pool,
    location: string,
    schema: string | undefined,
  ) {
    super();
    this.location = location;
    this.schema = schema;
    this.poolSession = this.sessionOn(pool);
  }

  static async open(options: PostgresStateStoreOptions): Promise<PostgresStateStore> {
    const location = describeLocation(options);
    const { schema } = options;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new StrataError(
        'state_config_invalid',
        `The state schema name '${schema}' is not a plain lowercase identifier (letters, digits, underscores).`,
        { details: { schema } },
      );
    }
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      host: options.host,
      port: options.port,
      user: options.user,
      password: options.password,
      database: options.database,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      types: stateTypes,
      // A startup parameter, so every pooled connection has it before its first statement.
      options: schema === undefined ? undefined : `-c search_path=${schema}`,
      application_name: 'strata',
    });
    // An idle pooled client whose server went away emits 'error'; the next query reports it.
    pool.on('error', () => {});
    const store = new PostgresStateStore(pool, location, schema);
    try {
      if (schema === undefined) {
        await pool.query('SELECT 1');
      } else {
        // Concurrent CREATE SCHEMA IF NOT EXISTS can still collide on the catalog's unique
        // index, so openers take turns on an advisory lock.
        await store.transaction(async (tx) => {
          await tx.run('SELECT pg_advisory_xact_lock(hashtext(?))', [`strata_state_schema:${schema}`]);
          await tx.run(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
        });
      }
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StrataError(
        'state_open_failed',
        `Could not open the Postgres state store at ${location}: ${errorText(error).replace(/\.$/, '')}.`,
        {
          hint: 'Check that the server is running and reachable, and that the user, password and database in the state settings are right.',
          details: { location },
          cause: error,
        },
      );
    }
    return store;
  }

  protected async withSession<T>(use: (session: StateSession) => Promise<T>): Promise<T> {
    return use(this.poolSession);
  }

  protected async begin(): Promise<OpenTransaction> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.translate(error);
    }
    const session = this.sessionOn(client);
    // A checked-out client whose connection drops between queries emits 'error'; unheard, that
    // would crash the process. The failure also shows in the next query, so only remember it.
    let lostConnection: Error | undefined;
    const onError = (error: Error) => (lostConnection = error);
    client.on('error', onError);
    let isReleased = false;
    const release = (error?: Error) => {
      if (isReleased) return;
      isReleased = true;
      client.off('error', onError);
      // Passing an error destroys the connection instead of returning it in an unknown state.
      client.release(error ?? lostConnection);
    };
    try {
      await session.exec('BEGIN');
    } catch (error) {
      release(error as Error);
      throw error;
    }
    return {
      session,
      commit: async () => {
        await session.exec('COMMIT');
        release();
      },
      rollback: async () => {
        try {
          await client.query('ROLLBACK');
          release();
        } catch (error) {
          release(error as Error);
        }
      },
    };
  }

  protected async lockForMigration(tx: StateTransaction): Promise<void> {
    // Held until this transaction ends; another process migrating the same schema waits here.
    // Transactions are READ COMMITTED, so the applied list read after this sees its commits.
    await tx.run('SELECT pg_advisory_xact_lock(hashtext(?))', [`strata_migrations:${this.schema ?? ''}`]);
  }

  protected async tableExists(session: StateSession, table: string): Promise<boolean> {
    const rows = await session.all('SELECT to_regclass(?) IS NOT NULL AS present', [table]);
    return rows[0]?.present === 1;
  }

  protected async closeConnections(): Promise<void> {
    await this.pool.end();
  }

  private sessionOn(queryable: pg.Pool | pg.PoolClient): StateSession {
    const query = async (sql: string, params: readonly unknown[]) => {
      try {
        return await queryable.query({ text: this.toPostgresSql(sql), values: toPostgresParams(params) });
      } catch (error) {
        throw this.translate(error);
      }
    };
    return {
      all: async (sql, params) => (await query(sql, params)).rows as StateRow[],
      run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
      exec: async (sql) => {
        try {
          // Without values pg uses the simple query protocol, which accepts several statements.
          await queryable.query(sql);
        } catch (error) {
          throw this.translate(error);
        }
      },
    };
  }

  private toPostgresSql(sql: string): string {
    let text = this.sqlCache.get(sql);
    if (text === undefined) {
      if (this.sqlCache.size >= 512) this.sqlCache.clear();
      text = rewritePlaceholders(sql);
      this.sqlCache.set(sql, text);
    }
    return text;
  }

  private translate(error: unknown): unknown {
    const code = (error as { code?: unknown }).code;
    const message = (error as Error)?.message ?? '';
    const isConnectionError =
      (typeof code === 'string' && connectionErrorCodes.has(code)) ||
      /Connection terminated|timeout exceeded when trying to connect/i.test(message);
    if (!isConnectionError) return error;
    return new StrataError(
      'state_unavailable',
      `The Postgres state store at ${this.location} cannot be reached: ${errorText(error)}.`,
      { hint: 'Check that the server is running and reachable from here.', details: { location: this.location }, cause: error },
    );
  }
}

/**
 * Rewrites `?` placeholders to `$1, $2, ...`, leaving alone a `?` inside a string literal,
 * quoted identifier, dollar-quoted string or comment.
 */
export function rewritePlaceholders(sql: string): string {
  let out = '';
  let index = 0;
  let count = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];
    let end = index + 1;
    if (char === "'" || char === '"') {
      // Doubling the quote escapes it, so scanning to each next quote and continuing works.
      end = sql.indexOf(char, index + 1);
      end = end === -1 ? sql.length : end + 1;
    } else if (char === '-' && next === '-') {
      end = sql.indexOf('\n', index);
      end = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      end = sql.indexOf('*/', index + 2);
      end = end === -1 ? sql.length : end + 2;
    } else if (char === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(index));
      if (tag && !/[A-Za-z0-9_]/.test(sql[index - 1] ?? '')) {
        end = sql.indexOf(tag[0], index + tag[0].length);
        end = end === -1 ? sql.length : end + tag[0].length;
      }
    } else if (char === '?') {
      out += `$${++count}`;
      index += 1;
      continue;
    }
    out += sql.slice(index, end);
    index = end;
  }
  return out;
}

/** Node reports a host that resolves to several addresses as an AggregateError with no message. */
function errorText(error: unknown): string {
  if (error instanceof AggregateError && !error.message) return error.errors.map(errorText).join('; ');
  if (error instanceof Error) return error.message || String((error as { code?: unknown }).code ?? error.name);
  return String(error);
}

function toPostgresParams(params: readonly unknown[]): unknown[] {
  // pg sends bigint through String() only in newer versions; do it explicitly.
  return toDriverParams(params).map((value) => (typeof value === 'bigint' ? value.toString() : value));
}

/** postgres://user@host:port/database (schema), never the password. */
function describeLocation(options: PostgresStateStoreOptions): string {
  let host = options.host ?? process.env.PGHOST ?? 'localhost';
  let port = options.port ?? (process.env.PGPORT ? Number(process.env.PGPORT) : 5432);
  let user = options.user ?? process.env.PGUSER;
  let database = options.database ?? process.env.PGDATABASE;
  if (options.connectionString) {
    try {
      const url = new URL(options.connectionString);
      host = url.hostname || host;
      port = url.port ? Number(url.port) : port;
      user = url.username ? decodeURIComponent(url.username) : user;
      database = url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : database;
    } catch {
      // A key=value connection string: fall back to the separate settings.
    }
  }
  const schema = options.schema ? ` (schema ${options.schema})` : '';
  return `postgres://${user ? `${user}@` : ''}${host}:${port}/${database ?? user ?? ''}${schema}`;
}
