import nunjucks from 'nunjucks';
import { StrataError, type SourceLocation } from '../core/index.js';
import type { MacroNode, Reference } from './types.js';

/**
 * What one render of a model sees and records. Rendering is synchronous, so the globals of a
 * shared environment read the current state instead of closing over one model.
 */
export interface RenderState {
  /** Resolves ref() to SQL text; returns an error instead of throwing (nunjucks flattens throws). */
  ref(args: readonly string[]): string | StrataError;
  source(sourceName: string, tableName: string): string | StrataError;
  /** `this`: the model's own relation. */
  readonly self: string;
  readonly references: Reference[];
  /** Merged config(...) calls, later calls winning. */
  readonly config: Record<string, unknown>;
  readonly macrosUsed: Set<string>;
}

export interface JinjaOptions {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly macros: readonly MacroNode[];
}

/** A nunjucks environment with dbt's context: ref, source, config, var, env_var, is_incremental, macros. */
export class JinjaRenderer {
  private readonly environment: nunjucks.Environment;
  private state: RenderState | undefined;
  /** The first problem a global met during the current render; thrown once rendering ends. */
  private problem: StrataError | undefined;

  constructor(private readonly options: JinjaOptions) {
    this.environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    this.addGlobals();
    this.loadMacros();
  }

  /** Renders a model's text. `file` is shown in errors. */
  render(raw: string, file: string, state: RenderState): string {
    let template: nunjucks.Template;
    try {
      // Compiling eagerly separates syntax errors (1-based lines) from runtime ones (0-based).
      template = new nunjucks.Template(raw, this.environment, file, true);
    } catch (error) {
      throw templateError(error, file, 0);
    }
    this.state = state;
    this.problem = undefined;
    let text: string;
    try {
      text = template.render({ this: state.self });
    } catch (error) {
      throw this.problem ?? templateError(error, file, 1);
    } finally {
      this.state = undefined;
    }
    if (this.problem) throw this.problem;
    return text;
  }

  private current(): RenderState {
    if (!this.state) throw new Error('A model function was called outside of rendering a model');
    return this.state;
  }

  private fail(error: StrataError): string {
    this.problem ??= error;
    return '';
  }

  private addGlobals(): void {
    const { vars, env } = this.options;
    const add = (name: string, fn: (...args: unknown[]) => unknown) => this.environment.addGlobal(name, fn);
    add('ref', (...args) => {
      const positional = withoutKeywords(args).map(String);
      const state = this.current();
      if (positional.length < 1 || positional.length > 2) return this.fail(new StrataError('ref_invalid', `ref() takes a model name, or a package and a model name; got ${positional.length} arguments.`));
      state.references.push({ kind: 'ref', args: positional });
      const resolved = state.ref(positional);
      return typeof resolved === 'string' ? resolved : this.fail(resolved);
    });
    add('source', (...args) => {
      const positional = withoutKeywords(args).map(String);
      const state = this.current();
      if (positional.length !== 2) return this.fail(new StrataError('source_invalid', `source() takes a source name and a table name; got ${positional.length} arguments.`));
      state.references.push({ kind: 'source', args: positional });
      const resolved = state.source(positional[0]!, positional[1]!);
      return typeof resolved === 'string' ? resolved : this.fail(resolved);
    });
    add('config', (...args) => {
      const keywords = args.find(isKeywords);
      const state = this.current();
      if (keywords) {
        for (const [key, value] of Object.entries(keywords)) if (key !== '__keywords') state.config[key] = value;
      }
      // config({...}) with a dict, as some projects write it.
      for (const arg of withoutKeywords(args)) if (arg && typeof arg === 'object') Object.assign(state.config, arg);
      return '';
    });
    add('var', (name, fallback) => {
      const key = String(name);
      if (key in vars) return vars[key];
      if (fallback !== undefined) return fallback;
      return this.fail(new StrataError('var_missing', `Required var '${key}' not found in the project's vars or --vars.`, {
        hint: `Set it under 'vars:' in strata.yml, pass --vars '{${key}: ...}', or give a default: var('${key}', 'value').`,
      }));
    });
    add('env_var', (name, fallback) => {
      const key = String(name);
      const found = env[key];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      return this.fail(new StrataError('env_var_missing', `Env var required but not provided: '${key}'.`, {
        hint: `Set ${key} in the environment, or give a default: env_var('${key}', 'value').`,
      }));
    });
    // Incremental models are not built yet, so every build is a full build.
    add('is_incremental', () => false);
  }

  /** Each macro file is compiled once and its macros become globals, callable from any model. */
  private loadMacros(): void {
    const byFile = new Map<string, MacroNode[]>();
    for (const macro of this.options.macros) byFile.set(macro.location.file, [...(byFile.get(macro.location.file) ?? []), macro]);
    for (const [file, macros] of byFile) {
      let template: nunjucks.Template;
      try {
        template = new nunjucks.Template(macros[0]!.fileText, this.environment, file, true);
      } catch (error) {
        throw templateError(error, file, 0);
      }
      let exported: Record<string, unknown> = {};
      // getExported is public in nunjucks but missing from its type definitions.
      const exporter = template as unknown as { getExported(ctx: object, frame: null, cb: (error: unknown, result: unknown) => void): void };
      exporter.getExported({}, null, (error, result) => {
        if (error) throw templateError(error, file, 1);
        exported = result as Record<string, unknown>;
      });
      for (const macro of macros) {
        const fn = exported[macro.name];
        if (typeof fn !== 'function') continue;
        this.environment.addGlobal(macro.name, (...args: unknown[]) => {
          this.state?.macrosUsed.add(macro.uniqueId);
          return (fn as (...a: unknown[]) => unknown)(...args);
        });
      }
    }
  }
}

function isKeywords(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && (value as { __keywords?: boolean }).__keywords === true;
}

function withoutKeywords(args: unknown[]): unknown[] {
  return args.filter((arg) => !isKeywords(arg));
}

/**
 * nunjucks puts the position in its message: "(file) [Line 3, Column 10]\n  unexpected token".
 * Runtime errors count lines from 0, syntax errors from 1; `lineOffset` evens them out.
 */
export function templateError(error: unknown, file: string, lineOffset: number): StrataError {
  const message = error instanceof Error ? error.message : String(error);
  const match = /\[Line (\d+), Column (\d+)\]/.exec(message);
  const reason = message.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('(')).pop() ?? message;
  const location: SourceLocation = match ? { file, line: Number(match[1]) + lineOffset, column: Number(match[2]) } : { file };
  return new StrataError('jinja_error', `Jinja error: ${reason.replace(/^Error: /, '')}`, { location, cause: error });
}
