import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Project } from '../core/index.js';
import { modelRelation } from './compile.js';
import type { TransformGraph } from './graph.js';
import type { RunSummary } from './runner.js';
import { isMacroNode } from './types.js';

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';
export const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

/** The database name dbt would report: Postgres' dbname, DuckDB's file stem. */
function databaseName(project: Project): string {
  const config = project.target.config;
  if (config.type === 'postgres') return config.dbname ?? config.database ?? 'postgres';
  if (config.type === 'clickhouse') return '';
  const path = config.path ?? 'warehouse.duckdb';
  return path === ':memory:' ? 'memory' : (path.split(/[\\/]/).pop() ?? path).replace(/\.[^.]*$/, '');
}

/** target/manifest.json in dbt's v12 shape, with the fields dbt's consumers read. */
export function buildManifest(project: Project, graph: TransformGraph, compiled: ReadonlyMap<string, string> = new Map()): Record<string, unknown> {
  const database = databaseName(project);
  const nodes: Record<string, unknown> = {};
  for (const id of graph.order) {
    const node = graph.models.get(id)!;
    const relation = modelRelation(project, node);
    nodes[id] = {
      name: node.name,
      resource_type: 'model',
      package_name: node.packageName,
      path: node.path,
      original_file_path: node.originalFilePath,
      unique_id: id,
      fqn: node.fqn,
      alias: relation.name,
      schema: relation.schema,
      database,
      raw_code: node.rawCode,
      ...(compiled.has(id) ? { compiled: true, compiled_code: compiled.get(id) } : { compiled: false }),
      language: 'sql',
      depends_on: { nodes: node.dependsOn, macros: node.macros },
      refs: node.references.filter((r) => r.kind === 'ref').map((r) => ({ name: r.args[r.args.length - 1], package: r.args.length === 2 ? r.args[0] : null, version: null })),
      sources: node.references.filter((r) => r.kind === 'source').map((r) => r.args),
      config: node.config,
      columns: Object.fromEntries(node.columns.map((c) => [c.name, { name: c.name, description: c.description, data_type: c.data_type ?? null, meta: {}, tags: [], constraints: [] }])),
      checksum: { name: 'sha256', checksum: node.checksum },
      tags: node.config.tags,
      description: node.description,
    };
  }
  const sources: Record<string, unknown> = {};
  for (const source of graph.sources.values()) {
    sources[source.uniqueId] = {
      name: source.name,
      source_name: source.sourceName,
      resource_type: 'source',
      package_name: source.packageName,
      original_file_path: source.originalFilePath,
      unique_id: source.uniqueId,
      fqn: [source.packageName, source.sourceName, source.name],
      identifier: source.identifier,
      schema: source.schema,
      database: source.database ?? database,
      description: source.description,
      columns: Object.fromEntries(source.columns.map((c) => [c.name, { name: c.name, description: c.description, data_type: c.data_type ?? null }])),
    };
  }
  const macros: Record<string, unknown> = {};
  for (const node of project.nodes.values()) {
    if (isMacroNode(node)) {
      macros[node.uniqueId] = { name: node.name, resource_type: 'macro', package_name: node.packageName, original_file_path: node.originalFilePath, unique_id: node.uniqueId };
    }
  }
  const ids = [...graph.sources.keys(), ...graph.order];
  return {
    metadata: {
      dbt_schema_version: MANIFEST_SCHEMA,
      dbt_version: 'strata',
      generated_at: new Date().toISOString(),
      project_name: project.name,
      adapter_type: project.target.config.type,
    },
    nodes,
    sources,
    macros,
    exposures: {},
    metrics: {},
    parent_map: Object.fromEntries(ids.map((id) => [id, [...(graph.parents.get(id) ?? [])]])),
    child_map: Object.fromEntries(ids.map((id) => [id, [...(graph.children.get(id) ?? [])]])),
  };
}

/** target/run_results.json in dbt's v6 shape. */
export function buildRunResults(summary: RunSummary, args: Record<string, unknown>): Record<string, unknown> {
  return {
    metadata: { dbt_schema_version: RUN_RESULTS_SCHEMA, dbt_version: 'strata', generated_at: new Date().toISOString() },
    results: summary.results.map((result) => ({
      unique_id: result.uniqueId,
      status: result.status,
      timing: result.status === 'skipped' ? [] : [{ name: 'execute', started_at: result.startedAt, completed_at: result.completedAt }],
      thread_id: 'Thread-1',
      execution_time: result.executionTime,
      message: result.message,
      failures: null,
      adapter_response: {},
      relation_name: result.relation ?? null,
    })),
    elapsed_time: summary.elapsedTime,
    args,
  };
}

export function writeArtifact(project: Project, name: string, value: unknown): string {
  const path = join(project.paths.targetDir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** target/compiled/<project>/<original file path>, as dbt writes it. */
export function writeCompiledSql(project: Project, originalFilePath: string, sql: string): string {
  const path = join(project.paths.targetDir, 'compiled', project.name, originalFilePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${sql}\n`);
  return path;
}
