import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProject } from '../../src/core/index.js';
import { createEngine } from '../../src/engines/index.js';
import {
  CatalogTransport, createLineage, createLineageServerModule, facetSchemaURL, getRun, lineageServerModule, listEvents,
  migrateLineage, outputStatisticsFacet, STRATA_PRODUCER, type RunEvent,
} from '../../src/lineage/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { openStateStore, type OpenedStateStore } from '../../src/state/index.js';

const RUN_SCHEMA = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const RUN_ID = '0190f6c3-7b1e-7c1a-9d3e-2f4a5b6c7d8e';

function event(eventType: string, eventTime: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventType, eventTime, producer: 'https://github.com/dbt-labs/dbt-core', schemaURL: RUN_SCHEMA,
    run: { runId: RUN_ID }, job: { namespace: 'dbt', name: 'shop.fct_orders' },
    inputs: [{ namespace: 'postgres://db:5432', name: 'shop.public.orders' }],
    outputs: [{ namespace: 'postgres://db:5432', name: 'shop.analytics.fct_orders' }],
    ...extra,
  };
}

interface ErrorBody {
  error: { code: string; message: string; details: { problems?: { pointer: string; message: string }[] } };
}

async function start(mode?: 'strict' | 'lenient'): Promise<{ server: RunningServer; state: OpenedStateStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-lineage-server-'));
  writeFileSync(join(dir, 'strata.yml'), 'name: shop\ntargets:\n  dev:\n    type: duckdb\nserve:\n  body_limit_mb: 0.05\n');
  const project = loadProject(dir);
  const engine = await createEngine(project.target);
  const state = await openStateStore({ type: 'sqlite', path: join(dir, '.strata', 'state.db') });
  const module = mode ? createLineageServerModule({ mode }) : lineageServerModule;
  const server = await startServer(project, engine, state, { port: 0, logLevel: 'silent', handleSignals: false, modules: [module] });
  return { server, state };
}

async function post(server: RunningServer, path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & ErrorBody };
}

async function count(state: OpenedStateStore, table: string): Promise<number> {
  const row = await state.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row!.n);
}

describe('lineage receiver (lenient, the default)', () => {
  let server: RunningServer;
  let state: OpenedStateStore;
  before(async () => ({ server, state } = await start()));
  after(() => server.close());

  it('stores an event once even when sent twice, answering 201', async () => {
    const start = event('START', '2026-06-15T01:00:00Z');
    const first = await post(server, '/api/v1/lineage', start);
    assert.equal(first.status, 201);
    assert.deepEqual(first.body, { received: 1, stored: 1, duplicates: 0, warnings: [] });
    const again = await post(server, '/api/v1/lineage', start);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, { received: 1, stored: 0, duplicates: 1, warnings: [] });
    assert.equal(await count(state, 'lineage_events'), 1);
    assert.equal(await count(state, 'lineage_datasets'), 2);
    assert.equal(await count(state, 'lineage_jobs'), 1);
  });

  it('handles COMPLETE arriving before START: the run ends COMPLETE with both times', async () => {
    const runId = '1d2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b';
    const complete = await post(server, '/api/v1/openlineage/lineage', event('COMPLETE', '2026-06-15T02:00:30Z', { run: { runId } }));
    assert.equal(complete.status, 201);
    assert.equal((await getRun(state, runId))!.state, 'COMPLETE');
    const late = await post(server, '/api/v1/lineage', event('START', '2026-06-15T02:00:00Z', { run: { runId } }));
    assert.equal(late.status, 201);
    assert.deepEqual(await getRun(state, runId), {
      runId, job: { namespace: 'dbt', name: 'shop.fct_orders' }, state: 'COMPLETE',
      startedAt: '2026-06-15T02:00:00Z', endedAt: '2026-06-15T02:00:30Z', parentRunId: null,
    });
  });

  it('accepts what real producers send with warnings: non-UUID run id, no schemaURL, facet without _schemaURL', async () => {
    const sloppy = {
      eventType: 'COMPLETE', eventTime: '2026-06-15T03:00:00Z', producer: 'https://example.com/airflow',
      run: { runId: 'a3f1-2026-06-15-01' }, job: { namespace: 'airflow', name: 'daily.load' },
      outputs: [{ namespace: 'clickhouse://ch:8123', name: 'analytics.events', facets: { schema: { _producer: 'https://example.com/airflow', fields: [{ name: 'id', type: 'UInt64' }] } } }],
    };
    const response = await post(server, '/api/v1/lineage', sloppy);
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.warnings, [
      "/schemaURL: missing required property 'schemaURL'",
      '/run/runId: must match format "uuid"',
      "/outputs/0/facets/schema/_schemaURL: missing required property '_schemaURL'",
    ]);
    const stored = (await listEvents(state, { runId: 'a3f1-2026-06-15-01' }))[0]!;
    assert.equal((stored.event as RunEvent).job.name, 'daily.load');
    assert.equal(stored.warnings.length, 3);
    // The same event asked to be checked strictly on this request is refused.
    const strict = await post(server, '/api/v1/lineage?mode=strict', { ...sloppy, eventTime: '2026-06-15T03:00:01Z' });
    assert.equal(strict.status, 400);
    assert.deepEqual(strict.body.error.details.problems!.map((p) => p.pointer), ['/schemaURL', '/run/runId', '/outputs/0/facets/schema/_schemaURL']);
  });

  it('stamps an event without eventTime with the time it arrived, and says so', async () => {
    const runId = '9b2e4c1a-3d5f-4a7b-8c9d-0e1f2a3b4c5d';
    const before = Date.now();
    const response = await post(server, '/api/v1/lineage', { ...event('RUNNING', 'x', { run: { runId } }), eventTime: undefined });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.warnings, ["/eventTime: missing required property 'eventTime'"]);
    const stored = (await listEvents(state, { runId }))[0]!.event;
    const time = Date.parse(stored.eventTime);
    assert.ok(time >= before - 1000 && time <= Date.now(), stored.eventTime);
    assert.equal((await getRun(state, runId))!.state, 'RUNNING');
  });

  it('stores a batch in one transaction: a bad event anywhere stores nothing', async () => {
    const before = await count(state, 'lineage_events');
    const ids = ['2a1b3c4d-0000-4000-8000-000000000001', '2a1b3c4d-0000-4000-8000-000000000002'];
    const bad = await post(server, '/api/v1/lineage/batch', [
      event('START', '2026-06-15T04:00:00Z', { run: { runId: ids[0] } }),
      event('FINISHED', '2026-06-15T04:00:01Z', { run: { runId: ids[1] } }),
    ]);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'lineage_unknown_event_type');
    assert.deepEqual(bad.body.error.details.problems, [{ pointer: '/1/eventType', message: 'unknown eventType "FINISHED"; expected one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER' }]);
    assert.equal(await count(state, 'lineage_events'), before);
    const good = await post(server, '/api/v1/lineage/batch', { events: ids.map((runId, i) => event('START', `2026-06-15T04:00:0${i}Z`, { run: { runId } })) });
    assert.equal(good.status, 201);
    assert.equal(good.body.stored, 2);
    assert.equal(await count(state, 'lineage_events'), before + 2);
  });

  it('rejects bad input with a clear 4xx and stores nothing', async () => {
    const before = await count(state, 'lineage_events');
    const malformed = await post(server, '/api/v1/lineage', '{"eventType": "START", ');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'lineage_malformed_json');
    assert.match(malformed.body.error.message, /^The request body is not valid JSON: /);

    const unknownType = await post(server, '/api/v1/lineage', event('DONE', '2026-06-15T05:00:00Z'));
    assert.equal(unknownType.status, 400);
    assert.equal(unknownType.body.error.code, 'lineage_unknown_event_type');
    assert.match(unknownType.body.error.message, /\/eventType unknown eventType "DONE"/);

    const noRunId = await post(server, '/api/v1/lineage', event('START', '2026-06-15T05:00:00Z', { run: { facets: {} } }));
    assert.equal(noRunId.status, 400);
    assert.equal(noRunId.body.error.code, 'lineage_missing_run_id');
    assert.deepEqual(noRunId.body.error.details.problems, [{ pointer: '/run/runId', message: "missing required property 'runId'" }]);

    const noRun = await post(server, '/api/v1/lineage', { ...event('START', '2026-06-15T05:00:00Z'), run: undefined });
    assert.equal(noRun.status, 400);
    assert.equal(noRun.body.error.code, 'lineage_missing_run_id');

    const wrongFacet = await post(server, '/api/v1/lineage', event('COMPLETE', '2026-06-15T05:00:00Z', {
      outputs: [{ namespace: 'postgres://db:5432', name: 'shop.analytics.fct_orders', outputFacets: { outputStatistics: { ...outputStatisticsFacet({}), rowCount: 'many' } } }],
    }));
    assert.equal(wrongFacet.status, 400);
    assert.equal(wrongFacet.body.error.code, 'lineage_invalid_event');
    assert.deepEqual(wrongFacet.body.error.details.problems, [{ pointer: '/outputs/0/outputFacets/outputStatistics/rowCount', message: 'must be integer' }]);

    const facetNotObject = await post(server, '/api/v1/lineage', event('COMPLETE', '2026-06-15T05:00:00Z', { run: { runId: RUN_ID, facets: { nominalTime: 'yesterday' } } }));
    assert.equal(facetNotObject.status, 400);
    assert.ok(facetNotObject.body.error.details.problems!.some((p) => p.pointer === '/run/facets/nominalTime' && p.message === 'must be object'));

    const notAnEvent = await post(server, '/api/v1/lineage', [1, 2]);
    assert.equal(notAnEvent.status, 400);
    assert.match(notAnEvent.body.error.message, /must be a JSON object, not an array/);

    const tooBig = await post(server, '/api/v1/lineage', event('START', '2026-06-15T05:00:00Z', { job: { namespace: 'x', name: 'y'.repeat(60_000) } }));
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error.code, 'payload_too_large');

    assert.equal(await count(state, 'lineage_events'), before);
  });

  it('lists stored events in order with a cursor', async () => {
    const all = await fetch(`${server.url}/api/v1/lineage/events?limit=1000`);
    const page = (await all.json()) as { events: { seq: number; event: RunEvent }[]; next: number | null };
    assert.equal(page.next, null);
    const total = await count(state, 'lineage_events');
    assert.equal(page.events.length, total);
    assert.deepEqual(page.events.map((e) => e.seq), Array.from({ length: total }, (_, i) => i + 1));
    const first = await fetch(`${server.url}/api/v1/lineage/events?limit=2`);
    const firstPage = (await first.json()) as { events: { seq: number }[]; next: number };
    assert.equal(firstPage.next, 2);
    const rest = (await (await fetch(`${server.url}/api/v1/lineage/events?limit=1000&after=2`)).json()) as { events: { seq: number }[] };
    assert.equal(rest.events[0]!.seq, 3);
    const bad = await fetch(`${server.url}/api/v1/lineage/events?limit=zero`);
    assert.equal(bad.status, 400);
  });
});

describe('lineage receiver (strict)', () => {
  let server: RunningServer;
  let state: OpenedStateStore;
  before(async () => ({ server, state } = await start('strict')));
  after(() => server.close());

  it('rejects any schema violation with the JSON pointer of each problem', async () => {
    const response = await post(server, '/api/v1/lineage', {
      eventType: 'START', eventTime: '2026-06-15T01:00:00Z', producer: 'https://example.com/x',
      run: { runId: 'a-001', facets: { parent: { run: { runId: RUN_ID }, job: { namespace: 'x', name: 'y' } } } },
      job: { namespace: 'x', name: 'z' },
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'lineage_invalid_event');
    assert.deepEqual(response.body.error.details.problems!.map((p) => p.pointer).sort(), [
      '/run/facets/parent/_producer', '/run/facets/parent/_schemaURL', '/run/runId', '/schemaURL',
    ]);
    assert.equal(await count(state, 'lineage_events'), 0);
  });

  it('accepts a spec-valid event produced by the Run helper', async () => {
    const events: RunEvent[] = [];
    const lineage = createLineage({ transport: { name: 'collect', emit: (e) => void events.push(e as RunEvent), flush: async () => {}, close: async () => {}, stats: () => ({ sent: 0, failed: 0, dropped: 0, pending: 0 }) }, validate: true });
    lineage.startRun({ job: { namespace: 'shop', name: 'model.a' } }).complete({ outputs: [{ namespace: 'duckdb://:memory:', name: 'memory.main.a', outputFacets: { outputStatistics: outputStatisticsFacet({ rowCount: 3 }) } }] });
    const response = await post(server, '/api/v1/lineage/batch', events);
    assert.equal(response.status, 201);
    assert.equal(response.body.stored, 2);
  });
});

describe('catalog transport', () => {
  it('stores what the Run helper emits into the state store, folding runs and datasets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-lineage-catalog-'));
    const state = await openStateStore({ type: 'sqlite', path: join(dir, 'state.db') });
    try {
      assert.deepEqual(await migrateLineage(state), ['lineage_0001_events', 'lineage_0002_catalog']);
      const transport = new CatalogTransport(state);
      const lineage = createLineage({ transport, validate: true });
      const build = lineage.startRun({ job: { namespace: 'shop', name: 'build' } });
      const model = lineage.startRun({
        job: { namespace: 'shop', name: 'model.fct_orders' }, parent: build,
        inputs: [{ namespace: 'duckdb:///w.duckdb', name: 'w.main.orders' }],
        outputs: [{ namespace: 'duckdb:///w.duckdb', name: 'w.main.fct_orders' }],
      });
      model.fail(new Error('Conversion Error'));
      build.complete();
      await transport.close();
      assert.deepEqual(transport.stats(), { sent: 4, failed: 0, dropped: 0, pending: 0 });
      const run = (await getRun(state, model.runId))!;
      assert.equal(run.state, 'FAIL');
      assert.equal(run.parentRunId, build.runId);
      assert.equal((await getRun(state, build.runId))!.state, 'COMPLETE');
      const io = await state.all<{ direction: string; name: string }>('SELECT direction, name FROM lineage_run_datasets WHERE run_id = ? ORDER BY direction', [model.runId]);
      assert.deepEqual(io.map((r) => ({ ...r })), [{ direction: 'input', name: 'w.main.orders' }, { direction: 'output', name: 'w.main.fct_orders' }]);
      const events = await listEvents(state);
      assert.equal(events.length, 4);
      const failEvent = events.find((e) => (e.event as RunEvent).eventType === 'FAIL')!.event as RunEvent;
      assert.equal(failEvent.run.facets!.errorMessage!.message, 'Conversion Error');
      assert.equal(failEvent.run.facets!.errorMessage!._schemaURL, facetSchemaURL('errorMessage'));
      assert.equal(failEvent.producer, STRATA_PRODUCER);
    } finally {
      await state.close();
    }
  });
});
