import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LineageEvent } from './model.js';

/**
 * Where emitted events go. `emit` never throws and never waits: a lineage backend being down must
 * not fail or slow the job that produced the event. `flush` waits (bounded) for queued events.
 */
export interface Transport {
  readonly name: string;
  emit(event: LineageEvent): void;
  flush(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  stats(): TransportStats;
}

export interface TransportStats {
  /** Events handed over successfully. */
  readonly sent: number;
  /** Events given up on after every retry. */
  readonly failed: number;
  /** Events discarded because the buffer was full. */
  readonly dropped: number;
  readonly pending: number;
}

/** How transports report problems without throwing into the job. Default: one stderr line. */
export type LineageLogger = (message: string) => void;
export const stderrLogger: LineageLogger = (message) => {
  process.stderr.write(`strata lineage: ${message}\n`);
};

class Counters {
  sent = 0;
  failed = 0;
  dropped = 0;
  snapshot(pending = 0): TransportStats {
    return { sent: this.sent, failed: this.failed, dropped: this.dropped, pending };
  }
}

/** JSON lines on a stream (stderr by default, so stdout stays the command's own output). */
export class ConsoleTransport implements Transport {
  readonly name = 'console';
  private readonly counters = new Counters();
  constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {}
  emit(event: LineageEvent): void {
    try {
      this.stream.write(`${JSON.stringify(event)}\n`);
      this.counters.sent++;
    } catch {
      this.counters.failed++;
    }
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  stats(): TransportStats {
    return this.counters.snapshot();
  }
}

/**
 * NDJSON file, appended. Each event is one write(2) of one line on an O_APPEND descriptor, so
 * concurrent writers (several strata processes) interleave whole lines, never parts of lines.
 */
export class FileTransport implements Transport {
  readonly name = 'file';
  private readonly counters = new Counters();
  constructor(
    readonly path: string,
    private readonly log: LineageLogger = stderrLogger,
  ) {}
  emit(event: LineageEvent): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, `${JSON.stringify(event)}\n`);
      this.counters.sent++;
    } catch (error) {
      this.counters.failed++;
      this.log(`cannot append to ${this.path}: ${(error as Error).message}`);
    }
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  stats(): TransportStats {
    return this.counters.snapshot();
  }
}

/** Fan-out: every target gets every event; one failing target does not affect the others. */
export class CompositeTransport implements Transport {
  readonly name = 'composite';
  constructor(readonly targets: readonly Transport[]) {}
  emit(event: LineageEvent): void {
    for (const target of this.targets) {
      try {
        target.emit(event);
      } catch {
        // Transports promise not to throw; a broken one still must not stop the others.
      }
    }
  }
  async flush(timeoutMs?: number): Promise<void> {
    await Promise.allSettled(this.targets.map((t) => t.flush(timeoutMs)));
  }
  async close(): Promise<void> {
    await Promise.allSettled(this.targets.map((t) => t.close()));
  }
  stats(): TransportStats {
    const all = this.targets.map((t) => t.stats());
    const sum = (k: keyof TransportStats) => all.reduce((n, s) => n + s[k], 0);
    return { sent: sum('sent'), failed: sum('failed'), dropped: sum('dropped'), pending: sum('pending') };
  }
}

/** OPENLINEAGE_DISABLED: events go nowhere. */
export class NoopTransport implements Transport {
  readonly name = 'noop';
  emit(): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  stats(): TransportStats {
    return { sent: 0, failed: 0, dropped: 0, pending: 0 };
  }
}

/**
 * A bounded FIFO drained by one async worker: shared by the http and catalog transports.
 * When full, the oldest event is dropped (and counted) so memory stays bounded and the newest
 * state of each run is what survives.
 */
export abstract class QueuedTransport implements Transport {
  abstract readonly name: string;
  protected readonly counters = new Counters();
  private readonly queue: LineageEvent[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private inFlight = 0;

  constructor(
    protected readonly maxQueue: number,
    protected readonly log: LineageLogger,
  ) {}

  /** Deliver one event; resolve when delivered, reject when it is given up on. */
  protected abstract deliver(event: LineageEvent, signal: { stopped: boolean }): Promise<void>;

  private readonly stopSignal = { stopped: false };

  emit(event: LineageEvent): void {
    if (this.closed) {
      this.counters.dropped++;
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.counters.dropped++;
      if (this.counters.dropped === 1 || this.counters.dropped % 100 === 0) {
        this.log(`${this.name}: buffer of ${this.maxQueue} events full; ${this.counters.dropped} dropped so far`);
      }
    }
    this.queue.push(event);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopSignal.stopped) {
      const event = this.queue.shift()!;
      this.inFlight = 1;
      try {
        await this.deliver(event, this.stopSignal);
        this.counters.sent++;
      } catch (error) {
        this.counters.failed++;
        this.log(`${this.name}: event lost: ${(error as Error).message}`);
      } finally {
        this.inFlight = 0;
      }
    }
  }

  /** Waits until the queue is empty or timeoutMs passes, whichever is first; never throws. */
  async flush(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.draining && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.draining, new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
    }
  }

  /** Flushes for at most timeoutMs, then abandons whatever is still queued (counted as dropped) and waits for the attempt in flight. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    await this.flush(timeoutMs);
    this.stopSignal.stopped = true;
    this.counters.dropped += this.queue.length;
    this.queue.length = 0;
    // The attempt in flight is bounded by its own timeout and is not retried any more.
    await this.draining;
  }

  stats(): TransportStats {
    return this.counters.snapshot(this.queue.length + this.inFlight);
  }
}
