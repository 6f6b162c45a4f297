import { randomUUID } from 'node:crypto';
import { StrataError } from '../core/errors.js';
import { errorMessageFacet, nominalTimeFacet, parentRunFacet, type ParentRef } from './facets.js';
import {
  RUN_EVENT_SCHEMA_URL, STRATA_PRODUCER,
  type EventType, type FacetMap, type InputDataset, type JobRef, type OutputDataset, type RunEvent,
} from './model.js';
import type { Transport } from './transport.js';
import { lineageValidator } from './validate.js';

export interface StartRunOptions {
  readonly job: JobRef;
  /** The run this one is part of (a `strata build` is the parent of each model's run). */
  readonly parent?: RunHandle | ParentRef;
  readonly inputs?: readonly InputDataset[];
  readonly outputs?: readonly OutputDataset[];
  readonly facets?: { readonly run?: FacetMap; readonly job?: FacetMap };
  /** The time the run was scheduled for (e.g. the partition it builds), not when it ran. */
  readonly nominalTime?: { readonly start: Date | string; readonly end?: Date | string };
  /** Override for tests and replays; default a fresh UUID v4. */
  readonly runId?: string;
}

export interface FinishOptions {
  readonly inputs?: readonly InputDataset[];
  readonly outputs?: readonly OutputDataset[];
  readonly facets?: { readonly run?: FacetMap; readonly job?: FacetMap };
}

export interface LineageOptions {
  readonly transport: Transport;
  readonly producer?: string;
  /** Check each event against the OpenLineage schemas before sending; throws on a violation (for tests). */
  readonly validate?: boolean;
  readonly clock?: () => Date;
}

/** Emits the events of every Strata job. One per command; share it with nested runs. */
export class Lineage {
  readonly transport: Transport;
  readonly producer: string;
  private readonly validate: boolean;
  readonly clock: () => Date;

  constructor(options: LineageOptions) {
    this.transport = options.transport;
    this.producer = options.producer ?? STRATA_PRODUCER;
    this.validate = options.validate ?? false;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Emits START and returns the handle that emits the run's later events. */
  startRun(options: StartRunOptions): RunHandle {
    const handle = new RunHandle(this, options);
    handle.emit('START', {});
    return handle;
  }

  /** START, then `work`, then COMPLETE, or FAIL and rethrow. */
  async withRun<T>(options: StartRunOptions, work: (run: RunHandle) => Promise<T>): Promise<T> {
    const run = this.startRun(options);
    try {
      const result = await work(run);
      if (!run.finished) run.complete();
      return result;
    } catch (error) {
      if (!run.finished) run.fail(error);
      throw error;
    }
  }

  send(event: RunEvent): void {
    if (this.validate) {
      const result = lineageValidator().validate(event);
      if (!result.valid) {
        throw new StrataError('lineage_invalid_event', `Strata built an OpenLineage event that does not match the 2-0-2 schema: ${result.problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`, {
          details: { problems: result.problems },
        });
      }
    }
    this.transport.emit(event);
  }

  flush(timeoutMs?: number): Promise<void> {
    return this.transport.flush(timeoutMs);
  }
}

export class RunHandle {
  readonly runId: string;
  readonly job: JobRef;
  private readonly options: StartRunOptions;
  private readonly baseRunFacets: Record<string, FacetMap[string]>;
  private state: EventType | undefined;
  /** The top of the run tree, handed down so grandchildren can name it. */
  readonly root: { runId: string; job: JobRef };

  constructor(
    private readonly lineage: Lineage,
    options: StartRunOptions,
  ) {
    this.options = options;
    this.runId = options.runId ?? randomUUID();
    this.job = { namespace: options.job.namespace, name: options.job.name };
    const facets: Record<string, FacetMap[string]> = {};
    const parent = options.parent instanceof RunHandle ? options.parent.asParent() : options.parent;
    if (parent) facets.parent = parentRunFacet(parent);
    if (options.nominalTime) facets.nominalTime = nominalTimeFacet(options.nominalTime.start, options.nominalTime.end);
    this.baseRunFacets = { ...facets, ...(options.facets?.run ?? {}) };
    this.root = parent ? (parent.root ?? { runId: parent.runId, job: parent.job }) : { runId: this.runId, job: this.job };
  }

  /** How a child run names this one in its parent facet. */
  asParent(): ParentRef {
    const isRoot = this.root.runId === this.runId;
    return isRoot ? { runId: this.runId, job: this.job } : { runId: this.runId, job: this.job, root: this.root };
  }

  get finished(): boolean {
    return this.state === 'COMPLETE' || this.state === 'FAIL' || this.state === 'ABORT';
  }

  running(options: FinishOptions = {}): void {
    this.emit('RUNNING', options);
  }

  complete(options: FinishOptions = {}): void {
    this.emit('COMPLETE', options);
  }

  /** FAIL with the errorMessage facet (message and stack of the error). */
  fail(error: unknown, options: FinishOptions = {}): void {
    this.emit('FAIL', { ...options, facets: { ...options.facets, run: { errorMessage: errorMessageFacet(error), ...(options.facets?.run ?? {}) } } });
  }

  abort(options: FinishOptions = {}): void {
    this.emit('ABORT', options);
  }

  /** Builds and sends one event; every event carries the full job, datasets and run facets. */
  emit(eventType: EventType, options: FinishOptions): RunEvent {
    if (this.finished) {
      throw new StrataError('lineage_run_finished', `Run ${this.runId} of ${this.job.namespace}/${this.job.name} already ended with ${this.state}; it cannot emit ${eventType}.`);
    }
    const runFacets = { ...this.baseRunFacets, ...(options.facets?.run ?? {}) };
    const jobFacets = { ...(this.options.facets?.job ?? {}), ...(options.facets?.job ?? {}) };
    const inputs = options.inputs ?? this.options.inputs ?? [];
    const outputs = options.outputs ?? this.options.outputs ?? [];
    const event: RunEvent = {
      eventTime: this.lineage.clock().toISOString(),
      producer: this.lineage.producer,
      schemaURL: RUN_EVENT_SCHEMA_URL,
      eventType,
      run: Object.keys(runFacets).length > 0 ? { runId: this.runId, facets: runFacets } : { runId: this.runId },
      job: Object.keys(jobFacets).length > 0 ? { ...this.job, facets: jobFacets } : { ...this.job },
      inputs,
      outputs,
    };
    this.lineage.send(event);
    this.state = eventType;
    return event;
  }
}

export function createLineage(options: LineageOptions): Lineage {
  return new Lineage(options);
}
