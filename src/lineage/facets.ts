import { STRATA_PRODUCER, type BaseFacet, type JobRef } from './model.js';

/**
 * The standard facets Strata produces. Each builder stamps `_producer` and the `_schemaURL` of
 * the facet version whose schema ships in ./schemas (the `$id` of that file plus its $defs entry).
 */
const FACET_BASE = 'https://openlineage.io/spec/facets';

/** Facet key in an event -> [schema file version, definition name]. */
export const FACET_SCHEMAS = {
  schema: ['1-2-0', 'SchemaDatasetFacet'],
  columnLineage: ['1-2-0', 'ColumnLineageDatasetFacet'],
  dataQualityAssertions: ['1-1-0', 'DataQualityAssertionsDatasetFacet'],
  documentation: ['1-1-0', 'DocumentationDatasetFacet'],
  ownership: ['1-0-1', 'OwnershipDatasetFacet'],
  outputStatistics: ['1-0-2', 'OutputStatisticsOutputDatasetFacet'],
  sql: ['1-1-0', 'SQLJobFacet'],
  sourceCodeLocation: ['1-1-0', 'SourceCodeLocationJobFacet'],
  jobType: ['2-0-4', 'JobTypeJobFacet'],
  parent: ['1-2-0', 'ParentRunFacet'],
  errorMessage: ['1-0-1', 'ErrorMessageRunFacet'],
  nominalTime: ['1-0-1', 'NominalTimeRunFacet'],
} as const;

export type StandardFacetKey = keyof typeof FACET_SCHEMAS;

export function facetSchemaURL(key: StandardFacetKey): string {
  const [version, def] = FACET_SCHEMAS[key];
  return `${FACET_BASE}/${version}/${def}.json#/$defs/${def}`;
}

function stamp<T extends object>(key: StandardFacetKey, body: T, producer = STRATA_PRODUCER): T & BaseFacet {
  return { _producer: producer, _schemaURL: facetSchemaURL(key), ...body } as T & BaseFacet;
}

// ---- dataset facets

export interface SchemaField {
  readonly name: string;
  readonly type?: string;
  readonly description?: string;
  readonly ordinal_position?: number;
  readonly fields?: readonly SchemaField[];
}
export type SchemaDatasetFacet = BaseFacet & { readonly fields: readonly SchemaField[] };
export function schemaFacet(fields: readonly SchemaField[]): SchemaDatasetFacet {
  return stamp('schema', { fields });
}

export type TransformationType = 'DIRECT' | 'INDIRECT';
export type TransformationSubtype =
  | 'IDENTITY' | 'TRANSFORMATION' | 'AGGREGATION'
  | 'JOIN' | 'GROUP_BY' | 'FILTER' | 'SORT' | 'WINDOW' | 'CONDITIONAL';
export interface Transformation {
  readonly type: TransformationType;
  readonly subtype?: TransformationSubtype;
  readonly description?: string;
  readonly masking?: boolean;
}
export interface InputField {
  readonly namespace: string;
  readonly name: string;
  readonly field: string;
  readonly transformations?: readonly Transformation[];
}
export type ColumnLineageDatasetFacet = BaseFacet & {
  readonly fields: Readonly<Record<string, { readonly inputFields: readonly InputField[] }>>;
  /** Inputs that affect the whole dataset (filters, joins) rather than one column. */
  readonly dataset?: readonly InputField[];
};
export function columnLineageFacet(
  fields: Readonly<Record<string, readonly InputField[]>>,
  dataset?: readonly InputField[],
): ColumnLineageDatasetFacet {
  const mapped: Record<string, { inputFields: readonly InputField[] }> = {};
  for (const [column, inputFields] of Object.entries(fields)) mapped[column] = { inputFields };
  return stamp('columnLineage', dataset ? { fields: mapped, dataset } : { fields: mapped });
}

export interface Assertion {
  readonly assertion: string;
  readonly success: boolean;
  readonly column?: string;
  readonly severity?: string;
  readonly name?: string;
  readonly expected?: string;
  readonly actual?: string;
}
export type DataQualityAssertionsDatasetFacet = BaseFacet & { readonly assertions: readonly Assertion[] };
export function dataQualityAssertionsFacet(assertions: readonly Assertion[]): DataQualityAssertionsDatasetFacet {
  return stamp('dataQualityAssertions', { assertions });
}

export type DocumentationDatasetFacet = BaseFacet & { readonly description: string; readonly contentType?: string };
export function documentationFacet(description: string, contentType?: string): DocumentationDatasetFacet {
  return stamp('documentation', contentType ? { description, contentType } : { description });
}

export interface Owner {
  readonly name: string;
  readonly type?: string;
}
export type OwnershipDatasetFacet = BaseFacet & { readonly owners: readonly Owner[] };
export function ownershipFacet(owners: readonly Owner[]): OwnershipDatasetFacet {
  return stamp('ownership', { owners });
}

export type OutputStatisticsOutputDatasetFacet = BaseFacet & {
  readonly rowCount?: number;
  readonly size?: number;
  readonly fileCount?: number;
};
export function outputStatisticsFacet(stats: { rowCount?: number; size?: number; fileCount?: number }): OutputStatisticsOutputDatasetFacet {
  return stamp('outputStatistics', { ...stats });
}

// ---- job facets

export type SQLJobFacet = BaseFacet & { readonly query: string; readonly dialect?: string };
export function sqlJobFacet(query: string, dialect?: string): SQLJobFacet {
  return stamp('sql', dialect ? { query, dialect } : { query });
}

export type SourceCodeLocationJobFacet = BaseFacet & {
  readonly type: string;
  readonly url: string;
  readonly repoUrl?: string;
  readonly path?: string;
  readonly version?: string;
  readonly branch?: string;
};
export function sourceCodeLocationFacet(location: {
  type: string; url: string; repoUrl?: string; path?: string; version?: string; branch?: string;
}): SourceCodeLocationJobFacet {
  return stamp('sourceCodeLocation', { ...location });
}

export type JobTypeJobFacet = BaseFacet & {
  readonly processingType: 'BATCH' | 'STREAMING';
  readonly integration: string;
  readonly jobType?: string;
};
/** integration is the tool ('STRATA', 'DBT'); jobType what the job is ('MODEL', 'TEST', 'JOB'). */
export function jobTypeFacet(jobType: string, processingType: 'BATCH' | 'STREAMING' = 'BATCH', integration = 'STRATA'): JobTypeJobFacet {
  return stamp('jobType', { processingType, integration, jobType });
}

// ---- run facets

export type ParentRunFacet = BaseFacet & {
  readonly run: { readonly runId: string };
  readonly job: JobRef;
  readonly root?: { readonly run: { readonly runId: string }; readonly job: JobRef };
};
export interface ParentRef {
  readonly runId: string;
  readonly job: JobRef;
  /** The top of the run tree when it differs from the direct parent. */
  readonly root?: { readonly runId: string; readonly job: JobRef };
}
export function parentRunFacet(parent: ParentRef): ParentRunFacet {
  const body: Record<string, unknown> = {
    run: { runId: parent.runId },
    job: { namespace: parent.job.namespace, name: parent.job.name },
  };
  if (parent.root) body.root = { run: { runId: parent.root.runId }, job: { namespace: parent.root.job.namespace, name: parent.root.job.name } };
  return stamp('parent', body) as ParentRunFacet;
}

export type ErrorMessageRunFacet = BaseFacet & {
  readonly message: string;
  readonly programmingLanguage: string;
  readonly stackTrace?: string;
};
export function errorMessageFacet(error: unknown): ErrorMessageRunFacet {
  const message = error instanceof Error ? error.message : String(error);
  const stackTrace = error instanceof Error && error.stack ? error.stack : undefined;
  return stamp('errorMessage', stackTrace ? { message, programmingLanguage: 'TypeScript', stackTrace } : { message, programmingLanguage: 'TypeScript' });
}

export type NominalTimeRunFacet = BaseFacet & { readonly nominalStartTime: string; readonly nominalEndTime?: string };
export function nominalTimeFacet(start: Date | string, end?: Date | string): NominalTimeRunFacet {
  const iso = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString());
  return stamp('nominalTime', end === undefined ? { nominalStartTime: iso(start) } : { nominalStartTime: iso(start), nominalEndTime: iso(end) });
}
