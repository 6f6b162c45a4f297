import { StrataError, type Project } from '../core/index.js';
import type { Dialect, RelationName } from '../engines/index.js';
import type { TransformGraph } from './graph.js';
import { JinjaRenderer } from './jinja.js';
import { isMacroNode, type ModelNode, type SourceNode } from './types.js';

export interface CompiledModel {
  readonly node: ModelNode;
  /** Where it is built; ephemeral models have none. */
  readonly relation?: RelationName;
  /** The SELECT, with ephemeral parents inlined as CTEs. */
  readonly sql: string;
}

/** The schema a target writes to when it names none. */
export function defaultSchema(project: Project): string {
  const config = project.target.config;
  if (config.schema) return config.schema;
  return config.type === 'postgres' ? 'public' : config.type === 'clickhouse' ? config.database : 'main';
}

/**
 * dbt's generate_schema_name: a custom schema is appended to the target's
 * (`config(schema='marts')` on target schema `main` builds in `main_marts`).
 */
export function modelRelation(project: Project, node: ModelNode): RelationName {
  const base = defaultSchema(project);
  const schema = node.config.schema ? `${base}_${node.config.schema}` : base;
  return { schema, name: node.config.alias ?? node.name };
}

export function sourceRelation(node: SourceNode): RelationName {
  return { database: node.database, schema: node.schema, name: node.identifier };
}

export const ephemeralCteName = (name: string) => `__dbt__cte__${name}`;

/** Renders models against the target: ref() and source() become the dialect's qualified names. */
export class Compiler {
  private readonly renderer: JinjaRenderer;
  private readonly cache = new Map<string, { body: string; ephemerals: string[] }>();

  constructor(
    private readonly project: Project,
    private readonly graph: TransformGraph,
    private readonly dialect: Dialect,
  ) {
    const macros = [...project.nodes.values()].filter(isMacroNode);
    this.renderer = new JinjaRenderer({ vars: project.vars, env: process.env, macros });
  }

  compile(id: string): CompiledModel {
    const node = this.graph.models.get(id);
    if (!node) throw new Error(`No model ${id}`);
    const { body } = this.render(node);
    // Every ephemeral ancestor reached through ephemeral refs, parents first, each once.
    const ctes: string[] = [];
    const seen = new Set<string>();
    const visit = (ephemeralId: string) => {
      if (seen.has(ephemeralId)) return;
      seen.add(ephemeralId);
      const parent = this.graph.models.get(ephemeralId)!;
      const rendered = this.render(parent);
      for (const grand of rendered.ephemerals) visit(grand);
      ctes.push(`${this.dialect.quoteIdentifier(ephemeralCteName(parent.name))} as (\n${rendered.body}\n)`);
    };
    for (const parent of this.render(node).ephemerals) visit(parent);
    const relation = node.config.materialized === 'ephemeral' ? undefined : modelRelation(this.project, node);
    return { node, relation, sql: injectCtes(body, ctes) };
  }

  private render(node: ModelNode): { body: string; ephemerals: string[] } {
    const cached = this.cache.get(node.uniqueId);
    if (cached) return cached;
    const ephemerals: string[] = [];
    const self = modelRelation(this.project, node);
    const text = this.renderer.render(node.rawCode, node.location.file, {
      self: this.dialect.qualify(self),
      references: [],
      config: {},
      macrosUsed: new Set(),
      ref: (args) => {
        const target = this.graph.models.get(`model.${node.packageName}.${args[args.length - 1]}`);
        if (!target) return new StrataError('ref_not_found', `Model '${node.name}' depends on '${args.join('.')}', which was not found.`, { location: node.location });
        if (target.config.materialized === 'ephemeral') {
          ephemerals.push(target.uniqueId);
          return this.dialect.quoteIdentifier(ephemeralCteName(target.name));
        }
        return this.dialect.qualify(modelRelation(this.project, target));
      },
      source: (sourceName, tableName) => {
        const source = this.graph.sources.get(`source.${node.packageName}.${sourceName}.${tableName}`);
        if (!source) return new StrataError('source_not_found', `Source '${sourceName}.${tableName}' was not found.`, { location: node.location });
        return this.dialect.qualify(sourceRelation(source));
      },
    });
    const result = { body: stripTrailingSemicolon(text), ephemerals };
    this.cache.set(node.uniqueId, result);
    return result;
  }
}

/** dbt tolerates `select ...;` in a model; the statement is wrapped, so the semicolon must go. */
export function stripTrailingSemicolon(sql: string): string {
  // Leading blank lines are what a `{{ config(...) }}` line leaves behind.
  return sql.replace(/(;\s*)+$/, '').replace(/\s+$/, '').replace(/^(\s*\n)+/, '');
}

/**
 * Puts CTEs before a query: into its own WITH when it starts with one, else as a new WITH.
 * Leading comments are kept in front.
 */
export function injectCtes(sql: string, ctes: readonly string[]): string {
  if (ctes.length === 0) return sql;
  const lead = /^(\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*/.exec(sql)![0];
  const rest = sql.slice(lead.length);
  const withMatch = /^with\s+(recursive\s+)?/i.exec(rest);
  if (withMatch) return `${lead}${withMatch[0]}${ctes.join(',\n')},\n${rest.slice(withMatch[0].length)}`;
  return `${lead}with ${ctes.join(',\n')}\n${rest}`;
}
