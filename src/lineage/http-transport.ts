import type { LineageEvent } from './model.js';
import { QueuedTransport, stderrLogger, type LineageLogger } from './transport.js';

export interface HttpTransportOptions {
  /** Base URL of the backend, e.g. http://marquez:5000. */
  readonly url: string;
  /** Path appended to url. Default 'api/v1/lineage' (Marquez and the OpenLineage clients). */
  readonly endpoint?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  /** Per attempt. Default 5000 ms, as the OpenLineage clients. */
  readonly timeoutMs?: number;
  /** Extra attempts after the first. Default 3. */
  readonly retries?: number;
  /** First backoff; doubles each retry. Default 250 ms. */
  readonly backoffMs?: number;
  /** Events held while the backend is slow; beyond it the oldest are dropped. Default 1000. */
  readonly maxQueue?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly log?: LineageLogger;
}

/** POSTs each event to an OpenLineage HTTP backend from a bounded background queue. */
export class HttpTransport extends QueuedTransport {
  readonly name: string;
  readonly target: string;
  private readonly options: Required<Pick<HttpTransportOptions, 'timeoutMs' | 'retries' | 'backoffMs'>> & HttpTransportOptions;

  constructor(options: HttpTransportOptions) {
    super(options.maxQueue ?? 1000, options.log ?? stderrLogger);
    this.options = { timeoutMs: 5000, retries: 3, backoffMs: 250, ...options };
    this.target = joinUrl(options.url, options.endpoint ?? 'api/v1/lineage');
    this.name = `http ${this.target}`;
  }

  protected async deliver(event: LineageEvent, signal: { stopped: boolean }): Promise<void> {
    const body = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(this.options.headers ?? {}) };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let lastError = '';
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) {
        if (signal.stopped) break;
        await sleep(this.options.backoffMs * 2 ** (attempt - 1));
      }
      try {
        const response = await fetch(this.target, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.options.timeoutMs) });
        // Drain the body so the keep-alive socket is reusable.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        lastError = `HTTP ${response.status}`;
        // A 4xx other than 408/429 will not get better by sending the same event again.
        if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
      } catch (error) {
        const e = error as Error;
        lastError = e.name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : (e.cause as Error | undefined)?.message ?? e.message;
      }
    }
    throw new Error(`POST ${this.target} failed: ${lastError}`);
  }
}

function joinUrl(base: string, endpoint: string): string {
  return `${base.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
