import { StrataError, type Project } from '../core/index.js';
import type { Engine } from '../engines/index.js';
import { Compiler, modelRelation, type CompiledModel } from './compile.js';
import type { TransformGraph } from './graph.js';
import { materialize } from './materialize.js';

export type ResultStatus = 'success' | 'error' | 'skipped';

export interface NodeResult {
  readonly uniqueId: string;
  readonly name: string;
  readonly status: ResultStatus;
  readonly materialized: string;
  /** schema.name, or undefined for ephemeral models. */
  readonly relation?: string;
  readonly startedAt: string;
  readonly completedAt: string;
  readonly executionTime: number;
  readonly message: string | null;
  /** The model's file, for errors. */
  readonly file: string;
}

export interface RunSummary {
  readonly results: readonly NodeResult[];
  readonly elapsedTime: number;
  readonly success: boolean;
}

export interface RunOptions {
  /** Called once per model as it finishes (for progress lines). */
  readonly onResult?: (result: NodeResult, index: number, total: number) => void;
}

/**
 * Builds the selected models in DAG order, one at a time. A failing model's descendants are
 * skipped (their inputs did not change), and the run carries on with independent models.
 */
export async function runModels(project: Project, graph: TransformGraph, engine: Engine, selected: readonly string[], options: RunOptions = {}): Promise<RunSummary> {
  const started = performance.now();
  const compiler = new Compiler(project, graph, engine.dialect);
  const wanted = new Set(selected);
  const order = graph.order.filter((id) => wanted.has(id));
  const failed = new Set<string>();
  const results: NodeResult[] = [];
  for (const [index, id] of order.entries()) {
    const node = graph.models.get(id)!;
    const startedAt = new Date();
    const t0 = performance.now();
    let status: ResultStatus = 'success';
    let message: string | null = null;
    let compiled: CompiledModel | undefined;
    const blockedBy = [...graph.reach(id, 'up')].find((parent) => failed.has(parent));
    if (blockedBy) {
      status = 'skipped';
      message = `Skipped because ${graph.models.get(blockedBy)!.name} failed.`;
      failed.add(id);
    } else {
      try {
        compiled = compiler.compile(id);
        await materialize(engine, compiled);
        message = node.config.materialized === 'ephemeral' ? 'EPHEMERAL' : `CREATE ${node.config.materialized.toUpperCase()}`;
      } catch (error) {
        status = 'error';
        failed.add(id);
        // Engine errors do not know which file the SQL came from; the user needs it.
        message = error instanceof StrataError && error.location ? error.format() : `${node.location.file}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    const target = node.config.materialized === 'ephemeral' ? undefined : (compiled?.relation ?? modelRelation(project, node));
    const relation = target ? `${target.schema}.${target.name}` : undefined;
    const result: NodeResult = {
      uniqueId: id,
      name: node.name,
      status,
      materialized: node.config.materialized,
      relation,
      startedAt: startedAt.toISOString(),
      completedAt: new Date().toISOString(),
      executionTime: (performance.now() - t0) / 1000,
      message,
      file: node.location.file,
    };
    results.push(result);
    options.onResult?.(result, index, order.length);
  }
  return { results, elapsedTime: (performance.now() - started) / 1000, success: results.every((r) => r.status === 'success') };
}
