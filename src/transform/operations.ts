import { loadProject, type LoadProjectOptions, type Project } from '../core/index.js';
import type { Dialect, Engine } from '../engines/index.js';
import { buildManifest, buildRunResults, writeArtifact, writeCompiledSql } from './artifacts.js';
import { Compiler, type CompiledModel } from './compile.js';
import { TransformGraph } from './graph.js';
import { transformExtension } from './loader.js';
import { runModels, type RunOptions, type RunSummary } from './runner.js';
import { selectNodes, type Selection, type SelectionOptions } from './selection.js';

/** loadProject with the transform extension, so models, sources and macros are in the graph. */
export function loadTransformProject(dir: string, options: LoadProjectOptions = {}): Project {
  return loadProject(dir, { ...options, extensions: [...(options.extensions ?? []), transformExtension] });
}

export interface Planned {
  readonly graph: TransformGraph;
  readonly selection: Selection;
  /** Selected models, in DAG order. */
  readonly models: readonly string[];
}

/** The graph (checked for cycles) and what the selection picks from it. */
export function plan(project: Project, options: SelectionOptions = {}): Planned {
  const graph = new TransformGraph(project);
  const selection = selectNodes(graph, options);
  return { graph, selection, models: selection.ids.filter((id) => graph.models.has(id)) };
}

export interface CompileResult extends Planned {
  readonly compiled: readonly CompiledModel[];
  readonly manifestPath: string;
}

/** Renders the selected models for the target's dialect; writes target/compiled/** and target/manifest.json. */
export function compileProject(project: Project, dialect: Dialect, options: SelectionOptions = {}): CompileResult {
  const planned = plan(project, options);
  const compiler = new Compiler(project, planned.graph, dialect);
  const compiled = planned.models.map((id) => compiler.compile(id));
  for (const model of compiled) writeCompiledSql(project, model.node.originalFilePath, model.sql);
  const manifest = buildManifest(project, planned.graph, new Map(compiled.map((model) => [model.node.uniqueId, model.sql])));
  const manifestPath = writeArtifact(project, 'manifest.json', manifest);
  return { ...planned, compiled, manifestPath };
}

export interface RunResult extends Planned {
  readonly summary: RunSummary;
}

/** Builds the selected models; writes target/manifest.json and target/run_results.json. */
export async function runProject(project: Project, engine: Engine, options: SelectionOptions & RunOptions & { command?: string } = {}): Promise<RunResult> {
  const planned = plan(project, options);
  writeArtifact(project, 'manifest.json', buildManifest(project, planned.graph));
  const summary = await runModels(project, planned.graph, engine, planned.models, options);
  writeArtifact(
    project,
    'run_results.json',
    buildRunResults(summary, { which: options.command ?? 'run', select: options.select ?? [], exclude: options.exclude ?? [], target: project.target.name }),
  );
  return { ...planned, summary };
}
