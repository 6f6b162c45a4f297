import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as strata from '../src/index.js';

describe('library entry point', () => {
  it('does from code what the CLI does: load a project, open its warehouse, load and query data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-lib-'));
    writeFileSync(join(dir, 'strata.yml'), 'name: lib\ntargets:\n  dev:\n    type: duckdb\n    path: ":memory:"\n');
    const project = strata.loadProject(dir);
    const engine = await strata.createEngine(project.target);
    try {
      const dataset = strata.generateDemoData({ scale: 0.01, seed: 7 });
      const summary = await strata.loadDemoData(engine, dataset);
      const accounts = dataset.tables.find((t) => t.name === 'accounts')!;
      const { rows } = await engine.query(`SELECT count(*) AS n FROM ${engine.dialect.qualify({ schema: 'raw', name: 'accounts' })}`);
      assert.deepEqual(rows, [{ n: accounts.rowCount }]);
      assert.equal(summary.totalRows, dataset.tables.reduce((sum, t) => sum + t.rowCount, 0));
    } finally {
      await engine.close();
    }
    assert.equal(typeof strata.runCli, 'function');
    assert.equal(typeof strata.startServer, 'function');
    assert.equal(typeof strata.openStateStore, 'function');
  });
});
