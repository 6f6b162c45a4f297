import { didYouMean, StrataError, type SourceLocation } from '../core/index.js';
import { MATERIALIZATIONS, type Materialization, type ModelConfig } from './types.js';

/** Config names dbt accepts without a '+' in folder configs; other keys there are folders. */
const KNOWN_CONFIGS = new Set(['materialized', 'schema', 'alias', 'tags', 'enabled', 'database', 'docs', 'meta', 'persist_docs', 'pre-hook', 'post-hook', 'contract', 'access', 'group', 'full_refresh', 'grants', 'unique_key', 'incremental_strategy', 'on_schema_change']);

/**
 * Configs from strata.yml `models:` for a model at `fqn` ([project, ...folders, name]), as dbt
 * reads them: each level's `+key` applies to everything below it, deeper levels win, tags add up.
 */
export function folderConfig(models: Readonly<Record<string, unknown>> | undefined, fqn: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let level: unknown = models;
  for (const part of fqn) {
    if (!isRecord(level)) break;
    const next = level[part];
    if (!isRecord(next)) break;
    merge(result, configKeys(next));
    level = next;
  }
  return result;
}

function configKeys(level: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+')) out[key.slice(1)] = value;
    else if (KNOWN_CONFIGS.has(key) && !isRecord(value)) out[key] = value;
    else if (KNOWN_CONFIGS.has(key) && (key === 'meta' || key === 'docs' || key === 'contract' || key === 'grants')) out[key] = value;
  }
  return out;
}

/** Later layers win for scalars; tags accumulate (dbt's rule). */
export function merge(into: Record<string, unknown>, layer: Readonly<Record<string, unknown>>): Record<string, unknown> {
  for (const [key, value] of Object.entries(layer)) {
    if (key === 'tags') into.tags = [...new Set([...toList(into.tags), ...toList(value)])];
    else into[key] = value;
  }
  return into;
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Layers from lowest to highest precedence, checked into a ModelConfig. */
export function resolveConfig(layers: readonly Readonly<Record<string, unknown>>[], location: SourceLocation): ModelConfig {
  const merged: Record<string, unknown> = { materialized: 'view', tags: [], enabled: true };
  for (const layer of layers) merge(merged, layer);
  const materialized = String(merged.materialized);
  if (!MATERIALIZATIONS.includes(materialized as Materialization)) {
    const later = ['incremental', 'snapshot', 'materialized_view'].includes(materialized);
    throw new StrataError('materialization_unknown', `Materialization '${materialized}' is not ${later ? 'supported yet' : 'known'}; Strata builds ${MATERIALIZATIONS.join(', ')}.`, {
      location,
      hint: later ? 'Use table for now.' : didYouMean(materialized, MATERIALIZATIONS),
    });
  }
  for (const key of ['schema', 'alias'] as const) {
    if (merged[key] !== undefined && merged[key] !== null && typeof merged[key] !== 'string') {
      throw new StrataError('config_invalid', `config ${key} must be a string, got ${JSON.stringify(merged[key])}.`, { location });
    }
    if (merged[key] === null) delete merged[key];
  }
  return { ...merged, materialized: materialized as Materialization, tags: toList(merged.tags), enabled: merged.enabled !== false && merged.enabled !== 'false' } as ModelConfig;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}
