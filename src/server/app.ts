import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { isStrataError, StrataError, type Project } from '../core/index.js';
import type { Engine } from '../engines/types.js';
import type { StateStore } from '../state/types.js';
import { registerEngineRoutes } from './engine-routes.js';
import { registerHealthRoutes } from './health.js';

/** What every route module gets: the loaded project and the open warehouse and state store. */
export interface ServerContext {
  readonly project: Project;
  readonly engine: Engine;
  readonly state: StateStore;
  /** Shared secret for the internal engine routes other local `strata` processes use. */
  readonly internalToken: string;
  readonly startedAt: Date;
}

/** A capability's routes. Later issues (lineage, metrics, serve, realtime) each add one. */
export interface ServerModule {
  readonly name: string;
  register(app: FastifyInstance, context: ServerContext): void | Promise<void>;
}

export interface CreateServerOptions {
  readonly modules?: readonly ServerModule[];
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where JSON logs go. Default stdout. */
  readonly logStream?: NodeJS.WritableStream;
}

/** One error shape for every route: {"error": {"code", "message", "details"}}. */
export function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

export async function createServer(context: ServerContext, options: CreateServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      stream: options.logStream ?? process.stdout,
      base: { service: 'strata', project: context.project.name },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
    },
    bodyLimit: Math.floor(context.project.serve.body_limit_mb * 1024 * 1024),
    // Idle keep-alive sockets must not hold a graceful shutdown open; busy ones finish first.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });

  app.setErrorHandler((error: FastifyError | StrataError | Error, request, reply) => {
    if (isStrataError(error)) {
      return reply.code(error.httpStatus).send({ error: error.toJSON() });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(errorBody('payload_too_large', `The request body is larger than the server accepts (${context.project.serve.body_limit_mb} MB).`, {
          limitBytes: app.initialConfig.bodyLimit,
        }));
    }
    if (fastifyError.validation) {
      return reply.code(400).send(errorBody('bad_request', fastifyError.message, { problems: fastifyError.validation }));
    }
    const status = fastifyError.statusCode ?? 500;
    if (status < 500) {
      const code = fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'bad_request';
      return reply.code(status).send(errorBody(code, fastifyError.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('internal_error', `Internal error; see the server log for request ${request.id}.`, { requestId: request.id }));
  });

  registerHealthRoutes(app, context);
  registerEngineRoutes(app, context);
  for (const module of options.modules ?? []) {
    await module.register(app, context);
  }
  return app;
}
