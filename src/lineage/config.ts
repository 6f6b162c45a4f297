import type { StateStore } from '../state/index.js';
import { CatalogTransport } from './catalog-transport.js';
import { HttpTransport } from './http-transport.js';
import { CompositeTransport, NoopTransport, stderrLogger, type LineageLogger, type Transport } from './transport.js';

/** Lineage settings, read from the standard OpenLineage environment variables. */
export interface LineageEnvConfig {
  readonly disabled: boolean;
  readonly url?: string;
  readonly endpoint?: string;
  readonly apiKey?: string;
}

export function lineageConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LineageEnvConfig {
  const disabled = /^(1|true|yes|on)$/i.test(env.OPENLINEAGE_DISABLED?.trim() ?? '');
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return { disabled, url: blank(env.OPENLINEAGE_URL), endpoint: blank(env.OPENLINEAGE_ENDPOINT), apiKey: blank(env.OPENLINEAGE_API_KEY) };
}

/**
 * The transport a Strata command uses: the built-in catalog when a state store is open, plus an
 * HTTP backend when OPENLINEAGE_URL is set, fanned out so each is independent. Nothing at all
 * when OPENLINEAGE_DISABLED is set.
 */
export function transportFromEnv(options: { env?: NodeJS.ProcessEnv; state?: StateStore; log?: LineageLogger } = {}): Transport {
  const config = lineageConfigFromEnv(options.env);
  if (config.disabled) return new NoopTransport();
  const log = options.log ?? stderrLogger;
  const targets: Transport[] = [];
  if (options.state) targets.push(new CatalogTransport(options.state, { log }));
  if (config.url) targets.push(new HttpTransport({ url: config.url, endpoint: config.endpoint, apiKey: config.apiKey, log }));
  if (targets.length === 0) return new NoopTransport();
  return targets.length === 1 ? targets[0]! : new CompositeTransport(targets);
}
