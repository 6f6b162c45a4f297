import type { Command } from 'commander';
import { StrataError, type Project } from '../../core/index.js';
import { createDialect, type Dialect } from '../../engines/index.js';
import { compileProject, plan, runProject, transformExtension, type NodeResult, type SelectionOptions } from '../../transform/index.js';
import { openProject, openState, openWarehouse, recordRun, type ProjectOptions } from '../context.js';
import { withProjectOptions } from '../main.js';
import { printJson } from '../output.js';

type SelectFlags = ProjectOptions & { select?: string[]; exclude?: string[] };

function withSelection(command: Command): Command {
  return command
    .option('-s, --select <selectors...>', "nodes to include: names, +m (and parents), m+ (and children), tag:x, path:dir; space = union, comma = intersection")
    .option('--exclude <selectors...>', 'nodes to leave out, same syntax as --select');
}

function open(options: SelectFlags): Project {
  return openProject(options, process.cwd(), { extensions: [transformExtension] });
}

function selection(options: SelectFlags): SelectionOptions {
  return { select: options.select, exclude: options.exclude };
}

function warnUnmatched(unmatched: readonly string[]): void {
  for (const term of unmatched) process.stderr.write(`Warning: nothing matched the selector '${term}'.\n`);
}

export function registerTransformCommands(program: Command): void {
  withSelection(withProjectOptions(program.command('compile')))
    .description('render the selected models to SQL in target/compiled/ and write target/manifest.json')
    .option('--json', 'print the compiled models as JSON')
    .action(async (options: SelectFlags) => {
      const project = open(options);
      const dialect = await dialectFor(project);
      const result = compileProject(project, dialect, selection(options));
      warnUnmatched(result.selection.unmatched);
      if (options.json) printJson({ manifest: result.manifestPath, models: result.compiled.map((m) => ({ unique_id: m.node.uniqueId, compiled_code: m.sql })) });
      else process.stdout.write(`Compiled ${result.compiled.length} model${result.compiled.length === 1 ? '' : 's'} into ${project.paths.targetDir}/compiled; manifest at ${result.manifestPath}.\n`);
    });

  const build = (name: string, description: string) =>
    withSelection(withProjectOptions(program.command(name)))
      .description(description)
      .option('--json', 'print the results as JSON')
      .action(async (options: SelectFlags) => runCommand(name, options));
  build('run', 'build the selected models in DAG order (views, tables; ephemeral models are inlined)');
  build('build', 'build the selected models in DAG order; in this version the same as `strata run` (data tests, seeds and snapshots are not run yet)');

  withSelection(withProjectOptions(program.command('ls')))
    .alias('list')
    .description('list the selected models and sources')
    .option('--json', 'print the nodes as JSON')
    .action((options: SelectFlags) => {
      const project = open(options);
      const { graph, selection: picked } = plan(project, selection(options));
      warnUnmatched(picked.unmatched);
      const rows = picked.ids.map((id) => {
        const node = graph.get(id)!;
        return node.kind === 'model'
          ? { unique_id: id, name: node.name, resource_type: 'model', fqn: node.fqn, original_file_path: node.originalFilePath, materialized: node.config.materialized, tags: node.config.tags, depends_on: node.dependsOn }
          : { unique_id: id, name: node.name, resource_type: 'source', fqn: [node.packageName, node.sourceName, node.name], source_name: node.sourceName, original_file_path: node.originalFilePath };
      });
      if (options.json) printJson(rows);
      // dbt ls prints each node's fqn, dotted: my_project.staging.stg_orders.
      else for (const row of rows) process.stdout.write(`${row.resource_type === 'source' ? 'source:' : ''}${row.fqn.join('.')}\n`);
    });
}

async function dialectFor(project: Project): Promise<Dialect> {
  const kind = project.target.config.type;
  if (kind !== 'clickhouse') return createDialect(kind);
  // ClickHouse's dialect depends on the server version.
  const engine = await openWarehouse(project, { readOnly: true });
  try {
    return engine.dialect;
  } finally {
    await engine.close();
  }
}

async function runCommand(command: string, options: SelectFlags): Promise<void> {
  const project = open(options);
  const state = await openState(project);
  try {
    const engine = await openWarehouse(project);
    try {
      await recordRun(state, project, command, async () => {
        const started = Date.now();
        const result = await runProject(project, engine, {
          ...selection(options),
          command,
          onResult: options.json ? undefined : (r, i, total) => process.stdout.write(`${formatLine(r, i, total)}\n`),
        });
        warnUnmatched(result.selection.unmatched);
        const { results } = result.summary;
        const count = (status: string) => results.filter((r) => r.status === status).length;
        const line = `Done in ${((Date.now() - started) / 1000).toFixed(2)}s: ${count('success')} ok, ${count('error')} error, ${count('skipped')} skipped, ${results.length} total.`;
        if (options.json && result.summary.success) printJson({ success: true, results: results.map(jsonResult), elapsed_time: result.summary.elapsedTime });
        else if (!options.json) process.stdout.write(`\n${line}\n`);
        if (!result.summary.success) {
          const failures = results.filter((r) => r.status === 'error');
          throw new StrataError('run_failed', `${failures.length} of ${results.length} model${results.length === 1 ? '' : 's'} failed.\n${failures.map((r) => `  ${r.name}: ${r.message}`).join('\n')}`, {
            details: { results: results.map(jsonResult) },
          });
        }
      });
    } finally {
      await engine.close();
    }
  } finally {
    await state.close();
  }
}

function jsonResult(r: NodeResult) {
  return { unique_id: r.uniqueId, status: r.status, relation: r.relation ?? null, execution_time: r.executionTime, message: r.message, file: r.file };
}

function formatLine(r: NodeResult, index: number, total: number): string {
  const label = { success: 'OK', error: 'ERROR', skipped: 'SKIP' }[r.status];
  const what = `${r.materialized} ${r.relation ?? r.name}`;
  const head = `${String(index + 1).padStart(String(total).length)} of ${total} ${label.padEnd(5)} ${what}`;
  const tail = r.status === 'skipped' ? '' : ` [${r.executionTime.toFixed(2)}s]`;
  const detail = r.status === 'error' && r.message ? `\n    ${r.message.split('\n').join('\n    ')}` : '';
  return `${head}${tail}${detail}`;
}


