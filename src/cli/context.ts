import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { duckdbPath, isStrataError, loadProject, StrataError, type LoadProjectOptions, type Project } from '../core/index.js';
import { createDialect, createEngine } from '../engines/index.js';
import { RemoteEngine } from '../engines/remote/engine.js';
import type { Engine } from '../engines/types.js';
import { findRunningServer } from '../server/lock.js';
import { openStateStore } from '../state/index.js';
import type { StateStore } from '../state/types.js';

/** Options every project command accepts. */
export interface ProjectOptions {
  projectDir?: string;
  target?: string;
  profilesDir?: string;
  vars?: string;
  json?: boolean;
}

export function openProject(options: ProjectOptions, defaultDir = process.cwd(), extra: Partial<LoadProjectOptions> = {}): Project {
  const load: LoadProjectOptions = {
    ...extra,
    target: options.target,
    profilesDir: options.profilesDir,
    vars: options.vars ? parseVars(options.vars) : undefined,
  };
  return loadProject(options.projectDir ?? defaultDir, load);
}

/** --vars takes YAML or JSON, as dbt's does: --vars '{key: value}'. */
function parseVars(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new StrataError('vars_invalid', `--vars is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`, {
      hint: `Write it as a mapping, e.g. --vars '{start_date: 2026-01-01}'.`,
    });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StrataError('vars_invalid', `--vars must be a mapping of names to values; got ${JSON.stringify(text)}.`, {
      hint: `Write it as a mapping, e.g. --vars '{start_date: 2026-01-01}'.`,
    });
  }
  return parsed as Record<string, unknown>;
}

/**
 * The project's warehouse. If a `strata serve` on this project holds the embedded DuckDB file,
 * work is handed to it instead of failing on DuckDB's single-writer file lock.
 */
export async function openWarehouse(project: Project, options: { readOnly?: boolean } = {}): Promise<Engine> {
  const file = duckdbPath(project.target);
  const viaServer = async () => {
    const server = file ? await findRunningServer(project.paths.strataDir) : undefined;
    return server && server.warehouse === file ? new RemoteEngine(server, createDialect('duckdb')) : undefined;
  };
  const remote = await viaServer();
  if (remote) return remote;
  try {
    return await createEngine(project.target, options);
  } catch (error) {
    // A server may have started between the check and the open.
    if (isStrataError(error) && error.code === 'warehouse_locked') {
      const late = await viaServer();
      if (late) return late;
    }
    throw error;
  }
}

export function openState(project: Project): Promise<StateStore> {
  const config = project.state;
  return config.type === 'sqlite'
    ? openStateStore({ type: 'sqlite', path: config.path })
    : openStateStore({
        type: 'postgres',
        connectionString: config.connection_string,
        host: config.host,
        port: config.port,
        user: config.user,
        password: config.password,
        database: config.database,
        schema: config.schema,
      });
}

/** Records a command in run history: started, then success or error with its message. */
export async function recordRun<T>(state: StateStore, project: Project, command: string, work: (runId: string) => Promise<T>): Promise<T> {
  const runId = randomUUID();
  await state.runs.start({ runId, command, target: project.target.name });
  try {
    const result = await work(runId);
    await state.runs.finish(runId, 'success');
    return result;
  } catch (error) {
    await state.runs.finish(runId, 'error', error instanceof Error ? error.message : String(error)).catch(() => undefined);
    throw error;
  }
}
