import { z } from 'zod';
import { StrataError, validateYaml, YamlFile, type SourceLocation } from '../core/index.js';
import type { ColumnDefinition } from './types.js';

/**
 * YAML property files (`models:` and `sources:` in models/**.yml). Keys this slice does not use
 * (versions, constraints, access...) are accepted and kept, so existing dbt projects load.
 */
const columnSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  data_type: z.string().optional(),
  tests: z.array(z.unknown()).optional(),
  data_tests: z.array(z.unknown()).optional(),
});

const modelSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  columns: z.array(columnSchema).optional(),
});

const sourceTableSchema = z.looseObject({
  name: z.string().min(1),
  identifier: z.string().optional(),
  description: z.string().optional(),
  columns: z.array(columnSchema).optional(),
});

const sourceSchema = z.looseObject({
  name: z.string().min(1),
  schema: z.string().optional(),
  database: z.string().optional(),
  description: z.string().optional(),
  tables: z.array(sourceTableSchema).default([]),
});

const fileSchema = z.looseObject({
  models: z.array(modelSchema).optional(),
  sources: z.array(sourceSchema).optional(),
});

export interface ModelProperties {
  readonly name: string;
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly columns: readonly ColumnDefinition[];
  readonly location: SourceLocation;
}

export interface SourceTableProperties {
  readonly sourceName: string;
  readonly name: string;
  readonly identifier: string;
  readonly schema: string;
  readonly database?: string;
  readonly description: string;
  readonly columns: readonly ColumnDefinition[];
  readonly location: SourceLocation;
  readonly file: string;
}

export interface PropertyFiles {
  readonly models: Map<string, ModelProperties>;
  readonly sources: SourceTableProperties[];
}

export function readPropertyFiles(files: readonly { path: string; display: string }[]): PropertyFiles {
  const models = new Map<string, ModelProperties>();
  const sources: SourceTableProperties[] = [];
  for (const { path, display } of files) {
    const file = YamlFile.read(path, display);
    if (file.value === null || typeof file.value !== 'object' || Array.isArray(file.value)) continue;
    const parsed = validateYaml(fileSchema, file.value, file, [], 'property file');
    (parsed.models ?? []).forEach((model, i) => {
      const location = file.locate(['models', i, 'name']);
      const existing = models.get(model.name);
      if (existing) {
        throw new StrataError('duplicate_model_properties', `Model '${model.name}' is described twice in YAML property files.`, {
          location,
          hint: `The other description is at ${existing.location.file}:${existing.location.line}.`,
        });
      }
      models.set(model.name, {
        name: model.name,
        description: model.description ?? '',
        config: model.config ?? {},
        columns: columns(model.columns),
        location,
      });
    });
    (parsed.sources ?? []).forEach((source, i) => {
      source.tables.forEach((table, j) => {
        sources.push({
          sourceName: source.name,
          name: table.name,
          identifier: table.identifier ?? table.name,
          // dbt's default: a source's schema is its name.
          schema: source.schema ?? source.name,
          database: source.database,
          description: table.description ?? '',
          columns: columns(table.columns),
          location: file.locate(['sources', i, 'tables', j, 'name']),
          file: display,
        });
      });
    });
  }
  return { models, sources };
}

function columns(list: readonly z.output<typeof columnSchema>[] | undefined): ColumnDefinition[] {
  return (list ?? []).map((column) => ({
    name: column.name,
    description: column.description ?? '',
    data_type: column.data_type,
    tests: [...(column.data_tests ?? []), ...(column.tests ?? [])],
  }));
}
