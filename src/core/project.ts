import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { didYouMean, StrataError, type SourceLocation } from './errors.js';
import { profileSchema, projectConfigSchema, type ProjectConfig, type ServeConfig, type StateConfig } from './project-config.js';
import { renderConfig } from './render-config.js';
import { DEFAULT_DUCKDB_PATH, TARGET_TYPES, targetSchema, type ResolvedTarget, type TargetConfig } from './targets.js';
import { validateYaml } from './validate.js';
import { YamlFile } from './yaml-file.js';

export const PROJECT_FILE = 'strata.yml';
export const DBT_PROJECT_FILE = 'dbt_project.yml';
export const STRATA_DIR = '.strata';

/** Anything a capability adds to the project graph (models, metrics, features, ...). */
export interface ProjectNode {
  readonly kind: string;
  /** Globally unique, dbt-style: "model.my_project.orders". */
  readonly uniqueId: string;
  readonly name: string;
  readonly location: SourceLocation;
}

/** Something worth telling the user that does not stop loading. */
export interface ProjectWarning {
  readonly code: string;
  readonly message: string;
  readonly location?: SourceLocation;
}

/** What an extension gets to build its nodes from. */
export interface ProjectLoadContext {
  readonly root: string;
  readonly config: ProjectConfig;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly paths: ProjectPaths;
  warn(warning: ProjectWarning): void;
}

/** A capability's loader: reads its files and returns its nodes. Called in order; may see earlier nodes. */
export interface ProjectExtension {
  readonly name: string;
  load(context: ProjectLoadContext, nodesSoFar: ReadonlyMap<string, ProjectNode>): ProjectNode[];
}

export interface ProjectPaths {
  /** `.strata/` inside the project: warehouse, state, server lock. */
  readonly strataDir: string;
  readonly targetDir: string;
  readonly models: readonly string[];
  readonly seeds: readonly string[];
  readonly tests: readonly string[];
  readonly macros: readonly string[];
  readonly snapshots: readonly string[];
  readonly analyses: readonly string[];
}

export type ResolvedStateConfig =
  | { readonly type: 'sqlite'; readonly path: string }
  | (Extract<StateConfig, { type: 'postgres' }> & { readonly type: 'postgres' });

/** The loaded project: one immutable graph that every capability reads. */
export interface Project {
  readonly root: string;
  readonly name: string;
  /** The file the project was loaded from (strata.yml, else dbt_project.yml). */
  readonly configFile: string;
  readonly config: ProjectConfig;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly targets: ReadonlyMap<string, TargetConfig>;
  /** The target this load selected (--target, else `target:` in strata.yml, else the profile's). */
  readonly target: ResolvedTarget;
  readonly paths: ProjectPaths;
  readonly state: ResolvedStateConfig;
  readonly serve: ServeConfig;
  readonly nodes: ReadonlyMap<string, ProjectNode>;
  readonly warnings: readonly ProjectWarning[];
}

export interface LoadProjectOptions {
  /** Target name, as given by --target. */
  readonly target?: string;
  /** Values from --vars; they win over strata.yml `vars:`. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Where to look for profiles.yml first (--profiles-dir). */
  readonly profilesDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly extensions?: readonly ProjectExtension[];
  /**
   * With several targets and none chosen, take the first instead of failing. For commands that
   * look at every target (debug); commands that write must not guess between dev and prod.
   */
  readonly anyTargetWillDo?: boolean;
}

/** The project directory: `dir` itself or the nearest parent holding strata.yml or dbt_project.yml. */
export function findProjectRoot(dir: string): string {
  const start = resolve(dir);
  if (!existsSync(start)) {
    throw new StrataError('project_dir_missing', `Project directory ${start} does not exist.`, {
      hint: 'Pass --project-dir pointing at a folder with strata.yml, or run `strata init DIR` to create one.',
    });
  }
  for (let current = start; ; current = dirname(current)) {
    if (existsSync(join(current, PROJECT_FILE)) || existsSync(join(current, DBT_PROJECT_FILE))) return current;
    if (dirname(current) === current) break;
  }
  throw new StrataError('project_not_found', `No ${PROJECT_FILE} or ${DBT_PROJECT_FILE} in ${start} or any parent directory.`, {
    hint: 'Run `strata init DIR` to create a project, or pass --project-dir.',
  });
}

export function loadProject(dir: string, options: LoadProjectOptions = {}): Project {
  const root = findProjectRoot(dir);
  const env = options.env ?? process.env;
  const display = displayPath;

  // dbt_project.yml is the base when present; strata.yml's keys override it.
  const dbtPath = join(root, DBT_PROJECT_FILE);
  const strataPath = join(root, PROJECT_FILE);
  const files = [dbtPath, strataPath].filter((path) => existsSync(path)).map((path) => YamlFile.read(path, display(path)));
  let merged: Record<string, unknown> = {};
  let lastFile = files[files.length - 1]!;
  for (const file of files) {
    if (file.value === null) continue;
    if (typeof file.value !== 'object' || Array.isArray(file.value)) {
      throw new StrataError('config_invalid', `${file.path} must be a mapping of keys to values (like "name: my_project").`, {
        location: file.locate([]),
      });
    }
    const rawVars = (file.value as Record<string, unknown>).vars;
    const vars = { ...(isRecord(rawVars) ? rawVars : {}), ...(options.vars ?? {}) };
    const rendered = renderConfig(file.value, file, { env, vars }) as Record<string, unknown>;
    validateYaml(projectConfigSchema.partial(), rendered, file, [], 'project configuration');
    merged = { ...merged, ...rendered };
    lastFile = file;
  }
  const config = validateYaml(projectConfigSchema, merged, lastFile, [], 'project configuration');
  const vars = Object.freeze({ ...config.vars, ...(options.vars ?? {}) });

  const warnings: ProjectWarning[] = [];
  const paths = resolvePaths(root, config);
  const targetSet = loadTargets(root, config, lastFile, { env, vars, profilesDir: options.profilesDir, warnings, display });
  const targetName = chooseTarget(targetSet, options.target, config, options.anyTargetWillDo ?? false);
  const target: ResolvedTarget = { name: targetName, config: targetSet.targets.get(targetName)!, projectDir: root };

  const context: ProjectLoadContext = { root, config, vars, env, paths, warn: (w) => warnings.push(w) };
  const nodes = new Map<string, ProjectNode>();
  for (const extension of options.extensions ?? []) {
    for (const node of extension.load(context, nodes)) {
      const existing = nodes.get(node.uniqueId);
      if (existing) {
        throw new StrataError('duplicate_node', `Two ${node.kind}s are named '${node.name}' (${node.uniqueId}).`, {
          location: node.location,
          hint: `The other is defined at ${existing.location.file}${existing.location.line ? `:${existing.location.line}` : ''}.`,
        });
      }
      nodes.set(node.uniqueId, node);
    }
  }

  return deepFreeze({
    root,
    name: config.name,
    configFile: lastFile.path,
    config,
    vars,
    targets: targetSet.targets,
    target,
    paths,
    state: resolveState(root, config.state),
    serve: config.serve,
    nodes,
    warnings,
  });
}

function resolvePaths(root: string, config: ProjectConfig): ProjectPaths {
  const under = (list: readonly string[]) => list.map((path) => resolve(root, path));
  return {
    strataDir: join(root, STRATA_DIR),
    targetDir: resolve(root, config['target-path']),
    models: under(config['model-paths']),
    seeds: under(config['seed-paths']),
    tests: under(config['test-paths']),
    macros: under(config['macro-paths']),
    snapshots: under(config['snapshot-paths']),
    analyses: under(config['analysis-paths']),
  };
}

function resolveState(root: string, state: StateConfig | undefined): ResolvedStateConfig {
  if (!state || state.type === 'sqlite') {
    const path = state?.path ?? join(STRATA_DIR, 'state.db');
    return { type: 'sqlite', path: isAbsolute(path) ? path : resolve(root, path) };
  }
  return state;
}

interface TargetSet {
  readonly targets: Map<string, TargetConfig>;
  /** The default named by profiles.yml, if the targets came from there. */
  readonly profileDefault?: string;
}

function loadTargets(
  root: string,
  config: ProjectConfig,
  projectFile: YamlFile,
  context: {
    env: Readonly<Record<string, string | undefined>>;
    vars: Readonly<Record<string, unknown>>;
    profilesDir?: string;
    warnings: ProjectWarning[];
    display: (path: string) => string;
  },
): TargetSet {
  if (config.targets && Object.keys(config.targets).length > 0) {
    const targets = new Map<string, TargetConfig>();
    for (const [name, raw] of Object.entries(config.targets)) {
      targets.set(name, parseTarget(name, raw, projectFile, ['targets', name], 'strict'));
    }
    return { targets };
  }
  if (config.profile) {
    const profilesFile = findProfilesFile(root, context.profilesDir, context.env);
    if (!profilesFile) {
      throw new StrataError('profile_not_found', `Profile '${config.profile}' is named in the project, but no profiles.yml was found.`, {
        location: projectFile.locate(['profile']),
        hint: `Looked in --profiles-dir, $DBT_PROFILES_DIR, ${root} and ~/.dbt. Or define the connections under 'targets:' in ${PROJECT_FILE}.`,
      });
    }
    const file = YamlFile.read(profilesFile, context.display(profilesFile));
    const all = (isRecord(file.value) ? file.value : {}) as Record<string, unknown>;
    const profileNames = Object.keys(all).filter((key) => key !== 'config');
    if (!(config.profile in all)) {
      throw new StrataError('profile_not_found', `Profile '${config.profile}' is not in ${file.path}.`, {
        location: file.locate([]),
        hint: didYouMean(config.profile, profileNames),
      });
    }
    const rendered = renderConfig(all[config.profile], file, { env: context.env, vars: context.vars }, [config.profile]);
    const profile = validateYaml(profileSchema, rendered, file, [config.profile], 'profile');
    const targets = new Map<string, TargetConfig>();
    for (const [name, raw] of Object.entries(profile.outputs)) {
      // dbt adapters accept keys Strata does not use (retries, keepalives...): warn, do not fail.
      targets.set(name, parseTarget(name, raw, file, [config.profile, 'outputs', name], 'lenient', context.warnings));
    }
    return { targets, profileDefault: profile.target };
  }
  return { targets: new Map([['dev', targetSchema.parse({ type: 'duckdb' })]]) };
}

function findProfilesFile(root: string, profilesDir: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const candidates = [profilesDir, env.DBT_PROFILES_DIR, root, join(homedir(), '.dbt')].filter((dir): dir is string => Boolean(dir));
  return candidates.map((dir) => join(resolve(root, dir), 'profiles.yml')).find((path) => existsSync(path));
}

function parseTarget(
  name: string,
  raw: unknown,
  file: YamlFile,
  path: (string | number)[],
  mode: 'strict' | 'lenient',
  warnings: ProjectWarning[] = [],
): TargetConfig {
  if (!isRecord(raw)) {
    throw new StrataError('target_invalid', `Target '${name}' must be a mapping with at least a 'type' key.`, { location: file.locate(path) });
  }
  const type = raw.type;
  if (type === undefined) {
    throw new StrataError('target_invalid', `Target '${name}' has no 'type'.`, {
      location: file.locate(path),
      hint: `Add 'type: duckdb', 'type: postgres' or 'type: clickhouse'.`,
    });
  }
  if (!TARGET_TYPES.includes(type as (typeof TARGET_TYPES)[number])) {
    throw new StrataError('target_type_unknown', `Unknown target type '${String(type)}' for target '${name}': Strata connects to ${TARGET_TYPES.join(', ')}.`, {
      location: file.locate([...path, 'type']),
      hint: didYouMean(String(type), TARGET_TYPES),
    });
  }
  let value: Record<string, unknown> = raw;
  if (mode === 'lenient') {
    const option = targetSchema.options.find((o) => o.shape.type.value === type)!;
    const known = new Set(Object.keys(option.shape));
    value = {};
    for (const [key, item] of Object.entries(raw)) {
      if (known.has(key)) value[key] = item;
      else warnings.push({ code: 'target_key_ignored', message: `Target '${name}': key '${key}' is not used by Strata and is ignored.`, location: file.locate([...path, key], { key: true }) });
    }
  }
  return validateYaml(targetSchema, value, file, path, `target '${name}'`);
}

function chooseTarget(set: TargetSet, requested: string | undefined, config: ProjectConfig, anyTargetWillDo: boolean): string {
  const names = [...set.targets.keys()];
  const wanted = requested ?? config.target ?? set.profileDefault;
  if (wanted !== undefined) {
    if (set.targets.has(wanted)) return wanted;
    throw new StrataError('target_not_found', `Target '${wanted}' is not defined; this project defines ${names.map((n) => `'${n}'`).join(', ')}.`, {
      hint: didYouMean(wanted, names),
    });
  }
  if (set.targets.has('dev')) return 'dev';
  if (names.length === 1 || anyTargetWillDo) return names[0]!;
  throw new StrataError('target_ambiguous', `Several targets are defined (${names.join(', ')}) and none is chosen.`, {
    hint: `Pass --target NAME, or set 'target: NAME' in ${PROJECT_FILE}.`,
  });
}

/** A path as the user would write it: relative when under the working directory, else absolute. */
export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : path;
}

/** Where an embedded DuckDB target keeps its file. */
export function duckdbPath(target: ResolvedTarget): string | undefined {
  if (target.config.type !== 'duckdb') return undefined;
  const path = target.config.path ?? DEFAULT_DUCKDB_PATH;
  if (path === ':memory:') return undefined;
  return isAbsolute(path) ? path : resolve(target.projectDir, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map) {
      for (const item of value.values()) deepFreeze(item);
    } else {
      for (const item of Object.values(value)) deepFreeze(item);
    }
  }
  return value;
}
