import { relative } from 'node:path';
import { duckdbPath, isStrataError, type Project } from '../../core/index.js';
import { checkTarget, type TargetCheck } from '../../engines/index.js';
import { findRunningServer } from '../../server/lock.js';
import { openState } from '../context.js';

export interface DebugCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly code?: string;
}

/**
 * Checks every configured target (or only --target's) and the state store, and says precisely
 * what is wrong with each. A DuckDB file held by a running `strata serve` is checked through it.
 */
export async function runDebug(project: Project, onlyTarget: string | undefined): Promise<DebugCheck[]> {
  const checks: DebugCheck[] = [
    { check: 'project', ok: true, detail: `${project.name} (${project.configFile})` },
  ];
  for (const warning of project.warnings) checks.push({ check: 'project', ok: true, detail: `warning: ${warning.message}`, code: warning.code });

  const server = await findRunningServer(project.paths.strataDir);
  const names = onlyTarget ? [onlyTarget] : [...project.targets.keys()];
  const targetChecks = await Promise.all(
    names.map(async (name): Promise<DebugCheck> => {
      const target = { name, config: project.targets.get(name)!, projectDir: project.root };
      const file = duckdbPath(target);
      if (server && file && server.warehouse === file) {
        const health = await fetch(`${server.url}/health`).then((r) => r.json() as Promise<{ targets?: { name: string; ok: boolean; version?: string }[] }>);
        const entry = health.targets?.find((t) => t.ok);
        return { check: `target ${name}`, ok: Boolean(entry), detail: `duckdb ${relative(project.root, file)}: held by strata serve (pid ${server.pid}, ${server.url}), version ${entry?.version ?? '?'}` };
      }
      const result: TargetCheck = await checkTarget(target);
      return { check: `target ${name}`, ok: result.ok, detail: result.ok && result.version ? `${result.detail} (version ${result.version})` : result.detail, code: result.code };
    }),
  );
  checks.push(...targetChecks);

  try {
    const state = await openState(project);
    const migrations = await state.appliedMigrations();
    await state.close();
    const where = project.state.type === 'sqlite' ? relative(project.root, project.state.path) : `postgres ${project.state.host ?? ''}`;
    checks.push({ check: 'state', ok: true, detail: `${project.state.type} ${where} (${migrations.length} migrations applied)` });
  } catch (error) {
    checks.push({ check: 'state', ok: false, detail: isStrataError(error) ? error.format() : String(error), code: isStrataError(error) ? error.code : 'internal_error' });
  }
  return checks;
}

export function formatDebug(checks: readonly DebugCheck[]): string {
  const width = Math.max(...checks.map((c) => c.check.length));
  const lines = checks.map((c) => `  ${c.ok ? 'OK    ' : 'FAILED'}  ${c.check.padEnd(width)}  ${c.detail.replace(/\n/g, `\n${' '.repeat(width + 12)}`)}`);
  const failed = checks.filter((c) => !c.ok).length;
  lines.push('', failed === 0 ? 'All checks passed.' : `${failed} of ${checks.length} checks failed.`);
  return lines.join('\n');
}
