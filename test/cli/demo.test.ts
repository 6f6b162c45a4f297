import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listEvents, lineageValidator, type RunEvent } from '../../src/lineage/index.js';
import { openStateStore } from '../../src/state/index.js';
import { createEngine } from '../../src/engines/index.js';
import { generateDemoData } from '../../src/demo/index.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

describe('strata demo', () => {
  it('generates, loads, summarises, records the run and its lineage, and is repeatable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-demo-'));
    cpSync(join(REPO_ROOT, 'examples/saas'), dir, { recursive: true, filter: (source) => !/[/\\](\.strata|target)$/.test(source) });
    const args = ['demo', '--project-dir', dir, '--scale', '0.01', '--seed', '3', '--no-serve', '--json'];
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { load: { tables: { name: string; rows: number }[]; totalRows: number }; highlights: { accounts: number; events: number }; models: { relation: string; status: string }[]; documents: { written: number; dir: string } };
    const expected = generateDemoData({ scale: 0.01, seed: 3 });
    assert.deepEqual(
      summary.load.tables.map((t) => [t.name, t.rows]),
      expected.tables.map((t) => [t.name, t.rowCount]),
    );
    assert.equal(summary.highlights.accounts, expected.tables.find((t) => t.name === 'accounts')!.rowCount);
    assert.equal(summary.highlights.events, expected.tables.find((t) => t.name === 'events')!.rowCount);
    assert.deepEqual(summary.models.map((m) => [m.relation, m.status]).sort(), [
      ['analytics.dim_accounts', 'success'],
      ['analytics.fct_daily_activity', 'success'],
      ['analytics.stg_accounts', 'success'],
      ['analytics.stg_events', 'success'],
      ['analytics.stg_subscriptions', 'success'],
    ]);
    assert.equal(readdirSync(summary.documents.dir).filter((f) => f.endsWith('.md')).length, summary.documents.written);

    // A second run replaces the data instead of adding to it.
    const second = await runCli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((JSON.parse(second.stdout) as typeof summary).highlights.events, summary.highlights.events);

    const engine = await createEngine({ name: 'dev', projectDir: dir, config: { type: 'duckdb', path: join(dir, '.strata', 'warehouse.duckdb') } });
    try {
      const { rows } = await engine.query(
        'SELECT (SELECT count(*) FROM analytics.dim_accounts) AS accounts, (SELECT sum(events) FROM analytics.fct_daily_activity) AS events, (SELECT sum(mrr) FROM analytics.dim_accounts) = (SELECT sum(mrr) FROM raw.subscriptions) AS mrr_matches',
      );
      // Every event belongs to an account, so the daily mart accounts for all of them.
      assert.deepEqual(rows, [{ accounts: summary.highlights.accounts, events: summary.highlights.events, mrr_matches: true }]);
    } finally {
      await engine.close();
    }

    const state = await openStateStore({ type: 'sqlite', path: join(dir, '.strata', 'state.db') });
    try {
      const runs = await state.runs.list(10);
      assert.deepEqual(runs.map((r) => [r.command, r.status, r.target]), [['demo', 'success', 'dev'], ['demo', 'success', 'dev']]);
      const events = (await listEvents(state, { limit: 100 })).map((e) => e.event as RunEvent);
      assert.deepEqual(events.map((e) => e.eventType), ['START', 'COMPLETE', 'START', 'COMPLETE']);
      const complete = events[1]!;
      assert.equal(complete.job.name, 'demo.load');
      assert.deepEqual(complete.outputs!.map((o) => o.name), expected.tables.map((t) => `warehouse.raw.${t.name}`));
      assert.equal(complete.outputs![0]!.namespace, `duckdb://${join(dir, '.strata', 'warehouse.duckdb')}`);
      const events0 = complete.outputs!.find((o) => o.name === 'warehouse.raw.events')!;
      assert.equal((events0.outputFacets!.outputStatistics as unknown as { rowCount: number }).rowCount, summary.highlights.events);
      const validator = lineageValidator();
      for (const event of events) assert.deepEqual(validator.validate(event).problems, []);
    } finally {
      await state.close();
    }
  });
});
