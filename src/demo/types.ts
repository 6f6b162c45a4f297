import type { BulkLoadColumn } from '../engines/types.js';

export interface DemoOptions {
  /** Any integer; the same seed and scale give byte-identical data everywhere. Default 42. */
  seed?: number;
  /** 1 is about 2,000 accounts and 1,000,000 product events; fractions allowed. Default 1. */
  scale?: number;
  /** First day of the anchor period, 'YYYY-MM-DD' (UTC). Default '2025-01-01'. */
  start?: string;
  /** Last day of the anchor period, included. Default '2026-06-30'. */
  end?: string;
}

/**
 * One generated table. `rows()` starts a fresh, deterministic pass each time it is called and
 * yields values already in the canonical JS form every engine returns (see engines/types.ts
 * `Value`): timestamps as 'YYYY-MM-DD HH:MM:SS[.fff]' text, decimals as plain-notation strings
 * with the column's scale, json as text, NULL as null. `rowCount` is exact.
 */
export interface DemoTable {
  readonly name: string;
  readonly columns: readonly BulkLoadColumn[];
  readonly rowCount: number;
  rows(): Iterable<readonly unknown[]>;
}

/** One version of a support document (one row of support_documents). */
export interface DemoDocument {
  docId: string;
  /** null for public documentation; a tenant id for documents only that tenant may read. */
  tenantId: string | null;
  version: number;
  title: string;
  /** Markdown. */
  body: string;
  updatedAt: string;
  /** Set on the latest version of a deleted document only; earlier versions end at the next version. */
  deletedAt: string | null;
  isLatest: boolean;
  category: string;
}

export interface DemoDataset {
  readonly options: Required<DemoOptions>;
  readonly tables: readonly DemoTable[];
  readonly documents: readonly DemoDocument[];
}

export interface LoadProgress {
  table: string;
  rowsLoaded: number;
  totalRows: number;
}

export interface LoadSummary {
  tables: { name: string; rows: number; ms: number }[];
  totalRows: number;
  ms: number;
}
