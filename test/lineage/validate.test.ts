import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {
  createLineage, DATASET_EVENT_SCHEMA_URL, EVENT_TYPES, FACET_SCHEMAS, facetSchemaURL, JOB_EVENT_SCHEMA_URL,
  lineageValidator, STRATA_PRODUCER, type BaseFacet, type LineageEvent, type RunEvent,
} from '../../src/lineage/index.js';
import { allDatasetFacets, allInputFacets, allJobFacets, MemoryTransport } from './helpers.js';

const SPEC_DIR = '/work/shared/specs/openlineage';
const SHIPPED_DIR = new URL('../../src/lineage/schemas/', import.meta.url).pathname;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => Ajv2020;

/** An independent validator built straight from the official spec folder, not from Strata's copies. */
function officialAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(join(SPEC_DIR, 'OpenLineage.json'), 'utf8')));
  for (const file of readdirSync(join(SPEC_DIR, 'facets'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(SPEC_DIR, 'facets', file), 'utf8')));
  }
  return ajv;
}

/** Every event shape and every facet Strata produces. */
function producedEvents(): LineageEvent[] {
  const transport = new MemoryTransport();
  const lineage = createLineage({ transport, validate: false });
  const namespace = 'duckdb:///p/w.duckdb';
  const parent = lineage.startRun({ job: { namespace: 'shop', name: 'build' } });
  const run = lineage.startRun({
    job: { namespace: 'shop', name: 'model.fct_orders' },
    parent,
    nominalTime: { start: '2026-06-15T00:00:00Z', end: '2026-06-16T00:00:00Z' },
    facets: { job: allJobFacets },
    inputs: [{ namespace, name: 'w.main.orders', facets: { schema: allDatasetFacets.schema }, inputFacets: allInputFacets }],
    outputs: [{ namespace, name: 'w.main.fct_orders', facets: allDatasetFacets }],
  });
  // Every eventType the spec defines, through the same helper.
  const others = lineage.startRun({ job: { namespace: 'shop', name: 'rollup.daily' }, parent: run });
  others.emit('RUNNING', {});
  others.emit('OTHER', {});
  others.abort();
  run.complete({ outputs: [{ namespace, name: 'w.main.fct_orders', facets: allDatasetFacets, outputFacets: { outputStatistics: { ...allOutputStatistics() } } }] });
  parent.fail(new Error('boom'));
  const base = { eventTime: '2026-06-15T01:00:00.000Z', producer: STRATA_PRODUCER };
  return [
    ...transport.events,
    { ...base, schemaURL: DATASET_EVENT_SCHEMA_URL, dataset: { namespace, name: 'w.main.orders', facets: allDatasetFacets } },
    { ...base, schemaURL: JOB_EVENT_SCHEMA_URL, job: { namespace: 'shop', name: 'model.fct_orders', facets: allJobFacets }, inputs: [{ namespace, name: 'w.main.orders' }], outputs: [{ namespace, name: 'w.main.fct_orders' }] },
  ];
}

function allOutputStatistics(): BaseFacet {
  return { _producer: STRATA_PRODUCER, _schemaURL: facetSchemaURL('outputStatistics'), rowCount: 1234, size: 65536 };
}

/** [facet key, facet] for every facet in an event. */
function facetsOf(event: LineageEvent): [string, BaseFacet][] {
  const out: [string, BaseFacet][] = [];
  const add = (m?: Record<string, BaseFacet>) => m && out.push(...Object.entries(m));
  const e = event as RunEvent & { dataset?: { facets?: Record<string, BaseFacet> } };
  add(e.run?.facets);
  add(e.job?.facets);
  add(e.dataset?.facets);
  for (const d of e.inputs ?? []) { add(d.facets); add(d.inputFacets); }
  for (const d of e.outputs ?? []) { add(d.facets); add(d.outputFacets); }
  return out;
}

describe('OpenLineage schema conformance', { skip: existsSync(SPEC_DIR) ? false : `LOUD SKIP: ${SPEC_DIR} is missing` }, () => {
  it('ships byte-identical copies of the official schemas it uses', () => {
    for (const file of readdirSync(SHIPPED_DIR).filter((f) => f.endsWith('.json'))) {
      const official = file === 'OpenLineage.json' ? join(SPEC_DIR, file) : join(SPEC_DIR, 'facets', file);
      assert.equal(readFileSync(join(SHIPPED_DIR, file), 'utf8'), readFileSync(official, 'utf8'), file);
    }
  });

  it('every event type and every facet Strata produces validates against the official schemas', () => {
    const ajv = officialAjv();
    const core = ajv.getSchema('https://openlineage.io/spec/2-0-2/OpenLineage.json')!;
    const events = producedEvents();
    const runTypes = new Set(events.filter((e) => 'run' in e).map((e) => (e as RunEvent).eventType));
    assert.deepEqual([...runTypes].sort(), [...EVENT_TYPES].sort());
    assert.equal(events.filter((e) => 'dataset' in e).length, 1);
    assert.equal(events.filter((e) => !('run' in e) && !('dataset' in e)).length, 1);
    const seenFacets = new Set<string>();
    for (const event of events) {
      assert.equal(core(event), true, `${JSON.stringify(core.errors)} in ${JSON.stringify(event)}`);
      assert.deepEqual(lineageValidator().validate(event), { valid: true, problems: [] });
      for (const [key, facet] of facetsOf(event)) {
        seenFacets.add(key);
        // The facet's _schemaURL must resolve to a definition in the official schema of that facet.
        const check = ajv.getSchema(facet._schemaURL);
        assert.ok(check, `no official schema at ${facet._schemaURL}`);
        assert.equal(check(facet), true, `${key}: ${JSON.stringify(check.errors)}`);
        assert.equal(facet._producer, STRATA_PRODUCER);
      }
    }
    assert.deepEqual([...seenFacets].sort(), Object.keys(FACET_SCHEMAS).sort());
  });

  it('reports schema problems by JSON pointer, facets checked against their own schema', () => {
    const result = lineageValidator().validate({
      eventTime: 'yesterday',
      producer: STRATA_PRODUCER,
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      eventType: 'COMPLETE',
      run: { runId: 'a-001' },
      job: { namespace: 'shop', name: 'x' },
      outputs: [{ namespace: 'n', name: 'd', outputFacets: { outputStatistics: { _producer: STRATA_PRODUCER, _schemaURL: facetSchemaURL('outputStatistics'), rowCount: 'many' } } }],
    });
    assert.equal(result.valid, false);
    assert.deepEqual(result.problems.map((p) => [p.pointer, p.keyword]).sort(), [
      ['/eventTime', 'format'],
      ['/outputs/0/outputFacets/outputStatistics/rowCount', 'type'],
      ['/run/runId', 'format'],
    ]);
  });
});
