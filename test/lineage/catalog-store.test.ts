import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventKey, getRun, listEvents, migrateLineage, storeEvents, type RunEvent } from '../../src/lineage/index.js';
import { openStateStore, type OpenedStateStore } from '../../src/state/index.js';
import { skipUnless } from '../helpers/services.js';
import { dropSchema, postgresConfig, uniqueSchema } from '../state/fixtures/state-fixtures.js';

const skipPostgres = await skipUnless('postgres');
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

function runEvent(runId: string, eventType: RunEvent['eventType'], eventTime: string, outputs: string[] = []): RunEvent {
  return {
    eventType, eventTime, producer: 'https://example.com/p', schemaURL: SCHEMA_URL,
    run: { runId }, job: { namespace: 'shop', name: 'model.a' },
    inputs: [{ namespace: 'postgres://db:5432', name: 'shop.public.orders' }],
    outputs: outputs.map((name) => ({ namespace: 'postgres://db:5432', name })),
  };
}

function contract(label: string, open: () => Promise<OpenedStateStore>, skip: string | false = false) {
  describe(`lineage catalog storage on ${label}`, { skip }, () => {
    it('migrates, folds runs in any order, stores duplicates once, and rolls a failed batch back whole', async () => {
      const state = await open();
      try {
        assert.deepEqual(await migrateLineage(state), ['lineage_0001_events', 'lineage_0002_catalog']);
        assert.deepEqual(await migrateLineage(state), []);
        const runId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
        const events = [
          runEvent(runId, 'COMPLETE', '2026-06-15T01:00:09Z', ['shop.analytics.a']),
          runEvent(runId, 'RUNNING', '2026-06-15T01:00:05Z'),
          runEvent(runId, 'START', '2026-06-15T01:00:00Z'),
        ];
        const first = await state.transaction((tx) => storeEvents(tx, events));
        assert.deepEqual(first, { stored: 3, duplicates: 0 });
        const again = await state.transaction((tx) => storeEvents(tx, [events[2]!, events[0]!]));
        assert.deepEqual(again, { stored: 0, duplicates: 2 });
        assert.deepEqual(await getRun(state, runId), {
          runId, job: { namespace: 'shop', name: 'model.a' }, state: 'COMPLETE',
          startedAt: '2026-06-15T01:00:00Z', endedAt: '2026-06-15T01:00:09Z', parentRunId: null,
        });
        assert.deepEqual((await listEvents(state)).map((e) => [e.seq, (e.event as RunEvent).eventType]), [[1, 'COMPLETE'], [2, 'RUNNING'], [3, 'START']]);

        const other = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
        await assert.rejects(
          state.transaction(async (tx) => {
            await storeEvents(tx, [runEvent(other, 'START', '2026-06-15T02:00:00Z', ['shop.analytics.b'])]);
            throw new Error('the rest of the request failed');
          }),
          /the rest of the request failed/,
        );
        assert.equal(await getRun(state, other), undefined);
        assert.equal((await listEvents(state)).length, 3);
        const datasets = await state.all<{ name: string }>('SELECT name FROM lineage_datasets ORDER BY name');
        assert.deepEqual(datasets.map((d) => d.name), ['shop.analytics.a', 'shop.public.orders']);
        assert.equal(eventKey(events[0]!), `run:${runId}:COMPLETE:2026-06-15T01:00:09Z`);
      } finally {
        await state.close();
      }
    });
  });
}

contract('sqlite', () => openStateStore({ type: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'strata-lineage-store-')), 'state.db') }));

const schema = uniqueSchema('lineage');
contract('postgres', () => openStateStore(postgresConfig(schema)), skipPostgres);
after(() => (skipPostgres ? undefined : dropSchema(schema)));
