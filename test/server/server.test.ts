import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProject, type Project } from '../../src/core/index.js';
import { createEngine } from '../../src/engines/index.js';
import { openWarehouse } from '../../src/cli/context.js';
import { readServerLock, serverLockPath, startServer, type RunningServer, type ServerModule } from '../../src/server/index.js';
import { openStateStore } from '../../src/state/index.js';
import { ENTRY, runCli, TSX_LOADER } from '../helpers/cli.js';

function makeProject(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-server-'));
  writeFileSync(join(dir, 'strata.yml'), `name: shop\ntargets:\n  dev:\n    type: duckdb\n  other:\n    type: postgres\n    host: 127.0.0.1\n    port: 1\n    dbname: x\n${extra}`);
  return dir;
}

/** A capability's routes, mounted the way later issues mount theirs. */
const echoModule: ServerModule = {
  name: 'echo',
  register(app) {
    app.post('/echo', async (request) => ({ received: JSON.stringify(request.body).length }));
  },
};

async function start(project: Project): Promise<RunningServer> {
  const engine = await createEngine(project.target);
  const state = await openStateStore({ type: 'sqlite', path: join(project.paths.strataDir, 'state.db') });
  return startServer(project, engine, state, { port: 0, logLevel: 'silent', handleSignals: false, modules: [echoModule] });
}

describe('strata serve (in process)', () => {
  let server: RunningServer;
  let project: Project;

  before(async () => {
    project = loadProject(makeProject('serve:\n  body_limit_mb: 0.01\n'));
    server = await start(project);
  });
  after(() => server.close());

  it('reports the state of each target on GET /health', async () => {
    const response = await fetch(`${server.url}/health`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; target: string; targets: { name: string; ok: boolean; active: boolean; version?: string }[]; state: { ok: boolean } };
    assert.equal(body.status, 'ok');
    assert.equal(body.target, 'dev');
    const dev = body.targets.find((t) => t.name === 'dev')!;
    assert.equal(dev.ok, true);
    assert.equal(dev.active, true);
    assert.match(dev.version ?? '', /^v?1\./);
    const other = body.targets.find((t) => t.name === 'other')!;
    assert.equal(other.ok, false);
    assert.match(JSON.stringify(other), /127\.0\.0\.1:1/);
    assert.equal(body.state.ok, true);
  });

  it('answers unknown routes with the one error shape', async () => {
    const response = await fetch(`${server.url}/nope?x=1`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { error: { code: 'not_found', message: 'No route GET /nope.', details: {} } });
  });

  it('limits request size with a 413 in the same shape', async () => {
    const small = await fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"b"}' });
    assert.deepEqual(await small.json(), { received: 9 });
    const malformed = await fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'bad_request');
    const response = await fetch(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(20_000) }),
    });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { error: { code: string; details: { limitBytes: number } } };
    assert.equal(body.error.code, 'payload_too_large');
    assert.equal(body.error.details.limitBytes, 10485);
  });

  it('refuses the internal engine routes without the token', async () => {
    const response = await fetch(`${server.url}/api/v1/_internal/engine`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-strata-engine' },
      body: JSON.stringify({ op: 'query', sql: 'SELECT 1' }),
    });
    assert.equal(response.status, 403);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'forbidden');
  });

  it('announces itself in .strata/server.json for other processes', () => {
    const lock = readServerLock(project.paths.strataDir)!;
    assert.equal(lock.pid, process.pid);
    assert.equal(lock.url, server.url);
    assert.equal(lock.warehouse, join(project.root, '.strata', 'warehouse.duckdb'));
  });
});

/** `strata serve` in a child process, as a user runs it. */
function serveInChild(dir: string): Promise<{ child: ChildProcess; url: string; logs: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, ENTRY, 'serve', '--project-dir', dir, '--port', '0'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Serving '.+' on (http:\/\/\S+) /.exec(out);
      if (match) resolve({ child, url: match[1]!, logs: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited early with ${code}: ${out}`)));
  });
}

describe('strata serve (child process)', () => {
  it('hands warehouse work from other strata processes to the server: no file-lock error', async () => {
    const dir = makeProject();
    const { child, url } = await serveInChild(dir);
    try {
      const project = loadProject(dir);
      const engine = await openWarehouse(project);
      assert.equal(engine.constructor.name, 'RemoteEngine');
      await engine.execute('CREATE TABLE t (id BIGINT, name VARCHAR)');
      const loaded = await engine.bulkLoad({ name: 't' }, [{ name: 'id', type: { logical: 'bigint' } }, { name: 'name', type: { logical: 'string' } }], [
        [1, 'ä'],
        [9007199254740993n, null],
      ]);
      assert.equal(loaded.rowsLoaded, 2);
      await assert.rejects(
        engine.transaction(async (tx) => {
          await tx.execute("INSERT INTO t VALUES (3, 'rolled back')");
          throw new Error('abort');
        }),
        /abort/,
      );
      await engine.transaction(async (tx) => tx.execute("INSERT INTO t VALUES (4, 'kept')"));
      const { rows } = await engine.query('SELECT id, name FROM t ORDER BY id');
      assert.deepEqual(rows, [
        { id: 1, name: 'ä' },
        { id: 4, name: 'kept' },
        { id: 9007199254740993n, name: null },
      ]);
      const columns = await engine.describe('SELECT id, name FROM t');
      assert.deepEqual(columns.map((c) => [c.name, c.type.logical]), [['id', 'bigint'], ['name', 'string']]);

      // A whole CLI command in a third process works too, through the server.
      const debug = await runCli(['debug', '--project-dir', dir, '--target', 'dev']);
      assert.equal(debug.code, 0, debug.stdout + debug.stderr);
      assert.match(debug.stdout, /held by strata serve \(pid \d+, http:\/\/127\.0\.0\.1:\d+\)/);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('shuts down gracefully on SIGTERM: in-flight requests finish, the lock file goes', async () => {
    const dir = makeProject();
    const { child, url } = await serveInChild(dir);
    const project = loadProject(dir);
    const engine = await openWarehouse(project);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // A query that takes a moment, in flight when the signal arrives.
    const slow = engine.query('SELECT count(*) AS n FROM range(1000000000) a WHERE a.range % 7 = 0');
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGTERM');
    const { rows } = await slow;
    assert.deepEqual(rows, [{ n: 142857143 }]);
    assert.equal(await exited, 0);
    assert.equal(existsSync(serverLockPath(project.paths.strataDir)), false);
    await assert.rejects(fetch(`${url}/health`));
  });
});
