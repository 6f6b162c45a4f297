import {
  columnLineageFacet, dataQualityAssertionsFacet, documentationFacet, jobTypeFacet, ownershipFacet, schemaFacet,
  sourceCodeLocationFacet, sqlJobFacet, type LineageEvent, type Transport, type TransportStats,
} from '../../src/lineage/index.js';

/** Collects events in memory: a real Transport implementation used to inspect what a run emits. */
export class MemoryTransport implements Transport {
  readonly name = 'memory';
  readonly events: LineageEvent[] = [];
  emit(event: LineageEvent): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  stats(): TransportStats {
    return { sent: this.events.length, failed: 0, dropped: 0, pending: 0 };
  }
}

/** One of every dataset, job and input facet Strata produces (run facets come from the Run helper). */
export const allDatasetFacets = {
  schema: schemaFacet([{ name: 'order_id', type: 'BIGINT', ordinal_position: 1 }, { name: 'amount', type: 'DECIMAL(18,2)', description: 'in EUR' }]),
  columnLineage: columnLineageFacet(
    { amount: [{ namespace: 'duckdb:///p/w.duckdb', name: 'w.main.orders', field: 'amount_cents', transformations: [{ type: 'DIRECT', subtype: 'TRANSFORMATION' }] }] },
    [{ namespace: 'duckdb:///p/w.duckdb', name: 'w.main.orders', field: 'status', transformations: [{ type: 'INDIRECT', subtype: 'FILTER' }] }],
  ),
  documentation: documentationFacet('Orders, one row per order.', 'text/markdown'),
  ownership: ownershipFacet([{ name: 'team:finance', type: 'TEAM' }]),
};
export const allJobFacets = {
  sql: sqlJobFacet('select 1', 'duckdb'),
  sourceCodeLocation: sourceCodeLocationFacet({ type: 'git', url: 'https://github.com/acme/shop/blob/main/models/fct_orders.sql', path: 'models/fct_orders.sql' }),
  jobType: jobTypeFacet('MODEL'),
};
export const allInputFacets = { dataQualityAssertions: dataQualityAssertionsFacet([{ assertion: 'not_null', success: true, column: 'order_id' }]) };
