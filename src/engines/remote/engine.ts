import { Readable } from 'node:stream';
import { StrataError } from '../../core/index.js';
import type {
  BulkLoadColumn,
  BulkLoadOptions,
  ColumnInfo,
  Dialect,
  Engine,
  QueryResult,
  RelationName,
  Row,
  SqlRunner,
  StreamOptions,
} from '../types.js';
import { decodeJson, encodeJson } from './codec.js';

export interface RemoteEndpoint {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
}

/**
 * The warehouse of a running `strata serve`, used from another strata process on the same
 * machine. DuckDB lets one process write a file; rather than fail on its lock, commands hand
 * their SQL to the server that holds it.
 */
export class RemoteEngine implements Engine {
  readonly isReadOnly = false;
  readonly kind: Engine['kind'];

  constructor(
    private readonly endpoint: RemoteEndpoint,
    readonly dialect: Dialect,
  ) {
    this.kind = dialect.kind;
  }

  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.call({ op: 'query', sql, params });
  }

  async execute(sql: string, params?: readonly unknown[]): Promise<void> {
    await this.call({ op: 'execute', sql, params });
  }

  /** Batches of one fetched result: a hand-off is for commands, not for huge exports. */
  async *stream(sql: string, params?: readonly unknown[], options: StreamOptions = {}): AsyncIterable<Row[]> {
    const { rows } = await this.query(sql, params);
    const size = options.batchSize ?? 10_000;
    for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
  }

  describe(sql: string): Promise<ColumnInfo[]> {
    return this.call({ op: 'describe', sql });
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const { txId } = await this.call<{ txId: string }>({ op: 'begin' });
    const runner: SqlRunner = {
      query: (sql, params) => this.call({ op: 'query', sql, params, txId }),
      execute: async (sql, params) => {
        await this.call({ op: 'execute', sql, params, txId });
      },
    };
    let result: T;
    try {
      result = await work(runner);
    } catch (error) {
      await this.call({ op: 'rollback', txId }).catch(() => undefined);
      throw error;
    }
    await this.call({ op: 'commit', txId });
    return result;
  }

  async bulkLoad(
    table: RelationName,
    columns: readonly BulkLoadColumn[],
    rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
    options?: BulkLoadOptions,
  ): Promise<{ rowsLoaded: number }> {
    const header = encodeJson({ table, columns, options });
    async function* body(): AsyncIterable<Uint8Array> {
      const encoder = new TextEncoder();
      yield encoder.encode(`${header}\n`);
      let chunk: string[] = [];
      for await (const row of rows as AsyncIterable<readonly unknown[]>) {
        chunk.push(encodeJson(row));
        if (chunk.length === 5000) {
          yield encoder.encode(`${chunk.join('\n')}\n`);
          chunk = [];
        }
      }
      if (chunk.length > 0) yield encoder.encode(`${chunk.join('\n')}\n`);
    }
    const response = await this.post('/api/v1/_internal/engine/bulk-load', 'application/x-ndjson', body());
    return decodeJson(await response.text());
  }

  version(): Promise<string> {
    return this.call({ op: 'version' });
  }

  async close(): Promise<void> {
    // The server owns the warehouse; nothing to release here.
  }

  private async call<T>(request: Record<string, unknown>): Promise<T> {
    const response = await this.post('/api/v1/_internal/engine', 'application/x-strata-engine', encodeJson(request));
    return decodeJson<T>(await response.text());
  }

  private async post(path: string, contentType: string, body: string | AsyncIterable<Uint8Array>): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.endpoint.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType, 'x-strata-token': this.endpoint.token },
        body: typeof body === 'string' ? body : (Readable.toWeb(Readable.from(body)) as ReadableStream),
        ...(typeof body === 'string' ? {} : { duplex: 'half' }),
      } as RequestInit);
    } catch (error) {
      throw new StrataError('server_unreachable', `The running strata server (pid ${this.endpoint.pid}, ${this.endpoint.url}) holds the warehouse but did not answer: ${(error as Error).message}.`, {
        hint: 'If that server is stuck, stop it (kill the pid); a new command then opens the warehouse directly.',
        cause: error,
      });
    }
    if (response.ok) return response;
    const text = await response.text();
    let error: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      error = (JSON.parse(text) as { error: typeof error }).error ?? {};
    } catch {
      error = { message: text };
    }
    throw new StrataError(error.code ?? 'server_error', error.message ?? `The strata server answered ${response.status}.`, {
      details: error.details,
      httpStatus: response.status,
    });
  }
}
