import type { StateStore } from '../state/index.js';
import { storeEvents } from './catalog-store.js';
import type { LineageEvent } from './model.js';
import { QueuedTransport, stderrLogger, type LineageLogger } from './transport.js';

/**
 * The built-in catalog as a transport: events go into the state store's lineage tables (the
 * store must have had lineageMigrations applied), each in its own transaction, off the job's path.
 */
export class CatalogTransport extends QueuedTransport {
  readonly name = 'catalog';
  constructor(
    private readonly state: StateStore,
    options: { maxQueue?: number; log?: LineageLogger } = {},
  ) {
    super(options.maxQueue ?? 10_000, options.log ?? stderrLogger);
  }
  protected async deliver(event: LineageEvent): Promise<void> {
    await this.state.transaction((tx) => storeEvents(tx, [event]));
  }
}
