import type { Engine, RelationName, SqlRunner } from '../engines/index.js';
import type { CompiledModel } from './compile.js';

export type RelationKind = 'table' | 'view';

export const TEMP_SUFFIX = '__strata_tmp';

/** What kind of relation `relation` is in the current database, if it exists. */
export async function relationKind(runner: SqlRunner, relation: RelationName): Promise<RelationKind | undefined> {
  const { rows } = await runner.query<{ table_type: string }>(
    'SELECT table_type FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2',
    [relation.schema, relation.name],
  );
  const type = rows[0]?.table_type;
  if (type === undefined) return undefined;
  return /view/i.test(type) ? 'view' : 'table';
}

function dropStatement(engine: Engine, kind: RelationKind, relation: RelationName): string {
  // Postgres refuses to drop a relation other views read; dbt drops with CASCADE, and those
  // views are rebuilt when they are selected (they are downstream, so they come later).
  const cascade = engine.kind === 'postgres' ? ' CASCADE' : '';
  return `DROP ${kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${engine.dialect.qualify(relation)}${cascade}`;
}

async function dropIfExists(engine: Engine, runner: SqlRunner, relation: RelationName): Promise<void> {
  const kind = await relationKind(runner, relation);
  if (kind) await runner.execute(dropStatement(engine, kind, relation));
}

/**
 * Builds a view or table atomically: the new relation is created under a temporary name, so a
 * query that fails leaves the previous relation untouched; then, in one transaction, the old
 * relation is dropped and the new one renamed into place.
 */
export async function materialize(engine: Engine, model: CompiledModel): Promise<void> {
  const relation = model.relation;
  const kind = model.node.config.materialized;
  if (!relation || kind === 'ephemeral') return;
  const { dialect } = engine;
  const temp: RelationName = { ...relation, name: `${relation.name}${TEMP_SUFFIX}` };
  await engine.execute(`CREATE SCHEMA IF NOT EXISTS ${dialect.quoteIdentifier(relation.schema!)}`);
  await dropIfExists(engine, engine, temp);
  const create = kind === 'view' ? 'CREATE VIEW' : 'CREATE TABLE';
  try {
    await engine.execute(`${create} ${dialect.qualify(temp)} AS\n${model.sql}`);
  } catch (error) {
    await dropIfExists(engine, engine, temp).catch(() => undefined);
    throw error;
  }
  const swap = async (tx: SqlRunner) => {
    const existing = await relationKind(tx, relation);
    if (existing) await tx.execute(dropStatement(engine, existing, relation));
    await tx.execute(`ALTER ${kind === 'view' ? 'VIEW' : 'TABLE'} ${dialect.qualify(temp)} RENAME TO ${dialect.quoteIdentifier(relation.name)}`);
  };
  if (dialect.supportsTransactions) await engine.transaction(swap);
  else await swap(engine);
}
