import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { didYouMean, displayPath, StrataError, type ProjectExtension, type ProjectLoadContext, type ProjectNode, type SourceLocation } from '../core/index.js';
import { folderConfig, resolveConfig } from './config.js';
import { listFiles, posixRelative } from './files.js';
import { JinjaRenderer, type RenderState } from './jinja.js';
import { readPropertyFiles } from './properties.js';
import type { MacroNode, ModelNode, SourceNode } from './types.js';

/**
 * Loads models, sources and macros into the project graph. Models are rendered once here in
 * "parse" mode, as dbt parses: the ref() and source() calls a render makes are the model's edges
 * and its config() calls its config. Compilation against a target happens later (compile.ts).
 */
export const transformExtension: ProjectExtension = {
  name: 'transform',
  load(context) {
    return loadTransform(context);
  },
};

export function loadTransform(context: ProjectLoadContext): ProjectNode[] {
  const project = context.config.name;
  const macros = loadMacros(context);
  const properties = readPropertyFiles(
    context.paths.models.flatMap((dir) => listFiles(dir, ['.yml', '.yaml'])).map((path) => ({ path, display: displayPath(path) })),
  );

  const sources: SourceNode[] = properties.sources.map((table) => ({
    kind: 'source',
    uniqueId: `source.${project}.${table.sourceName}.${table.name}`,
    name: table.name,
    location: table.location,
    packageName: project,
    sourceName: table.sourceName,
    identifier: table.identifier,
    schema: table.schema,
    database: table.database,
    description: table.description,
    originalFilePath: posixRelative(context.root, table.file),
    columns: table.columns,
  }));
  const sourceIds = new Map(sources.map((source) => [`${source.sourceName}.${source.name}`, source.uniqueId]));

  // First pass: every model's name and file, so ref() can tell a typo from a model.
  interface ModelFile {
    name: string;
    path: string;
    display: string;
    modelDir: string;
  }
  const files = new Map<string, ModelFile>();
  for (const modelDir of context.paths.models) {
    for (const path of listFiles(modelDir, ['.sql'])) {
      const name = basename(path, '.sql');
      const display = displayPath(path);
      const existing = files.get(name);
      if (existing) {
        throw new StrataError('duplicate_model', `Two models are named '${name}': ${existing.display} and ${display}.`, {
          location: { file: display },
          hint: 'Model names must be unique in a project; rename one of the files.',
        });
      }
      files.set(name, { name, path, display, modelDir });
    }
  }
  for (const [name, props] of properties.models) {
    if (!files.has(name)) {
      context.warn({ code: 'properties_without_model', message: `Model '${name}' is described in YAML but there is no ${name}.sql.`, location: props.location });
    }
  }

  const renderer = new JinjaRenderer({ vars: context.vars, env: context.env, macros });
  const models: ModelNode[] = [];
  for (const file of files.values()) {
    const raw = readFileSync(file.path, 'utf8');
    const relativePath = posixRelative(file.modelDir, file.path);
    const fqn = [project, ...relativePath.split('/').slice(0, -1), file.name];
    const props = properties.models.get(file.name);
    const location: SourceLocation = { file: file.display, line: 1 };
    const state: RenderState = {
      self: file.name,
      references: [],
      config: {},
      macrosUsed: new Set(),
      ref: (args) => {
        const [pkg, name] = args.length === 2 ? args : [project, args[0]!];
        if (pkg === project && files.has(name!)) return name!;
        const where = args.length === 2 ? `'${pkg}', '${name}'` : `'${name}'`;
        return new StrataError('ref_not_found', `Model '${file.name}' depends on a node named ${where} which was not found.`, {
          location: { file: file.display, line: lineOf(raw, new RegExp(`ref\\s*\\([^)]*['"]${escape(name!)}['"]`)) },
          hint: pkg === project ? didYouMean(name!, files.keys()) : `'${pkg}' is not this project (${project}); packages are not supported yet.`,
        });
      },
      source: (sourceName, tableName) => {
        if (sourceIds.has(`${sourceName}.${tableName}`)) return `${sourceName}.${tableName}`;
        return new StrataError('source_not_found', `Model '${file.name}' depends on a source named '${sourceName}.${tableName}' which was not found.`, {
          location: { file: file.display, line: lineOf(raw, new RegExp(`source\\s*\\(\\s*['"]${escape(sourceName)}['"]`)) },
          hint: didYouMean(`${sourceName}.${tableName}`, sourceIds.keys()),
        });
      },
    };
    renderer.render(raw, file.display, state);
    const config = resolveConfig([folderConfig(context.config.models, fqn), props?.config ?? {}, state.config], location);
    if (!config.enabled) continue;
    const dependsOn = state.references.map((reference) =>
      reference.kind === 'ref' ? `model.${project}.${reference.args[reference.args.length - 1]}` : sourceIds.get(reference.args.join('.'))!,
    );
    models.push({
      kind: 'model',
      uniqueId: `model.${project}.${file.name}`,
      name: file.name,
      location,
      packageName: project,
      path: relativePath,
      originalFilePath: posixRelative(context.root, file.path),
      fqn,
      rawCode: raw,
      checksum: createHash('sha256').update(raw).digest('hex'),
      config,
      description: props?.description ?? '',
      columns: props?.columns ?? [],
      dependsOn: [...new Set(dependsOn)],
      macros: [...state.macrosUsed],
      references: state.references,
    });
  }
  // A ref to a disabled model is as wrong as a ref to a missing one.
  const enabled = new Set(models.map((model) => model.uniqueId));
  for (const model of models) {
    const missing = model.dependsOn.find((id) => id.startsWith('model.') && !enabled.has(id));
    if (missing) {
      throw new StrataError('ref_not_found', `Model '${model.name}' depends on '${missing.split('.').pop()}', which is disabled.`, { location: model.location });
    }
  }
  return [...macros, ...sources, ...models];
}

function loadMacros(context: ProjectLoadContext): MacroNode[] {
  const project = context.config.name;
  const macros: MacroNode[] = [];
  const seen = new Map<string, MacroNode>();
  for (const dir of context.paths.macros) {
    for (const path of listFiles(dir, ['.sql'])) {
      const text = readFileSync(path, 'utf8');
      const display = displayPath(path);
      for (const match of text.matchAll(/\{%-?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
        const name = match[1]!;
        const line = text.slice(0, match.index).split('\n').length;
        const existing = seen.get(name);
        if (existing) {
          throw new StrataError('duplicate_macro', `Two macros are named '${name}': ${existing.location.file}:${existing.location.line} and ${display}:${line}.`, {
            location: { file: display, line },
          });
        }
        const macro: MacroNode = {
          kind: 'macro',
          uniqueId: `macro.${project}.${name}`,
          name,
          location: { file: display, line },
          packageName: project,
          originalFilePath: posixRelative(context.root, path),
          fileText: text,
        };
        seen.set(name, macro);
        macros.push(macro);
      }
    }
  }
  return macros;
}

/** The 1-based line of the first match, or undefined (the call may come from a macro). */
function lineOf(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
