import type { ProjectNode } from '../core/index.js';

export type Materialization = 'view' | 'table' | 'ephemeral';
export const MATERIALIZATIONS: readonly Materialization[] = ['view', 'table', 'ephemeral'];

/** A model's resolved config (dbt's names). Unknown keys are kept so the manifest shows them. */
export interface ModelConfig {
  readonly materialized: Materialization;
  readonly schema?: string;
  readonly alias?: string;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly [key: string]: unknown;
}

export interface ColumnDefinition {
  readonly name: string;
  readonly description: string;
  readonly data_type?: string;
  readonly tests: readonly unknown[];
}

/** A ref() or source() call found while rendering. */
export interface Reference {
  readonly kind: 'ref' | 'source';
  /** ref: [name] or [package, name]; source: [source, table]. */
  readonly args: readonly string[];
}

export interface ModelNode extends ProjectNode {
  readonly kind: 'model';
  readonly packageName: string;
  /** Path relative to its model-path, e.g. "example/stg_numbers.sql". */
  readonly path: string;
  /** Path relative to the project root, e.g. "models/example/stg_numbers.sql". */
  readonly originalFilePath: string;
  readonly fqn: readonly string[];
  readonly rawCode: string;
  readonly checksum: string;
  readonly config: ModelConfig;
  readonly description: string;
  readonly columns: readonly ColumnDefinition[];
  /** unique ids of models and sources this model reads. */
  readonly dependsOn: readonly string[];
  readonly macros: readonly string[];
  readonly references: readonly Reference[];
}

export interface SourceNode extends ProjectNode {
  readonly kind: 'source';
  readonly packageName: string;
  readonly sourceName: string;
  /** The table's name in the warehouse (identifier, else name). */
  readonly identifier: string;
  readonly schema: string;
  readonly database?: string;
  readonly description: string;
  readonly originalFilePath: string;
  readonly columns: readonly ColumnDefinition[];
}

/** One `{% macro %}` from a file under macro-paths; the whole file is kept to compile it. */
export interface MacroNode extends ProjectNode {
  readonly kind: 'macro';
  readonly packageName: string;
  readonly originalFilePath: string;
  /** The text of the file that defines it (a file may define several macros). */
  readonly fileText: string;
}

export function isModelNode(node: ProjectNode): node is ModelNode {
  return node.kind === 'model';
}

export function isSourceNode(node: ProjectNode): node is SourceNode {
  return node.kind === 'source';
}

export function isMacroNode(node: ProjectNode): node is MacroNode {
  return node.kind === 'macro';
}
