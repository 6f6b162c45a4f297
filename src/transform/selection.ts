import { didYouMean, StrataError } from '../core/index.js';
import type { TransformGraph } from './graph.js';

export interface SelectionOptions {
  /** --select values; each may hold several space-separated terms. Empty means everything. */
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
}

export interface Selection {
  /** Selected unique ids (models and sources), in DAG order for models. */
  readonly ids: readonly string[];
  /** Terms that selected nothing (dbt warns about these). */
  readonly unmatched: readonly string[];
}

/**
 * dbt's node selection: `m`, `+m` (and ancestors), `m+` (and descendants), `2+m` / `m+1` (bounded),
 * `tag:x`, `path:dir`, `source:s[.t]`, `fqn:a.b`. Spaces are unions, commas intersections.
 */
export function selectNodes(graph: TransformGraph, options: SelectionOptions = {}): Selection {
  const unmatched: string[] = [];
  const all = [...graph.sources.keys(), ...graph.order];
  const select = terms(options.select);
  const included = select.length === 0 ? new Set(all) : union(select.map((term) => evaluateTerm(graph, term, unmatched)));
  const excluded = union(terms(options.exclude).map((term) => evaluateTerm(graph, term, unmatched)));
  const ids = all.filter((id) => included.has(id) && !excluded.has(id));
  return { ids, unmatched };
}

function terms(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/\s+/)).filter(Boolean);
}

function union(sets: Set<string>[]): Set<string> {
  const out = new Set<string>();
  for (const set of sets) for (const id of set) out.add(id);
  return out;
}

function evaluateTerm(graph: TransformGraph, term: string, unmatched: string[]): Set<string> {
  const parts = term.split(',').filter(Boolean).map((atom) => evaluateAtom(graph, atom));
  let result = parts[0] ?? new Set<string>();
  for (const part of parts.slice(1)) result = new Set([...result].filter((id) => part.has(id)));
  if (result.size === 0) unmatched.push(term);
  return result;
}

const ATOM = /^(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/;

function evaluateAtom(graph: TransformGraph, atom: string): Set<string> {
  const match = ATOM.exec(atom)!;
  const [, upDepth, body, downDepth] = match;
  const hasUp = /^\d*\+/.test(atom);
  const hasDown = /\+\d*$/.test(atom);
  const base = matchMethod(graph, body!);
  const result = new Set(base);
  for (const id of base) {
    if (hasUp) for (const found of graph.reach(id, 'up', upDepth ? Number(upDepth) : Infinity)) result.add(found);
    if (hasDown) for (const found of graph.reach(id, 'down', downDepth ? Number(downDepth) : Infinity)) result.add(found);
  }
  return result;
}

const METHODS = ['tag', 'path', 'source', 'fqn', 'config.materialized'];

function matchMethod(graph: TransformGraph, body: string): Set<string> {
  const colon = body.indexOf(':');
  const method = colon > 0 ? body.slice(0, colon) : body.includes('/') || body.endsWith('.sql') ? 'path' : 'fqn';
  const value = colon > 0 ? body.slice(colon + 1) : body;
  const out = new Set<string>();
  switch (method) {
    case 'tag':
      for (const model of graph.models.values()) if (model.config.tags.includes(value)) out.add(model.uniqueId);
      break;
    case 'config.materialized':
      for (const model of graph.models.values()) if (model.config.materialized === value) out.add(model.uniqueId);
      break;
    case 'path': {
      const wanted = value.replace(/\/+$/, '');
      for (const model of graph.models.values()) {
        const file = model.originalFilePath;
        if (file === wanted || file.startsWith(`${wanted}/`) || model.path === wanted || model.path.startsWith(`${wanted}/`)) out.add(model.uniqueId);
      }
      break;
    }
    case 'source':
      for (const source of graph.sources.values()) {
        if (value === source.sourceName || value === `${source.sourceName}.${source.name}`) out.add(source.uniqueId);
      }
      break;
    case 'fqn': {
      const parts = value.split('.');
      for (const model of graph.models.values()) {
        const fqn = model.fqn;
        const prefix = (from: number) => parts.every((part, i) => fqn[from + i] === part);
        if (model.name === value || prefix(0) || prefix(1)) out.add(model.uniqueId);
      }
      break;
    }
    default:
      throw new StrataError('selector_invalid', `Unknown selection method '${method}' in '${body}'.`, {
        hint: `${didYouMean(method, METHODS)} This version selects by ${METHODS.join(', ')}.`,
      });
  }
  return out;
}
