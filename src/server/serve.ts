import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { duckdbPath, StrataError, type Project } from '../core/index.js';
import type { Engine } from '../engines/types.js';
import type { StateStore } from '../state/types.js';
import { createServer, type CreateServerOptions, type ServerModule } from './app.js';
import { removeServerLock, writeServerLock } from './lock.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  /** Resolves when the server has shut down (after close() or a signal). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export interface StartServerOptions extends CreateServerOptions {
  readonly host?: string;
  readonly port?: number;
  readonly modules?: readonly ServerModule[];
  /** Install SIGTERM/SIGINT handlers that shut down gracefully. Default true. */
  readonly handleSignals?: boolean;
}

/**
 * Starts the HTTP server, announces it in `.strata/server.json` so other strata commands can
 * hand it their warehouse work, and shuts down gracefully: on SIGTERM new requests get 503,
 * in-flight ones finish (up to the configured grace period), then the warehouse and state close.
 */
export async function startServer(
  project: Project,
  engine: Engine,
  state: StateStore,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const internalToken = randomBytes(24).toString('hex');
  const app = await createServer({ project, engine, state, internalToken, startedAt: new Date() }, options);
  const host = options.host ?? project.serve.host;
  const port = options.port ?? project.serve.port;
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new StrataError('port_in_use', `Port ${port} on ${host} is already in use.`, { hint: 'Stop the other server or pass --port with a free port (0 picks one).' });
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new StrataError('host_invalid', `Cannot listen on ${host}: no such local address.`, { hint: 'Use 127.0.0.1, 0.0.0.0 or an address of this machine.' });
    }
    throw error;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`;
  writeServerLock(project.paths.strataDir, {
    pid: process.pid,
    url,
    token: internalToken,
    target: project.target.name,
    warehouse: duckdbPath(project.target),
    startedAt: new Date().toISOString(),
  });

  let closing: Promise<void> | undefined;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const close = (): Promise<void> => {
    closing ??= (async () => {
      removeServerLock(project.paths.strataDir);
      const grace = setTimeout(() => {
        app.log.warn('grace period over; closing remaining connections');
        app.server.closeAllConnections();
      }, project.serve.shutdown_grace_seconds * 1000);
      try {
        await app.close();
      } finally {
        clearTimeout(grace);
        await engine.close().catch(() => undefined);
        await state.close().catch(() => undefined);
        markClosed();
      }
    })();
    return closing;
  };

  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info({ signal }, 'shutting down');
      void close();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    void closed.then(() => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });
  }
  return { app, url, closed, close };
}
