import { StrataError } from '../core/errors.js';
import type { Migration } from './types.js';

/**
 * Strata's core schema. Append only: a released migration is never edited or renumbered,
 * because databases in the field record its id as applied. A capability keeps its own list
 * with namespaced ids ("lineage_0001_events") and passes it to `StateStore.migrate`.
 */
export const coreMigrations: readonly Migration[] = [
  {
    id: '0001_runs',
    description: 'run history',
    sql: `
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        command TEXT NOT NULL,
        target TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'success', 'error')),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        message TEXT
      );
      CREATE INDEX runs_started_at ON runs (started_at);
    `,
  },
  {
    id: '0002_kv',
    description: 'small settings and cursors, by namespace',
    sql: `
      CREATE TABLE kv (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
      );
    `,
  },
];

/**
 * Bookkeeping: one row per applied migration, written in the same transaction as the
 * migration itself. `applied_order` keeps the order migrations were applied in, which differs
 * from id order when a capability's migrations run after later core ones.
 */
export const migrationsTableSql = `
  CREATE TABLE IF NOT EXISTS strata_migrations (
    id TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    applied_order INTEGER NOT NULL
  )`;

export const recordMigrationSql = `
  INSERT INTO strata_migrations (id, description, applied_at, applied_order)
  VALUES (?, ?, ?, (SELECT COALESCE(MAX(applied_order), 0) + 1 FROM strata_migrations))`;

// "0001_runs" (core) or "<namespace>_0001_<name>"; the lazy namespace stops at the first
// four-digit sequence number.
const migrationId = /^(?:([a-z][a-z0-9_]*?)_)?(\d{4})_([a-z0-9_]+)$/;

/** The namespace a migration id belongs to; '' for Strata's core migrations. */
export function migrationNamespace(id: string): string {
  const match = migrationId.exec(id);
  if (!match) {
    throw new Error(
      `Migration id '${id}' is malformed: expected '0001_name' for core migrations or 'namespace_0001_name' for a capability's.`,
    );
  }
  return match[1] ?? '';
}

/** The SQL text of a migration for one kind of store. */
export function migrationSql(migration: Migration, kind: 'sqlite' | 'postgres'): string {
  return typeof migration.sql === 'string' ? migration.sql : migration.sql[kind];
}

/** Checks a migration list is well formed (a programming error otherwise) and sorts it by id. */
export function sortMigrations(migrations: readonly Migration[]): Migration[] {
  const seen = new Set<string>();
  for (const migration of migrations) {
    migrationNamespace(migration.id);
    if (seen.has(migration.id)) throw new Error(`Migration id '${migration.id}' appears twice.`);
    seen.add(migration.id);
  }
  return [...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The migrations still to apply, in id order. Throws `state_schema_newer` when the database
 * records a migration in one of this list's namespaces that the list does not contain: a newer
 * Strata wrote it, and this version would misread the tables that migration changed.
 */
export function pendingMigrations(
  known: readonly Migration[],
  appliedIds: readonly string[],
  location: string,
): Migration[] {
  const sorted = sortMigrations(known);
  const knownIds = new Set(sorted.map((m) => m.id));
  const namespaces = new Set(sorted.map((m) => migrationNamespace(m.id)));
  const unknown = appliedIds.filter((id) => {
    if (knownIds.has(id)) return false;
    const match = migrationId.exec(id);
    // An id this version cannot even parse was written by something newer too.
    return !match || namespaces.has(match[1] ?? '');
  });
  if (unknown.length > 0) {
    const list = unknown.map((id) => `'${id}'`).join(', ');
    throw new StrataError(
      'state_schema_newer',
      `The state database at ${location} was written by a newer version of Strata: it has ` +
        `migration${unknown.length > 1 ? 's' : ''} ${list} applied, which this version does not know, ` +
        'so it cannot safely read or write it.',
      {
        hint: 'Upgrade Strata to the version that wrote this database, or point the state store at another database.',
        details: { location, unknownMigrations: unknown },
      },
    );
  }
  const applied = new Set(appliedIds);
  return sorted.filter((m) => !applied.has(m.id));
}
