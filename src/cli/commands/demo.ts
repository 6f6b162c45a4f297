import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StrataError, type Project } from '../../core/index.js';
import { generateDemoData, loadDemoData, writeDemoDocuments, type DemoDataset, type LoadSummary } from '../../demo/index.js';
import type { Engine, Row } from '../../engines/types.js';
import { datasetRef, locationForTarget, outputStatisticsFacet, schemaFacet, type Lineage } from '../../lineage/index.js';
import { runProject, type NodeResult } from '../../transform/index.js';
import type { Progress } from '../progress.js';

/** The bundled example project, whether running from src/ (tsx) or dist/. */
export const DEMO_PROJECT_DIR = fileURLToPath(new URL('../../../examples/saas', import.meta.url));

export interface DemoOptions {
  readonly scale: number;
  readonly seed: number;
}

export interface DemoSummary {
  readonly project: string;
  readonly target: string;
  readonly scale: number;
  readonly seed: number;
  readonly load: LoadSummary;
  readonly documents: { readonly written: number; readonly dir: string };
  readonly models: readonly Pick<NodeResult, 'name' | 'status' | 'relation' | 'message'>[];
  readonly highlights: Row;
  readonly seconds: number;
}

/** Generate the SaaS data, load it into the warehouse, write the support docs, and sum it up. */
export async function runDemo(project: Project, engine: Engine, options: DemoOptions, progress: Progress, lineage: Lineage): Promise<DemoSummary> {
  const run = lineage.startRun({ job: { namespace: project.name, name: 'demo.load' } });
  try {
    const { summary, dataset } = await generateAndLoad(project, engine, options, progress);
    const columns = new Map(dataset.tables.map((t) => [t.name, t.columns]));
    run.complete({
      outputs: summary.load.tables.map((table) =>
        datasetRef(locationForTarget(project.target, 'raw', table.name), {
          schema: schemaFacet((columns.get(table.name) ?? []).map((c) => ({ name: c.name, type: engine.dialect.typeName(c.type) }))),
        }),
      ).map((dataset, i) => ({ ...dataset, outputFacets: { outputStatistics: outputStatisticsFacet({ rowCount: summary.load.tables[i]!.rows }) } })),
    });
    return summary;
  } catch (error) {
    run.fail(error);
    throw error;
  }
}

async function generateAndLoad(project: Project, engine: Engine, options: DemoOptions, progress: Progress): Promise<{ summary: DemoSummary; dataset: DemoDataset }> {
  const started = performance.now();
  progress.step(`generating SaaS data (scale ${options.scale}, seed ${options.seed})`);
  const dataset = generateDemoData({ scale: options.scale, seed: options.seed });
  const total = dataset.tables.reduce((sum, table) => sum + table.rowCount, 0);
  progress.done(`${total.toLocaleString('en-US')} rows in ${dataset.tables.length} tables`);

  progress.step(`loading into ${project.target.name} (${engine.kind})`, total);
  const loaded = new Map<string, number>();
  const load = await loadDemoData(engine, dataset, {
    schema: 'raw',
    onProgress: (p) => {
      loaded.set(p.table, p.rowsLoaded);
      progress.update([...loaded.values()].reduce((a, b) => a + b, 0));
    },
  });
  const rate = Math.round(load.totalRows / Math.max(load.ms / 1000, 1e-9));
  progress.done(`${load.totalRows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s`);

  const docsDir = join(project.paths.strataDir, 'demo', 'docs');
  progress.step('writing support documents');
  const written = await writeDemoDocuments(docsDir, dataset);
  progress.done(`${written} markdown files`);

  progress.step('building the project\'s models');
  const built = await runProject(project, engine, { command: 'build' });
  const models = built.summary.results.map(({ name, status, relation, message }) => ({ name, status, relation, message }));
  const failed = models.filter((m) => m.status !== 'success');
  progress.done(failed.length === 0 ? `${models.length} models` : `${failed.length} of ${models.length} models failed`);
  if (failed.length > 0) {
    throw new StrataError('demo_build_failed', `The demo project's models did not build: ${failed.map((m) => `${m.name} (${m.message ?? m.status})`).join('; ')}`);
  }

  const highlights = await summarize(engine);
  const summary: DemoSummary = {
    project: project.name,
    target: project.target.name,
    scale: options.scale,
    seed: options.seed,
    load,
    models,
    documents: { written, dir: docsDir },
    highlights,
    seconds: (performance.now() - started) / 1000,
  };
  return { summary, dataset };
}

/** A few numbers a person can sanity-check, computed by the warehouse from what was loaded. */
async function summarize(engine: Engine): Promise<Row> {
  const d = engine.dialect;
  const t = (name: string) => d.qualify({ schema: 'raw', name });
  const { rows } = await engine.query(
    `SELECT
       (SELECT count(*) FROM ${t('accounts')}) AS accounts,
       (SELECT count(*) FROM ${t('subscriptions')} WHERE status = 'paid') AS paid_subscriptions,
       (SELECT sum(mrr) FROM ${t('subscriptions')} WHERE status = 'paid') AS mrr,
       (SELECT count(*) FROM ${t('events')}) AS events,
       (SELECT min(occurred_at) FROM ${t('events')}) AS first_event,
       (SELECT max(occurred_at) FROM ${t('events')}) AS last_event`,
  );
  return rows[0] ?? {};
}

export function formatDemo(summary: DemoSummary): string {
  const lines = [
    '',
    `Demo project '${summary.project}' on target '${summary.target}' (scale ${summary.scale}, seed ${summary.seed}):`,
    '',
    '  table                        rows',
  ];
  for (const table of summary.load.tables) lines.push(`  raw.${table.name.padEnd(22)} ${table.rows.toLocaleString('en-US').padStart(12)}`);
  lines.push(`  ${'total'.padEnd(26)} ${summary.load.totalRows.toLocaleString('en-US').padStart(12)}`, '');
  lines.push(`  models built: ${summary.models.map((m) => m.relation ?? m.name).join(', ')}`, '');
  const h = summary.highlights;
  lines.push(
    `  accounts ${fmt(h.accounts)}, paid subscriptions ${fmt(h.paid_subscriptions)}, MRR ${money(h.mrr)}`,
    `  product events ${fmt(h.events)} from ${fmt(h.first_event)} to ${fmt(h.last_event)}`,
    `  support documents: ${summary.documents.written} in ${summary.documents.dir}`,
    '',
    `Done in ${summary.seconds.toFixed(1)}s.`,
  );
  return lines.join('\n');
}

/** Decimals arrive as exact strings; show them as an amount with separators. */
function money(value: unknown): string {
  const [whole, fraction = '00'] = String(value ?? '0').split('.');
  return `$${BigInt(whole!).toLocaleString('en-US')}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

function fmt(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return value.toLocaleString('en-US');
  return value === null || value === undefined ? '-' : String(value);
}
