import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitCode, StrataError } from '../core/index.js';
import { startServer } from '../server/serve.js';
import { findRunningServer } from '../server/lock.js';
import { createEngine } from '../engines/index.js';
import { transformExtension } from '../transform/index.js';
import { createLineage, lineageServerModule, migrateLineage, transportFromEnv } from '../lineage/index.js';
import { formatDebug, runDebug } from './commands/debug.js';
import { DEMO_PROJECT_DIR, formatDemo, runDemo } from './commands/demo.js';
import { initProject } from './commands/init.js';
import { registerTransformCommands } from './commands/transform.js';
import { openProject, openState, openWarehouse, recordRun, type ProjectOptions } from './context.js';
import { printJson, reportError } from './output.js';
import { createProgress } from './progress.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Options on every command that uses a project. */
export function withProjectOptions(command: Command): Command {
  return command
    .option('--project-dir <dir>', 'project directory (default: the current directory or the nearest parent with strata.yml)')
    .option('--target <name>', 'target (connection) to use, as named under targets: or in profiles.yml')
    .option('--profiles-dir <dir>', 'where to find profiles.yml for dbt projects')
    .option('--vars <yaml>', "project variables, e.g. --vars '{start_date: 2026-01-01}'");
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`${name} must be a positive number.`);
    return number;
  };
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return number;
}

type ServeFlags = ProjectOptions & { port?: number; host?: string; logLevel?: string };

export function buildProgram(): Command {
  const program = new Command('strata')
    .description('The modern data stack in one program: transformations, metrics, a semantic API, real-time rollups and lineage.')
    .version(packageJson.version, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(rewordCommanderError(text)) });

  program
    .command('init')
    .description('create a new project that builds, in DIR')
    .argument('<dir>', 'directory for the project (created if missing)')
    .option('--name <name>', 'project name (default: the directory name)')
    .option('--json', 'print the result as JSON')
    .action((dir: string, options: { name?: string; json?: boolean }) => {
      const result = initProject(dir, { name: options.name });
      if (options.json) printJson(result);
      else process.stdout.write(`Created project '${result.name}' in ${result.dir}:\n${result.files.map((f) => `  ${f}`).join('\n')}\n\nNext: cd ${dir} && strata debug\n`);
    });

  withProjectOptions(program.command('debug'))
    .description('check the project, each target and the state store, and say precisely what is wrong')
    .option('--json', 'print the checks as JSON')
    .action(async (options: ProjectOptions) => {
      const project = openProject(options, process.cwd(), { anyTargetWillDo: true });
      const checks = await runDebug(project, options.target);
      if (options.json) printJson({ ok: checks.every((c) => c.ok), checks });
      else process.stdout.write(`${formatDebug(checks)}\n`);
      if (!checks.every((c) => c.ok)) process.exitCode = ExitCode.userError;
    });

  withProjectOptions(program.command('demo'))
    .description('generate the synthetic SaaS company, load it, build the demo project, and serve it')
    .option('--scale <n>', 'size factor; 1 is about 1M product events', positiveNumber('--scale'), 1)
    .option('--seed <n>', 'random seed; the same seed and scale give the same data', (v) => Math.trunc(positiveNumber('--seed')(v)), 42)
    .option('--no-serve', 'exit after loading instead of starting the server')
    .option('--port <port>', 'port for the server', port)
    .option('--host <host>', 'address for the server')
    .option('--json', 'print the summary as JSON')
    .action(async (options: ServeFlags & { scale: number; seed: number; serve: boolean }) => {
      const project = openProject(options, DEMO_PROJECT_DIR, { extensions: [transformExtension] });
      const progress = createProgress(process.stderr, Boolean(options.json));
      const state = await openState(project);
      const engine = await openWarehouse(project);
      let served = false;
      try {
        await migrateLineage(state);
        const lineage = createLineage({ transport: transportFromEnv({ state }) });
        const summary = await recordRun(state, project, 'demo', () => runDemo(project, engine, { scale: options.scale, seed: options.seed }, progress, lineage)).finally(() =>
          lineage.flush(),
        );
        if (options.json) printJson(summary);
        else process.stdout.write(`${formatDemo(summary)}\n`);
        if (options.serve && !(await findRunningServer(project.paths.strataDir))) {
          served = true;
          await serve(project, engine, state, options);
        } else if (options.serve) {
          process.stdout.write('A strata server is already serving this project; the data was loaded through it.\n');
        }
      } finally {
        if (!served) {
          await engine.close();
          await state.close();
        }
      }
    });

  withProjectOptions(program.command('serve'))
    .description('start the HTTP server (health, APIs) on the project')
    .option('--port <port>', 'port to listen on (default from strata.yml serve.port, else 4000)', port)
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .action(async (options: ServeFlags) => {
      const project = openProject(options);
      const running = await findRunningServer(project.paths.strataDir);
      if (running) {
        throw new StrataError('already_serving', `This project is already served by pid ${running.pid} at ${running.url}.`, {
          hint: 'Stop that server first, or use it: other strata commands hand their work to it.',
        });
      }
      const state = await openState(project);
      const engine = await createEngine(project.target).catch(async (error: unknown) => {
        await state.close();
        throw error;
      });
      await serve(project, engine, state, options);
    });

  withProjectOptions(program.command('runs'))
    .description('show recent run history from the state store')
    .option('--limit <n>', 'how many runs', (v) => Math.trunc(positiveNumber('--limit')(v)), 20)
    .option('--json', 'print as JSON')
    .action(async (options: ProjectOptions & { limit: number }) => {
      const project = openProject(options);
      const state = await openState(project);
      try {
        const runs = await state.runs.list(options.limit);
        if (options.json) printJson(runs);
        else if (runs.length === 0) process.stdout.write('No runs recorded yet.\n');
        else for (const run of runs) process.stdout.write(`${run.startedAt}  ${run.status.padEnd(7)}  ${run.command.padEnd(8)}  ${run.target ?? ''}  ${run.message ?? ''}\n`);
      } finally {
        await state.close();
      }
    });

  registerTransformCommands(program);

  return program;
}

async function serve(
  project: Awaited<ReturnType<typeof openProject>>,
  engine: Awaited<ReturnType<typeof openWarehouse>>,
  state: Awaited<ReturnType<typeof openState>>,
  options: ServeFlags,
): Promise<void> {
  const server = await startServer(project, engine, state, {
    host: options.host,
    port: options.port,
    logLevel: (options.logLevel as 'info' | undefined) ?? 'info',
    modules: [lineageServerModule],
  });
  process.stderr.write(`Serving '${project.name}' on ${server.url} (health: ${server.url}/health). Ctrl-C or SIGTERM stops it.\n`);
  await server.closed;
}

/** Commander's messages, made into one paragraph that says what to do next. */
function rewordCommanderError(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('error:')) return text;
  const body = trimmed.replace(/^error:\s*/, '');
  const sentence = body.charAt(0).toUpperCase() + body.slice(1).replace(/\n\(Did you mean (.+)\?\)/, '. Did you mean $1?');
  return `Error: ${sentence.replace(/\.\.$/, '.')}\nRun 'strata --help' or 'strata <command> --help' for the options.\n`;
}

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; usage mistakes are user errors.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.userError;
    }
    return reportError(error, json);
  }
}
