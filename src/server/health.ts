import type { FastifyInstance } from 'fastify';
import { duckdbPath } from '../core/index.js';
import { checkTarget, type TargetCheck } from '../engines/index.js';
import type { ServerContext } from './app.js';

const OTHER_TARGETS_TTL_MS = 15_000;

/**
 * GET /health: 200 when the warehouse in use and the state store answer, 503 otherwise, with
 * the state of every configured target. Targets the server does not use are checked at most
 * every 15 s so a health probe never hammers a remote database.
 */
export function registerHealthRoutes(app: FastifyInstance, context: ServerContext): void {
  let otherChecks: { at: number; checks: Promise<TargetCheck[]> } | undefined;
  const active = context.project.target;

  const checkOthers = (): Promise<TargetCheck[]> => {
    if (otherChecks && performance.now() - otherChecks.at < OTHER_TARGETS_TTL_MS) return otherChecks.checks;
    const activeFile = duckdbPath(active);
    const checks = Promise.all(
      [...context.project.targets]
        .filter(([name, config]) => name !== active.name && !(activeFile && duckdbPath({ ...active, name, config }) === activeFile))
        .map(([name, config]) => checkTarget({ name, config, projectDir: context.project.root })),
    );
    otherChecks = { at: performance.now(), checks };
    return checks;
  };

  app.get('/health', async (_request, reply) => {
    const started = performance.now();
    const activeCheck = await context.engine
      .query('SELECT 1 AS ok')
      .then(async () => ({ name: active.name, type: active.config.type, ok: true, active: true, version: await context.engine.version(), detail: 'answering' }))
      .catch((error: Error) => ({ name: active.name, type: active.config.type, ok: false, active: true, detail: error.message }));
    const state = await context.state
      .get('SELECT 1 AS ok')
      .then(() => ({ type: context.state.kind, ok: true }))
      .catch((error: Error) => ({ type: context.state.kind, ok: false, detail: error.message }));
    const others = (await checkOthers()).map((check) => ({ name: check.target, type: check.type, ok: check.ok, active: false, version: check.version, detail: check.detail }));
    const ok = activeCheck.ok && state.ok;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      project: context.project.name,
      target: active.name,
      uptimeSeconds: Math.round((Date.now() - context.startedAt.getTime()) / 1000),
      targets: [activeCheck, ...others],
      state,
      checkedInMs: Math.round(performance.now() - started),
    });
  });
}
