import { createHash } from 'node:crypto';
import type { Migration, StateStore, StateWriter } from '../state/index.js';
import { eventKind, type EventType, type LineageEvent, type RunEvent } from './model.js';

/** The lineage catalog's tables in the state store. Append only (see state/migrations.ts). */
export const lineageMigrations: readonly Migration[] = [
  {
    id: 'lineage_0001_events',
    description: 'OpenLineage events as received, one row per distinct event',
    sql: `
      CREATE TABLE lineage_events (
        event_key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        event_type TEXT,
        event_time TEXT NOT NULL,
        run_id TEXT,
        job_namespace TEXT,
        job_name TEXT,
        producer TEXT,
        payload TEXT NOT NULL,
        warnings TEXT,
        received_at TEXT NOT NULL,
        seq BIGINT NOT NULL
      );
      CREATE INDEX lineage_events_run ON lineage_events (run_id);
      CREATE INDEX lineage_events_seq ON lineage_events (seq);
    `,
  },
  {
    id: 'lineage_0002_catalog',
    description: 'runs, jobs, datasets and which runs read or wrote which datasets',
    sql: `
      CREATE TABLE lineage_jobs (
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        facets TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (namespace, name)
      );
      CREATE TABLE lineage_runs (
        run_id TEXT PRIMARY KEY,
        job_namespace TEXT NOT NULL,
        job_name TEXT NOT NULL,
        state TEXT NOT NULL,
        state_time TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        parent_run_id TEXT,
        facets TEXT
      );
      CREATE TABLE lineage_datasets (
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        facets TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (namespace, name)
      );
      CREATE TABLE lineage_run_datasets (
        run_id TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (run_id, direction, namespace, name)
      );
    `,
  },
];

export async function migrateLineage(store: StateStore): Promise<string[]> {
  return store.migrate(lineageMigrations);
}

/**
 * Identity of an event for de-duplication. A run event is its (runId, eventType, eventTime), so a
 * producer re-sending it (retries) is stored once; other events by a hash of their content.
 */
export function eventKey(event: LineageEvent): string {
  if (eventKind(event) === 'run') {
    const run = event as RunEvent;
    return `run:${run.run.runId}:${run.eventType ?? ''}:${run.eventTime}`;
  }
  return `sha256:${createHash('sha256').update(canonicalJson(event)).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** How far along a run a state is; a later event never moves a run backwards. */
const STATE_RANK: Record<string, number> = { START: 0, RUNNING: 1, OTHER: 1, COMPLETE: 2, FAIL: 2, ABORT: 2 };
const TERMINAL = new Set<EventType | string>(['COMPLETE', 'FAIL', 'ABORT']);

export interface StoreResult {
  /** Events written now; the rest were already stored. */
  readonly stored: number;
  readonly duplicates: number;
}

/**
 * Writes events and folds them into runs/jobs/datasets. Call inside one transaction: callers get
 * all of a request or none of it. Events may arrive in any order (COMPLETE before START).
 */
export async function storeEvents(
  tx: StateWriter,
  events: readonly LineageEvent[],
  warnings: readonly (readonly string[])[] = [],
): Promise<StoreResult> {
  let stored = 0;
  const now = new Date().toISOString();
  const seqRow = await tx.get<{ seq: number | bigint | null }>('SELECT MAX(seq) AS seq FROM lineage_events');
  let seq = Number(seqRow?.seq ?? 0);
  for (const [index, event] of events.entries()) {
    const kind = eventKind(event);
    const run = kind === 'run' ? (event as RunEvent) : undefined;
    const job = 'job' in event ? event.job : undefined;
    const eventWarnings = warnings[index] ?? [];
    const { changes } = await tx.run(
      `INSERT INTO lineage_events (event_key, kind, event_type, event_time, run_id, job_namespace, job_name, producer, payload, warnings, received_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING`,
      [
        eventKey(event), kind, run?.eventType ?? null, event.eventTime, run?.run.runId ?? null,
        job?.namespace ?? null, job?.name ?? null, event.producer ?? null, JSON.stringify(event),
        eventWarnings.length > 0 ? JSON.stringify(eventWarnings) : null, now, seq + 1,
      ],
    );
    if (changes === 0) continue;
    seq++;
    stored++;
    if (job) await upsertJob(tx, job.namespace, job.name, job.facets, event.eventTime);
    const datasets = kind === 'dataset' ? [(event as { dataset: { namespace: string; name: string; facets?: object } }).dataset] : [];
    const io = 'inputs' in event || 'outputs' in event ? (event as RunEvent) : undefined;
    for (const d of [...datasets, ...(io?.inputs ?? []), ...(io?.outputs ?? [])]) {
      await upsertDataset(tx, d.namespace, d.name, d.facets, event.eventTime);
    }
    if (run) await foldRun(tx, run, now);
  }
  return { stored, duplicates: events.length - stored };
}

async function upsertJob(tx: StateWriter, namespace: string, name: string, facets: object | undefined, time: string) {
  await tx.run(
    `INSERT INTO lineage_jobs (namespace, name, facets, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (namespace, name) DO UPDATE SET
       facets = CASE WHEN excluded.facets IS NOT NULL AND excluded.updated_at >= lineage_jobs.updated_at THEN excluded.facets ELSE lineage_jobs.facets END,
       updated_at = CASE WHEN excluded.updated_at > lineage_jobs.updated_at THEN excluded.updated_at ELSE lineage_jobs.updated_at END`,
    [namespace, name, facets && Object.keys(facets).length > 0 ? JSON.stringify(facets) : null, time],
  );
}

async function upsertDataset(tx: StateWriter, namespace: string, name: string, facets: object | undefined, time: string) {
  await tx.run(
    `INSERT INTO lineage_datasets (namespace, name, facets, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (namespace, name) DO UPDATE SET
       facets = CASE WHEN excluded.facets IS NOT NULL AND excluded.updated_at >= lineage_datasets.updated_at THEN excluded.facets ELSE lineage_datasets.facets END,
       updated_at = CASE WHEN excluded.updated_at > lineage_datasets.updated_at THEN excluded.updated_at ELSE lineage_datasets.updated_at END`,
    [namespace, name, facets && Object.keys(facets).length > 0 ? JSON.stringify(facets) : null, time],
  );
}

interface RunRow {
  state: string;
  state_time: string;
  started_at: string | null;
  ended_at: string | null;
}

async function foldRun(tx: StateWriter, event: RunEvent, _now: string) {
  const type = event.eventType ?? 'OTHER';
  const time = event.eventTime;
  const runId = event.run.runId;
  const parent = (event.run.facets?.parent as { run?: { runId?: string } } | undefined)?.run?.runId ?? null;
  const current = await tx.get<RunRow>('SELECT state, state_time, started_at, ended_at FROM lineage_runs WHERE run_id = ?', [runId]);
  const startedAt = type === 'START' ? minTime(current?.started_at ?? null, time) : (current?.started_at ?? null);
  const endedAt = TERMINAL.has(type) ? maxTime(current?.ended_at ?? null, time) : (current?.ended_at ?? null);
  let state = current?.state ?? type;
  let stateTime = current?.state_time ?? time;
  if (current) {
    const rankNew = STATE_RANK[type] ?? 1;
    const rankOld = STATE_RANK[current.state] ?? 1;
    if (rankNew > rankOld || (rankNew === rankOld && time >= current.state_time)) {
      state = type;
      stateTime = time;
    }
  }
  const facets = event.run.facets && Object.keys(event.run.facets).length > 0 ? JSON.stringify(event.run.facets) : null;
  await tx.run(
    `INSERT INTO lineage_runs (run_id, job_namespace, job_name, state, state_time, started_at, ended_at, parent_run_id, facets)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id) DO UPDATE SET state = excluded.state, state_time = excluded.state_time,
       started_at = excluded.started_at, ended_at = excluded.ended_at,
       parent_run_id = COALESCE(excluded.parent_run_id, lineage_runs.parent_run_id),
       facets = COALESCE(excluded.facets, lineage_runs.facets)`,
    [runId, event.job.namespace, event.job.name, state, stateTime, startedAt, endedAt, parent, facets],
  );
  for (const [direction, list] of [['input', event.inputs ?? []], ['output', event.outputs ?? []]] as const) {
    for (const d of list) {
      await tx.run(
        `INSERT INTO lineage_run_datasets (run_id, direction, namespace, name) VALUES (?, ?, ?, ?)
         ON CONFLICT (run_id, direction, namespace, name) DO NOTHING`,
        [runId, direction, d.namespace, d.name],
      );
    }
  }
}

// ISO-8601 strings in UTC compare as text; offsets are normalised first.
function norm(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}
function minTime(a: string | null, b: string): string {
  return a === null || norm(b) < norm(a) ? b : a;
}
function maxTime(a: string | null, b: string): string {
  return a === null || norm(b) > norm(a) ? b : a;
}

export interface StoredEvent {
  readonly seq: number;
  readonly event: LineageEvent;
  readonly warnings: readonly string[];
  readonly receivedAt: string;
}

/** Events in the order they were stored; `after` is a seq cursor for paging. */
export async function listEvents(state: StateStore, options: { limit?: number; after?: number; runId?: string } = {}): Promise<StoredEvent[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const where: string[] = ['seq > ?'];
  const params: unknown[] = [options.after ?? 0];
  if (options.runId) {
    where.push('run_id = ?');
    params.push(options.runId);
  }
  const rows = await state.all<{ seq: number | bigint; payload: string; warnings: string | null; received_at: string }>(
    `SELECT seq, payload, warnings, received_at FROM lineage_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
    [...params, limit],
  );
  return rows.map((r) => ({ seq: Number(r.seq), event: JSON.parse(r.payload) as LineageEvent, warnings: r.warnings ? (JSON.parse(r.warnings) as string[]) : [], receivedAt: r.received_at }));
}

export interface LineageRunRecord {
  readonly runId: string;
  readonly job: { readonly namespace: string; readonly name: string };
  readonly state: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly parentRunId: string | null;
}

export async function getRun(state: StateStore, runId: string): Promise<LineageRunRecord | undefined> {
  const row = await state.get<{ run_id: string; job_namespace: string; job_name: string; state: string; started_at: string | null; ended_at: string | null; parent_run_id: string | null }>(
    'SELECT run_id, job_namespace, job_name, state, started_at, ended_at, parent_run_id FROM lineage_runs WHERE run_id = ?',
    [runId],
  );
  return row && {
    runId: row.run_id, job: { namespace: row.job_namespace, name: row.job_name }, state: row.state,
    startedAt: row.started_at, endedAt: row.ended_at, parentRunId: row.parent_run_id,
  };
}
