import type { Engine, RelationName } from '../engines/types.js';
import type { DemoDataset, DemoTable, LoadProgress, LoadSummary } from './types.js';

/** Progress is reported every this many rows per table (and once at the end of each table). */
const PROGRESS_EVERY = 50_000;
const STAGING_SUFFIX = '__strata_loading';

export interface LoadDemoOptions {
  /** Schema the tables land in, created when missing. Default 'raw'. */
  schema?: string;
  onProgress?: (progress: LoadProgress) => void;
}

/**
 * Load every demo table into `engine`, replacing any earlier copy, so reruns never duplicate rows.
 *
 * On engines with transactions each table is bulk-loaded under a staging name and then swapped in
 * (drop old, rename staging) inside one transaction: readers see the old table or the new one,
 * and a crash mid-load leaves at most a stray staging table, which the next run drops. Engines
 * without transactions (ClickHouse) get the table dropped and reloaded in place.
 */
export async function loadDemoData(engine: Engine, dataset: DemoDataset, options: LoadDemoOptions = {}): Promise<LoadSummary> {
  const schema = options.schema ?? 'raw';
  const { dialect } = engine;
  const started = performance.now();
  await engine.execute(`CREATE SCHEMA IF NOT EXISTS ${dialect.quoteIdentifier(schema)}`);

  const tables: LoadSummary['tables'] = [];
  for (const table of dataset.tables) {
    const tableStarted = performance.now();
    const target: RelationName = { schema, name: table.name };
    const rows = withProgress(table, options.onProgress);
    let rowsLoaded: number;
    if (dialect.supportsTransactions) {
      const staging: RelationName = { schema, name: table.name + STAGING_SUFFIX };
      await engine.execute(`DROP TABLE IF EXISTS ${dialect.qualify(staging)}`);
      try {
        ({ rowsLoaded } = await engine.bulkLoad(staging, table.columns, rows, { create: true, truncate: true }));
        checkRowCount(table, rowsLoaded);
        await engine.transaction(async (tx) => {
          await tx.execute(`DROP TABLE IF EXISTS ${dialect.qualify(target)}`);
          await tx.execute(`ALTER TABLE ${dialect.qualify(staging)} RENAME TO ${dialect.quoteIdentifier(table.name)}`);
        });
      } catch (error) {
        await engine.execute(`DROP TABLE IF EXISTS ${dialect.qualify(staging)}`).catch(() => undefined);
        throw error;
      }
    } else {
      await engine.execute(`DROP TABLE IF EXISTS ${dialect.qualify(target)}`);
      ({ rowsLoaded } = await engine.bulkLoad(target, table.columns, rows, { create: true, truncate: true }));
      checkRowCount(table, rowsLoaded);
    }
    tables.push({ name: table.name, rows: rowsLoaded, ms: performance.now() - tableStarted });
  }
  return { tables, totalRows: tables.reduce((sum, t) => sum + t.rows, 0), ms: performance.now() - started };
}

function* withProgress(table: DemoTable, onProgress: LoadDemoOptions['onProgress']): Generator<readonly unknown[]> {
  if (!onProgress) {
    yield* table.rows();
    return;
  }
  let rowsLoaded = 0;
  let nextReport = PROGRESS_EVERY;
  for (const row of table.rows()) {
    yield row;
    if (++rowsLoaded === nextReport) {
      onProgress({ table: table.name, rowsLoaded, totalRows: table.rowCount });
      nextReport += PROGRESS_EVERY;
    }
  }
  onProgress({ table: table.name, rowsLoaded, totalRows: table.rowCount });
}

function checkRowCount(table: DemoTable, rowsLoaded: number): void {
  if (rowsLoaded !== table.rowCount) {
    throw new Error(`demo table ${table.name}: loaded ${rowsLoaded} rows, generated ${table.rowCount}`);
  }
}
