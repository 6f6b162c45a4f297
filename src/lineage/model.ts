/**
 * The OpenLineage 2-0-2 event model, typed. Facet shapes are in facets.ts; here facets are
 * open records because events from other producers carry facets Strata does not know.
 */

export const OPENLINEAGE_SPEC_VERSION = '2-0-2';
const SPEC_BASE = `https://openlineage.io/spec/${OPENLINEAGE_SPEC_VERSION}/OpenLineage.json`;

export const RUN_EVENT_SCHEMA_URL = `${SPEC_BASE}#/$defs/RunEvent`;
export const DATASET_EVENT_SCHEMA_URL = `${SPEC_BASE}#/$defs/DatasetEvent`;
export const JOB_EVENT_SCHEMA_URL = `${SPEC_BASE}#/$defs/JobEvent`;

/** Strata's producer URI, stamped on every event and facet it emits. */
export const STRATA_PRODUCER = 'https://github.com/strata-data/strata/tree/0.1.0';

export const EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface BaseFacet {
  readonly _producer: string;
  readonly _schemaURL: string;
  readonly [key: string]: unknown;
}

export type FacetMap = Readonly<Record<string, BaseFacet>>;

export interface JobRef {
  readonly namespace: string;
  readonly name: string;
}

export interface Job extends JobRef {
  readonly facets?: FacetMap;
}

export interface Run {
  readonly runId: string;
  readonly facets?: FacetMap;
}

export interface Dataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: FacetMap;
}

export interface InputDataset extends Dataset {
  readonly inputFacets?: FacetMap;
}

export interface OutputDataset extends Dataset {
  readonly outputFacets?: FacetMap;
}

interface BaseEvent {
  readonly eventTime: string;
  readonly producer: string;
  readonly schemaURL: string;
}

export interface RunEvent extends BaseEvent {
  readonly eventType?: EventType;
  readonly run: Run;
  readonly job: Job;
  readonly inputs?: readonly InputDataset[];
  readonly outputs?: readonly OutputDataset[];
}

export interface DatasetEvent extends BaseEvent {
  readonly dataset: Dataset;
}

export interface JobEvent extends BaseEvent {
  readonly job: Job;
  readonly inputs?: readonly InputDataset[];
  readonly outputs?: readonly OutputDataset[];
}

export type LineageEvent = RunEvent | DatasetEvent | JobEvent;

export type EventKind = 'run' | 'dataset' | 'job';

/** Which of the three event shapes an object is; the spec tells them apart by `run` / `dataset`. */
export function eventKind(event: LineageEvent | Record<string, unknown>): EventKind {
  if ('run' in event && event.run !== undefined) return 'run';
  if ('dataset' in event && event.dataset !== undefined) return 'dataset';
  return 'job';
}

export function isRunEvent(event: LineageEvent): event is RunEvent {
  return eventKind(event) === 'run';
}
