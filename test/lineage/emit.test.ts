import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import {
  CompositeTransport, ConsoleTransport, createLineage, datasetName,
  datasetNamespace, datasetRef, FileTransport, lineageConfigFromEnv, NoopTransport,
  outputStatisticsFacet, sqlJobFacet, transportFromEnv,
  type RunEvent,
} from '../../src/lineage/index.js';
import { MemoryTransport } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('dataset naming', () => {
  it('follows the OpenLineage conventions for DuckDB, Postgres and ClickHouse', () => {
    assert.equal(datasetNamespace({ engine: 'duckdb', path: '/data/shop.duckdb', database: 'shop', schema: 'main', table: 'orders' }), 'duckdb:///data/shop.duckdb');
    assert.equal(datasetName({ engine: 'duckdb', path: '/data/shop.duckdb', database: 'shop', schema: 'main', table: 'orders' }), 'shop.main.orders');
    assert.deepEqual(datasetRef({ engine: 'postgres', host: 'db', database: 'shop', schema: 'public', table: 'users' }), { namespace: 'postgres://db:5432', name: 'shop.public.users' });
    assert.deepEqual(datasetRef({ engine: 'clickhouse', host: 'ch', port: 9000, database: 'analytics', table: 'events' }), { namespace: 'clickhouse://ch:9000', name: 'analytics.events' });
  });
});

describe('Run helper', () => {
  const orders = datasetRef({ engine: 'duckdb', path: '/p/warehouse.duckdb', database: 'warehouse', schema: 'main', table: 'orders' });

  it('emits START then COMPLETE with one UUID run id, the job, datasets and facets', () => {
    const transport = new MemoryTransport();
    const times = ['2026-06-15T01:00:00.000Z', '2026-06-15T01:00:05.000Z'];
    const lineage = createLineage({ transport, validate: true, clock: () => new Date(times.shift()!) });
    const run = lineage.startRun({
      job: { namespace: 'shop', name: 'model.fct_orders' },
      inputs: [orders],
      outputs: [{ namespace: orders.namespace, name: 'warehouse.main.fct_orders' }],
      facets: { job: { sql: sqlJobFacet('select * from orders', 'duckdb') } },
      nominalTime: { start: new Date('2026-06-15T00:00:00Z'), end: '2026-06-16T00:00:00Z' },
    });
    run.complete({ outputs: [{ namespace: orders.namespace, name: 'warehouse.main.fct_orders', outputFacets: { outputStatistics: outputStatisticsFacet({ rowCount: 42 }) } }] });
    const [start, complete] = transport.events as RunEvent[];
    assert.equal(transport.events.length, 2);
    assert.equal(start!.eventType, 'START');
    assert.equal(complete!.eventType, 'COMPLETE');
    assert.match(start!.run.runId, UUID);
    assert.equal(complete!.run.runId, start!.run.runId);
    assert.equal(start!.eventTime, '2026-06-15T01:00:00.000Z');
    assert.equal(complete!.eventTime, '2026-06-15T01:00:05.000Z');
    assert.equal(start!.schemaURL, 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent');
    assert.deepEqual(start!.job.facets!.sql, {
      _producer: lineage.producer,
      _schemaURL: 'https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet',
      query: 'select * from orders',
      dialect: 'duckdb',
    });
    assert.deepEqual(start!.run.facets!.nominalTime, {
      _producer: lineage.producer,
      _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet',
      nominalStartTime: '2026-06-15T00:00:00.000Z',
      nominalEndTime: '2026-06-16T00:00:00Z',
    });
    assert.deepEqual(start!.inputs, [orders]);
    assert.equal(complete!.outputs![0]!.outputFacets!.outputStatistics!.rowCount, 42);
  });

  it('emits FAIL with the errorMessage facet, and names the parent (and root) in nested runs', async () => {
    const transport = new MemoryTransport();
    const lineage = createLineage({ transport, validate: true });
    const build = lineage.startRun({ job: { namespace: 'shop', name: 'build' } });
    const model = lineage.startRun({ job: { namespace: 'shop', name: 'model.a' }, parent: build });
    const test = lineage.startRun({ job: { namespace: 'shop', name: 'test.a_not_null' }, parent: model });
    await assert.rejects(
      lineage.withRun({ job: { namespace: 'shop', name: 'model.b' }, parent: build }, async () => {
        throw new Error('Binder Error: column "x" not found');
      }),
      /column "x" not found/,
    );
    test.complete();
    model.complete();
    build.fail(new Error('1 of 2 models failed'));
    const events = transport.events as RunEvent[];
    assert.deepEqual(events.map((e) => `${e.job.name}:${e.eventType}`), [
      'build:START', 'model.a:START', 'test.a_not_null:START', 'model.b:START', 'model.b:FAIL',
      'test.a_not_null:COMPLETE', 'model.a:COMPLETE', 'build:FAIL',
    ]);
    const parentOfModel = events[1]!.run.facets!.parent as Record<string, unknown>;
    assert.deepEqual(parentOfModel.run, { runId: build.runId });
    assert.deepEqual(parentOfModel.job, { namespace: 'shop', name: 'build' });
    assert.equal(parentOfModel.root, undefined);
    assert.equal(parentOfModel._schemaURL, 'https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet');
    const parentOfTest = events[2]!.run.facets!.parent as Record<string, unknown>;
    assert.deepEqual(parentOfTest.run, { runId: model.runId });
    assert.deepEqual(parentOfTest.root, { run: { runId: build.runId }, job: { namespace: 'shop', name: 'build' } });
    const failed = events[4]!;
    const error = failed.run.facets!.errorMessage as Record<string, unknown>;
    assert.equal(error.message, 'Binder Error: column "x" not found');
    assert.equal(error.programmingLanguage, 'TypeScript');
    assert.match(String(error.stackTrace), /emit\.test\.ts/);
    assert.equal(failed.run.facets!.parent !== undefined, true);
    assert.equal((events[7]!.run.facets!.errorMessage as Record<string, unknown>).message, '1 of 2 models failed');
  });

  it('refuses a second terminal event for the same run', () => {
    const lineage = createLineage({ transport: new MemoryTransport() });
    const run = lineage.startRun({ job: { namespace: 'shop', name: 'x' } });
    run.complete();
    assert.throws(() => run.fail(new Error('late')), { code: 'lineage_run_finished' });
  });

  it('rejects, in validate mode, an event that the official schema refuses', () => {
    const lineage = createLineage({ transport: new MemoryTransport(), validate: true });
    assert.throws(() => lineage.startRun({ job: { namespace: 'shop', name: 'x' }, runId: 'a3f1-2026-06-15-01' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'lineage_invalid_event');
      assert.match(error.message, /\/run\/runId must match format "uuid"/);
      return true;
    });
  });
});

describe('console, file and composite transports', () => {
  it('write one JSON line per event; the composite fans out to each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-lineage-'));
    const path = join(dir, 'nested', 'lineage.ndjson');
    const stream = new PassThrough();
    let consoleText = '';
    stream.on('data', (chunk: Buffer) => (consoleText += chunk.toString()));
    const file = new FileTransport(path);
    const composite = new CompositeTransport([new ConsoleTransport(stream), file, new FileTransport(join(dir, 'second.ndjson'))]);
    const lineage = createLineage({ transport: composite, validate: true });
    const run = lineage.startRun({ job: { namespace: 'shop', name: 'seed.plans' } });
    run.complete();
    await lineage.flush();
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.deepEqual(lines.slice(0, 2).map((l) => (JSON.parse(l) as RunEvent).eventType), ['START', 'COMPLETE']);
    assert.deepEqual(consoleText.trim().split('\n').map((l) => (JSON.parse(l) as RunEvent).run.runId), [run.runId, run.runId]);
    assert.equal(readFileSync(join(dir, 'second.ndjson'), 'utf8').trim().split('\n').length, 2);
    assert.deepEqual(composite.stats(), { sent: 6, failed: 0, dropped: 0, pending: 0 });
  });

  it('a file transport that cannot write counts the failure and does not throw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-lineage-'));
    const logged: string[] = [];
    // A path under a regular file cannot be created.
    const blocker = join(dir, 'file');
    new FileTransport(blocker).emit({ eventTime: 'x', producer: 'p', schemaURL: 's', job: { namespace: 'n', name: 'j' } });
    const broken = new FileTransport(join(blocker, 'sub', 'x.ndjson'), (m) => logged.push(m));
    const lineage = createLineage({ transport: broken });
    lineage.startRun({ job: { namespace: 'shop', name: 'x' } }).complete();
    assert.deepEqual(broken.stats(), { sent: 0, failed: 2, dropped: 0, pending: 0 });
    assert.equal(logged.length, 2);
    assert.match(logged[0]!, /cannot append to .*x\.ndjson/);
  });
});

describe('configuration from OPENLINEAGE_* variables', () => {
  it('reads url, endpoint, api key and disabled', () => {
    assert.deepEqual(lineageConfigFromEnv({ OPENLINEAGE_URL: 'http://marquez:5000', OPENLINEAGE_ENDPOINT: 'api/v2/x', OPENLINEAGE_API_KEY: 'k' }), {
      disabled: false, url: 'http://marquez:5000', endpoint: 'api/v2/x', apiKey: 'k',
    });
    assert.equal(lineageConfigFromEnv({ OPENLINEAGE_DISABLED: 'true', OPENLINEAGE_URL: 'http://x' }).disabled, true);
    assert.ok(transportFromEnv({ env: { OPENLINEAGE_DISABLED: '1', OPENLINEAGE_URL: 'http://x' } }) instanceof NoopTransport);
    assert.equal(transportFromEnv({ env: { OPENLINEAGE_URL: 'http://127.0.0.1:1/' } }).name, 'http http://127.0.0.1:1/api/v1/lineage');
  });
});
