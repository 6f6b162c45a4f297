import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import core from './schemas/OpenLineage.json' with { type: 'json' };
import columnLineage from './schemas/ColumnLineageDatasetFacet.json' with { type: 'json' };
import dataQualityAssertions from './schemas/DataQualityAssertionsDatasetFacet.json' with { type: 'json' };
import documentation from './schemas/DocumentationDatasetFacet.json' with { type: 'json' };
import errorMessage from './schemas/ErrorMessageRunFacet.json' with { type: 'json' };
import jobType from './schemas/JobTypeJobFacet.json' with { type: 'json' };
import nominalTime from './schemas/NominalTimeRunFacet.json' with { type: 'json' };
import outputStatistics from './schemas/OutputStatisticsOutputDatasetFacet.json' with { type: 'json' };
import ownership from './schemas/OwnershipDatasetFacet.json' with { type: 'json' };
import parent from './schemas/ParentRunFacet.json' with { type: 'json' };
import sql from './schemas/SQLJobFacet.json' with { type: 'json' };
import sourceCodeLocation from './schemas/SourceCodeLocationJobFacet.json' with { type: 'json' };
import schema from './schemas/SchemaDatasetFacet.json' with { type: 'json' };
import { facetSchemaURL, FACET_SCHEMAS, type StandardFacetKey } from './facets.js';

/** One schema violation, addressed by a JSON pointer into the event. */
export interface LineageProblem {
  readonly pointer: string;
  readonly message: string;
  /** The JSON Schema keyword that failed ('type', 'required', 'format', 'enum', ...). */
  readonly keyword: string;
}

export interface ValidationResult {
  readonly valid: boolean;
  readonly problems: readonly LineageProblem[];
}

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/** The shipped schemas, keyed by the facet key under which each facet appears in an event. */
const FACET_SCHEMA_FILES: Record<StandardFacetKey, object> = {
  schema, columnLineage, dataQualityAssertions, documentation, ownership, outputStatistics,
  sql, sourceCodeLocation, jobType, parent, errorMessage, nominalTime,
};

/** Where each facet kind lives in an event, so a facet is checked with its own schema. */
const FACET_LOCATIONS: Record<StandardFacetKey, 'run' | 'job' | 'dataset' | 'output' | 'input'> = {
  schema: 'dataset', columnLineage: 'dataset', documentation: 'dataset', ownership: 'dataset',
  dataQualityAssertions: 'input', outputStatistics: 'output',
  sql: 'job', sourceCodeLocation: 'job', jobType: 'job',
  parent: 'run', errorMessage: 'run', nominalTime: 'run',
};

/**
 * Validates events against the official OpenLineage 2-0-2 schema and, for the standard facets it
 * ships, each facet against its own schema (the core schema only checks `_producer`/`_schemaURL`).
 */
export class LineageValidator {
  private readonly ajv: Ajv2020;
  private readonly event: ValidateFunction;
  private readonly facets = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addSchema(core);
    for (const file of Object.values(FACET_SCHEMA_FILES)) this.ajv.addSchema(file);
    this.event = this.ajv.getSchema((core as { $id: string }).$id)!;
    for (const key of Object.keys(FACET_SCHEMAS) as StandardFacetKey[]) {
      this.facets.set(key, this.ajv.getSchema(facetSchemaURL(key))!);
    }
  }

  validate(event: unknown): ValidationResult {
    const problems: LineageProblem[] = [];
    if (!this.event(event)) problems.push(...dropOtherBranches(summarize(this.event.errors ?? [], ''), event));
    if (event && typeof event === 'object') problems.push(...this.checkFacets(event as Record<string, unknown>));
    return { valid: problems.length === 0, problems: dedupe(problems) };
  }

  /** Checks one standard facet by its key; unknown keys (custom facets) are not checked here. */
  validateFacet(key: string, facet: unknown, pointer = ''): LineageProblem[] {
    const check = this.facets.get(key);
    if (!check || check(facet)) return [];
    return summarize(check.errors ?? [], pointer);
  }

  private checkFacets(event: Record<string, unknown>): LineageProblem[] {
    const problems: LineageProblem[] = [];
    const visit = (facets: unknown, pointer: string, where: string) => {
      if (!facets || typeof facets !== 'object' || Array.isArray(facets)) return;
      for (const [key, facet] of Object.entries(facets)) {
        const expected = FACET_LOCATIONS[key as StandardFacetKey];
        if (expected === undefined || (expected !== where && !(expected === 'dataset' && where !== 'run' && where !== 'job'))) continue;
        problems.push(...this.validateFacet(key, facet, `${pointer}/${escape(key)}`));
      }
    };
    const run = event.run as Record<string, unknown> | undefined;
    visit(run?.facets, '/run/facets', 'run');
    const job = event.job as Record<string, unknown> | undefined;
    visit(job?.facets, '/job/facets', 'job');
    const datasets = (list: unknown, base: string, extra: 'inputFacets' | 'outputFacets', where: 'input' | 'output') => {
      if (!Array.isArray(list)) return;
      list.forEach((d: Record<string, unknown>, i) => {
        if (!d || typeof d !== 'object') return;
        visit(d.facets, `${base}/${i}/facets`, 'dataset');
        visit(d[extra], `${base}/${i}/${extra}`, where);
      });
    };
    datasets(event.inputs, '/inputs', 'inputFacets', 'input');
    datasets(event.outputs, '/outputs', 'outputFacets', 'output');
    const dataset = event.dataset as Record<string, unknown> | undefined;
    visit(dataset?.facets, '/dataset/facets', 'dataset');
    return problems;
  }
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * ajv reports every branch of the top-level oneOf; keep the errors that explain the most
 * specific location, and drop the combinator noise ("must match exactly one schema").
 */
function summarize(errors: readonly ErrorObject[], prefix: string): LineageProblem[] {
  const useful = errors.filter((e) => !['oneOf', 'anyOf', 'allOf', 'not', 'if'].includes(e.keyword));
  const chosen = useful.length > 0 ? useful : errors;
  return chosen.map((e) => ({
    pointer: `${prefix}${e.instancePath}${e.keyword === 'required' ? `/${escape(String(e.params.missingProperty))}` : ''}`,
    message: e.keyword === 'required' ? `missing required property '${String(e.params.missingProperty)}'` : (e.message ?? e.keyword),
    keyword: e.keyword,
  }));
}

/**
 * The core schema is a oneOf of three event shapes, so a broken RunEvent is also reported as
 * "not a DatasetEvent". Keep only the problems of the shape the event evidently is.
 */
function dropOtherBranches(problems: LineageProblem[], event: unknown): LineageProblem[] {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return problems;
  const e = event as Record<string, unknown>;
  const kind = 'run' in e || 'eventType' in e ? 'run' : 'dataset' in e ? 'dataset' : 'job';
  const foreign = new Set(kind === 'run' ? ['/dataset'] : kind === 'dataset' ? ['/run', '/job'] : ['/run', '/dataset']);
  const kept = problems.filter((p) => !(p.keyword === 'required' && foreign.has(p.pointer)) && !(p.keyword === 'false schema'));
  return kept.length > 0 ? kept : problems;
}

function dedupe(problems: LineageProblem[]): LineageProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

let shared: LineageValidator | undefined;
/** One compiled validator per process; compiling the schemas takes tens of milliseconds. */
export function lineageValidator(): LineageValidator {
  shared ??= new LineageValidator();
  return shared;
}
