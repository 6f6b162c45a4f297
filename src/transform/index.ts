/**
 * The transform capability: dbt-compatible SQL models (see README.md in this folder).
 * Other folders import from here only.
 */
export * from './types.js';
export { transformExtension, loadTransform } from './loader.js';
export { TransformGraph } from './graph.js';
export { selectNodes, type Selection, type SelectionOptions } from './selection.js';
export { Compiler, defaultSchema, modelRelation, sourceRelation, injectCtes, stripTrailingSemicolon, ephemeralCteName, type CompiledModel } from './compile.js';
export { materialize, relationKind, TEMP_SUFFIX } from './materialize.js';
export { runModels, type NodeResult, type ResultStatus, type RunSummary, type RunOptions } from './runner.js';
export { buildManifest, buildRunResults, MANIFEST_SCHEMA } from './artifacts.js';
export { loadTransformProject, plan, compileProject, runProject, type Planned, type CompileResult, type RunResult } from './operations.js';
