import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StrataError } from '../core/errors.js';
import type { ServerContext, ServerModule } from '../server/app.js';
import { getRun, lineageMigrations, listEvents, storeEvents } from './catalog-store.js';
import { EVENT_TYPES, type LineageEvent } from './model.js';
import { lineageValidator, type LineageProblem } from './validate.js';

export type ReceiverMode = 'lenient' | 'strict';

export interface LineageReceiverOptions {
  /**
   * lenient (default): events from real producers often miss `schemaURL`, `producer` or facet
   * `_producer`/`_schemaURL`, or use non-UUID run ids; store them and record warnings.
   * strict: any violation of the 2-0-2 schemas is a 400. Either way, wrong types, an unknown
   * eventType or a missing run id / job name are rejected: nothing sensible could be stored.
   */
  readonly mode?: ReceiverMode;
}

interface Checked {
  readonly event: LineageEvent;
  readonly warnings: string[];
}

/** Problems that make an event unusable whatever the mode. */
function isFatal(problem: LineageProblem): boolean {
  if (problem.keyword === 'type' || problem.keyword === 'enum') return true;
  if (problem.keyword !== 'required') return false;
  return ['/run', '/run/runId', '/job', '/job/namespace', '/job/name', '/dataset', '/dataset/namespace', '/dataset/name'].includes(problem.pointer)
    || /^\/(inputs|outputs)\/\d+\/(namespace|name)$/.test(problem.pointer);
}

/** Checks one decoded event; returns it (maybe completed) with warnings, or the problems. */
export function checkEvent(raw: unknown, mode: ReceiverMode, receivedAt: string): Checked | { problems: LineageProblem[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { problems: [{ pointer: '', message: `an OpenLineage event must be a JSON object, not ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}`, keyword: 'type' }] };
  }
  const event = { ...(raw as Record<string, unknown>) };
  const problems: LineageProblem[] = [];
  if ('eventType' in event && !EVENT_TYPES.includes(event.eventType as (typeof EVENT_TYPES)[number])) {
    problems.push({ pointer: '/eventType', message: `unknown eventType ${JSON.stringify(event.eventType)}; expected one of ${EVENT_TYPES.join(', ')}`, keyword: 'enum' });
  }
  if ('eventType' in event && !('run' in event)) {
    problems.push({ pointer: '/run/runId', message: 'a run event (it has an eventType) needs run.runId', keyword: 'required' });
  }
  const found = lineageValidator().validate(event).problems.filter((p) => !(p.pointer === '/eventType' && p.keyword === 'enum'));
  const fatal = [...problems, ...found.filter(isFatal)];
  const soft = found.filter((p) => !isFatal(p));
  if (mode === 'strict' && (fatal.length > 0 || soft.length > 0)) return { problems: [...fatal, ...soft] };
  if (fatal.length > 0) return { problems: fatal };
  if (event.eventTime !== undefined && Number.isNaN(Date.parse(String(event.eventTime)))) {
    return { problems: [{ pointer: '/eventTime', message: `eventTime ${JSON.stringify(event.eventTime)} is not an ISO-8601 date-time`, keyword: 'format' }] };
  }
  // Without an eventTime an event cannot be ordered; the time it arrived is the best estimate.
  if (event.eventTime === undefined) event.eventTime = receivedAt;
  return { event: event as unknown as LineageEvent, warnings: soft.map((p) => `${p.pointer || '/'}: ${p.message}`) };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new StrataError('lineage_malformed_json', `The request body is not valid JSON: ${(error as Error).message}.`, { httpStatus: 400 });
  }
}

function reject(problems: readonly LineageProblem[], single: boolean): never {
  const first = problems[0]!;
  const summary = `${first.pointer || '/'} ${first.message}`;
  const code = problems.some((p) => p.pointer.endsWith('/eventType') && p.keyword === 'enum')
    ? 'lineage_unknown_event_type'
    : problems.some((p) => p.pointer.endsWith('/run/runId') && p.keyword === 'required')
      ? 'lineage_missing_run_id'
      : 'lineage_invalid_event';
  throw new StrataError(code, `${single ? 'The event is' : 'The batch has an event that is'} not a usable OpenLineage event: ${summary}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}. Nothing was stored.`, {
    httpStatus: 400,
    details: { problems: problems.map(({ pointer, message }) => ({ pointer, message })) },
  });
}

async function ingest(context: ServerContext, request: FastifyRequest, batch: boolean, defaultMode: ReceiverMode) {
  const query = request.query as Record<string, string | undefined>;
  const mode: ReceiverMode = query.mode === 'strict' ? 'strict' : query.mode === 'lenient' ? 'lenient' : defaultMode;
  const body = parseJson(request.body as string);
  let raws: unknown[];
  if (batch) {
    const list = Array.isArray(body) ? body : (body as { events?: unknown } | null)?.events;
    if (!Array.isArray(list)) {
      throw new StrataError('lineage_invalid_batch', 'A batch must be a JSON array of events or an object {"events": [...]}. Nothing was stored.', { httpStatus: 400 });
    }
    raws = list;
  } else {
    raws = [body];
  }
  const receivedAt = new Date().toISOString();
  const checked: Checked[] = [];
  const problems: LineageProblem[] = [];
  raws.forEach((raw, index) => {
    const result = checkEvent(raw, mode, receivedAt);
    if ('problems' in result) {
      const prefix = batch ? (Array.isArray(body) ? `/${index}` : `/events/${index}`) : '';
      problems.push(...result.problems.map((p) => ({ ...p, pointer: `${prefix}${p.pointer}` })));
    } else {
      checked.push(result);
    }
  });
  if (problems.length > 0) reject(problems, !batch);
  // One transaction per request: a batch is stored whole or not at all.
  const result = await context.state.transaction((tx) => storeEvents(tx, checked.map((c) => c.event), checked.map((c) => c.warnings)));
  const warnings = checked.flatMap((c, index) => c.warnings.map((w) => (batch ? `/${index}${w.startsWith('/') ? '' : '/'}${w}` : w)));
  return { received: raws.length, stored: result.stored, duplicates: result.duplicates, warnings };
}

/** The OpenLineage receiver: Marquez- and OpenMetadata-compatible intake, and a listing. */
export function createLineageServerModule(options: LineageReceiverOptions = {}): ServerModule {
  const mode = options.mode ?? 'lenient';
  return {
    name: 'lineage',
    async register(app: FastifyInstance, context: ServerContext) {
      await context.state.migrate(lineageMigrations);
      await app.register(async (scope) => {
        // Own JSON parsing, so a malformed body gets a lineage-specific message; the size limit
        // still applies (413 from the server's error handler).
        scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
        const single = async (request: FastifyRequest, reply: { code(n: number): unknown }) => {
          const result = await ingest(context, request, false, mode);
          reply.code(201);
          return result;
        };
        const many = async (request: FastifyRequest, reply: { code(n: number): unknown }) => {
          const result = await ingest(context, request, true, mode);
          reply.code(201);
          return result;
        };
        scope.post('/api/v1/lineage', single);
        scope.post('/api/v1/lineage/batch', many);
        scope.post('/api/v1/openlineage/lineage', single);
        scope.post('/api/v1/openlineage/lineage/batch', many);
      });
      app.get('/api/v1/lineage/events', async (request) => {
        const query = request.query as Record<string, string | undefined>;
        const limit = query.limit === undefined ? 100 : Number(query.limit);
        const after = query.after === undefined ? 0 : Number(query.after);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
          throw new StrataError('bad_request', `limit must be an integer from 1 to 1000, got '${query.limit}'.`, { httpStatus: 400 });
        }
        if (!Number.isInteger(after) || after < 0) {
          throw new StrataError('bad_request', `after must be a non-negative integer, got '${query.after}'.`, { httpStatus: 400 });
        }
        const events = await listEvents(context.state, { limit, after, runId: query.runId });
        return { events, next: events.length === limit ? events[events.length - 1]!.seq : null };
      });
      app.get('/api/v1/lineage/runs/:runId', async (request) => {
        const { runId } = request.params as { runId: string };
        const run = await getRun(context.state, runId);
        if (!run) throw new StrataError('lineage_run_not_found', `No lineage run '${runId}'.`, { httpStatus: 404 });
        return run;
      });
    },
  };
}

/** The receiver in its default (lenient) mode. */
export const lineageServerModule: ServerModule = createLineageServerModule();
