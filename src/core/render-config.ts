import nunjucks from 'nunjucks';
import { StrataError } from './errors.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

export interface ConfigRenderContext {
  /** Environment variables visible to env_var(); defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Project vars (from strata.yml `vars:` and `--vars`), visible to var(). */
  readonly vars?: Readonly<Record<string, unknown>>;
}

/**
 * Renders `{{ env_var('NAME', 'default') }}` and `{{ var('x') }}` in every string of a parsed
 * YAML value, as dbt does for dbt_project.yml and profiles.yml. Strings without Jinja are untouched.
 */
export function renderConfig(value: unknown, file: YamlFile, context: ConfigRenderContext = {}, path: YamlPath = []): unknown {
  const missing: string[] = [];
  const environment = createEnvironment(context, missing);
  const walk = (node: unknown, at: YamlPath): unknown => {
    if (typeof node === 'string') {
      return node.includes('{{') || node.includes('{%') ? renderString(environment, missing, node, file, at) : node;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...at, i]));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...at, key])]));
    }
    return node;
  };
  return walk(value, path);
}

function createEnvironment(context: ConfigRenderContext, missing: string[]): nunjucks.Environment {
  const env = context.env ?? process.env;
  const vars = context.vars ?? {};
  const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  environment.addGlobal('env_var', (name: string, fallback?: unknown) => {
    const found = env[name];
    if (found !== undefined) return found;
    if (fallback !== undefined) return fallback;
    // Recorded rather than thrown: nunjucks flattens thrown errors into message text.
    missing.push(name);
    return '';
  });
  environment.addGlobal('var', (name: string, fallback?: unknown) => (name in vars ? vars[name] : fallback));
  // dbt's casting filters; the rendered text is reinterpreted by the schema's coercion anyway.
  environment.addFilter('as_number', (v: unknown) => Number(v));
  environment.addFilter('as_bool', (v: unknown) => String(v).toLowerCase() === 'true');
  environment.addFilter('as_text', (v: unknown) => String(v));
  environment.addFilter('as_native', (v: unknown) => v);
  return environment;
}

function renderString(environment: nunjucks.Environment, missing: string[], text: string, file: YamlFile, path: YamlPath): string {
  let rendered: string;
  try {
    rendered = environment.renderString(text, {});
  } catch (error) {
    const message = (error as Error).message.split('\n').map((line) => line.trim()).filter(Boolean).pop();
    throw new StrataError('template_error', `Cannot render ${JSON.stringify(text)}: ${message}`, {
      location: file.locate(path),
      cause: error,
    });
  }
  const name = missing.shift();
  if (name !== undefined) {
    missing.length = 0;
    throw new StrataError('env_var_missing', `Env var required but not provided: '${name}'.`, {
      location: file.locate(path),
      hint: `Set ${name} in the environment, or give a default: {{ env_var('${name}', 'value') }}.`,
    });
  }
  return rendered;
}
