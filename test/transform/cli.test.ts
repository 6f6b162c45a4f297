import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createEngine } from '../../src/engines/index.js';
import { loadTransformProject } from '../../src/transform/index.js';
import { ENTRY, runCli, TSX_LOADER } from '../helpers/cli.js';
import { removeDir, writeFile } from './helpers.js';

describe('strata transform commands', () => {
  const parent = mkdtempSync(join(tmpdir(), 'strata-transform-cli-'));
  const dir = join(parent, 'numbers');
  after(() => removeDir(parent));

  it('`strata init DIR` then `strata build` creates number_stats with 2 rows', async () => {
    assert.equal((await runCli(['init', dir])).code, 0);
    const build = await runCli(['build', '--project-dir', dir]);
    assert.equal(build.code, 0, build.stderr);
    assert.match(build.stdout, /1 of 2 OK +view main\.stg_numbers \[\d+\.\d\ds\]/);
    assert.match(build.stdout, /2 of 2 OK +table main\.number_stats/);
    assert.match(build.stdout, /2 ok, 0 error, 0 skipped, 2 total\./);
    const engine = await createEngine(loadTransformProject(dir).target, { readOnly: true });
    try {
      const { rows } = await engine.query('select is_even, numbers, total from main.number_stats order by is_even');
      assert.deepEqual(rows, [
        { is_even: false, numbers: 5, total: 25 },
        { is_even: true, numbers: 5, total: 20 },
      ]);
    } finally {
      await engine.close();
    }
    const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    assert.deepEqual(results.results.map((r: { status: string }) => r.status), ['success', 'success']);
    assert.equal(results.args.which, 'build');
    const runs = await runCli(['runs', '--project-dir', dir, '--json']);
    assert.equal(JSON.parse(runs.stdout)[0].command, 'build');
  });

  it('`strata ls` lists selected nodes, with --json', async () => {
    const ls = await runCli(['ls', '--project-dir', dir, '--select', '+number_stats']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stdout, 'numbers.example.stg_numbers\nnumbers.example.number_stats\n');
    const json = await runCli(['ls', '--project-dir', dir, '-s', 'stg_numbers', '--json']);
    const rows = JSON.parse(json.stdout);
    assert.deepEqual(rows.map((r: { unique_id: string; materialized: string }) => [r.unique_id, r.materialized]), [['model.numbers.stg_numbers', 'view']]);
  });

  it('`strata compile` writes compiled SQL and the manifest', async () => {
    const compile = await runCli(['compile', '--project-dir', dir]);
    assert.equal(compile.code, 0, compile.stderr);
    const sql = readFileSync(join(dir, 'target/compiled/numbers/models/example/number_stats.sql'), 'utf8');
    assert.match(sql, /from "main"\."stg_numbers"/);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    assert.deepEqual(manifest.nodes['model.numbers.number_stats'].depends_on.nodes, ['model.numbers.stg_numbers']);
  });

  it('a failing model exits 1 with the engine message and the model file, and skips its children', async () => {
    writeFile(dir, 'models/example/stg_numbers.sql', 'select range as n, from range(10) where\n');
    const build = await runCli(['build', '--project-dir', dir]);
    assert.equal(build.code, 1);
    assert.match(build.stdout, /1 of 2 ERROR view main\.stg_numbers/);
    assert.match(build.stdout, /2 of 2 SKIP  table main\.number_stats\n/);
    assert.match(build.stderr, /1 of 2 models failed/);
    assert.match(build.stderr, /models\/example\/stg_numbers\.sql: Parser Error/);
    assert.ok(existsSync(join(dir, 'target/run_results.json')));
    const runs = JSON.parse((await runCli(['runs', '--project-dir', dir, '--json'])).stdout);
    assert.equal(runs[0].status, 'error');
  });

  it('`strata build` works while `strata serve` holds the DuckDB file', async () => {
    const served = join(parent, 'served');
    assert.equal((await runCli(['init', served])).code, 0);
    const child = spawn(process.execPath, ['--import', TSX_LOADER, ENTRY, 'serve', '--project-dir', served, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          if (/Serving '.+' on http/.test(out)) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => reject(new Error(`serve exited early with ${code}: ${out}`)));
      });
      const build = await runCli(['build', '--project-dir', served]);
      assert.equal(build.code, 0, build.stderr);
      assert.match(build.stdout, /2 ok, 0 error/);
      const again = await runCli(['build', '--project-dir', served]);
      assert.equal(again.code, 0, again.stderr);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
