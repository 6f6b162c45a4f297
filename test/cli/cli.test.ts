import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { services, skipUnless } from '../helpers/services.js';
import { runCli, scrub } from '../helpers/cli.js';
import { assertGolden } from '../helpers/golden.js';

const skipPostgres = await skipUnless('postgres');
const skipClickHouse = await skipUnless('clickhouse');
const tmp = () => mkdtempSync(join(tmpdir(), 'strata-cli-'));

function projectWith(yml: string): string {
  const dir = tmp();
  writeFileSync(join(dir, 'strata.yml'), yml);
  return dir;
}

interface DebugReport {
  ok: boolean;
  checks: { check: string; ok: boolean; code?: string; detail: string }[];
}

describe('strata CLI', () => {
  it('prints help listing the commands, exit 0', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['init', 'debug', 'demo', 'serve', 'runs']) assert.match(result.stdout, new RegExp(`\\n  ${command}\\b`));
  });

  it('rejects an unknown flag with the nearest one, exit 1', async () => {
    const result = await runCli(['demo', '--scal', '2']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assertGolden(import.meta.url, 'unknown-flag', result.stderr);
  });

  it('rejects an unknown command with the nearest one, exit 1', async () => {
    const result = await runCli(['debgu']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Did you mean debug\?/);
  });

  it('rejects a bad flag value, exit 1', async () => {
    const result = await runCli(['demo', '--scale', 'big', '--no-serve']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--scale must be a positive number/);
  });

  it('init creates a project that loads and passes debug', async () => {
    const dir = join(tmp(), 'my_shop');
    const init = await runCli(['init', dir]);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /Created project 'my_shop'/);
    assert.ok(existsSync(join(dir, 'strata.yml')) && existsSync(join(dir, 'models', 'example', 'stg_numbers.sql')));
    const debug = await runCli(['debug', '--project-dir', dir, '--json']);
    assert.equal(debug.code, 0, debug.stdout + debug.stderr);
    const report = JSON.parse(debug.stdout) as DebugReport;
    assert.equal(report.ok, true);
    assert.deepEqual(report.checks.map((c) => c.check), ['project', 'target dev', 'state']);
    assert.match(report.checks[2]!.detail, /sqlite \.strata\/state\.db \(\d+ migrations applied\)/);
    const again = await runCli(['init', dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; init does not overwrite a project/);
  });

  it('explains a malformed strata.yml with file:line:column, exit 1', async () => {
    const dir = projectWith('name: shop\ntargets:\n  dev:\n    type: duckdb\n   path: x\n');
    const result = await runCli(['debug', '--project-dir', dir]);
    assert.equal(result.code, 1);
    assertGolden(import.meta.url, 'malformed-yaml', scrub(result.stderr, dir));
  });

  it('explains an unknown target type, exit 1', async () => {
    const dir = projectWith('name: shop\ntargets:\n  dev:\n    type: snowflake\n');
    const result = await runCli(['debug', '--project-dir', dir]);
    assert.equal(result.code, 1);
    assertGolden(import.meta.url, 'unknown-target-type', scrub(result.stderr, dir));
  });

  it('returns errors as JSON with --json', async () => {
    const dir = projectWith('name: shop\nmodels-paths: [m]\n');
    const result = await runCli(['debug', '--project-dir', dir, '--json']);
    assert.equal(result.code, 1);
    const body = JSON.parse(result.stdout) as { error: { code: string; details: { hint: string; location: { line: number } } } };
    assert.equal(body.error.code, 'config_invalid');
    assert.equal(body.error.details.hint, "Did you mean 'model-paths'?");
    assert.equal(body.error.details.location.line, 2);
  });

  it('says precisely why a Postgres target fails: refused port, unknown host', async () => {
    const dir = projectWith(
      ['name: shop', 'targets:', '  refused:', '    type: postgres', '    host: 127.0.0.1', '    port: 1', '    dbname: x', '  nohost:', '    type: postgres', '    host: no-such-host.invalid', '    dbname: x'].join('\n'),
    );
    const result = await runCli(['debug', '--project-dir', dir, '--json']);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as DebugReport;
    const refused = report.checks.find((c) => c.check === 'target refused')!;
    const nohost = report.checks.find((c) => c.check === 'target nohost')!;
    assert.equal(refused.ok, false);
    assert.equal(refused.code, 'target_refused');
    assert.match(refused.detail, /127\.0\.0\.1:1/);
    assert.equal(nohost.ok, false);
    assert.equal(nohost.code, 'target_unreachable');
    assert.match(nohost.detail, /no-such-host\.invalid/);
    const text = await runCli(['debug', '--project-dir', dir]);
    assertGolden(import.meta.url, 'postgres-unreachable', scrub(text.stdout, dir));
  });

  describe('with Postgres', { skip: skipPostgres }, () => {
    it('says when the database is missing, and when it is fine', async () => {
      const pg = services.postgres;
      const dir = projectWith(
        ['name: shop', 'targets:', '  ok:', '    type: postgres', `    host: ${pg.host}`, `    user: ${pg.user}`, `    dbname: ${pg.database}`, '  nodb:', '    type: postgres', `    host: ${pg.host}`, `    user: ${pg.user}`, '    dbname: strata_no_such_db'].join('\n'),
      );
      const result = await runCli(['debug', '--project-dir', dir, '--json']);
      const report = JSON.parse(result.stdout) as DebugReport;
      const ok = report.checks.find((c) => c.check === 'target ok')!;
      const nodb = report.checks.find((c) => c.check === 'target nodb')!;
      assert.equal(ok.ok, true, ok.detail);
      assert.match(ok.detail, /version 1\d/);
      assert.equal(nodb.ok, false);
      assert.equal(nodb.code, 'target_database_missing');
      assert.match(nodb.detail, /strata_no_such_db/);
      assert.equal(result.code, 1);
    });
  });

  describe('with ClickHouse', { skip: skipClickHouse }, () => {
    it('says when the port is the native one instead of HTTP', async () => {
      const dir = projectWith(['name: shop', 'targets:', '  ch:', '    type: clickhouse', `    host: ${services.clickhouse.host}`, '    port: 9000'].join('\n'));
      const result = await runCli(['debug', '--project-dir', dir]);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /FAILED\s+target ch/);
      assertGolden(import.meta.url, 'clickhouse-wrong-port', scrub(result.stdout, dir));
      const json = JSON.parse((await runCli(['debug', '--project-dir', dir, '--json'])).stdout) as DebugReport;
      assert.equal(json.checks.find((c) => c.check === 'target ch')!.code, 'target_wrong_port');
    });
  });
});
