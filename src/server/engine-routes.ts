import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StrataError } from '../core/index.js';
import { decodeJson, encodeJson } from '../engines/remote/codec.js';
import type { BulkLoadColumn, BulkLoadOptions, RelationName, SqlRunner } from '../engines/types.js';
import type { ServerContext } from './app.js';

/** Longest a client may keep a transaction open without sending a statement. */
const TRANSACTION_IDLE_MS = 60_000;

interface OpenTransaction {
  readonly runner: SqlRunner;
  finish(commit: boolean): void;
  readonly ended: Promise<void>;
  timer: NodeJS.Timeout;
}

interface EngineRequest {
  op: 'query' | 'execute' | 'describe' | 'version' | 'begin' | 'commit' | 'rollback';
  sql?: string;
  params?: unknown[];
  txId?: string;
}

/**
 * Internal routes that let other `strata` processes on this machine use the warehouse this
 * server holds open (DuckDB allows one writing process per file). Loopback only, and only with
 * the token from `.strata/server.json`, which is readable by the project owner alone.
 */
export function registerEngineRoutes(app: FastifyInstance, context: ServerContext): void {
  const transactions = new Map<string, OpenTransaction>();

  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-strata-engine', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, decodeJson(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    scope.addContentTypeParser('application/x-ndjson', (_request, payload, done) => done(null, payload));
    scope.addHook('onRequest', async (request) => authorize(request, context.internalToken));

    scope.post('/api/v1/_internal/engine', async (request, reply) => {
      const body = request.body as EngineRequest;
      const result = await handle(body);
      return reply.header('content-type', 'application/x-strata-engine').send(encodeJson(result ?? null));
    });

    scope.post('/api/v1/_internal/engine/bulk-load', async (request, reply) => {
      const lines = createInterface({ input: request.body as Readable, crlfDelay: Infinity });
      const iterator = lines[Symbol.asyncIterator]();
      const header = await iterator.next();
      if (header.done) throw new StrataError('bad_request', 'bulk-load body is empty', { httpStatus: 400 });
      const { table, columns, options } = decodeJson<{ table: RelationName; columns: BulkLoadColumn[]; options?: BulkLoadOptions }>(header.value);
      async function* rows(): AsyncIterable<readonly unknown[]> {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          if (next.value.length > 0) yield decodeJson<unknown[]>(next.value);
        }
      }
      const result = await context.engine.bulkLoad(table, columns, rows(), options);
      return reply.header('content-type', 'application/x-strata-engine').send(encodeJson(result));
    });
  });

  async function handle(body: EngineRequest): Promise<unknown> {
    const runner = body.txId ? transactionFor(body.txId).runner : context.engine;
    switch (body.op) {
      case 'query':
        return runner.query(requireSql(body), body.params);
      case 'execute':
        await runner.execute(requireSql(body), body.params);
        return { ok: true };
      case 'describe':
        return context.engine.describe(requireSql(body));
      case 'version':
        return context.engine.version();
      case 'begin':
        return { txId: begin() };
      case 'commit':
      case 'rollback': {
        const open = transactionFor(body.txId!);
        open.finish(body.op === 'commit');
        await open.ended;
        return { ok: true };
      }
      default:
        throw new StrataError('bad_request', `Unknown engine operation '${String((body as { op?: unknown }).op)}'.`, { httpStatus: 400 });
    }
  }

  function begin(): string {
    const txId = randomUUID();
    let finish!: (commit: boolean) => void;
    let ready!: (runner: SqlRunner) => void;
    const runnerReady = new Promise<SqlRunner>((resolve) => (ready = resolve));
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    const ended = context.engine
      .transaction(async (tx) => {
        ready(tx);
        if (!(await decided)) throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      })
      .finally(() => {
        clearTimeout(transactions.get(txId)?.timer);
        transactions.delete(txId);
      });
    const open: OpenTransaction = {
      runner: lazyRunner(runnerReady),
      finish,
      ended,
      timer: setTimeout(() => finish(false), TRANSACTION_IDLE_MS),
    };
    transactions.set(txId, open);
    return txId;
  }

  function transactionFor(txId: string): OpenTransaction {
    const open = transactions.get(txId);
    if (!open) throw new StrataError('transaction_not_found', `Transaction ${txId} is not open (it ended, or was idle for over ${TRANSACTION_IDLE_MS / 1000}s).`, { httpStatus: 409 });
    open.timer.refresh();
    return open;
  }

  app.addHook('onClose', async () => {
    for (const open of transactions.values()) open.finish(false);
    await Promise.allSettled([...transactions.values()].map((open) => open.ended));
  });
}

class RolledBack extends Error {}

function lazyRunner(ready: Promise<SqlRunner>): SqlRunner {
  return {
    query: async (sql, params) => (await ready).query(sql, params),
    execute: async (sql, params) => (await ready).execute(sql, params),
  };
}

function requireSql(body: EngineRequest): string {
  if (typeof body.sql !== 'string') throw new StrataError('bad_request', 'The engine request has no sql.', { httpStatus: 400 });
  return body.sql;
}

async function authorize(request: FastifyRequest, token: string): Promise<void> {
  const address = request.socket.remoteAddress ?? '';
  const isLoopback = address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
  if (!isLoopback || request.headers['x-strata-token'] !== token) {
    throw new StrataError('forbidden', 'Internal engine routes are for local strata processes only.', { httpStatus: 403 });
  }
}
